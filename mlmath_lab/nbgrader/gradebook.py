"""The gradebook during an autograde run: one engine, and one transaction per student.

nbgrader opens a new ``Gradebook`` for each lookup: ``Autograde.init_assignment`` alone opens
five per student, ``AssignLatePenalties`` one per notebook. Each one creates a SQLAlchemy
engine, inspects the database, runs ``create_all`` and disposes of the engine when closed. A
new engine also starts with an empty statement cache, so every query is compiled again. And
each of nbgrader's many commits per student is a disk sync. Over a class, that is most of
nbgrader's own time per student.

Inside :func:`shared_engine`, the ``Gradebook`` that nbgrader's autograde steps construct is
:class:`RunGradebook`: the first one per database sets the database up as nbgrader does, the
later ones reuse its engine (and so its compiled statements).

Inside :func:`student_transaction`, every ``RunGradebook`` works in one database transaction
for that student. nbgrader's commits and rollbacks become savepoints inside it, so its code
behaves as it always does, but the student's rows reach the disk in one commit at the end,
or not at all: a failed or interrupted student leaves the gradebook exactly as it was.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import threading
from collections.abc import Iterator
from typing import Any

from nbgrader.api import Gradebook
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

# The nbgrader modules whose steps run in ``mlmath-lab autograde`` and open a Gradebook by
# the name they imported.
NBGRADER_MODULES = (
    "nbgrader.converters.autograde",
    "nbgrader.preprocessors.latesubmissions",
    "nbgrader.preprocessors.saveautogrades",
    "nbgrader.preprocessors.overwritecells",
    "nbgrader.preprocessors.overwritekernelspec",
)

_engines: dict[str, Any] | None = None  # by database URL, during a run; None outside one
_transactions: dict[str, Any] = {}  # database URL -> the connection of a student's transaction
# nbgrader checks the course row (a query and a commit) at every open. Once the row is
# committed it stays for the run (autograde deletes no course), so it is checked once:
_courses: set[tuple[str, str]] = set()  # (database URL, course id): committed this run
_courses_in_transaction: dict[str, set[str]] = {}  # database URL -> ids of the open transaction
_lock = threading.Lock()
# One factory for every session of a run: each sessionmaker makes a Session class of its own,
# whose event dispatch SQLAlchemy builds again (0.3 ms of each open).
_SESSIONS = sessionmaker(autoflush=True, future=True)


def _sqlite_transactions(engine: Any) -> None:
    """Let SQLAlchemy, not Python's sqlite3 module, begin and end transactions.

    sqlite3's legacy mode begins a transaction only before a write and knows nothing of
    savepoints, so a savepoint could not roll back a write made before it (SQLAlchemy's
    documented recipe for savepoints on pysqlite)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    engine.dispose()  # connections made before the hooks close when returned


