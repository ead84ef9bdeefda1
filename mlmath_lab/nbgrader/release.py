"""The release step: nbgrader's ``ClearHiddenTests``, which also marks the test cells it
cleared, so that a student's notebook says which checks have more cases at grading time.

A student's inline check runs only the visible cases: for an exercise whose test cell had a
hidden region, "passed" would claim more than was checked. The mark
(``cell.metadata.mlmath_lab.hidden_cases = true``) lets the extension say "visible cases
passed · more cases run when your work is graded". It is derived from the source notebook at
release time, so it cannot drift from the hidden tests. The instructor's configuration uses it
in place of nbgrader's (``GenerateAssignment.preprocessors`` in ``nbgrader_config.py``).
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests

# The key of mlmath_lab's own cell metadata (nbgrader's checksums cover only its own key).
METADATA_KEY = "mlmath_lab"


def has_hidden_cases(cell: Any) -> bool:
    """Whether a released test cell had hidden cases (``MarkedClearHiddenTests`` marked it)."""
    own = cell.get("metadata", {}).get(METADATA_KEY, {})
    return isinstance(own, dict) and own.get("hidden_cases") is True


class MarkedClearHiddenTests(ClearHiddenTests):  # type: ignore[misc]
    """nbgrader's ``ClearHiddenTests``; a cell whose hidden region it removed is marked."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, cell_index: int
    ) -> tuple[NotebookNode, Any]:
        before = cell.source
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.source != before:
            own = cell.metadata.setdefault(METADATA_KEY, {})
            own["hidden_cases"] = True
        return cell, resources
