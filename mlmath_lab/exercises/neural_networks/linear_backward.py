"""Linear layer: backward (07-neural-networks/linear_backward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _floats, _t


# -- 2. linear layer, backward ---------------------------------------------------------------------
def _linear_backward_reference(
    X: np.ndarray, W: np.ndarray, dY: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    torch = _torch()
    Xt, Wt = _t(X).requires_grad_(), _t(W).requires_grad_()
    bt = torch.zeros(np.shape(W)[0], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.linear(Xt, Wt, bt).backward(_t(dY))
    return Xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


def _linear_backward_cases() -> list[Case]:
    rng = _rng(72)

    def case(name: str, n: int, d_in: int, d_out: int) -> Case:
        args = (
            rng.normal(size=(n, d_in)),
            rng.normal(size=(d_out, d_in)),
            rng.normal(size=(n, d_out)),
        )
        return Case(name, args)

    return [
        case("N = 5, d_in = 3, d_out = 2", 5, 3, 2),
        case("N = 4, square layer d_in = d_out = 4", 4, 4, 4),
        case("one example: N = 1, d_in = 6, d_out = 3", 1, 6, 3),
        case("N = 8, d_in = 2, d_out = 5", 8, 2, 5),
        Case(
            "integer X (3, 2), d_out = 4",
            (rng.integers(-3, 4, size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=(3, 4))),
        ),
    ]


def _linear_backward_with(X: Any, W: Any, dY: Any, mistake: str) -> tuple[Any, Any, Any]:
    """The three gradients with one known mistake (the others from the reference)."""
    dX, dW, db = _linear_backward_reference(X, W, dY)
    X, W, dY = _floats(X, W, dY)
    if mistake in ("dX-with-W-transposed", "in-out-layout"):
        dX = dY @ W.T
    if mistake in ("dW-transposed", "in-out-layout"):
        dW = X.T @ dY
    wrong_db = {
        "db-not-summed": lambda: dY,
        "db-averaged": lambda: dY.mean(axis=0),
        "db-summed-over-everything": lambda: float(dY.sum()),
        "db-wrong-axis": lambda: dY.sum(axis=1),
    }
    if mistake in wrong_db:
        db = wrong_db[mistake]()
    return dX, dW, db


def _backward_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda X, W, dY: _linear_backward_with(X, W, dY, name))


LINEAR_BACKWARD = Checker(
    f"{A}/linear_backward",
    title="Linear layer: backward",
    reference=_linear_backward_reference,
    cases=_linear_backward_cases,
    misconceptions=[
        _backward_mistake(
            "dW-transposed",
            "dW must have W's shape (d_out, d_in): dW = dYᵀ X. Xᵀ dY, shape (d_in, d_out), is "
            "the weight gradient of the (d_in, d_out) layout (CS231n's affine_backward), the "
            "transpose of the one asked for here.",
        ),
        _backward_mistake(
            "dX-with-W-transposed",
            "dX = dY W: dY (N, d_out) times W (d_out, d_in). dY Wᵀ is the input gradient of the "
            "(d_in, d_out) layout; with torch's (d_out, d_in) weights it only runs, wrongly, "
            "for a square layer.",
        ),
        _backward_mistake(
            "in-out-layout",
            "Your dX = dY Wᵀ and dW = Xᵀ dY are the gradients of the (d_in, d_out) layout (Y = "
            "X W, as in CS231n). Here Y = X Wᵀ + b with W of shape (d_out, d_in): dX = dY W and "
            "dW = dYᵀ X.",
        ),
        _backward_mistake(
            "db-not-summed",
            "The bias is shared by every example of the batch, so its gradient is the *sum* of "
            "the rows of dY: db = dY.sum(axis=0), of shape (d_out,).",
        ),
        _backward_mistake(
            "db-averaged",
            "You averaged dY over the batch; db is its *sum* over the batch (any 1/N belongs to "
            "the loss, and is already inside dY).",
        ),
        _backward_mistake(
            "db-summed-over-everything",
            "np.sum(dY) without an axis adds up every entry into one number; db has one entry "
            "per output unit: db = dY.sum(axis=0), shape (d_out,).",
        ),
        _backward_mistake(
            "db-wrong-axis",
            "dY.sum(axis=1) sums over the output units, giving one number per example; the bias "
            "gradient sums over the *examples*: db = dY.sum(axis=0), shape (d_out,).",
        ),
    ],
)


CHECKER = LINEAR_BACKWARD
