"""Max-pooling: forward (08-convolutions/maxpool2d_forward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _pair, _t


def _pool(X: Any, kernel_size: Any, stride: Any, *, ceil_mode: bool = False) -> np.ndarray:
    F = _torch().nn.functional
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    return _np(F.max_pool2d(_t(X), k, s, ceil_mode=ceil_mode))


def _maxpool_reference(X: Any, kernel_size: Any, stride: Any = None) -> np.ndarray:
    return _pool(X, kernel_size, stride)


def _cases() -> list[Case]:
    rng = _rng(84)
    return [
        Case(
            "the notes' example: X (1, 1, 4, 4), 2×2 windows, stride 2 (the default) → 2×2",
            (rng.normal(size=(1, 1, 4, 4)), 2),
        ),
        Case("N = 2, C = 3, X 6×8, 2×2 windows, stride 2", (rng.normal(size=(2, 3, 6, 8)), 2, 2)),
        Case(
            "N = 2, C = 3, X 7×9, 3×2 windows, stride (3, 2) — the default: the last row of X "
            "is in no window",
            (rng.normal(size=(2, 3, 7, 9)), (3, 2)),
        ),
        Case(
            "N = 3, C = 2, X 7×8, 3×3 windows, stride 2: overlapping windows",
            (rng.normal(size=(3, 2, 7, 8)), 3, 2),
        ),
        Case(
            "N = 2, C = 4, X 5×9, 2×3 windows, stride (1, 2)",
            (rng.normal(size=(2, 4, 5, 9)), (2, 3), (1, 2)),
        ),
        Case(
            "integer X (2, 2, 6, 6) with ties, 3×3 windows, stride 3",
            (rng.integers(0, 3, size=(2, 2, 6, 6)), 3),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(X: Any, kernel_size: Any, stride: Any = None) -> np.ndarray:
        if mistake == "stride-defaults-to-one":
            return _pool(X, kernel_size, 1 if stride is None else stride)
        if mistake == "kernel-swapped":
            kh, kw = _pair(kernel_size)
            return _pool(X, (kw, kh), stride)
        if mistake == "ceil-mode":
            return _pool(X, kernel_size, stride, ceil_mode=True)
        out = _pool(X, kernel_size, stride)  # max-over-channels
        return np.repeat(out.max(axis=1, keepdims=True), out.shape[1], axis=1)

    return wrong


MAXPOOL2D_FORWARD = Checker(
    f"{A}/maxpool2d_forward",
    title="Max-pooling: forward",
    reference=_maxpool_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "stride-defaults-to-one",
            "With stride=None the windows must not overlap: the stride defaults to the kernel "
            "size (as in torch's max_pool2d), not to 1.",
            _with("stride-defaults-to-one"),
        ),
        Misconception(
            "kernel-swapped",
            "Your windows are kW tall and kH wide: kernel_size = (kH, kW) is (height, width), "
            "height along axis 2 and width along axis 3.",
            _with("kernel-swapped"),
        ),
        Misconception(
            "ceil-mode",
            "You counted a last, partial window: H_out = ⌊(H − kH) / sh⌋ + 1 (floor, torch's "
            "default); rows that no full window reaches are dropped. Rounding up is torch's "
            "ceil_mode=True.",
            _with("ceil-mode"),
        ),
        Misconception(
            "max-over-channels",
            "You took one maximum over all channels of the window (np.max without an axis). "
            "Pooling works on each channel separately: take the maximum over axes (2, 3) of "
            "the window only, keeping N and C.",
            _with("max-over-channels"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = MAXPOOL2D_FORWARD
