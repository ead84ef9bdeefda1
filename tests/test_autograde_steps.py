"""nbgrader's SaveAutoGrades lookups, answered for a whole notebook at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy import event

from mlmath_lab.nbgrader.steps import _OneCommitGradebook

from .support.gradebooks import add_assignment_of_every_cell_kind


@pytest.fixture
def gb(tmp_path: Path) -> Iterator[Gradebook]:
    from mlmath_lab.course.release import ensure_alembic_on_path

    ensure_alembic_on_path()
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "course") as gb:
        add_assignment_of_every_cell_kind(gb)
        for student in ("ada", "bob"):
            gb.add_student(student)
            gb.add_submission("a1", student)
        yield gb


def _selects(gb: Gradebook) -> list[str]:
    statements: list[str] = []

    @event.listens_for(gb.engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    return statements


def test_lookups_answer_what_nbgrader_answers_with_two_queries_a_notebook(gb: Gradebook) -> None:
    batched = _OneCommitGradebook(gb)
    for student in ("ada", "bob"):
        for notebook in ("nb1", "nb2"):
            for name in ("answer", "tests", "task"):
                expected = gb.find_grade(name, notebook, "a1", student)
                assert batched.find_grade(name, notebook, "a1", student) is expected
            for name in ("answer", "essay", "task"):
                expected = gb.find_comment(name, notebook, "a1", student)
                assert batched.find_comment(name, notebook, "a1", student) is expected

    selects = _selects(gb)
    fresh = _OneCommitGradebook(gb)
    for name in ("answer", "tests", "task"):
        fresh.find_grade(name, "nb1", "a1", "ada")
    for name in ("answer", "essay", "task"):
        fresh.find_comment(name, "nb1", "a1", "ada")
    # the submitted notebook; grades: grade and task cells; comments: solution and task cells
    assert len(selects) == 5


def test_the_lookups_use_the_index_not_a_scan_of_every_students_grades(gb: Gradebook) -> None:
    statements: list[tuple[str, object]] = []

    @event.listens_for(gb.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    lookups = _OneCommitGradebook(gb)
    lookups.find_grade("answer", "nb1", "a1", "ada")
    lookups.find_comment("essay", "nb1", "a1", "ada")
    event.remove(gb.engine, "before_cursor_execute", keep)
    assert statements
    with gb.engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps = [str(row[-1]) for row in plan]
            # tables that grow with the class are searched by index, never scanned
            scans = [s for s in steps if re.match(r"SCAN (grade|comment|submitted_|student)", s)]
            assert not scans, (statement, steps)


def test_a_lookup_nbgrader_cannot_answer_fails_as_in_nbgrader(gb: Gradebook) -> None:
    batched = _OneCommitGradebook(gb)
    with pytest.raises(MissingEntry, match="No such grade: a1/nb1/essay for ada"):
        batched.find_grade("essay", "nb1", "a1", "ada")  # a solution cell has no grade
    with pytest.raises(MissingEntry, match="No such taskcomment: a1/nb1/tests for ada"):
        batched.find_comment("tests", "nb1", "a1", "ada")
    with pytest.raises(MissingEntry):
        batched.find_grade("answer", "nb1", "a1", "nobody")
