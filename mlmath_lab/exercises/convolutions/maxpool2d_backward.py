"""Max-pooling: backward (08-convolutions/maxpool2d_backward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _pair, _t


def _sizes(kernel_size: Any, stride: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride))


def _maxpool_backward_reference(
    X: Any, dOut: Any, kernel_size: Any, stride: Any = None
) -> np.ndarray:
    F = _torch().nn.functional
    k, s = _sizes(kernel_size, stride)
    Xt = _t(X).requires_grad_()
    F.max_pool2d(Xt, k, s).backward(_t(dOut))
    return _np(Xt.grad)


def _scatter_windows(X: Any, dOut: Any, kernel_size: Any, stride: Any, mistake: str) -> np.ndarray:
    """The gradient sent back window by window (torch's unfold and fold), each window sharing
    its dOut among its maxima as ``mistake`` says."""
    torch = _torch()
    F = torch.nn.functional
    k, s = _sizes(kernel_size, stride)
    X = np.asarray(X, dtype=float)
    n, c, h, w = X.shape
    windows = _np(F.unfold(_t(X).reshape(n * c, 1, h, w), k, stride=s))  # (N·C, K, L)
    is_max = windows == windows.max(axis=1, keepdims=True)
    if mistake == "ties-split":
        share = is_max / is_max.sum(axis=1, keepdims=True)
    elif mistake == "last-max-in-window":
        last = is_max.shape[1] - 1 - np.argmax(is_max[:, ::-1, :], axis=1)
        share = np.zeros_like(windows)
        np.put_along_axis(share, last[:, None, :], 1.0, axis=1)
    else:  # ties-all: every maximum gets the whole gradient
        share = is_max.astype(float)
    g = np.asarray(dOut, dtype=float).reshape(n * c, 1, -1)
    folded = F.fold(_t(share * g), (h, w), k, stride=s)
    return _np(folded).reshape(n, c, h, w)


def _overwritten(X: Any, dOut: Any, kernel_size: Any, stride: Any) -> np.ndarray:
    """Each window's gradient assigned (not added) at torch's argmax, windows in row-major
    order: where two windows share a maximum the later one wins."""
    F = _torch().nn.functional
    k, s = _sizes(kernel_size, stride)
    X = np.asarray(X, dtype=float)
    n, c, h, w = X.shape
    _, where = F.max_pool2d(_t(X), k, s, return_indices=True)
    dX = np.zeros((n * c, h * w))
    flat_where = where.numpy().reshape(n * c, -1)
    flat_g = np.asarray(dOut, dtype=float).reshape(n * c, -1)
    for plane in range(n * c):
        for position, g in zip(flat_where[plane], flat_g[plane], strict=True):
            dX[plane, position] = g
    return dX.reshape(n, c, h, w)


def _pool_out(size: int, k: int, s: int) -> int:
    return (size - k) // s + 1


def _inputs(rng: np.random.Generator, X: np.ndarray, kernel_size: Any, stride: Any = None) -> Any:
    (kh, kw), (sh, sw) = _sizes(kernel_size, stride)
    n, c, h, w = X.shape
    dOut = rng.normal(size=(n, c, _pool_out(h, kh, sh), _pool_out(w, kw, sw)))
    return (X, dOut, kernel_size) if stride is None else (X, dOut, kernel_size, stride)


def _cases() -> list[Case]:
    rng = _rng(85)
    ties = rng.integers(0, 3, size=(2, 2, 6, 6)).astype(float)
    return [
        Case(
            "the notes' example: X (1, 1, 4, 4), 2×2 windows, stride 2 (the default)",
            _inputs(rng, rng.normal(size=(1, 1, 4, 4)), 2),
        ),
        Case(
            "N = 2, C = 3, X 7×9, 3×2 windows, stride (3, 2) — the default",
            _inputs(rng, rng.normal(size=(2, 3, 7, 9)), (3, 2)),
        ),
        Case(
            "N = 2, C = 2, X 7×8, 3×3 windows, stride 2: overlapping windows",
            _inputs(rng, rng.normal(size=(2, 2, 7, 8)), 3, 2),
        ),
        Case(
            "ties: X (2, 2, 6, 6) of 0, 1, 2, 2×2 windows, stride 2",
            _inputs(rng, ties, 2),
        ),
        Case(
            "ties and overlaps: X (2, 2, 6, 6) of 0, 1, 2, 3×3 windows, stride (1, 2)",
            _inputs(rng, ties.copy(), 3, (1, 2)),
        ),
        Case(
            "a constant image X (1, 2, 4, 6), 2×3 windows, stride 2: every entry ties",
            _inputs(rng, np.ones((1, 2, 4, 6)), (2, 3), 2),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(X: Any, dOut: Any, kernel_size: Any, stride: Any = None) -> np.ndarray:
        if mistake == "overlaps-overwritten":
            return _overwritten(X, dOut, kernel_size, stride)
        return _scatter_windows(X, dOut, kernel_size, stride, mistake)

    return wrong


MAXPOOL2D_BACKWARD = Checker(
    f"{A}/maxpool2d_backward",
    title="Max-pooling: backward",
    reference=_maxpool_backward_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "ties-all",
            "Where a window has several equal maxima you sent the whole gradient to every one "
            "of them (mask = window == window.max()). torch sends it to one entry only: the "
            "first maximum in row-major order of the window (np.argmax of the flattened "
            "window).",
            _with("ties-all"),
        ),
        Misconception(
            "ties-split",
            "Where a window has several equal maxima you split the gradient among them. torch "
            "sends all of it to the first maximum in row-major order of the window "
            "(np.argmax of the flattened window), and nothing to the others.",
            _with("ties-split"),
        ),
        Misconception(
            "last-max-in-window",
            "Where a window has several equal maxima you chose the last one; torch chooses the "
            "first in row-major order (what np.argmax of the flattened window returns).",
            _with("last-max-in-window"),
        ),
        Misconception(
            "overlaps-overwritten",
            "With overlapping windows (stride < kernel) one entry of X can be the maximum of "
            "several windows, and it receives the gradient of each: accumulate with +=, do not "
            "assign (dX[...] = g keeps only the last window's).",
            _with("overlaps-overwritten"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = MAXPOOL2D_BACKWARD
