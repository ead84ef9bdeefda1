"""Numerically stable softmax (01-linear-algebra/softmax): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import SCIPY, A, _floats


# -- softmax ----------------------------------------------------------------------------------------
def _softmax_reference(z: Any, axis: int = -1) -> np.ndarray:
    torch = _torch()
    return torch.softmax(torch.from_numpy(_floats(z)), dim=axis).numpy()


def _softmax_cases() -> list[Case]:
    rng = _rng(5)
    return [
        Case("a vector of 4 logits", (np.array([1.0, 2.0, 3.0, 4.0]),)),
        Case("(3, 5) logits, rows sum to 1", (rng.normal(size=(3, 5)),)),
        Case("huge logits [1000, 1001, 1002]", (np.array([1000.0, 1001.0, 1002.0]),)),
        Case(
            "very negative logits [-1000, -1001, -1002]", (np.array([-1000.0, -1001.0, -1002.0]),)
        ),
        Case(
            "(2, 3) logits [[1000, 0, -1000], [-5, 0, 5]]: a large spread within a row, "
            "rows far apart",
            (np.array([[1000.0, 0.0, -1000.0], [-5.0, 0.0, 5.0]]),),
        ),
        Case("(2, 3, 4) logits scaled by 100", (100 * rng.normal(size=(2, 3, 4)),)),
        Case("(4, 3) logits with axis=0", (rng.normal(size=(4, 3)),), {"axis": 0}),
        Case("float32 logits (5, 2)", (rng.normal(size=(5, 2)).astype(np.float32),)),
        Case("integer logits [[1, 2, 3], [4, 4, 4]]", (np.array([[1, 2, 3], [4, 4, 4]]),)),
    ]


def _naive_softmax(z: Any, axis: int = -1) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_along(z: Any, fixed_axis: int) -> np.ndarray:
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=fixed_axis, keepdims=True))
    return e / e.sum(axis=fixed_axis, keepdims=True)


def _softmax_whole_array(z: Any, axis: int = -1) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum()


def _softmax_global_max(z: Any, axis: int = -1) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_no_keepdims(z: Any, axis: int = -1) -> np.ndarray:
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis))
    return e / e.sum(axis=axis)


SOFTMAX = Checker(
    f"{A}/softmax",
    title="Numerically stable softmax",
    reference=_softmax_reference,
    cases=_softmax_cases,
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Subtract the "
            "maximum along the axis first: softmax(z) = softmax(z − max z).",
            _naive_softmax,
        ),
        Misconception(
            "softmax-wrong-axis",
            "You normalised along axis 0 (down the columns): the values must sum to 1 along "
            "`axis`, the last one by default, so each row of (N, K) logits is a distribution. "
            "Use axis=axis and keepdims=True in max and sum.",
            lambda z, axis=-1: _softmax_along(z, 0),
        ),
        Misconception(
            "softmax-ignores-axis",
            "Your function ignores its `axis` argument: it always normalises along the last "
            "axis, so softmax(z, axis=0) is wrong. Pass axis=axis to max and sum.",
            lambda z, axis=-1: _softmax_along(z, -1),
        ),
        Misconception(
            "softmax-whole-array",
            "You normalised over the whole array: each slice along `axis` must sum to 1 on its "
            "own. Pass axis=axis, keepdims=True to max and sum.",
            _softmax_whole_array,
        ),
        Misconception(
            "softmax-global-max",
            "You subtracted the maximum of the whole array, not of each row. A row whose "
            "logits all lie far below that maximum underflows to exp(…) = 0 everywhere, and "
            "0/0 = nan. Take the max along `axis`: z.max(axis=axis, keepdims=True).",
            _softmax_global_max,
        ),
        Misconception(
            "softmax-no-keepdims",
            "z.max(axis=axis) and e.sum(axis=axis) drop the reduced axis, so for a 2-D "
            "input the (N,) result lines up with the wrong axis of the (N, K) array: it fails "
            "to broadcast (or, for a square input, silently divides by the wrong sums). Pass "
            "keepdims=True to both.",
            _softmax_no_keepdims,
        ),
    ],
)


CHECKER = SOFTMAX
