"""Prepare a fresh student workspace for the UI tests, then run a command in it.

    python prepare_workspace.py [--dir=DIR] [--reuse] [-- COMMAND ...]

Everything the test server writes goes under DIR (default: ``$MLMATH_LAB_UI_DIR``, else
``<system temp>/mlmath-lab-ui-tests``), which is emptied first unless ``--reuse`` is given:

    DIR/workspace/       the server's root_dir: the student versions of the course's
                         notebooks, made by `mlmath-lab lab --prepare-only`
    DIR/pristine/        a copy of them, outside the server's reach: a check saves the
                         notebook first, so each test puts the student version back before
                         it opens it (tests/utils.ts, openCourseNotebook)
    DIR/data/            JUPYTER_DATA_DIR (the progress store, runtime files)
    DIR/config/          JUPYTER_CONFIG_DIR (nothing from ~/.jupyter leaks in)
    DIR/user-settings/   JupyterLab user settings
    DIR/lab-workspaces/  JupyterLab workspaces (layouts)

DIR stays after the run, for inspection. If MLMATH_LAB_UI_SERVER_LOG is set (the Playwright
configuration sets it to ``server.log``), the command's output goes to that file under DIR. COMMAND (typically `jupyter lab --config
jupyter_server_test_config.py`) then replaces this process, with these variables set:
MLMATH_LAB_UI_DIR, JUPYTER_DATA_DIR, JUPYTER_CONFIG_DIR and JUPYTER_PREFER_ENV_PATH=1.
`--reuse` keeps DIR as it is (the workspace is still brought up to date, which never
overwrites an edited notebook): the server-restart test uses it to start the same server again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
COURSE_DIR = REPO / "assignments"


def default_dir() -> Path:
    env = os.environ.get("MLMATH_LAB_UI_DIR")
    return Path(env) if env else Path(tempfile.gettempdir()) / "mlmath-lab-ui-tests"


def mlmath_lab_command() -> list[str]:
    """The `mlmath-lab` command of the Python environment running this script."""
    beside = Path(sys.executable).with_name("mlmath-lab")
    found = str(beside) if beside.exists() else shutil.which("mlmath-lab")
    if not found:
        sys.exit(
            "prepare_workspace: no `mlmath-lab` command; install the project first "
            "(bash .ci/test creates .venv) and put .venv/bin on PATH"
        )
    return [found]


def prepare(root: Path, reuse: bool) -> dict[str, str]:
    if root.exists() and not reuse:
        shutil.rmtree(root)
    dirs = {
        name: root / name
        for name in ("workspace", "data", "config", "user-settings", "lab-workspaces")
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)

    cmd = [
        *mlmath_lab_command(),
        "lab",
        "--prepare-only",
        f"--course-dir={COURSE_DIR}",
        f"--workspace={dirs['workspace']}",
    ]
    print(f"prepare_workspace: {' '.join(cmd)}", file=sys.stderr, flush=True)
    done = subprocess.run(cmd, check=False, stdout=sys.stderr)
    if done.returncode != 0:
        sys.exit(f"prepare_workspace: `mlmath-lab lab --prepare-only` failed ({done.returncode})")
    notebooks = sorted(dirs["workspace"].glob("*/*.ipynb"))
    if not notebooks:
        sys.exit(f"prepare_workspace: no notebook was placed in {dirs['workspace']}")
    for nb in notebooks:
        print(f"prepare_workspace: placed {nb.relative_to(root)}", file=sys.stderr, flush=True)
        pristine = root / "pristine" / nb.relative_to(dirs["workspace"])
        if not pristine.exists():  # --reuse: the workspace may hold a test's edits by now
            pristine.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, pristine)

    return {
        "MLMATH_LAB_UI_DIR": str(root),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_PREFER_ENV_PATH": "1",
    }


def main(argv: list[str]) -> None:
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1 :]
    else:
        command = []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="where the test server writes")
    parser.add_argument("--reuse", action="store_true", help="do not empty DIR first")
    args = parser.parse_args(argv)

    root = (args.dir or default_dir()).expanduser().resolve()
    env = prepare(root, args.reuse)
    if not command:
        for key, value in env.items():
            print(f"{key}={value}")
        return
    os.environ.update(env)
    log = os.environ.get("MLMATH_LAB_UI_SERVER_LOG")
    if log:
        # Send the server's output to a file (relative paths are under DIR), keeping the
        # test runner's console readable.
        log_path = root / log
        print(f"prepare_workspace: server log: {log_path}", file=sys.stderr, flush=True)
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    sys.stdout.flush()
    try:
        os.execvp(command[0], command)
    except FileNotFoundError:
        sys.exit(f"prepare_workspace: command not found: {command[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
