"""The kernel-side check library: ``check("01-linear-algebra/softmax", softmax)``.

A check runs the student's function on several cases against a reference, shows the result
inline (a MIME bundle that JupyterLab, Notebook 7 and VS Code all render) and, when it fails,
raises ``AssertionError`` so that nbgrader scores the test cell 0.
"""

from __future__ import annotations

from typing import Any

from . import integrity
from .checker import Case, Checker, Misconception
from .compare import Mismatch, compare, summarize
from .registry import UnknownExercise, all_exercise_ids, get_checker
from .result import CHECK_MIME_TYPE, CaseOutcome, CheckResult

__all__ = [
    "CHECK_MIME_TYPE",
    "Case",
    "CaseOutcome",
    "CheckFailed",
    "CheckResult",
    "Checker",
    "Misconception",
    "Mismatch",
    "UnknownExercise",
    "all_exercise_ids",
    "assert_matches",
    "check",
    "compare",
    "get_checker",
    "run_check",
    "summarize",
]


class CheckFailed(AssertionError):
    """A check did not pass; its message is the one-line summary shown above it."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the result above already says what
        # failed and where, and frames of the check library would only bury it.
        return [f"CheckFailed: {self}"]


def run_check(exercise: str, answer: Any) -> CheckResult:
    """Run the checker of ``exercise`` on ``answer`` and return the result, displaying nothing."""
    return get_checker(exercise).run(answer)


def check(exercise: str, answer: Any, *, raise_on_failure: bool = True) -> CheckResult:
    """Check ``answer`` (usually the student's function) for ``exercise`` and show the result.

    Used in every graded test cell; a failure raises :class:`CheckFailed` (an
    ``AssertionError``) after the result is shown, which is how nbgrader scores it 0.
    """
    __tracebackhide__ = True  # pytest and IPython's debugger skip this frame
    result = run_check(exercise, answer)
    _display(result)
    if raise_on_failure and not result.passed:
        raise CheckFailed(f"{result.title}: {result.summary}") from None
    return result


def assert_matches(
    got: Any, expected: Any, what: str, *, rtol: float | None = None, atol: float | None = None
) -> None:
    """Hidden-test helper: compare one output with its reference, with a readable failure."""
    __tracebackhide__ = True
    integrity.restore()  # when grading: undo what the student's code patched
    mismatch = compare(got, expected, rtol=rtol, atol=atol)
    if mismatch is not None:
        raise CheckFailed(
            f"{what}: {mismatch.message}\n  yours:    {mismatch.got}\n"
            f"  expected: {mismatch.expected}"
        )


def _display(result: CheckResult) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: print the text form
        print(result.to_text())
        return
    if get_ipython() is None:
        print(result.to_text())
    else:
        display(result)
