"""Gradient of xᵀAx (03-matrix-calculus/quadratic_form_grad): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NUMPY_ONLY, A, _t


# -- gradient of a quadratic form ------------------------------------------------------------------
def _quadratic_form_reference(A: Any, x: Any) -> np.ndarray:
    torch = _torch()
    xt = _t(x).requires_grad_(True)
    forms = torch.einsum("...i,ij,...j->...", xt, _t(A), xt)  # one xᵀAx per row of a batch
    (grad,) = torch.autograd.grad(forms.sum(), xt)
    return grad.numpy()


def _quadratic_form_cases() -> list[Case]:
    rng = _rng(33)
    sym = rng.normal(size=(4, 4))
    return [
        Case(
            "non-symmetric (3, 3) A, x of length 3", (rng.normal(size=(3, 3)), rng.normal(size=3))
        ),
        Case(
            "non-symmetric (5, 5) A, a batch x of shape (4, 5)",
            (rng.normal(size=(5, 5)), rng.normal(size=(4, 5))),
        ),
        Case("symmetric (4, 4) A (here 2Ax is right)", (sym + sym.T, rng.normal(size=4))),
        Case("A = [[3]], x = [2]", (np.array([[3.0]]), np.array([2.0]))),
        Case(
            "upper-triangular (3, 3) A, a batch x of shape (2, 3)",
            (np.triu(rng.normal(size=(3, 3))), rng.normal(size=(2, 3))),
        ),
        Case(
            "a square batch: 4 points of length 4, where a product in the wrong order "
            "raises nothing",
            (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))),
        ),
    ]


QUADRATIC_FORM_GRAD = Checker(
    f"{A}/quadratic_form_grad",
    title="Gradient of xᵀAx",
    reference=_quadratic_form_reference,
    cases=_quadratic_form_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "two-A-x",
            "2Ax is the gradient only when A is symmetric. In general ∇ₓ(xᵀAx) = (A + Aᵀ)x: "
            "x appears twice, once on each side of A.",
            lambda A, x: 2 * np.asarray(x) @ np.asarray(A).T,
        ),
        Misconception(
            "two-AT-x",
            "2Aᵀx is the gradient only when A is symmetric. In general ∇ₓ(xᵀAx) = (A + Aᵀ)x: "
            "one term Ax from the right-hand x, one term Aᵀx from the left-hand x.",
            lambda A, x: 2 * np.asarray(x) @ np.asarray(A),
        ),
        Misconception(
            "only-A-x",
            "You kept only Ax: differentiating xᵀAx gives one term from each x, Ax and Aᵀx, "
            "so the gradient is (A + Aᵀ)x.",
            lambda A, x: np.asarray(x) @ np.asarray(A).T,
        ),
        Misconception(
            "only-AT-x",
            "You kept only Aᵀx: differentiating xᵀAx gives one term from each x, Ax and Aᵀx, "
            "so the gradient is (A + Aᵀ)x.",
            lambda A, x: np.asarray(x) @ np.asarray(A),
        ),
        Misconception(
            "batch-as-columns",
            "A batch x of shape (N, n) holds one point per *row*: (A + Aᵀ) @ x treats its "
            "columns as points. Compute x @ (A + Aᵀ).T, which also works for a single x.",
            lambda A, x: (np.asarray(A) + np.asarray(A).T) @ np.asarray(x),
        ),
        Misconception(
            "batch-result-transposed",
            "For a batch you returned (A + Aᵀ) @ x.T, of shape (n, N): one point per *column*. "
            "The gradient has the shape of x, (N, n): compute x @ (A + Aᵀ).T.",
            lambda A, x: (np.asarray(A) + np.asarray(A).T) @ np.asarray(x).T,
        ),
    ],
)


CHECKER = QUADRATIC_FORM_GRAD
