"""A corpus of realistic student solutions, written by us, to measure the checks on.

Each assignment has a module here (named as its checker module) with ``ENTRIES``: solutions
as students write them — alternative correct ones (other conventions the exercise allows,
other algorithms, loops where we vectorised) and wrong ones, each wrong one with the known
mistake whose hint it must get (``expect``), or ``None`` where no known mistake fits (then
the check must fail *without* a hint: a hint naming a mistake not made is the worst outcome).

The code is compiled as a notebook cell is, in a namespace holding only ``np``, and the
function named ``function`` is checked. ``python -m tests.corpus`` prints the figures.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any

import numpy as np

CORRECT = "correct"


@dataclass(frozen=True)
class Entry:
    """One solution: ``expect`` is CORRECT, a known mistake's name, or None (wrong, no hint)."""

    exercise: str
    function: str
    code: str
    expect: str | None
    note: str = ""  # where the variant comes from: "CS231n-style", "forum question", ...

    @property
    def wrong(self) -> bool:
        return self.expect != CORRECT

    def compile(self, index: int) -> Any:
        namespace: dict[str, Any] = {"np": np, "__name__": "__main__"}
        filename = f"<corpus {self.exercise} #{index}>"
        exec(compile(self.code, filename, "exec"), namespace)
        return namespace[self.function]


def all_entries() -> list[Entry]:
    entries: list[Entry] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        entries += module.ENTRIES
    return entries
