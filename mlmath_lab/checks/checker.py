"""One checker per exercise: several cases against a reference, with known mistakes as hints."""

from __future__ import annotations

import copy
import numbers
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import integrity
from .compare import Mismatch, compare, summarize
from .inputs import changed_inputs
from .result import CaseOutcome, CheckResult
from .rules import DEFAULT_FORBIDDEN, Forbidden, RemoteFunction, find_forbidden
from .student_code import Raised, call_quietly, describe_student_error

NOT_IMPLEMENTED_MESSAGE = "not implemented yet"
# Two outputs this close, relatively, are the same computation up to round-off.
SAME_VALUES_RTOL = 1e-10


@dataclass(frozen=True)
class Case:
    """Inputs for one call of the student's function, named for the student ("(3, 5) logits")."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Misconception:
    """A known wrong way to solve the exercise, written as code, and the hint that names it.

    The hint is given when ``wrong`` reproduces the student's outcome on *every* case (see
    :meth:`Checker.explains`): a mistake that only agrees on the first failing case could be
    any mistake, and a hint that names a mistake the student did not make is worse than none.
    """

    name: str
    hint: str
    wrong: Callable[..., Any]


Comparator = Callable[[Any, Any], Mismatch | None]


@dataclass
class _Trial:
    """One case as it happened: the student's outcome and the reference's."""

    case: Case
    got: Any
    expected: Any
    outcome: CaseOutcome
    # the comparator's finding, whose summaries of the two values the outcome gets only when
    # it is shown (``Checker.run``): a proof's thousands of mistake trials never show theirs
    mismatch: Mismatch | None = None

    @property
    def expects_error(self) -> bool:
        return isinstance(self.expected, Raised)

    def shown(self) -> CaseOutcome:
        """The outcome with the summaries of yours and expected, for a student to read."""
        if self.mismatch is not None and not (self.outcome.got or self.outcome.expected):
            self.outcome.got, self.outcome.expected = self.mismatch.got, self.mismatch.expected
        return self.outcome


class Checker:
    """Runs a student's function on every case and compares it with ``reference``.

    ``reference`` is the correct solution (numpy, torch, or a closed form); when it raises on
    a case, the student's code must raise the same type of exception there (for example a
    ``ValueError`` for shapes that do not broadcast). ``forbidden`` names what a solution may
    not use (torch and the course's own modules are always forbidden); ``inputs_unchanged``
    says that the student's function must leave its arguments as it found them.
    ``student_shaped_reference=False`` says that the reference returns what the comparator
    needs rather than what a student returns (then only a solution can prove the checker).
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
        forbidden: Sequence[Forbidden] = (),
        inputs_unchanged: bool = True,
        student_shaped_reference: bool = True,
    ) -> None:
        if "/" not in exercise:
            raise ValueError(f"exercise id {exercise!r} must be '<assignment>/<grade_id>'")
        self.exercise = exercise
        self.title = title
        self.reference = reference
        self._cases = cases
        self.misconceptions = tuple(misconceptions)
        names = [m.name for m in self.misconceptions]
        if len(set(names)) != len(names):
            raise ValueError(f"{exercise}: two known mistakes share a name ({names})")
        self.comparator: Comparator = comparator or compare
        self.forbidden = (*DEFAULT_FORBIDDEN, *forbidden)
        self.inputs_unchanged = inputs_unchanged
        # False when the reference returns what the comparator needs (a distribution's
        # parameters, a training run) rather than what a student returns
        self.student_shaped_reference = student_shaped_reference

    def cases(self) -> list[Case]:
        """The cases, made fresh each time (so a case's random data cannot be tampered with)."""
        return list(self._cases() if callable(self._cases) else self._cases)

    def run(
        self,
        student: Any,
        *,
        cases: Sequence[Case] | None = None,
        scan_source: bool = True,
        expected: Sequence[Any] | None = None,
        mistake_outputs: Callable[[Misconception], Sequence[Any]] | None = None,
    ) -> CheckResult:
        """Check ``student`` on this exercise's cases, or on ``cases`` (a test cell's hidden
        cases: inputs only, their expected values come from the reference).

        ``scan_source=False`` skips the forbidden-calls rule, for code that is not a student's
        (the reference and the known mistakes, when a checker is proven). ``expected`` are
        the reference's outputs on ``cases`` (``reference_outputs``), when the caller has them;
        ``mistake_outputs`` gives a known mistake's outputs on ``cases`` (the grader computes
        them once per class, not once per student).
        """
        start = time.perf_counter()
        result = CheckResult(exercise=self.exercise, title=self.title, status="passed")
        try:
            if not callable(student):
                result.status = "failed"
                result.error = f"Expected a function to check, got {summarize(student)}."
                return result
            if scan_source:
                used = find_forbidden(student, self.forbidden)
                if used:
                    result.status = "failed"
                    result.error = "\n".join(use.message for use in used)
                    return result
            if expected is not None and cases is None:
                raise ValueError("expected outputs are given only with the cases they belong to")
            trials = self._trials(student, self.cases() if cases is None else list(cases), expected)
            result.cases = [t.shown() for t in trials]
            if any(isinstance(t.got, Raised) and t.got.not_implemented for t in trials):
                result.status = "not_implemented"
                return result
            if all(t.outcome.passed for t in trials):
                return result
            raised = any(t.outcome.error and not t.expects_error for t in trials)
            result.status = "error" if raised else "failed"
            self._name_the_mistake(trials, result, mistake_outputs if cases is not None else None)
            return result
        finally:
            result.duration_ms = (time.perf_counter() - start) * 1000

    # -- running the cases ---------------------------------------------------------------------
    def _trials(
        self, student: Any, cases: list[Case], expected: Sequence[Any] | None = None
    ) -> list[_Trial]:
        """Every case runs, even after one raised: a later case may be the one that names
        the mistake. A stub stops at its first case (the rest would say the same).
        ``expected`` are the reference's outputs on ``cases``, when the caller has them."""
        trials = []
        # A function in another process (autograde's child) is called on every case at once,
        # on copies made there: the cases here are never handed to it.
        remote = student.call_cases(cases) if isinstance(student, RemoteFunction) else None
        for index, case in enumerate(cases):
            if remote is not None:
                pristine = (case.args, case.kwargs)
                got, passed_args = remote[index]
            else:
                pristine = copy.deepcopy((case.args, case.kwargs))
                passed_args = copy.deepcopy(pristine)
                got = call_quietly(student, *passed_args)
                integrity.restore()  # when grading: undo what the student's function patched
            if isinstance(got, Raised) and got.not_implemented:
                # a stub: the other cases would only say the same
                outcome = CaseOutcome(case.name, "error", NOT_IMPLEMENTED_MESSAGE)
                trials.append(_Trial(case, got, None, outcome))
                trials += [
                    _Trial(rest, None, None, CaseOutcome(rest.name, "not_run"))
                    for rest in cases[len(trials) :]
                ]
                break
            wanted = (
                expected[index]
                if expected is not None
                else call_quietly(self.reference, *copy.deepcopy(pristine))
            )
            outcome, mismatch = self._outcome(case, got, wanted)
            if outcome.passed and self.inputs_unchanged:
                changed = changed_inputs(student, pristine, passed_args)
                if changed:
                    outcome = CaseOutcome(case.name, "failed", changed)
            trials.append(_Trial(case, got, wanted, outcome, mismatch))
        return trials

    def _outcome(self, case: Case, got: Any, expected: Any) -> tuple[CaseOutcome, Mismatch | None]:
        """The case's outcome, and the comparator's mismatch (whose summaries it lacks)."""
        if isinstance(expected, Raised):
            return _expect_raise(case, got, expected), None
        if isinstance(got, Raised):
            error = describe_student_error(got.error)
            return CaseOutcome(case.name, "error", error.splitlines()[0], error=error), None
        mismatch = self.comparator(got, expected)
        if mismatch is None:
            return CaseOutcome(case.name, "passed"), None
        return CaseOutcome(case.name, "failed", mismatch.message), mismatch

    # -- naming the mistake --------------------------------------------------------------------
    def reference_outputs(self, cases: Sequence[Case]) -> list[Any]:
        """The reference's output (or what it raised) on each of ``cases``."""
        return [call_quietly(self.reference, *copy.deepcopy((c.args, c.kwargs))) for c in cases]

    def mistake_trials(
        self, cases: list[Case], expected: Sequence[Any] | None = None
    ) -> dict[str, list[_Trial]]:
        """Each known mistake run as a student's solution on ``cases`` (for the proof);
        ``expected`` are the reference's outputs on them, when the caller has them."""
        # the reference's outputs once, not once per mistake (a proof's main cost)
        if expected is None:
            expected = self.reference_outputs(cases)
        return {m.name: self._trials(m.wrong, cases, expected) for m in self.misconceptions}

    def _name_the_mistake(
        self,
        trials: list[_Trial],
        result: CheckResult,
        mistake_outputs: Callable[[Misconception], Sequence[Any]] | None = None,
    ) -> None:
        """Give the hint of the first known mistake that explains every case."""
        for mistake in self.misconceptions:
            outputs = mistake_outputs(mistake) if mistake_outputs is not None else None
            if self.explains(mistake, trials, outputs):
                result.hint = mistake.hint
                result.misconception = mistake.name
                return

    def explains(
        self,
        mistake: Misconception,
        trials: Sequence[_Trial],
        outputs: Sequence[Any] | None = None,
    ) -> bool:
        """Whether ``mistake`` reproduces the student's outcome on every case.

        On a case whose reference returns a value, the mistake must return the same value
        (compared with this exercise's own comparator, an integer result counting as the
        same float) or raise the same type of exception as the student. On a case that must
        raise, it is asked only where the student failed: a mistake written without the
        exercise's input validation still names a student who validates. ``outputs`` are the
        mistake's outputs on the same cases, when the caller has them already.
        """
        decisive = False
        for index, trial in enumerate(trials):
            if trial.expects_error and trial.outcome.passed:
                continue
            wrong = (
                outputs[index]
                if outputs is not None
                else call_quietly(
                    mistake.wrong, *copy.deepcopy((trial.case.args, trial.case.kwargs))
                )
            )
            if not self._alike(trial.got, wrong):
                return False
            # The mistake must itself go wrong where the student did: one that differs from
            # the reference only elsewhere would "explain" a student who failed for another
            # reason (an integer dtype, an input changed in place).
            if not trial.outcome.passed and not self._alike(trial.expected, wrong):
                decisive = True
        return decisive

    def _alike(self, got: Any, wrong: Any) -> bool:
        if isinstance(got, Raised) or isinstance(wrong, Raised):
            return (
                isinstance(got, Raised)
                and isinstance(wrong, Raised)
                and type(got.error) is type(wrong.error)
            )
        got, wrong = _as_float(got), _as_float(wrong)  # an integer result: the same floats
        # The same values up to round-off, at any scale (no absolute tolerance that would
        # make all tiny outputs alike) ...
        if compare(got, wrong, rtol=SAME_VALUES_RTOL, atol=0.0) is None:
            return True
        # ... or alike by the exercise's own comparator and its tolerances. A comparator
        # written for the reference's output (a distribution's parameters) may not take a
        # mistake's, and one that also checks properties of the student's output may reject
        # it: then only the same values count.
        try:
            return self.comparator(got, wrong) is None
        except Exception:
            return False


