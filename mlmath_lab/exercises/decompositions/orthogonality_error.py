"""Loss of orthogonality ‖QᵀQ − I‖ (02-decompositions/orthogonality_error): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import SCIPY, A, _random_orthogonal, _t


# -- loss of orthogonality ‖QᵀQ − I‖_F ---------------------------------------------------------------
# In the wild: Q Qᵀ in place of Qᵀ Q (the two are confused in many Gram–Schmidt checks that print
# Q @ Q.T), np.eye of the wrong size, "QᵀQ − 1" (broadcasting subtracts 1 from every entry),
# ord=2, and the sum of squares without its square root.
def _orthogonality_reference(q: np.ndarray) -> float:
    torch = _torch()
    qt = _t(q)
    n = qt.shape[1]
    return torch.linalg.matrix_norm(qt.T @ qt - torch.eye(n, dtype=torch.float64)).item()


def _orthogonality_cases() -> list[Case]:
    rng = _rng(23)
    torch = _torch()
    orthonormal = torch.linalg.qr(_t(rng.normal(size=(6, 3)))).Q.numpy()
    nearly = orthonormal + 1e-3 * rng.normal(size=(6, 3))
    unit = np.array([1.0, 2.0, 2.0, 0.0]) / 3.0
    return [
        Case("orthonormal columns, (6, 3)", (orthonormal,)),
        Case("a random (5, 3) matrix", (rng.normal(size=(5, 3)),)),
        Case("orthonormal columns plus noise 1e-3, (6, 3)", (nearly,)),
        Case("2 × an orthogonal (4, 4) matrix", (2.0 * _random_orthogonal(rng, 4),)),
        Case("two equal unit columns, (4, 2)", (np.stack([unit, unit], axis=1),)),
        Case("a wide (2, 3) matrix", (rng.normal(size=(2, 3)),)),
        Case("an integer (3, 2) matrix", (np.array([[1, 0], [0, 1], [1, 1]]),)),
    ]


def _gram(q: Any) -> np.ndarray:
    q = np.asarray(q, dtype=float)
    return q.T @ q


ORTHOGONALITY_ERROR = Checker(
    f"{A}/orthogonality_error",
    title="Loss of orthogonality ‖QᵀQ − I‖",
    reference=_orthogonality_reference,
    cases=_orthogonality_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-10),
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "q-q-transpose",
            "For a tall Q (m > n), Q Qᵀ is the m × m projection onto the span of the columns, not "
            "the identity, even when the columns are orthonormal. Measure QᵀQ − I (n × n): "
            "entry (i, j) is q_i · q_j.",
            lambda q: float(np.linalg.norm(q @ q.T - np.eye(q.shape[0]))),
        ),
        Misconception(
            "spectral-norm",
            "Use the Frobenius norm (np.linalg.norm's default for matrices), not the spectral "
            "norm (ord=2).",
            lambda q: float(np.linalg.norm(_gram(q) - np.eye(q.shape[1]), 2)),
        ),
        Misconception(
            "squared",
            "That is ‖QᵀQ − I‖²_F: take the square root of the sum of squares.",
            lambda q: float(np.sum((_gram(q) - np.eye(q.shape[1])) ** 2)),
        ),
        Misconception(
            "minus-one",
            "QᵀQ − 1 subtracts 1 from *every* entry (broadcasting). Subtract the identity: "
            "QᵀQ − np.eye(n), which has ones only on the diagonal.",
            lambda q: float(np.linalg.norm(_gram(q) - 1.0)),
        ),
        Misconception(
            "identity-size",
            "QᵀQ is n × n for a Q of shape (m, n): the identity must be np.eye(Q.shape[1]) (the "
            "number of columns), not np.eye(Q.shape[0]). It only works for a square Q.",
            lambda q: float(np.linalg.norm(_gram(q) - np.eye(np.shape(q)[0]))),
        ),
    ],
)


CHECKER = ORTHOGONALITY_ERROR
