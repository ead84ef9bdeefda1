"""One database engine for every nbgrader ``Gradebook`` opened during an autograde run.

nbgrader opens a new ``Gradebook`` for each lookup: ``Autograde.init_assignment`` alone opens
five per student, ``AssignLatePenalties`` one per notebook. Each one creates a SQLAlchemy
engine, inspects the database, runs ``create_all`` and disposes of the engine when closed. A
new engine also starts with an empty statement cache, so every query of every lookup is
compiled again. Over a class that is most of nbgrader's own time per student.

Inside :func:`shared_engine`, the ``Gradebook`` that nbgrader's autograde steps construct is
:class:`RunGradebook`: the first one per database sets the database up as nbgrader does, the
later ones reuse its engine (and so its compiled statements). Each keeps its own session, so
transactions, commits and rollbacks are exactly nbgrader's. The engines are disposed of when
the run ends, and the modules get nbgrader's ``Gradebook`` back.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterator
from typing import Any

from nbgrader.api import Gradebook
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
_lock = threading.Lock()


class RunGradebook(Gradebook):  # type: ignore[misc]
    """nbgrader's ``Gradebook``; during a run, on the run's shared engine for ``db_url``."""

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
                    _engines[db_url] = self.engine
                    self._shared = True
                return
        self._shared = True
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        self.check_course(course_id=course_id)
        self.course_id = course_id
        self.authenticator = authenticator

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
        for engine in engines:
            engine.dispose()