def _as_float(value: Any) -> Any:
    """Integer and boolean numbers as float64, through tuples, lists and dicts."""
    if isinstance(value, dict):
        return {k: _as_float(v) for k, v in value.items()}
    if isinstance(value, tuple) and all(isinstance(v, numbers.Integral) for v in value):
        return value  # a shape: compared exactly
    if isinstance(value, tuple | list):
        return type(value)(_as_float(v) for v in value)
    if isinstance(value, bool | numbers.Integral | np.integer | np.bool_):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biu":
        return value.astype(np.float64)
    return value


def _expect_raise(case: Case, got: Any, expected: Raised) -> CaseOutcome:
    wanted = type(expected.error)
    if isinstance(got, Raised) and isinstance(got.error, wanted):
        return CaseOutcome(case.name, "passed")
    if isinstance(got, Raised):
        message = (
            f"expected {wanted.__name__} here, yours raised {type(got.error).__name__}: {got.error}"
        )
        return CaseOutcome(
            case.name,
            "failed",
            message,
            type(got.error).__name__,
            wanted.__name__,
            error=describe_student_error(got.error),
        )
    message = f"expected {wanted.__name__} ({expected.error}), yours returned a value"
    return CaseOutcome(case.name, "failed", message, summarize(got), wanted.__name__)
