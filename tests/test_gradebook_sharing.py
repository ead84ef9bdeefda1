"""The autograde run's gradebooks share one engine, with nbgrader's sessions and transactions."""

from __future__ import annotations

from pathlib import Path

import nbgrader.converters.autograde as nbgrader_autograde
import nbgrader.preprocessors.latesubmissions as nbgrader_late
import pytest
from nbgrader.api import Gradebook, MissingEntry

from mlmath_lab.nbgrader.gradebook import RunGradebook, shared_engine, student_transaction

from .support.gradebooks import add_assignment_of_every_cell_kind


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    from mlmath_lab.course.release import ensure_alembic_on_path

    ensure_alembic_on_path()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course"):  # the course row, as `generate_assignment` leaves it
        pass
    return url


def test_within_a_run_nbgrader_opens_gradebooks_on_one_engine(db_url: str) -> None:
    with shared_engine():
        assert nbgrader_autograde.Gradebook is RunGradebook
        assert nbgrader_late.Gradebook is RunGradebook
        with nbgrader_autograde.Gradebook(db_url, "course") as first:
            first.add_student("ada")
            engine = first.engine
        with nbgrader_late.Gradebook(db_url, "course") as second:
            assert second.engine is engine  # and so its compiled statements
            assert second.find_student("ada").id == "ada"  # the first one's commit
        pool = engine.pool
        assert pool.checkedin() >= 1  # closing a Gradebook keeps the run's connections
    assert nbgrader_autograde.Gradebook is Gradebook
    assert nbgrader_late.Gradebook is Gradebook
    # the run's engine was disposed of at the end: its pool was emptied and replaced
    assert pool.checkedin() == 0
    assert engine.pool is not pool


def test_a_rollback_in_one_gradebook_keeps_the_others_commits(db_url: str) -> None:
    with shared_engine():
        with RunGradebook(db_url, "course") as gb:
            gb.add_student("kept")
        with RunGradebook(db_url, "course") as gb:
            gb.add_student("dropped")  # nbgrader commits in add_student: undo by hand below
            gb.remove_student("dropped")
            student = gb.update_or_create_student("kept", first_name="K")
            student.first_name = "not saved"
            gb.db.rollback()
        with RunGradebook(db_url, "course") as gb:
            assert gb.find_student("kept").first_name == "K"
            with pytest.raises(MissingEntry):
                gb.find_student("dropped")


def test_outside_a_run_a_gradebook_is_nbgraders(db_url: str) -> None:
    with RunGradebook(db_url, "course") as first:
        first_engine = first.engine
    with RunGradebook(db_url, "course") as second:
        assert second.engine is not first_engine


def test_runs_do_not_nest(db_url: str) -> None:
    with shared_engine(), pytest.raises(RuntimeError, match="already"), shared_engine():
        pass
    assert nbgrader_autograde.Gradebook is Gradebook


def _students(db_url: str) -> set[str]:
    with Gradebook(db_url, "course") as gb:
        return {s.id for s in gb.students}


def test_a_students_transaction_commits_nbgraders_commits_once_complete(db_url: str) -> None:
    with shared_engine():
        with student_transaction(db_url, "course"):
            with nbgrader_autograde.Gradebook(db_url, "course") as gb:
                gb.add_student("ada")  # nbgrader commits: a savepoint, not yet on disk
            assert _students(db_url) == set()  # another connection sees nothing yet
            with nbgrader_late.Gradebook(db_url, "course") as gb:
                assert gb.find_student("ada").id == "ada"  # the same transaction sees it
        assert _students(db_url) == {"ada"}


def test_a_failed_student_leaves_the_gradebook_as_it_was(db_url: str) -> None:
    with shared_engine():
        with student_transaction(db_url, "course"), RunGradebook(db_url, "course") as gb:
            gb.add_student("kept")
        with student_transaction(db_url, "course") as transaction:
            with RunGradebook(db_url, "course") as gb:
                gb.add_student("graded-then-failed")
                gb.update_or_create_student("kept", first_name="changed")
            transaction.rollback()
        with pytest.raises(KeyboardInterrupt), student_transaction(db_url, "course"):
            with RunGradebook(db_url, "course") as gb:
                gb.add_student("interrupted")
            raise KeyboardInterrupt
    assert _students(db_url) == {"kept"}
    with Gradebook(db_url, "course") as gb:
        assert gb.find_student("kept").first_name is None


