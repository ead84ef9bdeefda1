"""Fingerprints of the solution code a check was about, so the roadmap can tell whether the
saved code is still the code that was checked.

A check is recorded only on saved code (the frontend saves before it checks). When it is
recorded, the frontend names the notebook; the server reads that saved notebook, takes the
exercise's solution cells with the course's one cell classifier
(:func:`mlmath_lab.course.notebooks.graded_tests`) and stores a SHA-256 of their sources with
the exercise's progress (``code_sha256``, ``notebook``). On every read of the progress, the same
fingerprint of the file as it is now says whether the code was edited since
(``edited_since_check``); a notebook that is gone, broken, or no longer holds the exercise
counts as edited, since the code checked is no longer on disk. So does a notebook saved again
while the check ran (the frontend says so): its fingerprint is stored as null.

Notebooks are parsed once per change (keyed by mtime, size and inode), so the sidebar's reads
stay cheap while the student works. Only files that resolve inside the server's root are read.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ..course.notebooks import graded_tests, is_solution, read_notebook
from .roadmap import StatCache

NOTEBOOK_KEY = "notebook"
FINGERPRINT_KEY = "code_sha256"
EDITED_KEY = "edited_since_check"

Fingerprints = dict[str, str]  # grade_id → SHA-256 of its solution cells' sources


def solution_fingerprints(nb: Any) -> Fingerprints:
    """Each graded test cell's ``grade_id`` → the fingerprint of its solution cells.

    The cells are those :func:`graded_tests` assigns to the test: the code solution cells
    after the previous graded test cell. The sources are hashed as a JSON list, so moving a
    line from one solution cell to the next is an edit too.
    """
    fingerprints: Fingerprints = {}
    start = 0
    cells = nb["cells"]
    for test in graded_tests(Path(), nb):
        sources = [
            _source(cell)
            for cell in cells[start : test.index]
            if is_solution(cell) and cell.get("cell_type") == "code"
        ]
        text = json.dumps(sources, ensure_ascii=False)
        fingerprints.setdefault(test.grade_id, hashlib.sha256(text.encode("utf-8")).hexdigest())
        start = test.index + 1
    return fingerprints


def _source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


class SolutionCode:
    """The fingerprints of the saved notebooks under one server root."""

    def __init__(self, root: Path, log: logging.Logger | None = None) -> None:
        self.root = root.expanduser().resolve()
        self.log = log or logging.getLogger(__name__)
        self._cache: StatCache[Fingerprints | None] = StatCache()

    def locate(self, relative: str) -> Path | None:
        """The notebook's real path, if ``relative`` names a file inside the root.

        Absolute paths, ``..`` that leave the root and symlinks that point out of it count as
        absent: the server never reads a file it would not serve.
        """
        if not relative or "\0" in relative or Path(relative).is_absolute():
            return None
        try:
            resolved = (self.root / relative).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):  # missing, unreadable, a symlink loop
            return None
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved

    def fingerprint(self, relative: str, grade_id: str) -> str | None:
        """The fingerprint of the exercise's solution code as saved in ``relative``, or None
        when the notebook is outside the root, missing, unreadable or lacks the exercise."""
        path = self.locate(relative)
        if path is None:
            return None
        try:
            fingerprints = self._cache.get(path, self._read)
        except OSError:  # removed between locate and now
            return None
        return None if fingerprints is None else fingerprints.get(grade_id)

    def annotate(self, exercise_id: str, entry: dict[str, Any]) -> dict[str, Any]:
        """A copy of a progress entry with ``edited_since_check`` as the files are now: set
        when the entry has a fingerprint, absent otherwise (a check recorded without one)."""
        annotated = dict(entry)
        annotated.pop(EDITED_KEY, None)  # computed here, never taken from the file
        notebook = entry.get(NOTEBOOK_KEY)
        if isinstance(notebook, str) and FINGERPRINT_KEY in entry:
            stored = entry[FINGERPRINT_KEY]  # null: the code checked was never on disk
            grade_id = exercise_id.partition("/")[2]
            annotated[EDITED_KEY] = stored is None or self.fingerprint(notebook, grade_id) != stored
        return annotated

    def annotate_progress(self, progress: dict[str, Any]) -> dict[str, Any]:
        """The progress route's answer: every exercise entry annotated."""
        exercises = {
            exercise_id: self.annotate(exercise_id, entry)
            for exercise_id, entry in progress["exercises"].items()
        }
        return {**progress, "exercises": exercises}

    def _read(self, path: Path) -> Fingerprints | None:
        try:
            return solution_fingerprints(read_notebook(path))
        except Exception as error:  # a student's file can be broken in any way
            # cached like a good result: a broken notebook warns once per change
            self.log.warning("progress: cannot read %s: %s", path, error)
            return None
