"""A submission's working copy: regular files only, never through a symbolic link.

The submission folder is the student's: it may hold a symbolic link to the gradebook, a link
to a directory of the course, a FIFO or a socket. The working copy, which the student's code
reads, must hold none of them, and the grader learns what was left out.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlmath_lab.autograde.submissions import _copy_tree


@pytest.fixture
def folders() -> Iterator[tuple[Path, Path, Path]]:
    """(course, submission, working copy), each fresh; a short root, for the socket's path."""
    root = Path(tempfile.mkdtemp(prefix="mlmath-copy-"))
    course, submission, work = root / "course", root / "submission", root / "work"
    for folder in (course, submission, work):
        folder.mkdir()
    yield course, submission, work
    shutil.rmtree(root, ignore_errors=True)


def _files(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (never following a link): relative path → what it is."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
            if kind == "file" and not path.is_file():
                kind = "special"
            found[path.relative_to(folder).as_posix()] = kind
    return found


@pytest.mark.timeout(60)  # the old copy would wait forever on a FIFO it opened
def test_links_and_special_files_are_not_copied(folders: tuple[Path, Path, Path]) -> None:
    course, submission, work = folders
    (course / "gradebook.db").write_text("the grades")
    (course / "source").mkdir()
    (course / "source" / "tests.py").write_text("hidden tests")
    # what an honest submission holds
    (submission / "data.csv").write_text("x,y\n1,2\n")
    (submission / "helpers").mkdir()
    (submission / "helpers" / "util.py").write_text("def f():\n    return 1\n")
    (submission / "run.sh").write_text("#!/bin/sh\n")
    (submission / "run.sh").chmod(0o755)
    (submission / "answers.ipynb").write_text("{}")  # notebooks are not copied (nbgrader)
    # and what a hostile one adds
    (submission / "grades.txt").symlink_to(course / "gradebook.db")
    (submission / "helpers" / "tests.py").symlink_to(course / "source" / "tests.py")
    (submission / "course").symlink_to(course / "source", target_is_directory=True)
    (submission / "dangling").symlink_to(course / "nothing-here")
    os.mkfifo(submission / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(submission / "sock"))

        skipped = _copy_tree(submission, work, [])

    assert _files(work) == {
        "data.csv": "file",
        "helpers": "dir",
        "helpers/util.py": "file",
        "run.sh": "file",
    }
    assert (work / "data.csv").read_text() == "x,y\n1,2\n"
    assert (work / "helpers" / "util.py").read_text() == "def f():\n    return 1\n"
    assert (work / "run.sh").stat().st_mode & 0o777 == 0o755  # modes kept, as shutil.copy
    assert sorted((path, reason) for path, reason in skipped) == [
        ("course", "symbolic link to a directory"),
        ("dangling", "symbolic link"),
        ("grades.txt", "symbolic link"),
        ("helpers/tests.py", "symbolic link"),
        ("pipe", "FIFO"),
        ("sock", "socket"),
    ]
    # nothing of the course reached the working copy, under any name
    for path in work.rglob("*"):
        if path.is_file():
            assert path.read_text() not in ("the grades", "hidden tests"), path


def test_the_same_files_as_nbgrader_are_copied(folders: tuple[Path, Path, Path]) -> None:
    """Which files: nbgrader's find_all_files with the course's ignore patterns and
    *.ipynb, an ignored directory's contents included; the source folder's files replace the
    submission's, except those excluded."""
    from nbgrader.utils import find_all_files

    course, submission, work = folders
    for relative in (
        "a.txt",
        "b.py",
        "notes.ipynb",
        ".hidden",
        "__pycache__/b.cpython-311.pyc",
        ".ipynb_checkpoints/notes-checkpoint.ipynb",
        "deep/er/c.txt",
        "deep/er/skip.pyc",
    ):
        path = submission / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"student's {relative}")
    (course / "a.txt").write_text("the course's a.txt")
    (course / "keep.txt").write_text("the student's copy stays")
    (submission / "keep.txt").write_text("the student's keep.txt")
    ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__"]

    assert _copy_tree(submission, work, ignore) == []
    expected = {
        Path(f).relative_to(submission).as_posix()
        for f in find_all_files(str(submission), [*ignore, "*.ipynb"])
    }
    assert {k for k, v in _files(work).items() if v == "file"} == expected
    assert _copy_tree(course, work, ignore, {course / "keep.txt"}) == []
    assert (work / "a.txt").read_text() == "the course's a.txt"
    assert (work / "keep.txt").read_text() == "the student's keep.txt"
