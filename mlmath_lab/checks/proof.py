"""Prove a checker: it accepts what is right, rejects what is wrong, and names the mistake made.

Used by the test suite for every exercise of the course and by ``mlmath-lab validate`` for
instructors, so an exercise an instructor adds gets the same proof for free:

- the reference, run as a student's solution, passes every case;
- a stub (``raise NotImplementedError()``) says "not implemented yet";
- every known mistake, run as a student's solution, fails with its own hint, and no other
  known mistake explains its output (else the cases cannot tell the two apart);
- where a solution is given (the source notebook's), it passes too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .checker import Case, Checker
from .references import one_torch_thread
from .result import CheckResult


@dataclass
class Proof:
    """What proving one checker found."""

    exercise: str
    mistakes: int  # known mistakes
    recognised: int  # known mistakes that fail with their own hint and no other
    problems: list[str] = field(default_factory=list)

    @property
    def proven(self) -> bool:
        return not self.problems


def _stub(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError()


def prove(checker: Checker, solution: Callable[..., Any] | None = None) -> Proof:
    """Prove ``checker``; ``solution`` is the instructor's solution, when there is one."""
    with one_torch_thread():
        return _prove(checker, solution)


def _prove(checker: Checker, solution: Callable[..., Any] | None) -> Proof:
    proof = Proof(checker.exercise, len(checker.misconceptions), 0)
    # The reference runs once on every case; each run below compares with its outputs.
    cases = checker.cases()
    expected = checker.reference_outputs(cases)
    reference = (
        checker.run(checker.reference, cases=cases, expected=expected, scan_source=False)
        if checker.student_shaped_reference
        else None
    )
    if reference is None and solution is None:
        proof.problems.append(
            "its reference is not shaped like a solution, and no solution was given to prove it"
        )
    if reference is not None and not reference.passed:
        proof.problems.append(
            f"the reference fails its own check: {_first_line_of(reference.to_text())}"
        )
    if solution is not None:
        result = checker.run(solution, cases=cases, expected=expected)
        if not result.passed:
            proof.problems.append(f"the solution fails the check: {_describe(result)}")
    stub = checker.run(_stub, cases=cases, expected=expected)
    if stub.status != "not_implemented":
        proof.problems.append(f"a stub is not reported as not implemented: {stub.summary}")
    # Each mistake runs once on every case; whether another mistake explains its outcomes
    # is then decided from the outputs already there, as Checker.run decides it.
    trials = checker.mistake_trials(cases, expected)
    outputs = {name: [t.got for t in found] for name, found in trials.items()}
    for mistake in checker.misconceptions:
        own = trials[mistake.name]
        if all(t.outcome.passed for t in own):
            proof.problems.append(
                f"known mistake {mistake.name!r} passes every case: add a case that it fails"
            )
            continue
        explaining = [
            other.name
            for other in checker.misconceptions
            if checker.explains(other, own, outputs[other.name])
        ]
        if not explaining or explaining[0] != mistake.name:
            result = checker.run(mistake.wrong, cases=cases, expected=expected, scan_source=False)
            named = result.misconception or "no hint"
            proof.problems.append(
                f"known mistake {mistake.name!r} is not recognised (the check gives {named}): "
                f"{_describe(result)}"
            )
        elif len(explaining) > 1:
            proof.problems.append(
                f"known mistake {mistake.name!r} is also explained by "
                f"{', '.join(explaining[1:])}: the cases cannot tell them apart"
            )
        else:
            proof.recognised += 1
    return proof


def prove_hidden_cases(
    checker: Checker, cases: list[Case], solution: Callable[..., Any] | None = None
) -> list[str]:
    """What is wrong with a test cell's hidden cases, which grading adds to the visible ones:
    the reference and the solution must pass them, and a known mistake may go unnamed there
    (the visible cases name it) but never be named as another."""
    with one_torch_thread():
        return _prove_hidden_cases(checker, cases, solution)


def _prove_hidden_cases(
    checker: Checker, cases: list[Case], solution: Callable[..., Any] | None
) -> list[str]:
    problems = []
    expected = checker.reference_outputs(cases)
    if checker.student_shaped_reference:
        reference = checker.run(
            checker.reference, cases=cases, expected=expected, scan_source=False
        )
        if not reference.passed:
            problems.append(f"the reference fails the hidden cases: {_describe(reference)}")
    if solution is not None:
        result = checker.run(solution, cases=cases, expected=expected)
        if not result.passed:
            problems.append(f"the solution fails the hidden cases: {_describe(result)}")
    trials = checker.mistake_trials(cases, expected)
    outputs = {name: [t.got for t in found] for name, found in trials.items()}
    for mistake in checker.misconceptions:
        own = trials[mistake.name]
        if all(t.outcome.passed for t in own):
            continue
        named = next(
            (o.name for o in checker.misconceptions if checker.explains(o, own, outputs[o.name])),
            None,
        )
        if named is not None and named != mistake.name:
            problems.append(
                f"on the hidden cases, known mistake {mistake.name!r} gets the hint of {named!r}"
            )
    return problems


def _first_line_of(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _describe(result: CheckResult) -> str:
    """The summary, the first failing case and the mistake the check named, on one line."""
    parts = [result.summary]
    failure = result.first_failure
    if failure is not None:
        detail = (failure.error or failure.message).splitlines()
        parts.append(f"first failing case {failure.name!r}: {detail[0] if detail else ''}")
    if result.misconception:
        parts.append(f"the check names the known mistake {result.misconception!r}")
    return "; ".join(parts)
