"""Read course notebooks and find their nbgrader exercises.

An exercise is one graded nbgrader test cell (``grade: true`` with points, a code cell) and the
solution cells before it, back to the previous graded test cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


class NotebookError(ValueError):
    """A notebook cannot be read; the message names the file (and the line, for bad JSON)."""


@dataclass(frozen=True)
class GradedTest:
    """A graded test cell and the solution cells it checks."""

    notebook: Path
    index: int  # the cell's position in the notebook
    grade_id: str
    points: float
    source: str
    solution_ids: tuple[str, ...]


def read_notebook(path: Path) -> NotebookNode:
    """Read a notebook as nbformat v4, with an error that names the file when it is broken."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"{path}: not UTF-8 text ({error.reason})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError(f"{path}: not a Jupyter notebook (no 'cells' list)")
    # imported here: nbformat's schema validation pulls in jsonschema's format checkers (2 s
    # here), which the code that only looks at cells (a proof in a pre-warmed child) skips
    import nbformat

    try:
        return nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several types for malformed documents
        raise NotebookError(f"{path}: not a valid notebook: {error}") from None


def nbgrader_meta(cell: NotebookNode) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def cell_label(index: int, cell: NotebookNode) -> str:
    """How a problem report names a cell: its position and, if it has one, its grade id."""
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


def is_graded_test(cell: NotebookNode) -> bool:
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_solution(cell: NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def graded_tests(path: Path, nb: NotebookNode) -> list[GradedTest]:
    tests: list[GradedTest] = []
    solutions: list[str] = []
    for index, cell in enumerate(nb["cells"]):  # a NotebookNode or its plain JSON
        meta = nbgrader_meta(cell)
        if is_solution(cell) and cell.get("cell_type") == "code":
            solutions.append(str(meta.get("grade_id", "")))
        elif is_graded_test(cell):
            tests.append(
                GradedTest(
                    path,
                    index,
                    str(meta.get("grade_id", "")),
                    float(meta.get("points", 0) or 0),
                    cell["source"],
                    tuple(solutions),
                )
            )
            solutions = []
    return tests


def split_marked(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """The stripped, non-empty lines inside ``begin``/``end`` blocks, and those outside them."""
    inside_lines: list[str] = []
    outside_lines: list[str] = []
    inside = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == begin:
            inside = True
        elif stripped == end:
            inside = False
        elif stripped:
            (inside_lines if inside else outside_lines).append(stripped)
    return inside_lines, outside_lines