def test_nbgraders_own_rollback_returns_to_its_savepoint(db_url: str) -> None:
    """nbgrader rolls its session back on an IntegrityError: only its own change goes."""
    with shared_engine(), student_transaction(db_url, "course"):
        with RunGradebook(db_url, "course") as gb:
            gb.add_student("first")
        with RunGradebook(db_url, "course") as gb:
            gb.db.add(type(gb.find_student("first"))(id="second"))
            gb.db.rollback()
    assert _students(db_url) == {"first"}


def _course_ids(db_url: str) -> set[str]:
    from nbgrader.api import Course
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            return {course.id for course in session.query(Course)}
    finally:
        engine.dispose()


def test_the_course_row_is_checked_once_per_run_not_at_every_open(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    check_course = RunGradebook.check_course

    def counted(self: RunGradebook, course_id: str = "default_course", **kwargs: object) -> object:
        checks.append(course_id)
        return check_course(self, course_id, **kwargs)

    monkeypatch.setattr(RunGradebook, "check_course", counted)
    with shared_engine():
        for _ in range(5):
            with RunGradebook(db_url, "course"):
                pass
        with student_transaction(db_url, "course"):
            for _ in range(3):
                with RunGradebook(db_url, "course"):
                    pass
    assert checks == ["course"]  # the first open, which sets the database up
    with shared_engine(), RunGradebook(db_url, "course"):  # a new run checks again
        pass
    assert checks == ["course", "course"]


def test_a_course_row_made_by_a_failed_student_is_made_again_by_the_next(db_url: str) -> None:
    with shared_engine():
        with RunGradebook(db_url, "course"):
            pass
        # nbgrader's preprocessors open the gradebook with the default course id
        with pytest.raises(RuntimeError), student_transaction(db_url, "course"):
            with RunGradebook(db_url):
                pass
            raise RuntimeError("the student failed")
        assert "default_course" not in _course_ids(db_url)  # rolled back with the student
        with student_transaction(db_url, "course"), RunGradebook(db_url):
            pass
        assert "default_course" in _course_ids(db_url)  # checked again, and committed


def _submission_rows(url: str, student: str) -> dict[str, object]:
    """A student's submission as rows, with the row ids replaced by what they point to."""
    with Gradebook(url, "course") as gb:
        submission = gb.find_submission("a1", student)
        notebooks = {}
        for nb in submission.notebooks:
            notebooks[nb.notebook.name] = {
                "flagged": nb.flagged,
                "grades": sorted(
                    (
                        g.cell.name,
                        g.cell.type,
                        g.auto_score,
                        g.manual_score,
                        g.extra_credit,
                        g.needs_manual_grade,
                    )
                    for g in nb.grades
                ),
                "comments": sorted(
                    (c.cell.name, c.cell.type, c.auto_comment, c.manual_comment)
                    for c in nb.comments
                ),
            }
        return {
            "timestamp": submission.timestamp,
            "extension": submission.extension,
            "notebooks": notebooks,
            "dict": {k: v for k, v in submission.to_dict().items() if k != "id"},
        }


def test_a_new_submission_has_the_rows_nbgrader_writes(db_url: str) -> None:
    with Gradebook(db_url, "course") as gb:
        add_assignment_of_every_cell_kind(gb, duedate="2026-12-01 12:00:00")
        gb.add_notebook("empty", "a1")  # a notebook without cells
        for student in ("ada", "bob"):
            gb.add_student(student)
        late = "2026-12-02 08:30:00.123456"
        gb.add_submission("a1", "ada", timestamp=late)  # nbgrader's own

    with shared_engine(), RunGradebook(db_url, "course") as run:
        made = run.add_submission("a1", "bob", timestamp=late)
        assert made.student.id == "bob"
        assert made.total_seconds_late == pytest.approx(20.5 * 3600 + 0.123456)
        from nbgrader.api import InvalidEntry

        with pytest.raises(InvalidEntry):  # one submission per student, as in nbgrader
            run.add_submission("a1", "bob")
        with pytest.raises(MissingEntry):
            run.add_submission("a1", "nobody")

    ada, bob = _submission_rows(db_url, "ada"), _submission_rows(db_url, "bob")
    assert bob == {**ada, "dict": {**ada["dict"], "student": "bob"}}  # type: ignore[dict-item]
    assert len(ada["notebooks"]) == 3  # type: ignore[arg-type]
