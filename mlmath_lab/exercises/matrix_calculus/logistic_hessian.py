"""Hessian of the logistic loss (03-matrix-calculus/logistic_hessian): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NUMPY_ONLY, A, _t


# -- Hessian of the logistic loss ------------------------------------------------------------------
def _logistic_hessian_reference(X: Any, w: Any) -> np.ndarray:
    torch = _torch()
    xt = _t(X)
    # Any labels give the same Hessian: the loss is linear in y. Alternate 0 and 1.
    y = (torch.arange(len(xt)) % 2).double()

    def loss(weights: Any) -> Any:
        return torch.nn.functional.binary_cross_entropy_with_logits(xt @ weights, y)

    return torch.autograd.functional.hessian(loss, _t(w)).numpy()


def _logistic_hessian_cases() -> list[Case]:
    rng = _rng(37)
    return [
        Case("X (6, 3), w (3,)", (rng.normal(size=(6, 3)), rng.normal(size=3))),
        Case("X (10, 2), w (2,)", (rng.normal(size=(10, 2)), rng.normal(size=2))),
        Case(
            "fewer examples than features, X (3, 5): the Hessian is singular",
            (rng.normal(size=(3, 5)), rng.normal(size=5)),
        ),
        Case("a single example, X (1, 4)", (rng.normal(size=(1, 4)), rng.normal(size=4))),
        Case(
            "a confident model (w × 8): X (8, 3)",
            (rng.normal(size=(8, 3)), 8 * rng.normal(size=3)),
        ),
        Case(
            "as many examples as features, X (4, 4): the weights must scale the rows",
            (rng.normal(size=(4, 4)), rng.normal(size=4)),
        ),
    ]


PSD_TOLERANCE = 1e-12


def _logistic_hessian_close(got: Any, expected: Any) -> Mismatch | None:
    """The values, then positive semidefiniteness (the loss is convex): no eigenvalue of the
    symmetric part below −1e-12."""
    found = compare(got, expected)
    if found is not None:
        return found
    matrix = np.asarray(got, dtype=float)
    lowest = float(np.linalg.eigvalsh((matrix + matrix.T) / 2).min())
    if lowest < -PSD_TOLERANCE:
        return Mismatch(
            "value",
            f"the Hessian of the logistic loss is positive semidefinite; yours has the "
            f"eigenvalue {lowest:.3g} (below −{PSD_TOLERANCE:g})",
            summarize(got),
            summarize(expected),
        )
    return None


def _sigmoid_weights(X: Any, w: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.asarray(w, dtype=float))))
    return X, p


def _hessian_not_averaged(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * (p * (1 - p))[:, None])


def _hessian_negated(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return -X.T @ (X * (p * (1 - p))[:, None]) / len(X)


def _hessian_weights_p(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * p[:, None]) / len(X)


def _hessian_weights_on_columns(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * (p * (1 - p))) / len(X)  # (N, d) * (N,) scales the columns


def _hessian_outer_orientation(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return (X * (p * (1 - p))[:, None]) @ X.T / len(X)


LOGISTIC_HESSIAN = Checker(
    f"{A}/logistic_hessian",
    title="Hessian of the logistic loss",
    reference=_logistic_hessian_reference,
    cases=_logistic_hessian_cases,
    comparator=_logistic_hessian_close,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "hessian-not-averaged",
            "Your Hessian is N times too large: the loss is the mean over N examples, so "
            "H = Xᵀ diag(p(1 − p)) X / N.",
            _hessian_not_averaged,
        ),
        Misconception(
            "hessian-sign",
            "Your Hessian is negative semidefinite: −Xᵀ diag(p(1 − p)) X is the Hessian of the "
            "log-likelihood (which Newton–Raphson code for statistics maximises). The loss is "
            "its negative mean: H = +Xᵀ diag(p(1 − p)) X / N.",
            _hessian_negated,
        ),
        Misconception(
            "hessian-weights-p",
            "The weights are the derivative of the sigmoid, σ'(z) = p(1 − p), not p itself: "
            "H = Xᵀ diag(p(1 − p)) X / N.",
            _hessian_weights_p,
        ),
        Misconception(
            "weights-scale-columns",
            "X * weights scales the *columns* of X (broadcasting aligns the last axes), and "
            "raises unless X is square. One weight per example scales a row: "
            "weights[:, None] * X.",
            _hessian_weights_on_columns,
        ),
        Misconception(
            "hessian-wrong-orientation",
            "The Hessian with respect to w is d × d (one row and column per weight): "
            "Xᵀ diag(p(1 − p)) X, not X diag(p(1 − p)) Xᵀ, which is N × N.",
            _hessian_outer_orientation,
        ),
    ],
)


CHECKER = LOGISTIC_HESSIAN
