"""2-D convolution: forward (08-convolutions/conv2d_forward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED, A, _conv, _np, _pair


def _conv2d_reference(X: Any, W: Any, b: Any, stride: Any = 1, padding: Any = 0) -> np.ndarray:
    return _np(_conv(X, W, b, stride, padding))


def conv_inputs(
    rng: np.random.Generator, n: int, c_in: int, c_out: int, hw: tuple[int, int], k: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        rng.normal(size=(n, c_in, *hw)),
        rng.normal(size=(c_out, c_in, *k)),
        rng.normal(size=c_out),
    )


def _cases() -> list[Case]:
    rng = _rng(81)
    return [
        Case(
            "the notes' example: X (1, 1, 5, 5), 3×3 kernel, stride 2, padding 1 → 3×3",
            (*conv_inputs(rng, 1, 1, 1, (5, 5), (3, 3)), 2, 1),
        ),
        Case(
            "N = 2, C_in = 3 → C_out = 4, X 7×9, kernel 3×2, stride 1, padding 0",
            (*conv_inputs(rng, 2, 3, 4, (7, 9), (3, 2)), 1, 0),
        ),
        Case(
            "N = 3, C_in = 2 → C_out = 5, X 8×11, kernel 3×3, stride 2, padding 1",
            (*conv_inputs(rng, 3, 2, 5, (8, 11), (3, 3)), 2, 1),
        ),
        Case(
            "N = 2, C_in = 3 → C_out = 2, X 9×10, kernel 3×4, stride (2, 3), padding (1, 2)",
            (*conv_inputs(rng, 2, 3, 2, (9, 10), (3, 4)), (2, 3), (1, 2)),
        ),
        Case(
            "N = 2, C_in = 1 → C_out = 3, X 6×5, kernel 2×3, stride 1, padding (2, 0)",
            (*conv_inputs(rng, 2, 1, 3, (6, 5), (2, 3)), 1, (2, 0)),
        ),
        Case(
            "integer X (2, 2, 6, 8), kernel 3×3, stride 3, padding 0",
            (
                rng.integers(-3, 4, size=(2, 2, 6, 8)),
                rng.normal(size=(3, 2, 3, 3)),
                rng.normal(size=3),
                3,
                0,
            ),
        ),
    ]


def _ceil_outcome(X: Any, W: np.ndarray, stride: Any, padding: Any, full: np.ndarray) -> Any:
    """What a solution that rounds the output size up does: where the division is exact, the
    right output; where it is not, it asks for one more window, whose slice of the padded
    input is too short, and NumPy refuses to multiply it with the kernel (ValueError). Where
    the short slice is one row or column long it broadcasts instead, with values this model
    does not reproduce (NaN: such a solution gets no hint)."""
    extra = False
    for size, k, s, p in zip(
        np.shape(X)[2:], W.shape[2:], _pair(stride), _pair(padding), strict=True
    ):
        spare = (size + 2 * p - k) % s
        if spare:
            extra = True
            count = (size + 2 * p - k) // s + 1
            if k + spare - s == 1 or count == 1:
                return np.full(full.shape, np.nan)
    if extra:
        raise ValueError("operands could not be broadcast together")
    return full


def _with(mistake: str) -> Any:
    def wrong(X: Any, W: Any, b: Any, stride: Any = 1, padding: Any = 0) -> np.ndarray:
        W = np.asarray(W, dtype=float)
        if mistake == "flipped-kernel":
            return _conv2d_reference(X, W[:, :, ::-1, ::-1].copy(), b, stride, padding)
        if mistake == "padding-swapped":
            ph, pw = _pair(padding)
            return _conv2d_reference(X, W, b, stride, (pw, ph))
        full = _conv2d_reference(X, W, b, stride, padding)
        if mistake == "output-size-ceil":
            return _ceil_outcome(X, W, stride, padding, full)
        if mistake == "output-size-no-plus-one":
            return full[:, :, :-1, :-1]
        # window-not-strided: output i reads the window at row i, not at row i·stride
        dense = _conv2d_reference(X, W, b, 1, padding)
        return dense[:, :, : full.shape[2], : full.shape[3]]

    return wrong


CONV2D_FORWARD = Checker(
    f"{A}/conv2d_forward",
    title="2-D convolution: forward",
    reference=_conv2d_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "flipped-kernel",
            "You flipped the kernel (true convolution, as in np.convolve or a signal-processing "
            "textbook). Deep-learning 'convolution' layers compute the cross-correlation: "
            "Y[n, o, i, j] = Σ X_pad[n, c, i·s + u, j·s + v] · W[o, c, u, v], with u and v "
            "counting forwards, no flip.",
            _with("flipped-kernel"),
        ),
        Misconception(
            "padding-swapped",
            "Your padding is on the wrong axes: padding = (ph, pw) adds ph rows above and below "
            "(axis 2, the height) and pw columns left and right (axis 3, the width) — "
            "np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw))). Never pad the batch or channel "
            "axes.",
            _with("padding-swapped"),
        ),
        Misconception(
            "output-size-no-plus-one",
            "Your output is one row and one column short: H_out = ⌊(H + 2·ph − kH) / sh⌋ + 1 "
            "— the +1 counts the first window, at offset 0.",
            _with("output-size-no-plus-one"),
        ),
        Misconception(
            "output-size-ceil",
            "Your code fails exactly where (H + 2·ph − kH) is not a multiple of the stride: "
            "the output size rounds *down*, H_out = ⌊(H + 2·ph − kH) / sh⌋ + 1. Rounding up "
            "asks for a last window that runs past the padded input (its slice is too short "
            "to multiply with the kernel); those rows and columns are dropped.",
            _with("output-size-ceil"),
        ),
        Misconception(
            "window-not-strided",
            "Your output has the right size but output (i, j) reads the window starting at row "
            "i and column j; with a stride it starts at row i·sh and column j·sw.",
            _with("window-not-strided"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = CONV2D_FORWARD
