"""Jupyter server configuration for the mlmath-lab UI tests (Galata).

!! Never use this configuration outside the tests: it disables authentication and exposes
JupyterLab's JavaScript objects through the global ``window`` variable.

It is meant to be loaded by ``jlpm start``, i.e. through prepare_workspace.py, which prepares
a fresh student workspace and sets ``MLMATH_LAB_UI_DIR`` (see that file for the layout).
"""

import contextlib
import os
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

configure_jupyter_server(c)

# configure_jupyter_server made an empty root and workspaces folder in the system temp folder;
# ours replace them, so remove them (rmdir only ever removes an empty folder).
for galata_made in (c.ServerApp.root_dir, c.LabApp.workspaces_dir):
    with contextlib.suppress(OSError):
        os.rmdir(galata_made)

ui_dir = os.environ.get("MLMATH_LAB_UI_DIR")
if not ui_dir:
    raise SystemExit(
        "jupyter_server_test_config.py: MLMATH_LAB_UI_DIR is not set; start the test server "
        "with `jlpm start` (python prepare_workspace.py -- jupyter lab --config ...)"
    )
ui_dir = Path(ui_dir)

# The student workspace: 01-linear-algebra/linear_algebra.ipynb, ... (release versions).
c.ServerApp.root_dir = str(ui_dir / "workspace")
# Settings and layouts written during the tests stay in the test folder, never in ~/.jupyter.
c.LabApp.user_settings_dir = str(ui_dir / "user-settings")
c.LabApp.workspaces_dir = str(ui_dir / "lab-workspaces")

# Loopback only; galata expects port 8888 (the server-restart test passes --port=8889).
c.ServerApp.ip = "127.0.0.1"
# The tests run as root in CI containers.
c.ServerApp.allow_root = True
# The mlmath_lab server extension needs no setting here: by default it reads the roadmap from
# the manifest that `mlmath-lab lab --prepare-only` copied into the workspace, and keeps the
# progress store under JUPYTER_DATA_DIR, which prepare_workspace.py points into the test folder
# (so every run starts with no progress).

# Uncomment to set server log level to debug level
# c.ServerApp.log_level = "DEBUG"
