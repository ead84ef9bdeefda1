"""One checker per exercise: several cases against a reference, with known mistakes as hints."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import integrity
from .compare import Mismatch, compare, summarize
from .result import CaseOutcome, CheckResult
from .student_code import Raised, call_quietly, describe_student_error

NOT_IMPLEMENTED_MESSAGE = "not implemented yet"


@dataclass(frozen=True)
class Case:
    """Inputs for one call of the student's function, named for the student ("(3, 5) logits")."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Misconception:
    """A known wrong way to solve the exercise, written as code, and the hint that names it.

    When the student's output fails a case but matches ``wrong`` on it, the result carries
    ``hint``: the student learns which mistake they made, not only that there is one.
    """

    name: str
    hint: str
    wrong: Callable[..., Any]


Comparator = Callable[[Any, Any], Mismatch | None]


class Checker:
    """Runs a student's function on every case and compares it with ``reference``.

    ``reference`` is the correct solution (numpy, torch, or a closed form); when it raises on
    a case, the student's code must raise the same type of exception there (for example a
    ``ValueError`` for shapes that do not broadcast).
    """

    def __init__(
        self,
        exercise: str,
        *,
        title: str,
        reference: Callable[..., Any],
        cases: Callable[[], Sequence[Case]] | Sequence[Case],
        misconceptions: Sequence[Misconception] = (),
        comparator: Comparator | None = None,
    ) -> None:
        if "/" not in exercise:
            raise ValueError(f"exercise id {exercise!r} must be '<assignment>/<grade_id>'")
        self.exercise = exercise
        self.title = title
        self.reference = reference
        self._cases = cases
        self.misconceptions = tuple(misconceptions)
        self.comparator: Comparator = comparator or compare

    def cases(self) -> list[Case]:
        """The cases, made fresh each time (so a case's random data cannot be tampered with)."""
        return list(self._cases() if callable(self._cases) else self._cases)

    def run(self, student: Any) -> CheckResult:
        start = time.perf_counter()
        result = CheckResult(exercise=self.exercise, title=self.title, status="passed")
        if not callable(student):
            result.status = "failed"
            result.error = f"Expected a function to check, got {summarize(student)}."
            result.duration_ms = (time.perf_counter() - start) * 1000
            return result
        stopped = False
        for case in self.cases():
            if stopped:
                result.cases.append(CaseOutcome(case.name, "not_run"))
                continue
            outcome, stop = self._run_case(student, case, result)
            result.cases.append(outcome)
            stopped = stop
        if result.status == "passed" and not all(c.passed for c in result.cases):
            result.status = "failed"
        result.duration_ms = (time.perf_counter() - start) * 1000
        return result

    def _run_case(self, student: Any, case: Case, result: CheckResult) -> tuple[CaseOutcome, bool]:
        got = call_quietly(student, case.args, case.kwargs)
        integrity.restore()  # when grading: undo what the student's function patched
        if isinstance(got, Raised) and got.not_implemented:
            result.status = "not_implemented"
            return CaseOutcome(case.name, "error", NOT_IMPLEMENTED_MESSAGE), True
        expected = call_quietly(self.reference, case.args, case.kwargs)
        if isinstance(expected, Raised):
            return self._expect_raise(got, expected, case, result)
        if isinstance(got, Raised):
            result.status = "error"
            result.error = describe_student_error(got.error)
            self._name_the_mistake(got, case, result)
            return CaseOutcome(case.name, "error", result.error.splitlines()[0]), True
        mismatch = self.comparator(got, expected)
        if mismatch is None:
            return CaseOutcome(case.name, "passed"), False
        if result.hint is None:
            self._name_the_mistake(got, case, result)
        return CaseOutcome(
            case.name, "failed", mismatch.message, mismatch.got, mismatch.expected
        ), False

    def _expect_raise(
        self, got: Any, expected: Raised, case: Case, result: CheckResult
    ) -> tuple[CaseOutcome, bool]:
        wanted = type(expected.error)
        if isinstance(got, Raised) and isinstance(got.error, wanted):
            return CaseOutcome(case.name, "passed"), False
        if isinstance(got, Raised):
            message = (
                f"expected {wanted.__name__} here, yours raised "
                f"{type(got.error).__name__}: {got.error}"
            )
            return CaseOutcome(
                case.name, "failed", message, type(got.error).__name__, wanted.__name__
            ), False
        message = f"expected {wanted.__name__} ({expected.error}), yours returned a value"
        return CaseOutcome(case.name, "failed", message, summarize(got), wanted.__name__), False

    def _name_the_mistake(self, got: Any, case: Case, result: CheckResult) -> None:
        """Give the hint of the first known mistake that reproduces the student's output.

        A mistake can show as a wrong value or as an error: multiplying (2, 3) by (3, 4)
        elementwise raises numpy's broadcasting error, and that error names the mistake too.
        """
        for mistake in self.misconceptions:
            wrong = call_quietly(mistake.wrong, case.args, case.kwargs)
            if _same_outcome(got, wrong):
                result.hint = mistake.hint
                result.misconception = mistake.name
                return


def _same_outcome(got: Any, wrong: Any) -> bool:
    """Both raised the same error, or both returned the same values (nan matching nan)."""
    if isinstance(got, Raised) or isinstance(wrong, Raised):
        return (
            isinstance(got, Raised)
            and isinstance(wrong, Raised)
            and type(got.error) is type(wrong.error)
            and str(got.error) == str(wrong.error)
        )
    return compare(got, wrong, equal_nan=True) is None
