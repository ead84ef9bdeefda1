"""Least squares via QR (02-decompositions/lstsq_qr): the checker."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import INV
from ._common import LSTSQ, SCIPY, A, _gram_schmidt_wrong, _lauchli, _only, _t


# -- least squares via QR -------------------------------------------------------------------------------
# In the wild: the normal equations (the textbook formula), Qᵀb taken as x, mode="complete",
# Q b for Qᵀ b, back substitution run from the top or written for one right-hand side (x =
# np.zeros(n)), and the Q of one's own Gram–Schmidt, which is not orthogonal enough.
def _lstsq_reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    torch = _torch()
    b = np.asarray(b, dtype=float)
    rhs = _t(b[:, None] if b.ndim == 1 else b)
    x = torch.linalg.lstsq(_t(a), rhs).solution
    return x[:, 0].numpy() if b.ndim == 1 else x.numpy()


def _lstsq_cases() -> list[Case]:
    rng = _rng(26)
    t = np.linspace(0.0, 5.0, 6)
    line = np.stack([np.ones_like(t), t], axis=1)
    lauchli = _lauchli(1e-8)
    return [
        Case(
            "fit a line to 6 points: A (6, 2), b (6,)",
            (line, 1.5 - 0.7 * t + 0.3 * rng.normal(size=6)),
        ),
        Case("A = ones (5, 1): the answer is the mean of b", (np.ones((5, 1)), rng.normal(size=5))),
        Case(
            "three right-hand sides: A (8, 3), b (8, 3)",
            (rng.normal(size=(8, 3)), rng.normal(size=(8, 3))),
        ),
        Case(
            "a square (4, 4) system: the exact solution",
            (rng.normal(size=(4, 4)), rng.normal(size=4)),
        ),
        Case(
            "Läuchli's (4, 3) matrix, ε = 1e-8 (κ ≈ 2e8): AᵀA rounds to a singular matrix",
            (lauchli, lauchli @ np.array([1.0, 2.0, 3.0]) + np.array([0.0, 1e-9, -2e-9, 1e-9])),
        ),
    ]


def _lstsq_compare(got: Any, expected: Any) -> Mismatch | None:
    # Householder QR is accurate to about κ(A)·ε; the normal equations to κ(A)²·ε, and on
    # Läuchli's matrix AᵀA is exactly singular in floating point.
    return compare(got, expected, rtol=1e-7, atol=1e-8)


LstsqMistake = Literal[
    "forgot-r", "complete-qr", "q-not-transposed", "back-substitution-order", "one-rhs-only"
]


def _lstsq_wrong(a: np.ndarray, b: np.ndarray, mistake: LstsqMistake) -> np.ndarray:
    _only(mistake, LstsqMistake)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    q, r = np.linalg.qr(a, mode="complete" if mistake == "complete-qr" else "reduced")
    if mistake == "forgot-r":
        return q.T @ b
    if mistake in ("complete-qr", "q-not-transposed"):
        return np.linalg.solve(r, (q if mistake == "q-not-transposed" else q.T) @ b)
    y = q.T @ b
    n = r.shape[0]
    x = np.zeros(n) if mistake == "one-rhs-only" else np.zeros((n, *b.shape[1:]))
    rows = range(n) if mistake == "back-substitution-order" else range(n - 1, -1, -1)
    for i in rows:
        x[i] = (y[i] - r[i, i + 1 :] @ x[i + 1 :]) / r[i, i]
    return x


def _lstsq_by_gram_schmidt(a: np.ndarray, b: np.ndarray, modified: bool) -> np.ndarray:
    q, r = _gram_schmidt_wrong(a, modified=modified, mistake="classical")
    return np.linalg.solve(r, q.T @ np.asarray(b, dtype=float))


_OWN_GRAM_SCHMIDT_HINT = (
    "Your Q looks like Gram–Schmidt's: on an ill-conditioned A its columns are not orthogonal "
    "to working precision (‖QᵀQ − I‖ ≈ κ(A)·ε for the modified algorithm, worse for the "
    "classical one), so R x = Qᵀb no longer gives the least-squares x. Use np.linalg.qr "
    "(Householder reflections), whose Q is orthogonal to machine precision."
)

LSTSQ_QR = Checker(
    f"{A}/lstsq_qr",
    title="Least squares via QR",
    reference=_lstsq_reference,
    cases=_lstsq_cases,
    comparator=_lstsq_compare,
    forbidden=[INV, LSTSQ, SCIPY],
    misconceptions=[
        Misconception(
            "normal-equations",
            "Solving the normal equations AᵀA x = Aᵀb squares the condition number "
            "(κ(AᵀA) = κ(A)²): on Läuchli's matrix AᵀA rounds to an exactly singular matrix "
            "although A has full rank. Factor A = QR and solve R x = Qᵀ b instead.",
            lambda a, b: np.linalg.solve(a.T @ a, a.T @ b),
        ),
        Misconception(
            "forgot-r",
            "Qᵀb is R x, not x: solve the triangular system R x = Qᵀ b as well.",
            lambda a, b: _lstsq_wrong(a, b, "forgot-r"),
        ),
        Misconception(
            "complete-qr",
            "With mode='complete', Q is (m, m) and R is (m, n), not square: use the reduced "
            "QR (np.linalg.qr's default), whose R is (n, n).",
            lambda a, b: _lstsq_wrong(a, b, "complete-qr"),
        ),
        Misconception(
            "q-not-transposed",
            "The right-hand side is Qᵀ b (Q.T @ b, shape (n,)), not Q b: Q is (m, n) and b has "
            "m entries.",
            lambda a, b: _lstsq_wrong(a, b, "q-not-transposed"),
        ),
        Misconception(
            "back-substitution-order",
            "Back substitution starts from the *last* row: x_n = y_n / R_nn, then "
            "i = n − 1, …, 1 (range(n - 1, -1, -1)). Going forward, each x_i uses x_j (j > i) "
            "that are still 0, which gives x_i = y_i / R_ii.",
            lambda a, b: _lstsq_wrong(a, b, "back-substitution-order"),
        ),
        Misconception(
            "one-rhs-only",
            "b may have k columns (k right-hand sides): make x of shape (n,) + b.shape[1:], "
            "e.g. np.zeros((n, *b.shape[1:])), or use np.linalg.solve(R, Q.T @ b), which "
            "handles both.",
            lambda a, b: _lstsq_wrong(a, b, "one-rhs-only"),
        ),
        Misconception(
            "modified-gram-schmidt-q",
            _OWN_GRAM_SCHMIDT_HINT,
            lambda a, b: _lstsq_by_gram_schmidt(a, b, modified=True),
        ),
        Misconception(
            "classical-gram-schmidt-q",
            _OWN_GRAM_SCHMIDT_HINT,
            lambda a, b: _lstsq_by_gram_schmidt(a, b, modified=False),
        ),
    ],
)


CHECKER = LSTSQ_QR
