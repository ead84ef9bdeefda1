"""mlmath_lab: learn and teach the mathematics of machine learning in Jupyter.

The package has three sides:

- ``mlmath_lab.checks``: the kernel-side check library that students call from exercises;
- ``mlmath_lab.course``: the nbgrader course format (manifest, notebooks) and its validation;
- ``mlmath_lab.app``: the ``mlmath-lab`` command line (``validate``, ``lab``), configured with
  traitlets from the course's ``nbgrader_config.py``;

plus the JupyterLab extension (built into ``labextension/``) and its server extension.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0.dev0"

LABEXTENSION_NAME = "mlmath-lab"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": LABEXTENSION_NAME}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "mlmath_lab"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the server side: the roadmap and progress routes under ``/mlmath-lab/``."""
    # Imported here so that the kernel-side check library never imports jupyter_server.
    from .server.handlers import setup_handlers
    from .server.serverconfig import MlmathLabServer

    server = MlmathLabServer(config=server_app.config)
    setup_handlers(server_app.web_app, server, Path(server_app.root_dir), server_app.log)
    server_app.log.info("mlmath_lab server extension loaded")
