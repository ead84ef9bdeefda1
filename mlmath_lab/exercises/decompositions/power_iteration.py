"""Power iteration (02-decompositions/power_iteration): the checker."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from ._common import (
    _EIGEN_SVD_OBJECTS,
    SCIPY,
    A,
    _align_rows,
    _as_floats,
    _only,
    _random_orthogonal,
    _sign_fixed,
    _t,
)

EIGEN_SOLVERS = Forbidden(
    "np.linalg.eig / eigh / svd",
    objects=_EIGEN_SVD_OBJECTS,
    why="Power iteration is the point: find the eigenpair by repeated multiplication.",
)


def _with_spectrum(rng: np.random.Generator, eigenvalues: list[float]) -> np.ndarray:
    """A symmetric matrix with the given eigenvalues and random orthonormal eigenvectors."""
    q = _random_orthogonal(rng, len(eigenvalues))
    return (q * np.asarray(eigenvalues)) @ q.T


def _compare_up_to_sign(
    got: Any, expected: tuple[Any, ...], signed: int, rtol: float, atol: float
) -> Mismatch | None:
    """Compare tuples, allowing output[``signed``] (a vector or rows of vectors) to flip sign."""
    if isinstance(got, tuple | list) and len(got) == len(expected):
        mine = _as_floats(got[signed])
        if mine is not None and mine.shape == np.shape(expected[signed]):
            got = tuple(got)
            got = (*got[:signed], _align_rows(mine, expected[signed]), *got[signed + 1 :])
    return compare(got, expected, rtol=rtol, atol=atol)


# -- power iteration ----------------------------------------------------------------------------
# In the wild: returning ‖A v‖ as the eigenvalue (sonudoo/IntelliC eigen.py, joshuacook/
# Eloranta_Lab, and the "power iteration sign of eigenvalue" question on math.stackexchange);
# scaling by the largest entry instead of the length (WangXueFei11/homework 04.py, the textbook
# power method of Burden & Faires and Driscoll & Braun's poweriter.m); skipping the
# normalisation (sstewart0/data_science_projects powIter.py returns the unnormalised product).
def _power_iteration_reference(a: np.ndarray, num_iters: int = 500) -> tuple[float, np.ndarray]:
    torch = _torch()
    eigenvalues, eigenvectors = torch.linalg.eigh(_t(a))
    top = int(torch.argmax(eigenvalues.abs()))
    return float(eigenvalues[top]), _sign_fixed(eigenvectors[:, top].numpy())


def _power_iteration_cases() -> list[Case]:
    rng = _rng(21)
    x = rng.normal(size=(20, 5)) * np.array([3.0, 1.0, 1.0, 0.5, 0.5])
    data = rng.normal(size=(60, 8)) @ rng.normal(size=(8, 8))
    centred = data - data.mean(axis=0)
    return [
        Case(
            "a (3, 3) symmetric matrix",
            (np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]]),),
        ),
        Case("the Gram matrix XᵀX of a tall (20, 5) X", (x.T @ x,)),
        Case("the covariance of (60, 8) data", (centred.T @ centred / 60,)),
        Case(
            "dominant eigenvalue −5 (eigenvalues −5, 3, 1, 0.5)",
            (_with_spectrum(rng, [-5.0, 3.0, 1.0, 0.5]),),
        ),
        Case("a (1, 1) matrix [[−2.5]]", (np.array([[-2.5]]),)),
        Case(
            "an integer (3, 3) matrix [[4, 1, 0], [1, 2, 1], [0, 1, −1]]",
            (np.array([[4, 1, 0], [1, 2, 1], [0, 1, -1]]),),
        ),
        Case(
            "λ₂/λ₁ = 0.98, num_iters=3000",
            (_with_spectrum(rng, [5.0, 4.9, 2.0, 1.0, 0.2, 0.1]),),
            {"num_iters": 3000},
        ),
    ]


PowerIterationMistake = Literal["norm", "not-normalised", "max-entry"]


def _power_iteration_wrong(
    a: np.ndarray, num_iters: int, mistake: PowerIterationMistake
) -> tuple[float, np.ndarray]:
    _only(mistake, PowerIterationMistake)
    a = np.asarray(a, dtype=float)
    v = np.ones(a.shape[0]) / np.sqrt(a.shape[0])
    estimate = 0.0  # ‖w‖ or w's largest entry, from the last multiplication
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_iters):
            w = a @ v
            if mistake == "max-entry":  # ∞-norm scaling: v's largest entry becomes 1
                estimate = float(w[np.argmax(np.abs(w))])
            elif mistake == "norm":
                estimate = float(np.linalg.norm(w))
            v = w if mistake == "not-normalised" else w / estimate
        if mistake == "not-normalised":
            v = v / np.linalg.norm(v)
            return float(v @ a @ v), _sign_fixed(v)
    return estimate, _sign_fixed(v)


def _power_iteration_compare(got: Any, expected: Any) -> Mismatch | None:
    return _compare_up_to_sign(got, expected, signed=1, rtol=1e-7, atol=1e-8)


POWER_ITERATION = Checker(
    f"{A}/power_iteration",
    title="Power iteration",
    reference=_power_iteration_reference,
    cases=_power_iteration_cases,
    comparator=_power_iteration_compare,
    forbidden=[EIGEN_SOLVERS, SCIPY],
    misconceptions=[
        Misconception(
            "eigenvalue-as-norm",
            "‖A v‖ is |λ|: it loses the sign of a negative eigenvalue. Estimate the eigenvalue "
            "with the Rayleigh quotient λ = vᵀ A v (v of unit length).",
            lambda a, num_iters=500: _power_iteration_wrong(a, num_iters, "norm"),
        ),
        Misconception(
            "not-normalised",
            "Normalise v after every multiplication (v ← A v / ‖A v‖): without it Aᵏ v grows "
            "like |λ₁|ᵏ and overflows to inf, then nan.",
            lambda a, num_iters=500: _power_iteration_wrong(a, num_iters, "not-normalised"),
        ),
        Misconception(
            "max-entry-scaling",
            "Your v points the right way but is not of unit length: dividing by the largest "
            "entry (the ∞-norm scaling of the textbook power method) makes that entry 1. "
            "Divide by the Euclidean length instead, v ← w / np.linalg.norm(w), and take "
            "λ = vᵀ A v.",
            lambda a, num_iters=500: _power_iteration_wrong(a, num_iters, "max-entry"),
        ),
    ],
)


CHECKER = POWER_ITERATION
