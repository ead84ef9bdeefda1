"""`mlmath-lab autograde` ends without Python's teardown, with the status and output it had."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROGRAM = """
import atexit, sys
from mlmath_lab.app import _exit_without_teardown
atexit.register(lambda: print("atexit handlers ran"))
def command():
    print("partial line without a newline", end="")
    sys.stderr.write("to stderr")
    {body}
_exit_without_teardown(command)
print("never reached")
"""


@pytest.mark.parametrize(
    ("body", "status", "stderr_extra"),
    [
        ("pass", 0, ""),
        ("sys.exit(None)", 0, ""),
        ("sys.exit(3)", 3, ""),
        ("sys.exit('a message')", 1, "a message"),
    ],
)
def test_the_status_output_and_atexit_handlers_are_kept(
    body: str, status: int, stderr_extra: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(body=body)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert done.stdout == "partial line without a newlineatexit handlers ran\n"
    assert done.stderr.startswith("to stderr")
    assert stderr_extra in done.stderr
    assert "never reached" not in done.stdout


def test_an_error_still_ends_with_its_traceback() -> None:
    program = PROGRAM.format(body="raise ValueError('broken')")
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1
    assert "ValueError: broken" in done.stderr
    assert "atexit handlers ran" in done.stdout
