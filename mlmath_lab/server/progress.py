"""One user's progress: the outcome of each exercise's checks, and the readings and checkpoints
ticked off. It is one JSON file, ``<progress_dir>/progress.json``, defined by
``mlmath_lab/formats/progress.schema.json``::

    {"version": 1,
     "exercises": {"01-linear-algebra/softmax": {"status": "passed" | "failed", "attempts": 3,
         "outcome": "passed" | "failed" | "not_implemented" | "error",
         "last_checked": "2025-01-01T12:00:00.000Z", "passed_at": "..." | null,
         "summary": "...", "hint": "..." | null, "misconception": "..." | null,
         "duration_ms": 4.2,
         "notebook": "01-linear-algebra/linear_algebra.ipynb", "code_sha256": "9f86…"}},

``status`` says whether the last check passed; ``outcome`` is that check's own status: the
stub still in place (``not_implemented``), the student's code raising before the check could
run (``error``, a SyntaxError say), or a failed case. ``outcome`` is a key of its own, not a
new value of ``status``, so a server of an older version still reads (and keeps) the file.
``notebook`` and ``code_sha256`` (optional, together) name the saved code the last check was
about (``null``: it was saved again before the check was recorded, so the code checked is not
on disk); the progress route adds ``edited_since_check`` from them (server/solutions.py).
     "checklist": {"mml-ch2-4": {"done": true, "at": "2025-01-01T12:00:00.000Z"}}}

Two browser tabs, or two servers of the same user, may record at the same moment, so every
change is a read-modify-write under a lock that holds across threads and processes, and every
write is atomic (temporary file, fsync, rename): a crash leaves the previous file whole. A file
that cannot be read is moved aside, never silently replaced.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..atomicfile import temporary_prefix, write_atomically
from ..formats import PROGRESS, PROGRESS_FORMAT_VERSION, field_name, first_problem

FORMAT_VERSION = PROGRESS_FORMAT_VERSION
PROGRESS_FILE = "progress.json"
LOCK_FILE = "progress.lock"

Entry = dict[str, Any]


@dataclass(frozen=True)
class CheckRecord:
    """What the store keeps of one check result."""

    exercise: str
    passed: bool
    summary: str
    hint: str | None
    misconception: str | None
    duration_ms: float
    outcome: str | None = None  # one of OUTCOMES; None: "passed" or "failed", as ``passed``
    # The saved notebook the check was about (relative to the server root; None: unknown) and
    # the fingerprint of the exercise's solution code in it (server/solutions.py), None when
    # that code was no longer on disk when the check was recorded (saved again meanwhile).
    notebook: str | None = None
    code_sha256: str | None = None

    @property
    def last_outcome(self) -> str:
        if self.outcome is None:
            return "passed" if self.passed else "failed"
        return self.outcome


def utc_now() -> str:
    """An ISO-8601 UTC timestamp in the form JavaScript's ``Date`` parses everywhere."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def empty_progress() -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "exercises": {}, "checklist": {}}


def shape_problem(data: Any) -> str | None:
    """What is wrong with a parsed progress file, or None when it has the expected shape
    (formats/progress.schema.json).

    Keys this version does not know are allowed (and kept), so an older server does not set
    aside a file that a newer one wrote with extra fields. The schema's pattern gives the form
    of a timestamp; a date that does not exist (month 13) is found here.
    """
    problem = first_problem(PROGRESS, data)
    if problem:
        return problem
    stamps = [
        *(
            (("exercises", exercise_id, field), entry[field])
            for exercise_id, entry in data["exercises"].items()
            for field in ("last_checked", "passed_at")
        ),
        *(
            (("checklist", item_id, "at"), entry["at"])
            for item_id, entry in data["checklist"].items()
        ),
    ]
    for path, stamp in stamps:
        if stamp is None:
            continue
        try:
            instant(stamp)
        except ValueError:
            return f"{field_name(path)} is {stamp!r}: not a date and time that exists"
    return None


