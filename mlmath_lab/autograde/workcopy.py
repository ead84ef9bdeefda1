"""Lay out a submission's working copy: regular files only, never through a symbolic link.

A submission is a folder the student made: besides notebooks and data it can hold a symbolic
link (to the gradebook, the course's source notebooks, /etc/shadow), a link to a directory, a
FIFO (opening it for reading would wait forever for a writer), a socket or a device node.
``shutil.copy`` follows links, so a link to the gradebook would put the gradebook into the
working copy, where the student's code reads it. Here only regular files are copied, each
opened without following a link at any step of its path; everything else is skipped and named,
so the caller can report it.

Which files are considered is nbgrader's choice (``nbgrader.utils.find_all_files`` with the
course's ignore patterns): the walk below is that function's, with the entries it would have
copied (or silently left out: a linked directory) checked before anything is opened.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

__all__ = ["Skipped", "copy_regular_file", "copy_regular_files"]

# O_NOFOLLOW on every step; O_NONBLOCK so that a FIFO swapped in after the check cannot block
# the open; O_NOCTTY so that a terminal device cannot become ours.
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class Skipped(NamedTuple):
    """An entry of the submission that was not copied, and why."""

    path: str  # relative to the copied folder, with "/" between parts
    reason: str


def copy_regular_files(
    source: Path, dest: Path, ignore: Sequence[str], exclude: set[Path] | None = None
) -> list[Skipped]:
    """Copy the regular files of ``source`` that nbgrader would copy into ``dest``; return
    the entries skipped (symbolic links, linked directories, FIFOs, sockets, devices).

    ``ignore``: file globs, matched on names as ``nbgrader.utils.is_ignored`` matches them
    (the caller adds ``*.ipynb``); ``exclude``: paths (``source / name``) not to copy. Errors
    other than a file changing under us (a missing parent, no permission) raise ``OSError``,
    as ``shutil.copy`` did.
    """
    from nbgrader.utils import is_ignored

    patterns = list(ignore)
    skipped: list[Skipped] = []
    to_skip: list[str] = []
    # nbgrader's find_all_files, step by step. os.walk lists a link to a directory among the
    # directories and does not enter it (followlinks=False): nbgrader leaves it out silently.
    for dirname, dirnames, filenames in os.walk(str(source)):
        if is_ignored(dirname, patterns) or dirname in to_skip:
            to_skip.extend(os.path.join(dirname, x) for x in dirnames)
            continue
        for name in dirnames:
            fullpath = os.path.join(dirname, name)
            if os.path.islink(fullpath) and not is_ignored(fullpath, patterns):
                skipped.append(Skipped(_relative(source, fullpath), "symbolic link to a directory"))
        for name in filenames:
            fullpath = os.path.join(dirname, name)
            if is_ignored(fullpath, patterns):
                continue
            path = Path(fullpath)
            if exclude and path in exclude:
                continue
            relative = path.relative_to(source)
            reason = _copy_one(source, relative, dest / relative)
            if reason is not None:
                skipped.append(Skipped(relative.as_posix(), reason))
    return skipped


def copy_regular_file(source: Path, filename: str, target: str) -> str | None:
    """``shutil.copy(filename, target)`` for a file of the folder ``source``, as nbgrader
    calls it, but only for a regular file reached without a link; else why it was not."""
    return _copy_one(source, Path(filename).relative_to(source), Path(target))


def _relative(source: Path, fullpath: str) -> str:
    return Path(fullpath).relative_to(source).as_posix()


def _kind(mode: int) -> str:
    """Why an entry that is not a regular file is skipped."""
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISDIR(mode):
        return "directory"
    return "not a regular file"


def _copy_one(source: Path, relative: Path, target: Path) -> str | None:
    """Copy ``source / relative`` to ``target`` if it is a regular file reached without a
    symbolic link; else return why not."""
    mode = os.lstat(source / relative).st_mode
    if not stat.S_ISREG(mode):
        return _kind(mode)
    try:
        fd = _open_beneath(source, relative.parts)
    except OSError as error:
        # Replaced by a link (ELOOP; ENOTDIR for a parent) between the walk and the open.
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            return "symbolic link"
        raise
    with os.fdopen(fd, "rb") as src:
        st = os.fstat(src.fileno())
        if not stat.S_ISREG(st.st_mode):  # replaced by a FIFO or a device meanwhile
            return _kind(st.st_mode)
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):  # the source folder's copy replaces the submission's
            os.unlink(target)
        # Permission bits as shutil.copy keeps them, without setuid, setgid or sticky.
        out = os.open(target, _CREATE, 0o600)
        with os.fdopen(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            os.fchmod(dst.fileno(), stat.S_IMODE(st.st_mode) & 0o777)
    return None


def _open_beneath(root: Path, parts: Sequence[str]) -> int:
    """Open ``root / *parts`` for reading, refusing a symbolic link at every step below
    ``root`` (the submission's folder itself is opened as nbgrader walks it)."""
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, _OPEN_DIR, dir_fd=folder)
            os.close(folder)
            folder = inner
        fd = os.open(parts[-1], _OPEN_FILE, dir_fd=folder)
    finally:
        os.close(folder)
    os.set_blocking(fd, True)
    return fd
