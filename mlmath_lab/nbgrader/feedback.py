"""What a student's feedback may show: nbgrader's ``generate_feedback`` step that hides tests.

nbgrader's autograded notebooks hold the hidden tests (they are restored from the gradebook so
that they run), and ``generate_feedback`` renders them as they are: the hidden tests' code,
and tracebacks that quote it. The course's ``nbgrader_config.py`` adds this step to
``GenerateFeedback.preprocessors``: in a cell with hidden tests, the hidden region is removed
(nbgrader's own ``ClearHiddenTests``) and each error is reduced to its type and message. A
student still sees every score, the visible test lines, the check results and the check
messages ("softmax: yours ... vs expected ..."), not the hidden cases' code.
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests

_RED = "\x1b[0;31m"
_RESET = "\x1b[0m"


class HideHiddenTests(ClearHiddenTests):  # type: ignore[misc]
    """nbgrader's ``ClearHiddenTests`` for feedback: also strips tracebacks that quote the
    hidden region, keeping the error's type and message."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, cell_index: int
    ) -> tuple[NotebookNode, Any]:
        removed = self._remove_hidden_test_region(cell)
        if removed and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{_RED}{output['ename']}{_RESET}: {output['evalue']}"]
        return cell, resources
