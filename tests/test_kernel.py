"""The check library inside a real IPython kernel, as a student's test cell runs it."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from mlmath_lab.checks import CHECK_MIME_TYPE


def run_cell(source: str) -> list[dict]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    return nb.cells[0].outputs


@pytest.mark.slow
def test_a_failed_check_displays_its_bundle_then_raises_without_library_frames() -> None:
    outputs = run_cell(
        "def softmax(z, axis=-1):\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n"
        "from mlmath_lab.checks import check\n"
        "check('01-linear-algebra/softmax', softmax)\n"
    )
    display, error = outputs
    assert display["output_type"] == "display_data"
    assert set(display["data"]) == {CHECK_MIME_TYPE, "text/html", "text/plain"}
    assert display["data"][CHECK_MIME_TYPE]["status"] == "not_implemented"
    assert "not implemented yet" in display["data"]["text/plain"]
    assert error["output_type"] == "error" and error["ename"] == "CheckFailed"
    traceback = "\n".join(error["traceback"])
    assert "mlmath_lab" not in traceback and "not implemented yet" in traceback


@pytest.mark.slow
def test_a_passing_check_displays_its_bundle_and_raises_nothing() -> None:
    outputs = run_cell(
        "def dot_loop(u, v):\n"
        "    if len(u) != len(v):\n"
        "        raise ValueError('lengths differ')\n"
        "    return float(sum(a * b for a, b in zip(u, v)))\n"
        "from mlmath_lab.checks import check\n"
        "check('01-linear-algebra/dot_loop', dot_loop)\n"  # the last line, as in a test cell
    )
    [display] = outputs  # shown once: not again as the cell's result
    assert display["data"][CHECK_MIME_TYPE]["passed"] is True


@pytest.mark.slow
def test_a_forbidden_call_is_named_with_the_line_of_the_students_cell() -> None:
    outputs = run_cell(
        "import numpy as np\n"
        "def dot_loop(u, v):\n"
        "    if len(u) != len(v):\n"
        "        raise ValueError('lengths differ')\n"
        "    return float(np.dot(u, v))\n"
        "from mlmath_lab.checks import check\n"
        "check('01-linear-algebra/dot_loop', dot_loop)\n"
    )
    display, error = outputs
    text = display["data"]["text/plain"]
    assert "np.dot is not allowed here" in text
    assert "line 5 of your cell: return float(np.dot(u, v))" in text
    assert error["ename"] == "CheckFailed"
