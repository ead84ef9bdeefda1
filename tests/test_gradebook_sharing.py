"""The autograde run's gradebooks share one engine, with nbgrader's sessions and transactions."""

from __future__ import annotations

from pathlib import Path

import nbgrader.converters.autograde as nbgrader_autograde
import nbgrader.preprocessors.latesubmissions as nbgrader_late
import pytest
from nbgrader.api import Gradebook, MissingEntry

from mlmath_lab.autograde.gradebook import RunGradebook, shared_engine


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    from mlmath_lab.course.release import ensure_alembic_on_path

    ensure_alembic_on_path()
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


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
    assert nbgrader_autograde.Gradebook is Gradebook
    assert nbgrader_late.Gradebook is Gradebook
    # the run's engine was disposed of: its pool holds no connection
    assert engine.pool.checkedin() == 0


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
