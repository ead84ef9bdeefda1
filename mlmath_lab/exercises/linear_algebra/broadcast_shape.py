"""Broadcasting: predict the result shape (01-linear-algebra/broadcast_shape): the checker."""

from __future__ import annotations

from typing import Literal

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.rules import Forbidden
from ._common import A

BROADCAST_HELPERS = Forbidden(
    "NumPy's own broadcasting (np.broadcast_shapes, or arrays of those shapes)",
    objects=(
        "numpy.broadcast_shapes",
        "numpy.broadcast",
        "numpy.broadcast_to",
        "numpy.broadcast_arrays",
        "numpy.empty",
        "numpy.zeros",
        "numpy.ones",
        "numpy.full",
    ),
    why="Apply the rule to the shape tuples themselves, without asking NumPy or making arrays.",
)


# -- broadcasting ----------------------------------------------------------------------------------
def _broadcast_with(
    a: tuple[int, ...],
    b: tuple[int, ...],
    *,
    pad: Literal["left", "right", "none"] = "left",
    larger: bool = False,
    check: bool = True,
) -> tuple[int, ...]:
    """The broadcasting rule written with one of the classic slips: shapes padded on the
    wrong side (or not at all), the larger size taken (wrong for 0 against 1), no check."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    if pad == "left":
        a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    elif pad == "right":
        a, b = a + (1,) * (n - len(a)), b + (1,) * (n - len(b))
    else:  # zip drops the leading dimensions of the longer shape
        pairs = list(zip(reversed(a), reversed(b), strict=False))[::-1]
        a, b = tuple(x for x, _ in pairs), tuple(y for _, y in pairs)
    out = []
    for x, y in zip(a, b, strict=True):
        if check and x != y and 1 not in (x, y):
            raise ValueError("incompatible")
        out.append(max(x, y) if larger else (y if x == 1 else x))
    return tuple(out)


BROADCAST_SHAPE = Checker(
    f"{A}/broadcast_shape",
    title="Broadcasting: predict the result shape",
    reference=lambda a, b: tuple(int(d) for d in np.broadcast_shapes(tuple(a), tuple(b))),
    cases=[
        Case("(3, 1) with (1, 4)", ((3, 1), (1, 4))),
        Case("(5, 4) with (4,)", ((5, 4), (4,))),
        Case("(2, 1, 3) with (4, 1)", ((2, 1, 3), (4, 1))),
        Case("(8, 1, 6, 1) with (7, 1, 5)", ((8, 1, 6, 1), (7, 1, 5))),
        Case("() with (2, 3)", ((), (2, 3))),
        Case("(0, 3) with (1, 3): an empty batch", ((0, 3), (1, 3))),
        Case("(3,) with (4,): must raise ValueError", ((3,), (4,))),
        Case("(2, 3) with (3, 2): must raise ValueError", ((2, 3), (3, 2))),
    ],
    forbidden=[BROADCAST_HELPERS],
    misconceptions=[
        Misconception(
            "aligned-left",
            "Broadcasting aligns shapes at their *trailing* dimensions: (5, 4) with (4,) "
            "compares 4 with 4, then 5 with a missing dimension, which counts as 1.",
            lambda a, b: _broadcast_with(a, b, pad="right"),
        ),
        Misconception(
            "max-of-sizes",
            "A size-1 dimension stretches to the other size, even to 0: (0, 3) with (1, 3) "
            "is (0, 3). Taking max(x, y) gets that case wrong: when one size is 1, take the "
            "other one.",
            lambda a, b: _broadcast_with(a, b, larger=True),
        ),
        Misconception(
            "no-compatibility-check",
            "Two sizes broadcast only if they are equal or one of them is 1; otherwise raise "
            "ValueError. Yours returned a shape for (3,) with (4,).",
            lambda a, b: _broadcast_with(a, b, check=False),
        ),
        Misconception(
            "leading-dimensions-dropped",
            "Your shape lost the leading dimensions of the longer shape: zip stops at the "
            "shorter tuple. Pad the shorter shape on the left with 1s first, so (5, 4) with "
            "(4,) gives (5, 4).",
            lambda a, b: _broadcast_with(a, b, pad="none"),
        ),
    ],
)


CHECKER = BROADCAST_SHAPE
