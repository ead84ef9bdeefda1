"""Every checker of the course against the instructor's solution (passes), every known wrong
variant (fails, naming that mistake), and the release stub (fails: "not implemented yet").

The solutions come from the source notebooks themselves, so a checker and its notebook
cannot drift apart unnoticed.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

from mlmath_lab.checks import CHECK_MIME_TYPE, CheckFailed, check, get_checker, run_check
from mlmath_lab.checks.registry import all_exercise_ids
from mlmath_lab.course import Course
from mlmath_lab.course.notebooks import graded_tests, read_notebook
from mlmath_lab.course.solutions import CheckerProof, prove_notebook, run_solution_cells

from .conftest import COURSE

EXERCISES = all_exercise_ids()
MISCONCEPTIONS = [(e, m.name) for e in EXERCISES for m in get_checker(e).misconceptions]


def solution_namespace(assignment: str) -> dict[str, Any]:
    """The solution cells of an assignment's source notebooks, run as validate runs them."""
    namespace: dict[str, Any] = {}
    for path in Course(COURSE).source_notebooks(assignment):
        namespace.update(run_solution_cells(path, read_notebook(path)))
    return namespace


def student_function(exercise: str) -> Any:
    assignment, _, grade_id = exercise.partition("/")
    path = next(iter(Course(COURSE).source_notebooks(assignment)))
    test = next(t for t in graded_tests(path, read_notebook(path)) if t.grade_id == grade_id)
    name = test.source.split(f'check("{exercise}", ', 1)[1].split(")", 1)[0]
    return solution_namespace(assignment)[name]


def test_every_graded_test_in_the_course_has_a_checker() -> None:
    course = Course(COURSE)
    graded = {
        f"{a}/{t.grade_id}"
        for a in course.source_assignments()
        for p in course.source_notebooks(a)
        for t in graded_tests(p, read_notebook(p))
    }
    assert graded == set(EXERCISES)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_reference_solution_passes(exercise: str) -> None:
    result = run_check(exercise, student_function(exercise))
    assert result.passed, result.to_text()
    assert len(result.cases) >= 4, "a checker needs several cases"
    assert all(case.passed for case in result.cases)


@functools.cache
def proofs_of(assignment: str) -> dict[str, CheckerProof]:
    """Every checker of an assignment proven as ``validate`` proves it (visible and hidden
    cases, with the notebook's own solution)."""
    found: dict[str, CheckerProof] = {}
    for path in Course(COURSE).source_notebooks(assignment):
        for proof in prove_notebook(assignment, path, read_notebook(path)):
            assert not isinstance(proof, str), proof
            found[proof.exercise] = proof
    return found


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_checker_is_proven(exercise: str) -> None:
    """The reference and the notebook's solution pass, the stub is "not implemented yet",
    every known mistake fails with its own hint and is explained by no other, and on the
    hidden cases no mistake gets another's hint."""
    checker = get_checker(exercise)
    proof = proofs_of(exercise.partition("/")[0])[exercise].proof
    assert proof.proven, "\n".join(proof.problems)
    assert proof.recognised == proof.mistakes == len(checker.misconceptions)
    assert proof.mistakes >= 2, "an exercise needs known mistakes to name"


@pytest.mark.parametrize(("exercise", "mistake"), MISCONCEPTIONS)
def test_each_known_mistake_shows_its_hint_to_the_student(exercise: str, mistake: str) -> None:
    checker = get_checker(exercise)
    wrong = next(m for m in checker.misconceptions if m.name == mistake)
    result = checker.run(wrong.wrong, scan_source=False)  # the checker's own code, not a student's
    assert not result.passed
    assert result.misconception == mistake, result.to_text()
    assert result.hint == wrong.hint and wrong.hint in result.to_text()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_stub_fails_as_not_implemented(exercise: str) -> None:
    def stub(*args: Any, **kwargs: Any) -> Any:
        # YOUR CODE HERE
        raise NotImplementedError()

    result = run_check(exercise, stub)
    assert result.status == "not_implemented"
    assert "not implemented yet" in result.to_text()
    assert "Traceback" not in result.to_text()


def test_a_students_exception_is_reported_as_theirs_with_their_line() -> None:
    def softmax(z, axis=-1):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)[0, 0, 0]  # an IndexError on a 1-D input

    result = run_check("01-linear-algebra/softmax", softmax)
    assert result.status == "error"
    raised = [c for c in result.cases if c.status == "error"]
    assert raised, result.to_text()
    error = raised[0].error
    assert error.startswith("Your code raised IndexError")
    assert "e.sum(axis=axis, keepdims=True)[0, 0, 0]" in error
    assert "mlmath_lab" not in error  # no frame of the library
    assert error.splitlines()[0] in result.to_text()


