"""The users a run's submissions run as (root only): one per worker, claimed for the run.

Two autograde runs at once on one machine (two courses, two assignments) must not run
submissions as the same user: a submission could then signal the other run's, or read its
working copy. Each uid is claimed with an exclusive ``flock`` on a lock file of its own, held
until the run ends (the kernel releases it if the run dies); a uid another run holds, or that
some process already runs as, is passed over.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_DIRS = (Path("/run/lock"), Path(tempfile.gettempdir()))
MAX_TRIES = 4096  # uids looked at past the first before giving up


def _lock_dir() -> Path:
    for folder in LOCK_DIRS:
        if folder.is_dir() and os.access(folder, os.W_OK):
            return folder
    return Path(tempfile.gettempdir())


def _in_use(uid: int) -> bool:
    """Whether any process runs as ``uid`` (a survivor of a run that was killed)."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    return True
    return False


@contextlib.contextmanager
def claimed_uids(first: int, count: int) -> Iterator[tuple[int, ...]]:
    """``count`` uids from ``first`` on that no other run holds, held inside the block."""
    folder = _lock_dir()
    held: list[tuple[int, int]] = []
    try:
        uid = first
        while len(held) < count and uid < first + count + MAX_TRIES:
            fd = os.open(folder / f"mlmath-lab-uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)  # another run's
            else:
                if _in_use(uid):
                    os.close(fd)
                else:
                    held.append((uid, fd))
            uid += 1
        if len(held) < count:
            raise RuntimeError(
                f"no {count} free sandbox users from uid {first} on "
                f"(c.Autograder.first_sandbox_uid): other runs hold them"
            )
        yield tuple(uid for uid, _ in held)
    finally:
        for _, fd in held:
            os.close(fd)
