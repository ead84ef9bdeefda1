"""Find the checker for an exercise id (``<assignment>/<grade_id>``).

Each assignment's checkers live in one module of :mod:`mlmath_lab.checks.course`, imported only
when one of its exercises is checked, so a student's kernel does not pay for the whole course.
"""

from __future__ import annotations

import importlib
from functools import cache

from .checker import Checker

# assignment name (its folder in assignments/source) -> module in mlmath_lab.checks.course
ASSIGNMENT_MODULES: dict[str, str] = {
    "01-linear-algebra": "linear_algebra",
}


class UnknownExercise(KeyError):
    """No checker is registered under this exercise id."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def checkers_of(assignment: str) -> dict[str, Checker]:
    """All checkers of one assignment, by exercise id."""
    module_name = ASSIGNMENT_MODULES.get(assignment)
    if module_name is None:
        known = ", ".join(sorted(ASSIGNMENT_MODULES))
        raise UnknownExercise(f"no assignment {assignment!r} has checks (known: {known})")
    module = importlib.import_module(f"{__package__}.course.{module_name}")
    found: dict[str, Checker] = {}
    for checker in module.CHECKERS:
        if not checker.exercise.startswith(f"{assignment}/"):
            raise ValueError(f"{module.__name__}: {checker.exercise!r} is not in {assignment!r}")
        if checker.exercise in found:
            raise ValueError(f"{module.__name__}: two checkers for {checker.exercise!r}")
        found[checker.exercise] = checker
    return found


def get_checker(exercise: str) -> Checker:
    assignment, _, grade_id = exercise.partition("/")
    if not grade_id:
        raise UnknownExercise(f"exercise id {exercise!r} must look like '<assignment>/<grade_id>'")
    checkers = checkers_of(assignment)
    if exercise not in checkers:
        known = ", ".join(sorted(c.rpartition("/")[2] for c in checkers))
        raise UnknownExercise(f"{assignment!r} has no exercise {grade_id!r} (it has: {known})")
    return checkers[exercise]


def all_exercise_ids() -> list[str]:
    return sorted(e for a in ASSIGNMENT_MODULES for e in checkers_of(a))
