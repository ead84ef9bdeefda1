"""im2col: convolution as one matrix product (08-convolutions/im2col_conv2d): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _conv, _np, _pair, _t
from .conv2d_forward import conv_inputs


def _unfolded(X: Any, W: Any, stride: Any, padding: Any) -> np.ndarray:
    """torch's unfold: (N, C·kH·kW, L), columns in (c, u, v) order, L in (i, j) order."""
    kh, kw = np.shape(W)[2:]
    F = _torch().nn.functional
    return _np(F.unfold(_t(X), (kh, kw), padding=_pair(padding), stride=_pair(stride)))


def _im2col_reference(
    X: Any, W: Any, b: Any, stride: Any = 1, padding: Any = 0
) -> tuple[np.ndarray, np.ndarray]:
    u = _unfolded(X, W, stride, padding)
    n, k, L = u.shape
    cols = u.transpose(0, 2, 1).reshape(n * L, k)
    return cols, _np(_conv(X, W, b, stride, padding))


def _cases() -> list[Case]:
    rng = _rng(82)
    return [
        Case(
            "the notes' example: X (1, 2, 3, 4), 2×2 kernel, stride 1, padding 0 → cols (6, 8)",
            (*conv_inputs(rng, 1, 2, 1, (3, 4), (2, 2)), 1, 0),
        ),
        Case(
            "N = 2, C = 3 → C_out = 4, X 5×6, kernel 2×3, stride 1, padding 0",
            (*conv_inputs(rng, 2, 3, 4, (5, 6), (2, 3)), 1, 0),
        ),
        Case(
            "N = 3, C = 2 → C_out = 3, X 7×8, kernel 3×3, stride 2, padding 1",
            (*conv_inputs(rng, 3, 2, 3, (7, 8), (3, 3)), 2, 1),
        ),
        Case(
            "N = 2, C = 3 → C_out = 2, X 6×9, kernel 3×2, stride (1, 2), padding (2, 1)",
            (*conv_inputs(rng, 2, 3, 2, (6, 9), (3, 2)), (1, 2), (2, 1)),
        ),
        Case(
            "N = 4, C = 1 → C_out = 2, X 4×4, kernel 4×4, stride 1, padding 0 → one window each",
            (*conv_inputs(rng, 4, 1, 2, (4, 4), (4, 4)), 1, 0),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        X: Any, W: Any, b: Any, stride: Any = 1, padding: Any = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        cols, Y = _im2col_reference(X, W, b, stride, padding)
        W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
        n, c_out, ho, wo = Y.shape
        c, kh, kw = W.shape[1:]
        Wm = W.reshape(c_out, -1)
        if mistake == "matrix-transposed":
            return cols.T, Y
        if mistake.startswith("rows-position-major"):
            cols = cols.reshape(n, ho * wo, -1).transpose(1, 0, 2).reshape(n * ho * wo, -1)
            if mistake == "rows-position-major":  # Y reshaped back in the same order: right
                return cols, Y
        elif mistake.startswith("columns-channel-last"):
            cols = cols.reshape(-1, c, kh, kw).transpose(0, 2, 3, 1).reshape(n * ho * wo, -1)
            if mistake == "columns-channel-last-weights-too":  # W in (u, v, c) order: Y right
                return cols, Y
        flat = cols @ Wm.T + b
        if mistake == "output-not-transposed":
            return cols, flat.reshape(n, c_out, ho, wo)
        return cols, flat.reshape(n, ho, wo, c_out).transpose(0, 3, 1, 2)

    return wrong


IM2COL_CONV2D = Checker(
    f"{A}/im2col_conv2d",
    title="im2col: convolution as one matrix product",
    reference=_im2col_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "matrix-transposed",
            "Your patch matrix is transposed: (C·kH·kW, N·H_out·W_out), the layout of CS231n's "
            "im2col. Here each *row* is one patch, shape (N·H_out·W_out, C·kH·kW), so that "
            "cols @ W.reshape(C_out, -1).T gives one output pixel per row.",
            _with("matrix-transposed"),
        ),
        Misconception(
            "rows-position-major",
            "Your rows are ordered position first, then image ((i, j, n), as CS231n's "
            "im2col_indices orders its columns). Row r must be image n = r // (H_out·W_out), "
            "then output row i, then column j: loop (or reshape) with the batch outermost.",
            _with("rows-position-major"),
        ),
        Misconception(
            "rows-position-major-output-too",
            "Your rows are ordered position first, then image ((i, j, n), as CS231n's "
            "im2col_indices orders its columns), and Y was reshaped from them as if they were "
            "image first. Row r must be image n = r // (H_out·W_out), then output row i, then "
            "column j: loop (or reshape) with the batch outermost; then cols @ Wᵀ reshapes to "
            "(N, H_out, W_out, C_out).",
            _with("rows-position-major-output-too"),
        ),
        Misconception(
            "columns-channel-last-weights-too",
            "Your Y is right, but your patch matrix's columns are ordered (u, v, c), channel "
            "last (the NHWC layout of TensorFlow), with the weights reordered to match. Here "
            "the columns must be in (c, u, v) order — channel first, then kernel row, then "
            "kernel column — the order of W.reshape(C_out, -1) and of torch's unfold.",
            _with("columns-channel-last-weights-too"),
        ),
        Misconception(
            "columns-channel-last",
            "Your columns are ordered (u, v, c), channel last, so they do not line up with "
            "W.reshape(C_out, -1), whose order is (c, u, v): channel first, then kernel row, "
            "then kernel column.",
            _with("columns-channel-last"),
        ),
        Misconception(
            "output-not-transposed",
            "Your patch matrix is right, but cols @ Wᵀ has shape (N·H_out·W_out, C_out): one "
            "row per output pixel, channels last. Reshape it to (N, H_out, W_out, C_out) and "
            "move the channel axis: .transpose(0, 3, 1, 2). Reshaping straight to "
            "(N, C_out, H_out, W_out) mixes pixels and channels.",
            _with("output-not-transposed"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = IM2COL_CONV2D