class RunGradebook(Gradebook):  # type: ignore[misc]
    """nbgrader's ``Gradebook``; during a run, on the run's shared engine for ``db_url``,
    and during a student's transaction, inside it."""

    _shared = False
    engine: Any

    def __init__(
        self, db_url: str, course_id: str = "default_course", authenticator: Any = None
    ) -> None:
        with _lock:
            engine = None if _engines is None else _engines.get(db_url)
            if engine is None:
                # nbgrader's own set-up (tables, alembic version, course row), once per run.
                super().__init__(db_url, course_id, authenticator)
                if _engines is not None:
                    _sqlite_transactions(self.engine)
                    _engines[db_url] = self.engine
                    _courses.add((db_url, course_id))
                    self._shared = True
                return
            connection = _transactions.get(db_url)
            checked = (db_url, course_id) in _courses or (
                connection is not None and course_id in _courses_in_transaction.get(db_url, ())
            )
        self._shared = True
        self.engine = engine
        if connection is None:
            factory = functools.partial(_SESSIONS, bind=engine)
        else:
            # Joins the student's transaction: commit() releases a savepoint, rollback()
            # returns to it, and nothing reaches the disk before the student is complete.
            factory = functools.partial(
                _SESSIONS, bind=connection, join_transaction_mode="create_savepoint"
            )
        self.db = scoped_session(factory)  # type: ignore[arg-type, var-annotated]
        if not checked:
            self.check_course(course_id=course_id)
            with _lock:
                if connection is None:
                    _courses.add((db_url, course_id))
                else:  # committed with the student's rows, or rolled back with them
                    _courses_in_transaction.setdefault(db_url, set()).add(course_id)
        self.course_id = course_id
        self.authenticator = authenticator

    def add_submission(self, assignment: str, student: str, **kwargs: Any) -> Any:
        """nbgrader's ``add_submission``: the same rows (the submission, one per notebook,
        a grade per grade and task cell, a comment per solution and task cell), written with
        one INSERT per table instead of an ORM flush of each row, with nbgrader's errors."""
        from nbgrader import utils
        from nbgrader.api import (
            BaseCell,
            Comment,
            Grade,
            InvalidEntry,
            Notebook,
            SubmittedAssignment,
            SubmittedNotebook,
            new_uuid,
        )
        from sqlalchemy import insert, select
        from sqlalchemy.exc import IntegrityError, StatementError
        from sqlalchemy.orm.exc import FlushError
        from tornado.log import app_log  # where nbgrader's Gradebook logs

        columns = set(SubmittedAssignment.__table__.columns.keys()) - {"id"}
        if not set(kwargs) <= columns:  # a relationship by name: as nbgrader builds it
            return super().add_submission(assignment, student, **kwargs)
        if "timestamp" in kwargs:
            kwargs["timestamp"] = utils.parse_utc(kwargs["timestamp"])
        assignment_id = self.find_assignment(assignment).id
        student_id = self.find_student(student).id
        submission_id = new_uuid()
        notebooks: dict[str, str] = {}  # Notebook.id -> SubmittedNotebook.id
        grades: list[dict[str, Any]] = []
        comments: list[dict[str, Any]] = []
        cells = self.db.execute(
            select(Notebook.id, BaseCell.id, BaseCell.type)
            .select_from(Notebook)
            .outerjoin(BaseCell, BaseCell.notebook_id == Notebook.id)
            .where(Notebook.assignment_id == assignment_id)
        )
        for notebook_id, cell_id, kind in cells:
            submitted = notebooks.setdefault(notebook_id, new_uuid())
            if kind in ("GradeCell", "TaskCell"):
                grades.append({"id": new_uuid(), "cell_id": cell_id, "notebook_id": submitted})
            if kind in ("SolutionCell", "TaskCell"):
                comments.append({"id": new_uuid(), "cell_id": cell_id, "notebook_id": submitted})
        try:
            self.db.execute(
                insert(SubmittedAssignment.__table__),
                [
                    {
                        "id": submission_id,
                        "assignment_id": assignment_id,
                        "student_id": student_id,
                        **kwargs,
                    }
                ],
            )
            rows = [
                {"id": submitted, "notebook_id": notebook_id, "assignment_id": submission_id}
                for notebook_id, submitted in notebooks.items()
            ]
            for table, values in (
                (SubmittedNotebook.__table__, rows),
                (Grade.__table__, grades),
                (Comment.__table__, comments),
            ):
                if values:
                    self.db.execute(insert(table), values)
            self.db.commit()
        except (IntegrityError, FlushError, StatementError) as e:
            app_log.exception("Rolling back session due to database error %s", e)
            self.db.rollback()
            raise InvalidEntry(*e.args) from None
        return self.db.get(SubmittedAssignment, submission_id)

    def close(self) -> None:
        if self._shared:
            # The session ends here, as in nbgrader; the engine stays for the rest of the run.
            self.db.remove()
        else:
            super().close()


@contextlib.contextmanager
def shared_engine() -> Iterator[None]:
    """Within the block, the Gradebooks that nbgrader's autograde steps (and ours) open share
    one engine per database."""
    global _engines
    modules = [importlib.import_module(name) for name in NBGRADER_MODULES]
    before = [getattr(module, "Gradebook") for module in modules]  # noqa: B009
    with _lock:
        if _engines is not None:
            raise RuntimeError("an autograde run is already sharing the gradebook's engine")
        _engines = {}
    for module in modules:
        setattr(module, "Gradebook", RunGradebook)  # noqa: B010
    try:
        yield
    finally:
        for module, original in zip(modules, before, strict=True):
            setattr(module, "Gradebook", original)  # noqa: B010
        with _lock:
            engines, _engines = list((_engines or {}).values()), None
            _courses.clear()
            _courses_in_transaction.clear()
        for engine in engines:
            engine.dispose()


class StudentTransaction:
    """What :func:`student_transaction` yields: call ``rollback()`` to discard the student's
    rows; otherwise they are committed when the block ends without an exception."""

    def __init__(self) -> None:
        self.rolled_back = False

    def rollback(self) -> None:
        self.rolled_back = True


@contextlib.contextmanager
def student_transaction(db_url: str, course_id: str) -> Iterator[StudentTransaction]:
    """One transaction for every RunGradebook opened on ``db_url`` within the block (in
    :func:`shared_engine`). An exception, or ``rollback()``, undoes all of them."""
    with RunGradebook(db_url, course_id):  # the run's engine exists; the course row too
        pass
    with _lock:
        assert _engines is not None, "student_transaction() needs shared_engine()"
        if db_url in _transactions:
            raise RuntimeError("a student's transaction is already open on this gradebook")
        engine = _engines[db_url]
    handle = StudentTransaction()
    with engine.connect() as connection:
        transaction = connection.begin()
        with _lock:
            _transactions[db_url] = connection
        try:
            yield handle
        except BaseException:
            transaction.rollback()
            raise
        else:
            if handle.rolled_back:
                transaction.rollback()
            else:
                transaction.commit()
                with _lock:
                    _courses.update((db_url, c) for c in _courses_in_transaction.get(db_url, ()))
        finally:
            with _lock:
                _transactions.pop(db_url, None)
                _courses_in_transaction.pop(db_url, None)
