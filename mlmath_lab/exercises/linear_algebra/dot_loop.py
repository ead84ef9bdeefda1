"""Dot product by loop (01-linear-algebra/dot_loop): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.rules import NP_DOT, Forbidden
from ._common import A

# What the exercises' "Not allowed here" lines name besides torch (always forbidden).
NP_SUM = Forbidden(
    "np.sum",
    objects=("numpy.sum", "numpy.tensordot"),
    methods=("sum",),
    why="Write the loop: the point is to see the sum of products.",
)


# -- dot product by loop ----------------------------------------------------------------------
def _dot_reference(u: Any, v: Any) -> float:
    if np.shape(u) != np.shape(v):
        raise ValueError(f"lengths differ: {np.shape(u)} vs {np.shape(v)}")
    return float(np.dot(u, v))


def _dot_cases() -> list[Case]:
    rng = _rng(1)
    return [
        Case("two length-3 vectors", (np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0]))),
        Case("length-7 random vectors", (rng.normal(size=7), rng.normal(size=7))),
        Case("length-1 vectors", (np.array([2.5]), np.array([-4.0]))),
        Case("orthogonal vectors", (np.array([1.0, 1.0, 0.0]), np.array([1.0, -1.0, 5.0]))),
        Case(
            "integer vectors [3, -1, 2] and [4, 5, -2] (return a float)",
            (np.array([3, -1, 2]), np.array([4, 5, -2])),
        ),
        Case(
            "Python lists [0.5, 1.5, -2.0] and [2.0, -4.0, 0.25]",
            ([0.5, 1.5, -2.0], [2.0, -4.0, 0.25]),
        ),
        Case("lengths 3 and 4 (must raise ValueError)", (np.ones(3), np.ones(4))),
    ]


def _dot_last_product(u: Any, v: Any) -> float:
    total = 0.0
    for a, b in zip(u, v, strict=False):
        total = a * b
    return float(total)


def _dot_first_product(u: Any, v: Any) -> float:
    for a, b in zip(u, v, strict=False):
        return float(a * b)
    return 0.0


DOT_LOOP = Checker(
    f"{A}/dot_loop",
    title="Dot product by loop",
    reference=_dot_reference,
    cases=_dot_cases,
    forbidden=[NP_DOT, NP_SUM],
    misconceptions=[
        Misconception(
            "elementwise-product-not-summed",
            "You returned the elementwise products u[i]·v[i]; the dot product is their sum.",
            lambda u, v: np.array([a * b for a, b in zip(u, v, strict=False)]),
        ),
        Misconception(
            "last-product-only",
            "Only the last product u[-1]·v[-1] survives: the running total is overwritten (or "
            "reset to 0) in every iteration. Set total = 0.0 once, before the loop, and add "
            "with total += u[i] * v[i].",
            _dot_last_product,
        ),
        Misconception(
            "return-inside-loop",
            "Your function returns the first product u[0]·v[0]: the `return` is indented "
            "inside the loop, so it runs in the first iteration. Return after the loop.",
            _dot_first_product,
        ),
    ],
)


CHECKER = DOT_LOOP
