"""The kernel-side check library: ``check("01-linear-algebra/softmax", softmax)``.

A check runs the student's function on several cases against a reference, shows the result
inline (a MIME bundle that JupyterLab, Notebook 7 and VS Code all render) and, when it fails,
raises ``AssertionError`` so that nbgrader scores the test cell 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import integrity as integrity  # the grader's guard, imported by the zygote
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
    "as_cases",
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


def run_check(
    exercise: str, answer: Any, *, cases: Sequence[Case | tuple[Any, ...]] | None = None
) -> CheckResult:
    """Run the checker of ``exercise`` on ``answer`` and return the result, displaying nothing."""
    checker = get_checker(exercise)
    return checker.run(answer, cases=None if cases is None else as_cases(cases))


def check(
    exercise: str,
    answer: Any,
    *,
    cases: Sequence[Case | tuple[Any, ...]] | None = None,
    raise_on_failure: bool = True,
) -> CheckResult | None:
    """Check ``answer`` (usually the student's function) for ``exercise`` and show the result.

    Used in every graded test cell; a failure raises :class:`CheckFailed` (an
    ``AssertionError``) after the result is shown, which is how nbgrader scores it 0.
    In IPython the result is displayed and None returned: a returned result, as the last
    line of a cell, would be shown a second time. Elsewhere it is printed and returned
    (``run_check`` returns it without showing anything).

    ``cases`` replaces the exercise's own cases: a test cell's hidden part passes more
    *inputs* this way (``Case`` objects, or tuples of arguments). Their expected values come
    from the same checker's reference, and its known mistakes name what went wrong.
    """
    __tracebackhide__ = True  # pytest and IPython's debugger skip this frame
    result = run_check(exercise, answer, cases=cases)
    shown_by_ipython = _display(result)
    if raise_on_failure and not result.passed:
        raise CheckFailed(f"{result.title}: {result.summary}") from None
    return None if shown_by_ipython else result


def as_cases(cases: Sequence[Case | tuple[Any, ...]]) -> list[Case]:
    """``Case`` objects as they are; a tuple of arguments becomes "more case <n>"."""
    made = []
    for number, case in enumerate(cases, start=1):
        if isinstance(case, Case):
            made.append(case)
        elif isinstance(case, tuple):
            made.append(Case(f"more case {number}", case))
        else:
            raise TypeError(
                f"cases[{number - 1}] must be a Case or a tuple of arguments, not "
                f"{type(case).__name__}"
            )
    if not made:
        raise ValueError("cases is empty: give at least one Case")
    return made


def _display(result: CheckResult) -> bool:
    """Show ``result``: displayed in IPython (True), printed elsewhere (False)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: print the text form
        print(result.to_text())
        return False
    if get_ipython() is None:
        print(result.to_text())
        return False
    display(result)
    return True
