"""Graded cells decided in the grader: planned from the source, run against the child.

The course-wide test runs every assignment's solutions and stubs through the pre-warmed
executor twice, once with the verdicts decided in the grader and once in the child as nbgrader
decides them, and asks for the same verdict on every graded cell: the plain-data boundary
changes nothing an honest submission earns.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from mlmath_lab.autograde.executor import PrewarmedExecutor
from mlmath_lab.autograde.limits import Limits
from mlmath_lab.autograde.verdicts import (
    NotPlannable,
    VerdictPlans,
    plan_test_cell,
)
from mlmath_lab.checks import CHECK_MIME_TYPE

from .conftest import COURSE

LIMITS = Limits(cell_timeout=60, notebook_timeout=600, max_output_bytes=1_000_000)


def _graded_tests(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {
        c.metadata.nbgrader["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata.nbgrader.get("solution")
    }


def _stubbed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version's solution cells (nbgrader's ClearSolutions), tests kept."""
    from nbgrader.preprocessors import ClearSolutions

    nb = copy.deepcopy(nb)
    nb, _ = ClearSolutions().preprocess(nb, {})
    return nb


# -- planning (fast) -----------------------------------------------------------------------


def test_every_graded_cell_of_the_course_is_planned_with_its_own_exercise() -> None:
    for path in sorted((COURSE / "source").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        plans = VerdictPlans.from_sources(_graded_tests(nb))
        assert plans.unplanned == {}, (path.name, plans.unplanned)
        for grade_id, source in _graded_tests(nb).items():
            plan = plans.plan_for(source)
            assert plan is not None and len(plan.checks) >= 1
            for planned in plan.checks:
                assert planned.exercise == f"{path.parent.name}/{grade_id}"
                assert planned.cases and planned.answer.isidentifier()


def test_cells_that_do_more_than_check_are_not_planned() -> None:
    for source, why in [
        ("assert dot_loop([1], [2]) == 2", "calls dot_loop itself"),
        ("check = None", "runs no check"),
        (
            "from mlmath_lab.checks import check\ncheck('01-linear-algebra/dot_loop', f(1))",
            "calls f",
        ),
        (
            "from mlmath_lab.checks import check\ncheck('01-linear-algebra/dot_loop', m.dot)",
            "m.dot",
        ),
        ("from mlmath_lab.exercises import linear_algebra", "imports mlmath_lab.exercises"),
        ("def broken(:\n  pass", "not valid Python"),
    ]:
        with pytest.raises(NotPlannable, match=why):
            plan_test_cell(source)


def test_hidden_cases_are_planned_as_inputs_from_the_cell() -> None:
    source = (
        "from mlmath_lab.checks import check, Case\n"
        "_rng = np.random.default_rng(1)\n"
        "check('01-linear-algebra/dot_loop', dot_loop, cases=[Case('a', (_rng.normal(size=3), "
        "_rng.normal(size=3)))])\n"
    )
    (planned,) = plan_test_cell(source).checks
    assert planned.answer == "dot_loop" and [c.name for c in planned.cases] == ["a"]
    expected = planned.expected()
    assert expected[0] == pytest.approx(float(planned.cases[0].args[0] @ planned.cases[0].args[1]))
    assert planned.expected() is expected  # once for the class


# -- the course, end to end (slow) -----------------------------------------------------------


@pytest.fixture(scope="module")
def executor() -> Iterator[PrewarmedExecutor]:
    with PrewarmedExecutor(LIMITS) as running:
        yield running


def _verdicts(nb: nbformat.NotebookNode) -> dict[str, tuple[bool, str]]:
    """Per graded cell: passed (no error output), and the check's status as displayed."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            statuses = [
                o.data[CHECK_MIME_TYPE]["status"]
                for o in cell.outputs
                if o.output_type == "display_data" and CHECK_MIME_TYPE in o.get("data", {})
            ]
            failed = any(o.output_type == "error" for o in cell.outputs)
            out[meta["grade_id"]] = (not failed, ",".join(statuses))
    return out


def _run(
    executor: PrewarmedExecutor, nb: nbformat.NotebookNode, verdicts: VerdictPlans | None
) -> dict[str, tuple[bool, str]]:
    workdir = Path(tempfile.mkdtemp(prefix="mlmath-test-verdicts-"))
    try:
        result = executor.run(copy.deepcopy(nb), workdir, verdicts)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert result.problem is None, result.problem
    counts = [c.execution_count for c in result.notebook.cells if c.cell_type == "code"]
    numbered = [n for n in counts if n is not None]
    assert numbered == list(range(1, len(numbered) + 1)), counts  # In[1], In[2], ... as a kernel
    return _verdicts(result.notebook)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", sorted((COURSE / "source").glob("*/*.ipynb")), ids=lambda p: p.parent.name
)
def test_the_grader_decides_as_the_child_did_on_solutions_and_stubs(
    executor: PrewarmedExecutor, path: Path
) -> None:
    source = nbformat.read(path, as_version=4)
    plans = VerdictPlans.from_sources(_graded_tests(source))
    solved = _run(executor, source, plans)
    assert solved and all(passed for passed, _ in solved.values()), solved
    stub = _stubbed(source)
    in_grader, in_child = _run(executor, stub, plans), _run(executor, stub, None)
    assert in_grader == in_child
    assert all(
        not passed and status.startswith("not_implemented") for passed, status in in_grader.values()
    ), in_grader


class _Child:
    """A child that answers every request with one reply (the grader's side alone)."""

    def __init__(self, reply: dict[str, object]) -> None:
        self.reply, self.sent = reply, []  # type: ignore[var-annotated]

    def send(self, message: dict[str, object]) -> None:
        self.sent.append(message)

    def receive(self, deadline: float) -> object:
        return self.reply


def test_a_function_the_scan_cannot_read_fails_its_cell() -> None:
    import time

    from mlmath_lab.autograde.verdicts import decide_cell

    plan = plan_test_cell(
        "from mlmath_lab.checks import check\ncheck('01-linear-algebra/dot_loop', dot_loop)"
    )
    child = _Child(
        {
            "found": True,
            "callable": True,
            "params": ["u", "v"],
            "scan_error": "boom",
            "execution_count": 3,
        }
    )
    now = time.monotonic()
    verdict = decide_cell(child, plan, now + 10, now + 15)  # type: ignore[arg-type]
    assert verdict.execution_count == 3
    (error,) = [o for o in verdict.outputs if o["output_type"] == "error"]
    assert error["ename"] == "ScanFailed" and "boom" in error["evalue"]
    assert not any(o["output_type"] == "display_data" for o in verdict.outputs)
