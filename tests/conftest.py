"""Shared fixtures: a copy of the real course to break, and the server extension enabled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "assignments"


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"mlmath_lab": True}}}


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A scratch copy of the course root (source and manifest only), safe to break."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copy(COURSE / "course.yaml", root)
    shutil.copytree(COURSE / "source", root / "source")
    return root


def cli_env() -> dict[str, str]:
    """The environment an instructor's shell has: this venv's bin first (nbgrader runs
    alembic from PATH) and kernels taken from this environment."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_PREFER_ENV_PATH": "1",
    }


def mlmath_lab(
    *args: str, timeout: int = 600, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``mlmath-lab`` command as a user would (in ``cwd``), capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "mlmath_lab.app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        cwd=cwd,
        check=False,
    )
