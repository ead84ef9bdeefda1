"""Eckart–Young: the error of every rank-k approximation (02-decompositions/rank_k_errors): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from ._common import SCIPY, A, _random_orthogonal, _t

MATRIX_PRODUCTS = Forbidden(
    "Building the matrices A_k",
    objects=(
        "numpy.matmul",
        "numpy.dot",
        "numpy.vdot",
        "numpy.inner",
        "numpy.outer",
        "numpy.einsum",
        "numpy.tensordot",
    ),
    methods=("dot",),
    operators=("@", "@="),
    why="The errors come from the singular values alone: no matrix products (the check is what "
    "builds each A_k).",
)
PYTHON_LOOPS = Forbidden(
    "A Python loop",
    loops=True,
    why="A reversed cumulative sum gives every k at once: np.cumsum(x[::-1])[::-1][k] is "
    "x[k:].sum().",
)


# -- Eckart–Young: the error of every rank-k approximation ----------------------------------------
# In the wild: forgetting the square root or taking σ_{k+1} alone (the spectral-norm error) in
# low-rank approximation tutorials; the cumulative sum of the *kept* values or a cumulative sum
# not reversed back; ‖A‖²_F − Σ_{i≤k} σᵢ², which cancels when the error is small.
def _rank_k_errors_reference(a: np.ndarray) -> np.ndarray:
    # Build every A_k explicitly and measure it: the exercise computes the same numbers from the
    # singular values alone, so passing this check *is* the Eckart–Young error formula.
    torch = _torch()
    at = _t(a)
    u, s, vh = torch.linalg.svd(at, full_matrices=False)
    errors = [
        torch.linalg.matrix_norm(at - (u[:, :k] * s[:k]) @ vh[:k, :]).item()
        for k in range(len(s) + 1)
    ]
    return np.array(errors)


def _with_singular_values(rng: np.random.Generator, m: int, sigmas: list[float]) -> np.ndarray:
    """An (m, n) matrix, n = len(sigmas) ≤ m, with exactly these singular values."""
    u, _ = np.linalg.qr(rng.normal(size=(m, len(sigmas))))
    return (u * np.asarray(sigmas)) @ _random_orthogonal(rng, len(sigmas)).T


def _rank_k_errors_cases() -> list[Case]:
    rng = _rng(22)
    return [
        Case("a tall (7, 4) matrix", (rng.normal(size=(7, 4)),)),
        Case("a wide (3, 8) matrix", (rng.normal(size=(3, 8)),)),
        Case(
            "a rank-2 (6, 5) matrix: errors are 0 from k = 2 on",
            (rng.normal(size=(6, 2)) @ rng.normal(size=(2, 5)),),
        ),
        Case("a single row (1, 5)", (rng.normal(size=(1, 5)),)),
        Case("a (5, 5) matrix scaled by 1000", (1000 * rng.normal(size=(5, 5)),)),
        Case("a (4, 4) matrix of integers", (rng.integers(-5, 6, size=(4, 4)),)),
        Case(
            "σ = 1, 1e-5, 1e-9: errs[2] = 1e-9 is lost if you subtract from ‖A‖²",
            (_with_singular_values(rng, 5, [1.0, 1e-5, 1e-9]),),
        ),
    ]


def _rank_k_errors_compare(got: Any, expected: Any) -> Mismatch | None:
    # errs[r] is 0 for the student and about 1e-15·‖A‖ for the reconstruction: scale atol.
    scale = max(1.0, float(np.max(np.abs(expected))))
    return compare(got, expected, rtol=1e-7, atol=1e-10 * scale)


def _squares(a: np.ndarray) -> np.ndarray:
    return np.linalg.svd(np.asarray(a, dtype=float), compute_uv=False) ** 2


def _tail_sums(s2: np.ndarray) -> np.ndarray:
    """sum(s2[k:]) for k = 0, ..., len(s2)."""
    return np.append(np.cumsum(s2[::-1])[::-1], 0.0)


def _total_minus_kept(a: np.ndarray) -> np.ndarray:
    s2 = _squares(a)
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.sum(s2) - np.append(0.0, np.cumsum(s2)))


RANK_K_ERRORS = Checker(
    f"{A}/rank_k_errors",
    title="Eckart–Young: the error of every rank-k approximation",
    reference=_rank_k_errors_reference,
    cases=_rank_k_errors_cases,
    comparator=_rank_k_errors_compare,
    forbidden=[MATRIX_PRODUCTS, PYTHON_LOOPS, SCIPY],
    misconceptions=[
        Misconception(
            "no-square-root",
            "These are squared errors ‖A − A_k‖²_F: take the square root of the sum of the "
            "discarded σᵢ².",
            lambda a: _tail_sums(_squares(a)),
        ),
        Misconception(
            "off-by-one",
            "Off by one: A_k keeps σ₁, …, σ_k, which is s[:k] in 0-based NumPy, so its error "
            "sums s[k:] ** 2 — and errs[0] (nothing kept) is ‖A‖_F.",
            lambda a: np.sqrt(np.append(_tail_sums(_squares(a))[1:], 0.0)),
        ),
        Misconception(
            "spectral-error",
            "σ_{k+1} alone is the error in the spectral norm (ord=2). The Frobenius error adds up "
            "*all* the discarded singular values: sqrt(σ_{k+1}² + … + σ_r²).",
            lambda a: np.append(np.sqrt(_squares(a)), 0.0),
        ),
        Misconception(
            "missing-k-zero",
            "Start at k = 0 (nothing kept, error ‖A‖_F): the result has min(m, n) + 1 entries, "
            "for k = 0, 1, …, min(m, n).",
            lambda a: np.sqrt(_tail_sums(_squares(a))[1:]),
        ),
        Misconception(
            "kept-not-discarded",
            "That is ‖A_k‖_F, the size of what you *kept* (σ₁² + … + σ_k²). The error is made "
            "of the singular values you dropped: errs[k] = sqrt(σ_{k+1}² + … + σ_r²), so "
            "errs[0] = ‖A‖_F and errs[r] = 0.",
            lambda a: np.sqrt(np.append(0.0, np.cumsum(_squares(a)))),
        ),
        Misconception(
            "cumsum-not-reversed-back",
            "Reverse the cumulative sum back: np.cumsum(x[::-1]) runs from the smallest σ, so "
            "its k-th entry sums the k + 1 *smallest* values. np.cumsum(x[::-1])[::-1][k] is "
            "x[k:].sum().",
            lambda a: np.sqrt(np.append(np.cumsum(_squares(a)[::-1]), 0.0)),
        ),
        Misconception(
            "total-minus-kept",
            "‖A‖²_F − (σ₁² + … + σ_k²) subtracts two nearly equal numbers when the error is "
            "small: the digits cancel (errs[2] = 1e-9 comes out 0, and a tiny negative "
            "difference gives nan). Sum the discarded σᵢ² themselves: a reversed cumulative sum "
            "of s ** 2.",
            _total_minus_kept,
        ),
    ],
)


CHECKER = RANK_K_ERRORS
