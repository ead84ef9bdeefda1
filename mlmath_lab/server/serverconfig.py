"""The server extension's settings: ``c.MlmathLabServer.<trait>`` in ``jupyter_server_config.py``
or on the command line (``jupyter lab --MlmathLabServer.progress_dir=...``)."""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Unicode
from traitlets.config import Configurable

from ..course.manifest import MANIFEST_NAME
from ..workspace import STATE_DIR, workspace_manifest_path

PROGRESS_FOLDER = "mlmath_lab"
# set by Binder in every session it starts
BINDER_VARIABLES = ("BINDER_LAUNCH_HOST", "BINDER_REQUEST")


class MlmathLabServer(Configurable):
    manifest_path = Unicode(
        "",
        help=f"""The course manifest (course.yaml) that the roadmap shows. A relative path is
        taken from the server's root_dir. Default: <root_dir>/{STATE_DIR}/{MANIFEST_NAME}, the
        copy that `mlmath-lab lab` puts in the workspace.""",
    ).tag(config=True)

    progress_dir = Unicode(
        "",
        help=f"""Where this user's progress (progress.json) is kept. Default:
        <Jupyter data dir>/{PROGRESS_FOLDER}, which is per user on a laptop and on JupyterHub
        alike, and outside root_dir so that a student cannot delete it by tidying files.""",
    ).tag(config=True)

    temporary_session = Bool(
        None,
        allow_none=True,
        help="""Whether this server keeps nothing when it stops, as on Binder: the roadmap
        then offers to export the student's progress and notebooks. Default: detected
        (Binder sets BINDER_LAUNCH_HOST or BINDER_REQUEST in the server's environment).""",
    ).tag(config=True)

    def is_temporary(self) -> bool:
        if self.temporary_session is not None:
            return bool(self.temporary_session)
        return any(os.environ.get(name) for name in BINDER_VARIABLES)

    def manifest_file(self, root_dir: Path) -> Path:
        if not self.manifest_path:
            return workspace_manifest_path(root_dir)
        path = Path(self.manifest_path).expanduser()
        return path if path.is_absolute() else root_dir / path

    def progress_folder(self) -> Path:
        if self.progress_dir:
            return Path(self.progress_dir).expanduser().resolve()
        # Read when the extension loads, not at import, so JUPYTER_DATA_DIR set later counts.
        return Path(jupyter_data_dir()) / PROGRESS_FOLDER
