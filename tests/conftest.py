"""Shared fixtures: a copy of the real course to break, and the server extension enabled."""

from __future__ import annotations

import shutil
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
