"""Facts about the course's source notebooks that tests look for elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def hidden_test_lines(notebooks: Iterable[Path]) -> list[str]:
    """Distinctive lines of the notebooks' hidden tests (long enough that they cannot occur
    by chance elsewhere, and not imports, which visible code shares). A line that the visible
    code holds too gives nothing away: a hidden ``check(`` call names the same exercise as
    the visible one (``"01-linear-algebra/dot_loop",``)."""
    lines: list[str] = []
    visible: list[str] = []
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if BEGIN_HIDDEN in line:
                    inside = True
                elif END_HIDDEN in line:
                    inside = False
                elif inside and len(line.strip()) > 25 and "import" not in line:
                    lines.append(line.strip())
                elif not inside:
                    visible.append(line)
    shown = "\n".join(visible)
    return [line for line in lines if line not in shown]
