"""The autograder's guard against submissions that monkeypatch the checks (in-process part).

The executor-level behaviour (restore before each graded cell, the instructor's note) is
tested through ``mlmath-lab autograde`` in ``test_autograde.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np
import pytest
from nbformat.v4 import new_code_cell

import mlmath_lab.checks as checks
from mlmath_lab.checks import integrity, run_check
from mlmath_lab.checks.registry import get_checker
from mlmath_lab.feedback import HideHiddenTests


@pytest.fixture
def guarded() -> Iterator[integrity.Snapshot]:
    get_checker("01-linear-algebra/dot_loop")  # the course module is imported, then guarded
    snapshot = integrity.Snapshot()
    integrity.install(snapshot)
    yield snapshot
    snapshot.restore()
    integrity._installed.clear()
    integrity.take_restored()


def test_without_a_snapshot_nothing_is_restored() -> None:
    integrity._installed.clear()
    original = np.allclose
    try:
        np.allclose = lambda *a, **k: True  # type: ignore[assignment]
        integrity.restore()
        assert np.allclose is not original  # a student's own kernel: left as it is
        assert integrity.take_restored() == []
    finally:
        np.allclose = original  # type: ignore[assignment]


def test_module_attributes_classes_checkers_and_sys_modules_are_put_back(
    guarded: integrity.Snapshot,
) -> None:
    original_check, original_allclose = checks.check, np.allclose
    checker = get_checker("01-linear-algebra/softmax")
    original_comparator = checker.comparator
    original_run = type(checker).run
    library = sys.modules["mlmath_lab.checks.compare"]

    checks.check = lambda *a, **k: None  # type: ignore[assignment]
    np.allclose = lambda *a, **k: True  # type: ignore[assignment]
    checker.comparator = lambda *a, **k: None
    type(checker).run = lambda self, student: None  # type: ignore[method-assign]
    sys.modules["mlmath_lab.checks.compare"] = object()  # type: ignore[assignment]

    changed = guarded.restore()
    assert checks.check is original_check and np.allclose is original_allclose
    assert checker.comparator is original_comparator and type(checker).run is original_run
    assert sys.modules["mlmath_lab.checks.compare"] is library
    assert {
        "mlmath_lab.checks.check",
        "numpy.allclose",
        "mlmath_lab.exercises.linear_algebra.softmax.SOFTMAX.comparator",
        "mlmath_lab.checks.checker.Checker.run",
        "sys.modules['mlmath_lab.checks.compare']",
    } <= set(changed)
    assert guarded.restore() == []  # nothing left to put back


def test_a_student_function_that_patches_while_checked_is_not_believed(
    guarded: integrity.Snapshot,
) -> None:
    checker = get_checker("01-linear-algebra/dot_loop")

    def dot_loop(u, v):  # wrong, and it switches off the comparison that judges it
        checker.comparator = lambda *a, **k: None
        checks.compare = lambda *a, **k: None  # the comparison the library exports
        if len(u) != len(v):
            raise ValueError("lengths differ")
        return 0.0

    # The forbidden-calls rule already refuses a solution that names the check library;
    # the guard is for code that reaches it in ways the rule cannot see, so skip the rule.
    result = checker.run(dot_loop, scan_source=False)
    assert not result.passed and result.status == "failed"
    restored = integrity.take_restored()
    assert "mlmath_lab.exercises.linear_algebra.dot_loop.DOT_LOOP.comparator" in restored
    assert "mlmath_lab.checks.compare" in restored


def test_without_the_guard_the_same_patch_would_fool_the_check() -> None:
    """The control for the test above: the patch works when nothing restores it."""
    integrity._installed.clear()
    checker = get_checker("01-linear-algebra/dot_loop")
    original = checker.comparator

    def dot_loop(u, v):  # the same wrong answer as above
        checker.comparator = lambda *a, **k: None
        if len(u) != len(v):
            raise ValueError("lengths differ")
        return 0.0

    try:
        assert run_check("01-linear-algebra/dot_loop", dot_loop).passed
    finally:
        checker.comparator = original


def test_ipython_builtins_that_come_and_go_are_not_tampering(
    guarded: integrity.Snapshot,
) -> None:
    import builtins

    builtins.display = print  # type: ignore[attr-defined]  # as IPython's builtin trap does
    try:
        assert guarded.restore() == []
    finally:
        del builtins.display  # type: ignore[attr-defined]


def test_feedback_hides_the_hidden_tests_and_their_tracebacks() -> None:
    cell = new_code_cell(
        'check("01-linear-algebra/dot_loop", dot_loop)\n'
        "### BEGIN HIDDEN TESTS\n"
        "assert dot_loop(_secret_u, _secret_v) == 42\n"
        "### END HIDDEN TESTS"
    )
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "dot_loop", "points": 1}
    cell.outputs = [
        {"output_type": "stream", "name": "stdout", "text": "dot product: yours 1 vs 2\n"},
        {
            "output_type": "error",
            "ename": "AssertionError",
            "evalue": "dot product: yours 1.0 vs expected 2.0",
            "traceback": ["----> 3 assert dot_loop(_secret_u, _secret_v) == 42", "AssertionError"],
        },
    ]
    hidden, _ = HideHiddenTests().preprocess_cell(cell, {}, 0)
    text = repr(hidden)
    assert "_secret_u" not in text and "BEGIN HIDDEN" not in text
    assert 'check("01-linear-algebra/dot_loop", dot_loop)' in hidden.source
    assert hidden.outputs[1]["traceback"] == [
        "\x1b[0;31mAssertionError\x1b[0m: dot product: yours 1.0 vs expected 2.0"
    ]
    assert hidden.outputs[0]["text"] == "dot product: yours 1 vs 2\n"
