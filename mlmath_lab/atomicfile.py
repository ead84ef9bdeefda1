"""Write a file so that a crash leaves either the old file or the new one, whole.

The data goes to a temporary file beside the target (``.<name>.<random>.tmp``), is flushed to
disk, then renamed over the target; the directory is synced too, as the rename is an entry in
it. A student's notebook, their progress and the workspace's files are all written this way.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path


def temporary_prefix(target: Path) -> str:
    """How the temporary files of ``target`` begin (to find those a killed writer left)."""
    return f".{target.name}."


def write_atomically(target: Path, data: bytes, *, mode_of: Path | None = None) -> None:
    """Replace ``target`` with ``data``; ``mode_of``: a file whose permission bits to copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode_of is not None:
            shutil.copymode(mode_of, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable: it is an entry in the directory."""
    if sys.platform == "win32":  # directories cannot be opened (nor need to be) on Windows
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