def test_a_function_that_returns_nothing_says_so() -> None:
    result = run_check("01-linear-algebra/dot_loop", lambda u, v: None)
    assert not result.passed
    assert "forget to `return`" in result.to_text()


def test_the_result_is_a_mime_bundle_with_json_html_and_text() -> None:
    result = run_check(
        "01-linear-algebra/softmax",
        lambda z, axis=-1: np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True),
    )
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {CHECK_MIME_TYPE, "text/html", "text/plain"}
    data = bundle[CHECK_MIME_TYPE]
    assert data["exercise"] == "01-linear-algebra/softmax"
    assert data["passed"] is False and data["misconception"] == "softmax-overflow"
    assert any(c["status"] == "failed" and "huge logits" in c["name"] for c in data["cases"])
    assert "max" in bundle["text/html"] and "<script" not in bundle["text/html"]


def test_check_displays_and_then_raises_assertion_error_on_failure(capsys) -> None:
    with pytest.raises(AssertionError) as raised:
        check("01-linear-algebra/dot_loop", lambda u, v: 0.0)
    assert isinstance(raised.value, CheckFailed)
    assert "Dot product by loop" in capsys.readouterr().out


def test_check_returns_the_result_when_it_passes(capsys) -> None:
    result = check("01-linear-algebra/dot_loop", student_function("01-linear-algebra/dot_loop"))
    assert result.passed
    assert "passed all" in capsys.readouterr().out


def test_an_unknown_exercise_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="has no exercise 'nope'"):
        run_check("01-linear-algebra/nope", print)
    with pytest.raises(KeyError, match="no assignment '99-x'"):
        run_check("99-x/y", print)


def test_a_student_mutating_its_input_is_told_and_cannot_change_the_reference() -> None:
    def softmax(z, axis=-1):
        z -= z.max(axis=axis, keepdims=True)  # in place: the caller's logits change
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)

    result = run_check("01-linear-algebra/softmax", softmax)
    assert not result.passed
    assert all(c.status == "failed" for c in result.cases), result.to_text()
    assert "changed its input `z` in place" in result.to_text()


def in_a_fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter, as a student's kernel starts."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_a_kernel_imports_only_the_module_of_the_exercise_it_checks() -> None:
    probe = (
        "import sys\n"
        "from mlmath_lab.checks import get_checker\n"
        "get_checker('03-matrix-calculus/relative_error')\n"
        "print(sorted(m for m in sys.modules if m.startswith('mlmath_lab.exercises')))\n"
    )
    assert eval(in_a_fresh_python(probe)) == [
        "mlmath_lab.exercises",
        "mlmath_lab.exercises.matrix_calculus",
        "mlmath_lab.exercises.matrix_calculus._common",
        "mlmath_lab.exercises.matrix_calculus.relative_error",
    ]


def test_no_reference_makes_a_kernel_import_torch_dynamo() -> None:
    """torch.func and forward-mode duals import torch._dynamo (more than a second of a
    student's first check): the references use torch.autograd instead. torch.optim's step
    imports it too: the references that are torch's optimizers (04's, and 12's optimizers and
    training run, whose checker modules name torch.optim) are left out here."""
    probe = (
        "import inspect, sys\n"
        "from mlmath_lab.checks import get_checker\n"
        "from mlmath_lab.checks.registry import all_exercise_ids\n"
        "for exercise in all_exercise_ids():\n"
        "    checker = get_checker(exercise)\n"
        "    source = inspect.getsource(sys.modules[checker.reference.__module__])\n"
        "    if exercise.startswith('04-') or 'torch.optim' in source:\n"
        "        continue\n"
        "    checker.reference_outputs(checker.cases())\n"
        "    if 'torch._dynamo' in sys.modules:\n"
        "        print(exercise)\n"
        "        break\n"
    )
    out = in_a_fresh_python(probe)
    assert out == "", f"the reference of {out.strip()} imports torch._dynamo"


def test_each_exercise_package_lists_its_exercises_in_the_notebooks_order() -> None:
    course = Course(COURSE)
    for assignment in course.source_assignments():
        in_notebooks = [
            f"{assignment}/{t.grade_id}"
            for path in course.source_notebooks(assignment)
            for t in graded_tests(path, read_notebook(path))
        ]
        from mlmath_lab.checks.registry import checkers_of

        assert list(checkers_of(assignment)) == in_notebooks
