"""2-D convolution: backward (08-convolutions/conv2d_backward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _pair, _t


def _grads(
    X: Any, W: Any, dOut: Any, stride: Any, padding: Any, *, flip: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """dX, dW, db by autograd, and the gradient of the padded input (with ``flip``, of the
    convolution with the flipped kernel)."""
    torch = _torch()
    F = torch.nn.functional
    ph, pw = _pair(padding)
    Xt = _t(X).requires_grad_()
    Xp = F.pad(Xt, (pw, pw, ph, ph))
    Xp.retain_grad()
    Wt = _t(W).requires_grad_()
    bt = torch.zeros(np.shape(W)[0], dtype=torch.float64, requires_grad=True)
    kernel = Wt.flip(2, 3) if flip else Wt
    F.conv2d(Xp, kernel, bt, stride=_pair(stride)).backward(_t(dOut))
    return _np(Xt.grad), _np(Wt.grad), _np(bt.grad), _np(Xp.grad)


def _conv2d_backward_reference(
    X: Any, W: Any, dOut: Any, stride: Any = 1, padding: Any = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dX, dW, db, _ = _grads(X, W, dOut, stride, padding)
    return dX, dW, db


def _out_size(size: int, k: int, s: int, p: int) -> int:
    return (size + 2 * p - k) // s + 1


def _case_inputs(
    rng: np.random.Generator,
    n: int,
    c_in: int,
    c_out: int,
    hw: tuple[int, int],
    k: tuple[int, int],
    stride: Any,
    padding: Any,
) -> tuple[Any, ...]:
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    ho, wo = _out_size(hw[0], k[0], sh, ph), _out_size(hw[1], k[1], sw, pw)
    return (
        rng.normal(size=(n, c_in, *hw)),
        rng.normal(size=(c_out, c_in, *k)),
        rng.normal(size=(n, c_out, ho, wo)),
        stride,
        padding,
    )


def _cases() -> list[Case]:
    rng = _rng(83)
    return [
        Case(
            "N = 2, C_in = 3 → C_out = 4, X 6×7, kernel 3×2, stride 1, padding 0",
            _case_inputs(rng, 2, 3, 4, (6, 7), (3, 2), 1, 0),
        ),
        Case(
            "N = 3, C_in = 2 → C_out = 3, X 7×8, kernel 3×3, stride 2, padding 1",
            _case_inputs(rng, 3, 2, 3, (7, 8), (3, 3), 2, 1),
        ),
        Case(
            "N = 2, C_in = 2 → C_out = 2, X 8×9, kernel 2×3, stride (2, 3), padding (1, 2)",
            _case_inputs(rng, 2, 2, 2, (8, 9), (2, 3), (2, 3), (1, 2)),
        ),
        Case(
            "N = 4, C_in = 1 → C_out = 2, X 5×5, kernel 3×3, stride 1, padding 2",
            _case_inputs(rng, 4, 1, 2, (5, 5), (3, 3), 1, 2),
        ),
        Case(
            "N = 2, C_in = 3 → C_out = 1, X 9×6, kernel 4×2, stride 3, padding (0, 1): "
            "the last rows are in no window",
            _case_inputs(rng, 2, 3, 1, (9, 6), (4, 2), 3, (0, 1)),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(X: Any, W: Any, dOut: Any, stride: Any = 1, padding: Any = 0) -> tuple[Any, Any, Any]:
        dX, dW, db, dXp = _grads(X, W, dOut, stride, padding)
        if mistake == "dX-kernel-not-flipped":
            dX = _grads(X, W, dOut, stride, padding, flip=True)[0]
        elif mistake == "dX-padding-not-removed":
            dX = dXp
        elif mistake == "dW-not-summed-over-batch":
            last = slice(len(dOut) - 1, None)
            dW = _grads(X[last], W, dOut[last], stride, padding)[1]
        elif mistake == "db-not-summed-over-positions":
            db = np.asarray(dOut, dtype=float).sum(axis=0)
        return dX, dW, db

    return wrong


CONV2D_BACKWARD = Checker(
    f"{A}/conv2d_backward",
    title="2-D convolution: backward",
    reference=_conv2d_backward_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "dX-kernel-not-flipped",
            "Your dX slides the kernel without flipping it. Written as a convolution of the "
            "(stride-dilated, padded) dOut, dX uses the kernel rotated by 180°; simpler: for "
            "every output (n, o, i, j), add dOut[n, o, i, j] · W[o] into the window of X_pad "
            "that produced it (dX_pad[n, :, i·s:i·s+kH, j·s:j·s+kW] += …).",
            _with("dX-kernel-not-flipped"),
        ),
        Misconception(
            "dX-padding-not-removed",
            "Your dX has the shape of the *padded* input. Accumulate into dX_pad, then cut the "
            "padding off: dX = dX_pad[:, :, ph:ph+H, pw:pw+W].",
            _with("dX-padding-not-removed"),
        ),
        Misconception(
            "dW-not-summed-over-batch",
            "Your dW is the gradient of the last image only: every image of the batch uses the "
            "same kernel, so dW is a *sum* over the batch (accumulate with +=, do not assign "
            "inside the loop over n).",
            _with("dW-not-summed-over-batch"),
        ),
        Misconception(
            "db-not-summed-over-positions",
            "Your db has shape (C_out, H_out, W_out): the bias of channel o is added at every "
            "position of every image, so db = dOut.sum(axis=(0, 2, 3)), shape (C_out,).",
            _with("db-not-summed-over-positions"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = CONV2D_BACKWARD
