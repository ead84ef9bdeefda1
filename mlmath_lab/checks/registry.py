"""Find the checker for an exercise id (``<assignment>/<grade_id>``).

Each assignment's checkers live in one module of :mod:`mlmath_lab.checks.course`, named after
the assignment without its number (``02-matrix-calculus`` -> ``matrix_calculus``), and imported
only when one of its exercises is checked, so a student's kernel does not pay for the whole
course. Adding an assignment's checks is adding that module: there is no list to keep in step.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from . import course as course_package
from .checker import Checker

_ASSIGNMENT_NAME = re.compile(r"^\d+-([a-z0-9]+(?:-[a-z0-9]+)*)$")


def module_name_of(assignment: str) -> str | None:
    """The course module that holds an assignment's checkers, or None for a malformed name."""
    match = _ASSIGNMENT_NAME.match(assignment)
    return match.group(1).replace("-", "_") if match else None


@cache
def _modules() -> frozenset[str]:
    # listed without importing them: a kernel imports only the module it checks
    return frozenset(m.name for m in pkgutil.iter_modules(course_package.__path__))


@cache
def assignments_with_checks() -> list[str]:
    """Every assignment with a checker module, found by each module's ``ASSIGNMENT`` name."""
    found = []
    for name in sorted(_modules()):
        module = importlib.import_module(f"{course_package.__name__}.{name}")
        assignment = getattr(module, "ASSIGNMENT", None)
        if not isinstance(assignment, str) or module_name_of(assignment) != name:
            raise ValueError(
                f"{module.__name__} must set ASSIGNMENT to the assignment it checks, "
                f"a name like 'NN-{name.replace('_', '-')}'"
            )
        found.append(assignment)
    return sorted(found)


class UnknownExercise(KeyError):
    """No checker is registered under this exercise id."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def checkers_of(assignment: str) -> dict[str, Checker]:
    """All checkers of one assignment, by exercise id."""
    module_name = module_name_of(assignment)
    if module_name is None or module_name not in _modules():
        known = ", ".join(f"'{name}'" for name in sorted(_modules()))
        raise UnknownExercise(f"no assignment {assignment!r} has checks (checker modules: {known})")
    module = importlib.import_module(f"{course_package.__name__}.{module_name}")
    if getattr(module, "ASSIGNMENT", None) != assignment:
        raise UnknownExercise(f"{module.__name__} checks {module.ASSIGNMENT!r}, not {assignment!r}")
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
    return sorted(e for a in assignments_with_checks() for e in checkers_of(a))