def instant(timestamp: str) -> datetime:
    """The moment an ISO 8601 timestamp of the schema names. Compared as strings, two files'
    timestamps would order wrongly when they differ in form ("…:00Z" sorts after "…:00.500Z",
    "+02:00" is not "Z"); a timestamp without a zone (not in the schema) is taken as UTC."""
    moment = datetime.fromisoformat(timestamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _merged_exercise(ours: Entry | None, theirs: Entry) -> Entry:
    if ours is None:
        return dict(theirs)
    later = dict(
        theirs if instant(theirs["last_checked"]) > instant(ours["last_checked"]) else ours
    )
    passes = [p for p in (ours["passed_at"], theirs["passed_at"]) if p]
    later["passed_at"] = min(passes, key=instant) if passes else None
    later["attempts"] = max(ours["attempts"], theirs["attempts"])
    return later


# One lock per progress file for the threads of this process. flock alone would serialise
# them too (each acquisition opens its own descriptor), but it would park a pool thread inside
# a system call; the threading lock queues them in Python first.
_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(path, threading.Lock())


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` shared by every process of this user.

    The lock file is never deleted: deleting it would let a second process lock a new inode
    while a first still holds the old one.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor closes
        # On Windows the threading lock is the only guard (one server per user there).
        yield
    finally:
        os.close(fd)


class ProgressStore:
    """The progress file of one user, safe to use from several threads and processes."""

    def __init__(self, directory: Path, log: logging.Logger | None = None) -> None:
        self.directory = directory
        self.path = directory / PROGRESS_FILE
        self.lock_path = directory / LOCK_FILE
        self.log = log or logging.getLogger(__name__)

    # -- public API ----------------------------------------------------------------------
    def read(self) -> dict[str, Any]:
        """The whole store (an empty one when the user has not checked anything yet)."""
        with self._locked():
            return self._load()

    def record_check(self, record: CheckRecord) -> Entry:
        """Count one more attempt at an exercise; returns the exercise's updated entry."""

        def change(data: dict[str, Any]) -> Entry:
            previous = data["exercises"].get(record.exercise, {})
            now = utc_now()
            entry: Entry = {
                "status": "passed" if record.passed else "failed",
                "outcome": record.last_outcome,
                "attempts": int(previous.get("attempts", 0)) + 1,
                "last_checked": now,
                # The first pass is the milestone; a later failed attempt does not undo it.
                "passed_at": previous.get("passed_at") or (now if record.passed else None),
                "summary": record.summary,
                "hint": record.hint,
                "misconception": record.misconception,
                "duration_ms": record.duration_ms,
            }
            # A check without a notebook drops the previous fingerprint (it was about
            # other code).
            if record.notebook is not None:
                entry["notebook"] = record.notebook
                entry["code_sha256"] = record.code_sha256
            data["exercises"][record.exercise] = entry
            return entry

        return self._update(change)

    def set_checklist(self, item_id: str, done: bool) -> Entry:
        """Tick (or untick) a reading or checkpoint; returns its entry."""

        def change(data: dict[str, Any]) -> Entry:
            # Unticking keeps an entry, so "at" still says when the student last changed it.
            entry: Entry = {"done": done, "at": utc_now()}
            data["checklist"][item_id] = entry
            return entry

        return self._update(change)

    def merge(self, imported: dict[str, Any]) -> dict[str, int]:
        """Add a progress file from another session (already checked against the schema).

        Per exercise: a pass stays earned (the earliest ``passed_at`` of the two), the later
        last check gives the current state, and the attempts are the larger count (importing
        the same file twice counts nothing twice). Per checklist item, the later tick wins.
        Returns how many exercises and checklist items changed.
        """

        def change(data: dict[str, Any]) -> Entry:
            exercises = checklist = 0
            for exercise_id, theirs in imported["exercises"].items():
                ours = data["exercises"].get(exercise_id)
                merged = _merged_exercise(ours, theirs)
                if merged != ours:
                    data["exercises"][exercise_id] = merged
                    exercises += 1
            for item_id, theirs in imported["checklist"].items():
                ours = data["checklist"].get(item_id)
                later = ours is None or instant(theirs["at"]) > instant(ours["at"])
                if later and theirs != ours:
                    data["checklist"][item_id] = dict(theirs)
                    checklist += 1
            return {"exercises": exercises, "checklist": checklist}

        return self._update(change)

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with _thread_lock(self.lock_path.resolve()), _file_lock(self.lock_path):
            yield

    def _update(self, change: Callable[[dict[str, Any]], Entry]) -> Entry:
        with self._locked():
            data = self._load()
            entry = change(data)
            self._write(data)
            return entry

    def _load(self) -> dict[str, Any]:
        """Read the file (under the lock); a corrupt one is moved aside for a fresh start."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return empty_progress()
        problem: str | None
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError as error:  # bad JSON or bad UTF-8 (UnicodeDecodeError is one)
            problem = f"not valid JSON ({error})"
        else:
            problem = shape_problem(data)
            if problem is None:
                return dict(data)
        self._set_aside(problem)
        return empty_progress()

    def _set_aside(self, problem: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, aside)
        self.log.warning(
            "%s: %s; moved it to %s and started a new progress record", self.path, problem, aside
        )

    def _remove_stale_temporaries(self) -> None:
        # Under the lock no other write is in progress, so any temporary file left here is
        # from a writer that was killed before its rename.
        for stale in self.directory.glob(f"{temporary_prefix(self.path)}*.tmp"):
            stale.unlink(missing_ok=True)

    def _write(self, data: dict[str, Any]) -> None:
        self._remove_stale_temporaries()
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        write_atomically(self.path, text.encode("utf-8"))
