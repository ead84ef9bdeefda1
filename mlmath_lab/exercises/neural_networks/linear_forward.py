"""Linear layer: forward (07-neural-networks/linear_forward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _floats, _t


# -- 1. linear layer, forward ----------------------------------------------------------------------
def _linear_forward_reference(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    torch = _torch()
    d_out, d_in = np.shape(W)
    layer = torch.nn.Linear(d_in, d_out, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(_t(W))
        layer.bias.copy_(_t(b))
        return layer(_t(X)).numpy()


def _linear_forward_cases() -> list[Case]:
    rng = _rng(71)
    return [
        Case(
            "X (5, 3), W (2, 3), b (2,): 3 features in, 2 out",
            (rng.normal(size=(5, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)),
        ),
        Case(
            "one example: X (1, 4), W (6, 4)",
            (rng.normal(size=(1, 4)), rng.normal(size=(6, 4)), rng.normal(size=6)),
        ),
        Case(
            "square layer: X (3, 4), W (4, 4)",
            (rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)),
        ),
        Case(
            "as many examples as outputs: X (3, 5), W (3, 5)",
            (rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)),
        ),
        Case(
            "one output: X (7, 5), W (1, 5)",
            (rng.normal(size=(7, 5)), rng.normal(size=(1, 5)), np.array([2.5])),
        ),
        Case(
            "integer inputs X (2, 3) with a large bias",
            (np.arange(6).reshape(2, 3), rng.normal(size=(4, 3)), np.full(4, 100.0)),
        ),
    ]


def _forward_in_out_layout(X: Any, W: Any, b: Any) -> np.ndarray:
    X, W, b = _floats(X, W, b)
    return X @ W + b


def _forward_columns(X: Any, W: Any, b: Any) -> np.ndarray:
    X, W, b = _floats(X, W, b)
    return W @ X.T + b[:, None]


def _forward_no_bias(X: Any, W: Any, b: Any) -> np.ndarray:
    X, W = _floats(X, W)
    return X @ W.T


LINEAR_FORWARD = Checker(
    f"{A}/linear_forward",
    title="Linear layer: forward",
    reference=_linear_forward_reference,
    cases=_linear_forward_cases,
    misconceptions=[
        Misconception(
            "weight-not-transposed",
            "X @ W is the layer for weights stored (d_in, d_out), the layout of CS231n and of "
            "many from-scratch networks. Here W has torch.nn.Linear's shape (d_out, d_in), so "
            "the layer is X @ W.T + b; X @ W only runs, wrongly, when d_in = d_out.",
            _forward_in_out_layout,
        ),
        Misconception(
            "bias-forgotten",
            "You left out the bias: y = X Wᵀ + b, with b broadcast over the rows of the batch.",
            _forward_no_bias,
        ),
        Misconception(
            "examples-as-columns",
            "You computed W Xᵀ + b, the layout where each example is a *column* (shape "
            "(d_out, N)). Here the examples are the rows of X, so Y = X Wᵀ + b has shape "
            "(N, d_out), one row per example.",
            _forward_columns,
        ),
    ],
)


CHECKER = LINEAR_FORWARD
