"""Call a student's code and, when it raises, describe the error as *theirs*.

A traceback that runs through the check library buries the student's line under ours, so the
frames of this package are dropped and the rest is shown as "your code raised ...".
"""

from __future__ import annotations

import re
import sysconfig
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)
_LIBRARY_PARTS = ("site-packages", "dist-packages", f"{sysconfig.get_paths()['stdlib']}")
_IPYKERNEL_CELL = re.compile(r".*[/\\]ipykernel_\d+[/\\]\d+\.py$")


@dataclass(frozen=True)
class Raised:
    """What a call raised, kept apart from the values it could have returned."""

    error: BaseException

    @property
    def not_implemented(self) -> bool:
        return isinstance(self.error, NotImplementedError)


def call_quietly(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call ``fn``, returning its value or a :class:`Raised`.

    The caller passes copies (see :class:`~mlmath_lab.checks.checker.Checker`): a student's
    function that sorts or scales its input in place must not change the case the reference
    sees next. Floating-point warnings are silenced: an overflow shows up in the comparison
    (as inf or nan) with a clearer message.
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except Exception as error:  # the student's error is data for the result, not a crash
        return Raised(error)


def is_notebook_cell(filename: str) -> bool:
    """Whether code was compiled from a notebook cell (IPython names cells by a temp path)."""
    return bool(_IPYKERNEL_CELL.match(filename))


def describe_student_error(error: BaseException) -> str:
    """``ExcType: message`` plus the student's frames only (cells and their own modules).

    An error raised in another process (autograde's sandboxed child) was described there,
    where its frames were; it carries that description."""
    described = getattr(error, "__dict__", {}).get("mlmath_described")
    if isinstance(described, str) and described:
        return described
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not str(Path(frame.filename).resolve()).startswith(_PACKAGE_DIR)
    ]
    # Inside numpy or torch the student cannot act; their own line is what they need to see.
    own = [f for f in frames if not any(part in f.filename for part in _LIBRARY_PARTS)]
    lines = [f"Your code raised {type(error).__name__}: {error}".rstrip(": ")]
    for frame in (own or frames)[-3:]:
        where = "your cell" if is_notebook_cell(frame.filename) else Path(frame.filename).name
        lines.append(
            f"  in {frame.name}, {where}, line {frame.lineno}: {(frame.line or '').strip()}"
        )
    return "\n".join(lines)
