"""The nbgrader course format: a course root with ``nbgrader_config.py``, ``course.yaml`` (the
roadmap manifest) and ``source/<assignment>/*.ipynb``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .manifest import MANIFEST_NAME, Manifest, ManifestError, load_manifest
from .notebooks import NotebookError, read_notebook

__all__ = [
    "MANIFEST_NAME",
    "Course",
    "CourseError",
    "Manifest",
    "ManifestError",
    "NotebookError",
    "find_course_root",
    "read_notebook",
]

NBGRADER_CONFIG = "nbgrader_config.py"


class CourseError(ValueError):
    """The course root or an assignment in it cannot be found."""


def find_course_root(start: Path) -> Path:
    """The course root: ``start`` itself if it holds ``nbgrader_config.py`` (as for nbgrader),
    else ``start/assignments`` (running from a clone of this repository)."""
    for candidate in (start, start / "assignments"):
        if (candidate / NBGRADER_CONFIG).is_file():
            return candidate.resolve()
    raise CourseError(
        f"{start}: no course here: expected {NBGRADER_CONFIG} in this folder or in "
        "./assignments (or pass --course-dir=PATH)"
    )


@dataclass(frozen=True)
class Course:
    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    def manifest(self) -> Manifest:
        return load_manifest(self.manifest_path)

    def source_assignments(self) -> list[str]:
        """Assignment folders in ``source/``, sorted (hidden folders ignored)."""
        if not self.source.is_dir():
            return []
        return sorted(
            p.name for p in self.source.iterdir() if p.is_dir() and not p.name.startswith(".")
        )

    def source_notebooks(self, assignment: str) -> list[Path]:
        folder = self.source / assignment
        if not folder.is_dir():
            raise CourseError(f"{folder}: no such assignment folder")
        return sorted(p for p in folder.glob("*.ipynb"))
