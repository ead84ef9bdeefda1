"""Make the student version of an assignment with nbgrader's own ``GenerateAssignment``.

It runs in a scratch copy of the course so that checking or preparing a workspace never
touches the instructor's ``release/`` folder or gradebook.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config

from . import Course, CourseError


class ReleaseError(RuntimeError):
    """nbgrader could not generate the release version; carries nbgrader's own messages."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def ensure_alembic_on_path() -> None:
    """nbgrader creates its gradebook by running ``alembic`` from PATH; use this environment's."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def _class_name(preprocessor: type | str) -> str:
    """A preprocessor of nbgrader's list: a class, or its dotted name (from a config file)."""
    if isinstance(preprocessor, str):
        return preprocessor.rsplit(".", 1)[-1]
    return preprocessor.__name__


def generate_release(course: Course, assignment: str, scratch: Path, config: Config) -> Path:
    """Generate ``assignment``'s release in a scratch course under ``scratch``; return its folder."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    source = course.source / assignment
    if not source.is_dir():
        raise CourseError(f"{source}: no such assignment folder")
    root = scratch / "course"
    shutil.copytree(source, root / "source" / assignment, dirs_exist_ok=True)
    cfg = Config(config)
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"  # never created
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    app = GenerateAssignment(coursedir=coursedir, config=cfg)
    app.force = True
    # The scratch course is thrown away: no gradebook to make (nbgrader runs alembic in a
    # subprocess for it, seconds) and no cells to save in one. The notebooks are converted
    # by nbgrader's own preprocessors all the same.
    app.no_database = True
    app.preprocessors = [p for p in app.preprocessors if _class_name(p) != "SaveCells"]
    collected = _Collect()
    app.log.addHandler(collected)
    try:
        app.start()
    except Exception as error:
        details = "; ".join(collected.messages) or str(error)
        raise ReleaseError(f"{source}: nbgrader generate_assignment failed: {details}") from None
    finally:
        app.log.removeHandler(collected)
    return root / "release" / assignment
