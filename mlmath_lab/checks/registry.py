"""Find the checker for an exercise id (``<assignment>/<grade_id>``).

The course's checkers live in :mod:`mlmath_lab.exercises`: one package per assignment, named
after the assignment without its number (``03-matrix-calculus`` -> ``matrix_calculus``), whose
``__init__`` sets ``ASSIGNMENT`` and ``EXERCISES`` (the grade ids, in the notebook's order), and
one module per exercise, named by its grade id, that sets ``CHECKER``. A kernel imports only
the module of the exercise it checks. Adding an assignment's checks is adding its package:
there is no list to keep in step.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from types import ModuleType

from .. import exercises as exercises_package
from .checker import Checker

_ASSIGNMENT_NAME = re.compile(r"^\d+-([a-z0-9]+(?:-[a-z0-9]+)*)$")


def module_name_of(assignment: str) -> str | None:
    """The package that holds an assignment's checkers, or None for a malformed name."""
    match = _ASSIGNMENT_NAME.match(assignment)
    return match.group(1).replace("-", "_") if match else None


@cache
def _packages() -> frozenset[str]:
    # listed without importing them: a kernel imports only the package it checks
    return frozenset(m.name for m in pkgutil.iter_modules(exercises_package.__path__) if m.ispkg)


def _package(name: str) -> ModuleType:
    return importlib.import_module(f"{exercises_package.__name__}.{name}")


@cache
def assignments_with_checks() -> list[str]:
    """Every assignment with a checker package, found by each package's ``ASSIGNMENT``."""
    found = []
    for name in sorted(_packages()):
        package = _package(name)
        assignment = getattr(package, "ASSIGNMENT", None)
        if not isinstance(assignment, str) or module_name_of(assignment) != name:
            raise ValueError(
                f"{package.__name__} must set ASSIGNMENT to the assignment it checks, "
                f"a name like 'NN-{name.replace('_', '-')}'"
            )
        found.append(assignment)
    return sorted(found)


class UnknownExercise(KeyError):
    """No checker is registered under this exercise id."""

    def __str__(self) -> str:
        return str(self.args[0])


def _assignment_package(assignment: str) -> ModuleType:
    name = module_name_of(assignment)
    if name is None or name not in _packages():
        known = ", ".join(f"'{p}'" for p in sorted(_packages()))
        raise UnknownExercise(
            f"no assignment {assignment!r} has checks (checker packages: {known})"
        )
    package = _package(name)
    if getattr(package, "ASSIGNMENT", None) != assignment:
        raise UnknownExercise(
            f"{package.__name__} checks {package.ASSIGNMENT!r}, not {assignment!r}"
        )
    return package


@cache
def _checker(assignment: str, grade_id: str) -> Checker:
    package = _assignment_package(assignment)
    exercises = tuple(getattr(package, "EXERCISES", ()))
    if grade_id not in exercises:
        known = ", ".join(sorted(exercises))
        raise UnknownExercise(f"{assignment!r} has no exercise {grade_id!r} (it has: {known})")
    module = importlib.import_module(f"{package.__name__}.{grade_id}")
    checker = getattr(module, "CHECKER", None)
    exercise = f"{assignment}/{grade_id}"
    if not isinstance(checker, Checker) or checker.exercise != exercise:
        raise ValueError(f"{module.__name__} must set CHECKER to the checker of {exercise!r}")
    return checker


def checkers_of(assignment: str) -> dict[str, Checker]:
    """All checkers of one assignment, by exercise id, in the notebook's order."""
    package = _assignment_package(assignment)
    return {
        f"{assignment}/{grade_id}": _checker(assignment, grade_id) for grade_id in package.EXERCISES
    }


def get_checker(exercise: str) -> Checker:
    assignment, _, grade_id = exercise.partition("/")
    if not grade_id:
        raise UnknownExercise(f"exercise id {exercise!r} must look like '<assignment>/<grade_id>'")
    return _checker(assignment, grade_id)


def all_exercise_ids() -> list[str]:
    return sorted(e for a in assignments_with_checks() for e in checkers_of(a))
