"""Multivariate normal log-density via Cholesky (05-probability-statistics/mvn_log_pdf): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import INV, Forbidden
from ._common import _LOG_2PI, A, _f, _np, _t


# -- multivariate normal log-density via Cholesky -------------------------------------------------
def _mvn_reference(X: Any, mu: Any, Sigma: Any) -> np.ndarray | float:
    torch = _torch()
    dist = torch.distributions.MultivariateNormal(
        _t(mu), covariance_matrix=_t(Sigma), validate_args=True
    )
    return _np(dist.log_prob(_t(X)))


def _spd(rng: np.random.Generator, d: int, scale: float = 1.0) -> np.ndarray:
    m = rng.normal(size=(d, d))
    return scale * (m @ m.T + 0.5 * np.eye(d))


def _mvn_cases() -> list[Case]:
    rng = _rng(56)
    rho = np.array([[1.0, 0.99, 0.0, 0.0], [0.99, 1.0, 0.0, 0.0], [0, 0, 4.0, -1.0], [0, 0, -1, 1]])
    return [
        Case(
            "d = 2, a batch of 5 points",
            (rng.normal(size=(5, 2)), np.array([0.5, -1.0]), np.array([[2.0, 0.6], [0.6, 1.0]])),
        ),
        Case(
            "d = 3, one point of shape (3,)", (rng.normal(size=3), rng.normal(size=3), _spd(rng, 3))
        ),
        Case(
            "d = 5, a batch of 7 points",
            (rng.normal(size=(7, 5)), rng.normal(size=5), _spd(rng, 5)),
        ),
        Case(
            "d = 1, 4 points (a 1-D Gaussian)",
            (rng.normal(size=(4, 1)), np.array([1.0]), np.array([[0.25]])),
        ),
        Case(
            "d = 4, strongly correlated features, 3 points",
            (rng.normal(size=(3, 4)), np.zeros(4), rho),
        ),
        Case(
            "d = 6, tiny variances (Σ ≈ 10⁻⁴ I scale), 2 points",
            (0.01 * rng.normal(size=(2, 6)), np.zeros(6), _spd(rng, 6, 1e-4)),
        ),
        Case(
            "d = 400, Σ = 0.01 I, 3 points: det Σ = 10⁻⁸⁰⁰ and ∏ Lᵢᵢ = 10⁻⁴⁰⁰ are 0 in float64",
            (0.1 * rng.normal(size=(3, 400)), np.zeros(400), 0.01 * np.eye(400)),
        ),
        Case(
            "Σ = [[1, 2], [2, 1]] is not positive definite (must raise ValueError)",
            (np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]])),
        ),
    ]


def _mvn_with(
    X: Any,
    mu: Any,
    Sigma: Any,
    *,
    logdet: str = "cholesky",
    transpose: bool = False,
    one_2pi: bool = False,
    no_inverse: bool = False,
    as_batch: bool = False,
    sum_all: bool = False,
) -> Any:
    X, mu, Sigma = _f(X, mu, Sigma)
    if as_batch:
        X = np.atleast_2d(X)
    d = len(mu)
    L = np.linalg.cholesky(Sigma)
    diff = (X - mu).T  # (d, N) or (d,)
    if no_inverse:
        maha = np.sum(diff * (Sigma @ diff), axis=0)
    else:
        z = np.linalg.solve(L.T if transpose else L, diff)
        maha = np.sum(z**2) if sum_all else np.sum(z**2, axis=0)
    log_diag = np.sum(np.log(np.diag(L)))
    half_logdet = {
        "cholesky": log_diag,  # ½ log det Σ = Σ log Lᵢᵢ
        "factor-1": 0.5 * log_diag,
        "not-halved": 2 * log_diag,
        "missing": 0.0,
        "product": 0.5 * np.log(np.prod(np.diag(L)) ** 2),
    }[logdet]
    const = _LOG_2PI if one_2pi else d * _LOG_2PI
    return -0.5 * (maha + const) - half_logdet


NP_DET = Forbidden(
    "np.linalg.det / np.linalg.slogdet",
    objects=("numpy.linalg.det", "numpy.linalg.slogdet"),
    why="Take log det Σ from the Cholesky factor: 2 Σᵢ log Lᵢᵢ.",
)

MVN_LOG_PDF = Checker(
    f"{A}/mvn_log_pdf",
    title="Multivariate normal log-density via Cholesky",
    reference=_mvn_reference,
    cases=_mvn_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-7),
    forbidden=[INV, NP_DET],
    misconceptions=[
        Misconception(
            "logdet-missing-factor-2",
            "log det Σ = 2 Σᵢ log Lᵢᵢ: Σ = L Lᵀ, so det Σ = (det L)² = (∏ Lᵢᵢ)². You summed "
            "log Lᵢᵢ once.",
            lambda X, mu, S: _mvn_with(X, mu, S, logdet="factor-1"),
        ),
        # pymc issue 7751, rstanarm issue 229 (the ½ applied to only some of the terms)
        Misconception(
            "logdet-not-halved",
            "The density has det(Σ)^(−1/2), so log det Σ is halved like the other terms: "
            "−½(‖z‖² + log det Σ + d log 2π). You subtracted the whole log det Σ.",
            lambda X, mu, S: _mvn_with(X, mu, S, logdet="not-halved"),
        ),
        # queso issue 387 (the determinant term left out of a Gaussian log-likelihood)
        Misconception(
            "logdet-missing",
            "You left out −½ log det Σ (= −Σᵢ log Lᵢᵢ): the normaliser depends on Σ, not only "
            "on d log 2π.",
            lambda X, mu, S: _mvn_with(X, mu, S, logdet="missing"),
        ),
        # scikit-learn pull request 33, BayesianLogic/blog pull request 80 (a product of the
        # diagonal, or the determinant of 0.001·I₃₆₁, underflows; log 0 = −inf)
        Misconception(
            "determinant-underflow",
            "You multiplied the diagonal of L (or its square) before taking the log: in 400 "
            "dimensions ∏ Lᵢᵢ = 0.1⁴⁰⁰ underflows to 0 and log 0 = −inf. Sum the logs "
            "instead: log det Σ = 2 Σᵢ log Lᵢᵢ.",
            lambda X, mu, S: _mvn_with(X, mu, S, logdet="product"),
        ),
        Misconception(
            "solved-with-transpose",
            "Solve L z = x − μ with the lower-triangular L itself (then ‖z‖² = "
            "(x − μ)ᵀ Σ⁻¹ (x − μ)); solving with Lᵀ gives a different quadratic form.",
            lambda X, mu, S: _mvn_with(X, mu, S, transpose=True),
        ),
        Misconception(
            "one-log-2pi",
            "The constant is −(d/2) log 2π: one ½ log 2π for each of the d dimensions.",
            lambda X, mu, S: _mvn_with(X, mu, S, one_2pi=True),
        ),
        Misconception(
            "sigma-not-inverse",
            "The quadratic form uses the *inverse* covariance: (x − μ)ᵀ Σ⁻¹ (x − μ), which "
            "is ‖L⁻¹(x − μ)‖², not (x − μ)ᵀ Σ (x − μ).",
            lambda X, mu, S: _mvn_with(X, mu, S, no_inverse=True),
        ),
        Misconception(
            "summed-over-points",
            "‖z‖² is one number per point: sum z**2 over the d coordinates (axis=0 of the "
            "(d, N) array), not over all the points at once.",
            lambda X, mu, S: _mvn_with(X, mu, S, sum_all=True),
        ),
        Misconception(
            "one-point-as-batch",
            "For one point of shape (d,) return a single number, not an array of shape (1,) "
            "(as torch's log_prob does).",
            lambda X, mu, S: _mvn_with(X, mu, S, as_batch=True),
        ),
    ],
)


CHECKER = MVN_LOG_PDF
