"""Draft figures for ``validate``'s notebook runs; imported by its zygote, as a preload.

Validate runs every notebook to find the cells that raise, and throws the outputs away.
Drawing the demos' figures as a kernel does (PNG at full resolution, laid out twice for the
tight bounding box) was more than half of that time. Here each figure is still drawn (every
artist, so that it is as much of a run as a kernel's: IPython shows a drawing error as a
message, never as the cell's error, in both), once, at a resolution nobody would look at.
Autograde does not import this: its outputs go back to the students.
"""

from __future__ import annotations

from typing import Any

DRAFT_DPI = 12.0


def _draft(shell: Any) -> None:
    import matplotlib
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.config import InlineBackend

    # Read at any `%matplotlib inline` in a notebook ...
    config: Any = InlineBackend.instance(parent=shell)
    config.print_figure_kwargs = {"bbox_inches": None}
    config.rc = {**config.rc, "figure.dpi": DRAFT_DPI}
    # ... and applied now: importing matplotlib_inline configured the shell already.
    matplotlib.rcParams["figure.dpi"] = DRAFT_DPI
    select_figure_formats(shell, config.figure_formats, **config.print_figure_kwargs)


def _install() -> None:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:  # in a zygote, before pyplot is imported
        _draft(shell)


_install()
