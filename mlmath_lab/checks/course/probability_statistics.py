"""Checkers for assignment 05 — probability and statistics for machine learning.

References come from ``torch.distributions`` (log-densities, posteriors, inverse CDFs),
``torch.var`` / ``torch.cov`` (statistics) and a torch simulation (the central limit theorem),
never from a copy of the expected solution. The cases are chosen where a bug cannot hide:
sigma ≠ 1 (so a variance used as a standard deviation shows), small N (so N and N − 1 differ
by a lot), points in the far tail (so a density that underflows shows), non-square data and
batches of points, and tiny uniforms (so log(1 − u) and log1p(−u) differ).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, as_array, compare, summarize
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "05-probability-statistics"
A = ASSIGNMENT

_LOG_2PI = math.log(2.0 * math.pi)


def _t(value: Any) -> Any:
    """A float64 tensor of ``value``."""
    return _torch().as_tensor(np.asarray(value, dtype=float))


def _np(tensor: Any) -> np.ndarray | float:
    """A tensor as a numpy array, or a Python float when it is 0-d."""
    out = tensor.detach().numpy()
    return float(out) if out.ndim == 0 else out


# -- Gaussian log-density -----------------------------------------------------------------------
def _gaussian_reference(x: Any, mu: Any, sigma: Any) -> np.ndarray | float:
    normal = _torch().distributions.Normal(_t(mu), _t(sigma), validate_args=True)
    return _np(normal.log_prob(_t(x)))


def _gaussian_cases() -> list[Case]:
    rng = _rng(51)
    return [
        Case("x of shape (5,), mu = 0, sigma = 1", (rng.normal(size=5), 0.0, 1.0)),
        Case("one number: x = 1.3, mu = -0.2, sigma = 2.5", (1.3, -0.2, 2.5)),
        Case(
            "x (4, 3) with per-column mu (3,) and sigma (3,)",
            (rng.normal(size=(4, 3)) * 3, np.array([0.0, 1.0, -2.0]), np.array([0.5, 2.0, 3.0])),
        ),
        Case(
            "far in the tail: x = [40, -60, 100], mu = 0, sigma = 1",
            (np.array([40.0, -60.0, 100.0]), 0.0, 1.0),
        ),
        Case(
            "x (2, 5), mu = 3, sigma = 0.01: a narrow peak",
            (3 + 0.02 * rng.normal(size=(2, 5)), 3.0, 0.01),
        ),
        Case("sigma = 0 (must raise ValueError)", (np.ones(3), 0.0, 0.0)),
        Case("sigma = [1, -2] (must raise ValueError)", (np.ones(2), 0.0, np.array([1.0, -2.0]))),
    ]


def _gaussian_parts(x: Any, mu: Any, sigma: Any) -> tuple[np.ndarray, np.ndarray]:
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    return (x - mu) ** 2, sigma


GAUSSIAN_LOG_PDF = Checker(
    f"{A}/gaussian_log_pdf",
    title="Gaussian log-density",
    reference=_gaussian_reference,
    cases=_gaussian_cases,
    misconceptions=[
        Misconception(
            "sigma-as-variance",
            "You used sigma as the variance: sigma is the standard deviation, so the formula "
            "needs sigma² in (x − μ)²/(2σ²) and log σ (not ½ log σ) in the normaliser.",
            lambda x, mu, s: (
                -_gaussian_parts(x, mu, s)[0] / (2 * np.asarray(s, float))
                - 0.5 * np.log(2 * np.pi * np.asarray(s, float))
            ),
        ),
        Misconception(
            "log-of-density",
            "Computing the density first and then its log underflows in the tail: "
            "exp(−800) is 0 in float64 and log 0 = −inf. Write the log-density directly: "
            "−(x − μ)²/(2σ²) − log σ − ½ log 2π.",
            lambda x, mu, s: np.log(
                np.exp(-_gaussian_parts(x, mu, s)[0] / (2 * np.asarray(s, float) ** 2))
                / (np.asarray(s, float) * np.sqrt(2 * np.pi))
            ),
        ),
        Misconception(
            "density-not-log",
            "You returned the density p(x); the exercise asks for its logarithm log p(x).",
            lambda x, mu, s: np.exp(_gaussian_reference(x, mu, s)),
        ),
        Misconception(
            "missing-normaliser",
            "You left out the normalising constant: log p(x) also has −log σ − ½ log(2π), "
            "which is what makes the density integrate to 1.",
            lambda x, mu, s: -_gaussian_parts(x, mu, s)[0] / (2 * np.asarray(s, float) ** 2),
        ),
    ],
)


# -- Categorical (and Bernoulli) log-probabilities ------------------------------------------------
def _categorical_reference(labels: Any, probs: Any) -> np.ndarray:
    torch = _torch()
    dist = torch.distributions.Categorical(probs=_t(probs), validate_args=True)
    return np.asarray(dist.log_prob(torch.as_tensor(np.asarray(labels))).numpy())


def _categorical_cases() -> list[Case]:
    rng = _rng(52)
    p = rng.uniform(0.05, 0.95, size=6)
    return [
        Case(
            "one distribution over K = 3 shared by 5 labels",
            (np.array([0, 2, 1, 2, 2]), np.array([0.2, 0.3, 0.5])),
        ),
        Case(
            "per-example weights (4, 5) that do not sum to 1",
            (np.array([3, 0, 4, 1]), rng.uniform(0.1, 3.0, size=(4, 5))),
        ),
        Case(
            "a Bernoulli as K = 2: probs (6, 2) = [1 − p, p]",
            (np.array([1, 0, 1, 1, 0, 1]), np.stack([1 - p, p], axis=1)),
        ),
        Case(
            "unnormalised shared weights [1, 0, 3] (a zero weight is fine if never observed)",
            (np.array([0, 2, 2]), np.array([1.0, 0.0, 3.0])),
        ),
        Case("label 3 with K = 3 (must raise ValueError)", (np.array([0, 3]), np.ones(3) / 3)),
        Case("label −1 (must raise ValueError)", (np.array([-1, 0]), np.ones(3) / 3)),
    ]


def _categorical_table(labels: Any, probs: Any) -> tuple[np.ndarray, np.ndarray]:
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    return labels, np.broadcast_to(probs, (len(labels), probs.shape[-1]))


def _categorical_unnormalised(labels: Any, probs: Any) -> np.ndarray:
    labels, table = _categorical_table(labels, probs)
    return np.log(table[np.arange(len(labels)), labels])


def _categorical_rows(labels: Any, probs: Any) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    return np.log(probs / probs.sum(-1, keepdims=True))[np.asarray(labels)]


CATEGORICAL_LOG_PMF = Checker(
    f"{A}/categorical_log_pmf",
    title="Categorical log-probabilities",
    reference=_categorical_reference,
    cases=_categorical_cases,
    misconceptions=[
        Misconception(
            "not-normalised",
            "The weights are not probabilities until you divide by their sum along the last "
            "axis (as torch.distributions.Categorical does): p_k = w_k / Σ_j w_j.",
            _categorical_unnormalised,
        ),
        Misconception(
            "indexed-whole-rows",
            "probs[labels] picks whole rows of a (N, K) table; pair row i with label i: "
            "log_probs[np.arange(N), labels].",
            _categorical_rows,
        ),
        Misconception(
            "probability-not-log",
            "You returned the probabilities p(label); the exercise asks for log p(label).",
            lambda labels, probs: np.exp(_categorical_reference(labels, probs)),
        ),
    ],
)


# -- MLE of a coin ---------------------------------------------------------------------------------
def _coin_reference(flips: Any) -> tuple[float, float]:
    torch = _torch()
    x = _t(flips)
    p_hat = x.mean()
    log_lik = torch.distributions.Bernoulli(probs=p_hat).log_prob(x).sum()
    return float(p_hat), float(log_lik)


def _coin_cases() -> list[Case]:
    rng = _rng(53)
    return [
        Case("flips 1, 1, 0, 1, 0, 1, 1 (p̂ = 5/7)", (np.array([1, 1, 0, 1, 0, 1, 1]),)),
        Case("40 flips of a p = 0.3 coin", ((rng.random(40) < 0.3).astype(int),)),
        Case("six heads in a row (p̂ = 1)", (np.ones(6, dtype=int),)),
        Case("25 flips given as booleans", (rng.random(25) < 0.6,)),
        Case("a single tail (p̂ = 0)", (np.array([0]),)),
    ]


def _coin_naive(flips: Any, tails: bool = False, mean: bool = False) -> tuple[float, float]:
    x = np.asarray(flips, dtype=float)
    p = 1 - x.mean() if tails else x.mean()
    k, n = x.sum(), len(x)
    log_lik = k * np.log(p) + (n - k) * np.log(1 - p)
    return float(p), float(log_lik / n if mean else log_lik)


BERNOULLI_MLE = Checker(
    f"{A}/bernoulli_mle",
    title="Maximum likelihood for a coin",
    reference=_coin_reference,
    cases=_coin_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-9, atol=1e-9),
    misconceptions=[
        Misconception(
            "fraction-of-tails",
            "p is the probability of heads (a 1): p̂ is the fraction of ones, not of zeros.",
            lambda flips: _coin_naive(flips, tails=True),
        ),
        Misconception(
            "zero-log-zero",
            "When p̂ is 0 or 1 a term is 0 · log 0 = 0 · (−inf) = nan. Its limit is 0 "
            "(t log t → 0): leave out the terms with a zero count.",
            _coin_naive,
        ),
        Misconception(
            "mean-log-likelihood",
            "The log-likelihood of the data is the *sum* of the flips' log-probabilities, not "
            "their mean.",
            lambda flips: _coin_naive(flips, mean=True),
        ),
    ],
)


# -- MLE of a Gaussian -----------------------------------------------------------------------------
def _gaussian_mle_reference(x: Any) -> tuple[Any, Any]:
    torch = _torch()
    xt = _t(x)
    return _np(xt.mean(dim=0)), _np(torch.var(xt, dim=0, correction=0))


def _gaussian_mle_cases() -> list[Case]:
    rng = _rng(54)
    return [
        Case(
            "x = [2, 4, 4, 4, 5, 5, 7, 9] (mean 5, variance 4)",
            (np.array([2, 4, 4, 4, 5, 5, 7, 9.0]),),
        ),
        Case("50 draws of N(3, 2²)", (3 + 2 * rng.normal(size=50),)),
        Case("N = 3 observations: N/(N − 1) = 1.5", (np.array([1.0, 2.0, 6.0]),)),
        Case(
            "data (30, 4): one mean and variance per column",
            (rng.normal(size=(30, 4)) * np.array([1.0, 2.0, 3.0, 4.0]),),
        ),
        Case("data (5, 2) far from 0: mean ≈ 10⁶, spread ≈ 1", (1e6 + rng.normal(size=(5, 2)),)),
    ]


def _gaussian_mle_with(x: Any, ddof: int = 0, std: bool = False, flat: bool = False) -> Any:
    x = np.asarray(x, dtype=float)
    axis = None if flat else 0
    var = x.var(axis=axis, ddof=ddof)
    return x.mean(axis=axis), np.sqrt(var) if std else var


def _gaussian_mle_naive(x: Any) -> tuple[Any, Any]:
    x = np.asarray(x, dtype=float)
    return x.mean(axis=0), (x**2).mean(axis=0) - x.mean(axis=0) ** 2


GAUSSIAN_MLE = Checker(
    f"{A}/gaussian_mle",
    title="Maximum likelihood for a Gaussian",
    reference=_gaussian_mle_reference,
    cases=_gaussian_mle_cases,
    misconceptions=[
        Misconception(
            "unbiased-variance",
            "Your variance is N/(N − 1) times too large: you divided by N − 1 (ddof=1, the "
            "unbiased estimator). The maximum-likelihood variance divides by N (ddof=0).",
            lambda x: _gaussian_mle_with(x, ddof=1),
        ),
        Misconception(
            "std-not-variance",
            "You returned the standard deviation σ̂; the exercise asks for the variance σ̂².",
            lambda x: _gaussian_mle_with(x, std=True),
        ),
        Misconception(
            "pooled-columns",
            "For data of shape (N, d), each column is its own variable: average over the N "
            "rows only (axis=0), giving d means and d variances.",
            lambda x: _gaussian_mle_with(x, flat=True),
        ),
        Misconception(
            "mean-of-squares-minus-square",
            "E[x²] − (E[x])² cancels catastrophically when the mean is large compared with "
            "the spread (10¹² − 10¹² leaves only rounding error). Subtract the mean first, "
            "then average the squared deviations.",
            _gaussian_mle_naive,
        ),
    ],
)


# -- covariance with ddof --------------------------------------------------------------------------
def _cov_reference(X: Any, ddof: int = 1) -> np.ndarray:
    torch = _torch()
    Xt = _t(X)
    d = Xt.shape[1]
    return np.asarray(torch.cov(Xt.T, correction=ddof).reshape(d, d).numpy())


def _cov_cases() -> list[Case]:
    rng = _rng(55)
    mix = np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [-0.5, 0.3, 0.4]])
    return [
        Case("X (6, 3), ddof=1 (the default)", (rng.normal(size=(6, 3)),)),
        Case("X (10, 2), ddof=0", (rng.normal(size=(10, 2)) + np.array([5.0, -1.0]),), {"ddof": 0}),
        Case("X (4, 5): more features than observations", (rng.normal(size=(4, 5)),)),
        Case(
            "X (200, 3) of correlated features, ddof=1",
            (rng.normal(size=(200, 3)) @ mix.T + np.array([1.0, 2.0, 3.0]), 1),
        ),
        Case("X (7, 1): one feature gives a (1, 1) matrix, ddof=0", (rng.normal(size=(7, 1)), 0)),
    ]


def _cov_divisor(X: Any, divisor_ddof: int | None, ddof: int) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=0)
    used = ddof if divisor_ddof is None else divisor_ddof
    return centred.T @ centred / (len(X) - used)


COVARIANCE = Checker(
    f"{A}/covariance",
    title="Covariance matrix with ddof",
    reference=_cov_reference,
    cases=_cov_cases,
    misconceptions=[
        Misconception(
            "always-divided-by-N",
            "Your covariance is (N − 1)/N times the expected one: you divided by N whatever "
            "ddof was. Divide by N − ddof (N − 1 for the default ddof=1, the unbiased "
            "estimator).",
            lambda X, ddof=1: _cov_divisor(X, 0, ddof),
        ),
        Misconception(
            "always-divided-by-N-minus-1",
            "Your covariance is N/(N − 1) times the expected one: you divided by N − 1 even "
            "with ddof=0. Divide by N − ddof.",
            lambda X, ddof=1: _cov_divisor(X, 1, ddof),
        ),
        Misconception(
            "rows-as-variables",
            "np.cov treats each *row* as a variable by default; here rows are observations "
            "and columns are features, so the result must be (d, d): pass rowvar=False or "
            "work with the centred X.",
            lambda X, ddof=1: np.cov(np.asarray(X, dtype=float), ddof=ddof),
        ),
        Misconception(
            "not-centred",
            "Subtract each column's mean first: the covariance is the average product of "
            "*deviations* from the mean, (X − x̄)ᵀ(X − x̄)/(N − ddof).",
            lambda X, ddof=1: np.asarray(X, float).T @ np.asarray(X, float) / (len(X) - ddof),
        ),
    ],
)


# -- Beta–Binomial posterior -----------------------------------------------------------------------
def _posterior_reference(a: float, b: float, heads: int, tails: int) -> tuple[float, ...]:
    a_post, b_post = _t(a) + heads, _t(b) + tails
    beta = _torch().distributions.Beta(a_post, b_post, validate_args=True)
    return float(a_post), float(b_post), float(beta.mean), float(beta.mode)


def _posterior_cases() -> list[Case]:
    return [
        Case("uniform prior Beta(1, 1), 5 heads, 2 tails", (1.0, 1.0, 5, 2)),
        Case("prior Beta(2, 2), 5 heads, 2 tails", (2.0, 2.0, 5, 2)),
        Case("prior Beta(0.5, 0.5), 3 heads, 9 tails", (0.5, 0.5, 3, 9)),
        Case("strong prior Beta(10, 30), 40 heads, 10 tails", (10.0, 30.0, 40, 10)),
        Case("prior Beta(2.5, 4), no heads, 7 tails", (2.5, 4.0, 0, 7)),
    ]


def _posterior_with(
    a: float, b: float, heads: int, tails: int, swap: bool = False, map_: str = "mode"
) -> tuple[float, ...]:
    if swap:
        heads, tails = tails, heads
    a2, b2 = a + heads, b + tails
    mean = a2 / (a2 + b2)
    mode = (a2 - 1) / (a2 + b2 - 2)
    point = {"mode": mode, "mean": mean, "mle": heads / (heads + tails)}[map_]
    return float(a2), float(b2), float(mean), float(point)


BETA_BINOMIAL_POSTERIOR = Checker(
    f"{A}/beta_binomial_posterior",
    title="Beta–Binomial posterior",
    reference=_posterior_reference,
    cases=_posterior_cases,
    misconceptions=[
        Misconception(
            "heads-tails-swapped",
            "Heads go to a and tails to b: the posterior is Beta(a + heads, b + tails), since "
            "a − 1 and b − 1 act as prior counts of heads and of tails.",
            lambda a, b, h, t: _posterior_with(a, b, h, t, swap=True),
        ),
        Misconception(
            "map-is-mean",
            "The MAP estimate is the posterior's *mode*, (a' − 1)/(a' + b' − 2), not its "
            "mean a'/(a' + b'). They differ unless a' = b'.",
            lambda a, b, h, t: _posterior_with(a, b, h, t, map_="mean"),
        ),
        Misconception(
            "map-ignores-prior",
            "You returned the MLE heads/(heads + tails) as the MAP: the MAP maximises the "
            "posterior, so the prior counts a − 1 and b − 1 enter it too.",
            lambda a, b, h, t: _posterior_with(a, b, h, t, map_="mle"),
        ),
    ],
)


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
            "Σ = [[1, 2], [2, 1]] is not positive definite (must raise ValueError)",
            (np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]])),
        ),
    ]


def _mvn_with(
    X: Any,
    mu: Any,
    Sigma: Any,
    logdet_factor: float = 2.0,
    transpose: bool = False,
    one_2pi: bool = False,
    no_inverse: bool = False,
) -> Any:
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    d = len(mu)
    L = np.linalg.cholesky(Sigma)
    diff = (X - mu).T  # (d, N) or (d,)
    if no_inverse:
        maha = np.sum(diff * (Sigma @ diff), axis=0)
    else:
        z = np.linalg.solve(L.T if transpose else L, diff)
        maha = np.sum(z**2, axis=0)
    logdet = logdet_factor * np.sum(np.log(np.diag(L)))
    const = _LOG_2PI if one_2pi else d * _LOG_2PI
    return -0.5 * (maha + logdet + const)


MVN_LOG_PDF = Checker(
    f"{A}/mvn_log_pdf",
    title="Multivariate normal log-density via Cholesky",
    reference=_mvn_reference,
    cases=_mvn_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-7),
    misconceptions=[
        Misconception(
            "logdet-missing-factor-2",
            "log det Σ = 2 Σᵢ log Lᵢᵢ: Σ = L Lᵀ, so det Σ = (det L)² = (∏ Lᵢᵢ)². You summed "
            "log Lᵢᵢ once.",
            lambda X, mu, S: _mvn_with(X, mu, S, logdet_factor=1.0),
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
    ],
)


# -- inverse-CDF sampling --------------------------------------------------------------------------
def _icdf_reference(u: Any, rate: Any) -> np.ndarray | float:
    dist = _torch().distributions.Exponential(_t(rate), validate_args=True)
    return _np(dist.icdf(_t(u)))


def _icdf_cases() -> list[Case]:
    rng = _rng(57)
    return [
        Case("u (5,), rate 2", (rng.random(5), 2.0)),
        Case(
            "u (3, 4) with a rate per column (4,)",
            (rng.random((3, 4)), np.array([0.5, 1.0, 2.0, 10.0])),
        ),
        Case("u = [0, 0.5, 0.999999], rate 1", (np.array([0.0, 0.5, 0.999999]), 1.0)),
        Case("tiny u = [1e-15, 1e-12, 1e-9], rate 0.5", (np.array([1e-15, 1e-12, 1e-9]), 0.5)),
        Case("rate 0 (must raise ValueError)", (np.array([0.5]), 0.0)),
    ]


EXPONENTIAL_INVERSE_CDF = Checker(
    f"{A}/exponential_inverse_cdf",
    title="Inverse-CDF sampling of an exponential",
    reference=_icdf_reference,
    cases=_icdf_cases,
    # relative tolerance only: the tiny-u case has answers of 10⁻¹⁵, below the default atol
    comparator=lambda got, expected: compare(got, expected, rtol=1e-9, atol=0.0),
    misconceptions=[
        Misconception(
            "inverted-survival-function",
            "−log(u)/λ inverts the survival function 1 − F, not F. Its samples have the right "
            "distribution, but it is not F⁻¹(u): a small u must give a small x, "
            "F⁻¹(u) = −log(1 − u)/λ.",
            lambda u, rate: -np.log(np.asarray(u, float)) / np.asarray(rate, float),
        ),
        Misconception(
            "rate-as-scale",
            "λ is the *rate* (the mean is 1/λ): divide by it, F⁻¹(u) = −log(1 − u)/λ.",
            lambda u, rate: -np.log1p(-np.asarray(u, float)) * np.asarray(rate, float),
        ),
        Misconception(
            "log-not-log1p",
            "1 − u rounds off the digits of a tiny u (1 − 10⁻¹⁵ is not exact in float64), so "
            "log(1 − u) is inaccurate there. np.log1p(−u) computes log(1 − u) without forming "
            "1 − u.",
            lambda u, rate: -np.log(1 - np.asarray(u, float)) / np.asarray(rate, float),
        ),
    ],
)


# -- the central limit theorem, by simulation -----------------------------------------------------
_UNIFORM_STD = math.sqrt(1.0 / 12.0)
_BAND_SE = 5.0  # a correct simulation leaves a 5-standard-error band once in ~3 million runs


def _clt_reference(n: int, trials: int, seed: int) -> np.ndarray:
    """The same experiment run by torch with its own generator: a sample to compare with."""
    torch = _torch()
    gen = torch.Generator().manual_seed(10_000 + seed)
    u = torch.rand(trials, n, generator=gen, dtype=torch.float64)
    return np.asarray(((u.mean(dim=1) - 0.5) / (_UNIFORM_STD / math.sqrt(n))).numpy())


def _clt_cases() -> list[Case]:
    return [
        Case("n = 1 (one uniform), 20000 trials, seed 0", (1, 20_000, 0)),
        Case("n = 2, 20000 trials, seed 1", (2, 20_000, 1)),
        Case("n = 12, 10000 trials, seed 2", (12, 10_000, 2)),
        Case("n = 50, 20000 trials, seed 3", (50, 20_000, 3)),
        Case("n = 30, only 4 trials (checks the shape), seed 4", (30, 4, 4)),
    ]


def _ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov–Smirnov statistic max |F_a − F_b|."""
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def _clt_compare(got: Any, expected: Any) -> Mismatch | None:
    """Statistical bands, not values: any correct simulation passes, whatever its draws.

    The standardized mean has mean 0 and standard deviation 1 exactly, for every n; the bands
    are 5 standard errors wide for the number of trials T (SE of the mean 1/√T, SE of the
    standard deviation at most √(1/(2T)) for these distributions). A two-sample
    Kolmogorov–Smirnov test against torch's simulation then checks the whole shape of the
    distribution (a correct mean and spread with a wrong shape would pass the bands).
    """
    exp = as_array(expected)
    shape_only = compare(
        got if not hasattr(got, "shape") else np.zeros(np.shape(got)), np.zeros(exp.shape)
    )
    if shape_only is not None and shape_only.kind in ("type", "shape", "length"):
        return Mismatch(shape_only.kind, shape_only.message, summarize(got), summarize(expected))
    mine = as_array(got)
    if not np.issubdtype(mine.dtype, np.floating):
        return Mismatch("dtype", f"expected floats, yours is {mine.dtype}", summarize(got), "")
    if not np.all(np.isfinite(mine)):
        return Mismatch("nonfinite", "yours has inf or nan values", summarize(got), "")
    trials = len(exp)
    mean, std = float(mine.mean()), float(mine.std())
    mean_band = _BAND_SE / math.sqrt(trials)
    std_band = _BAND_SE * math.sqrt(1.0 / (2.0 * trials))
    what = f"{trials} standardized means"
    if abs(mean) > mean_band:
        return Mismatch(
            "value",
            f"the mean of your {what} is {mean:.4f}, expected 0 ± {mean_band:.4f} "
            f"(5 standard errors for {trials} trials)",
            f"mean {mean:.4f}",
            "mean 0",
        )
    if abs(std - 1.0) > std_band:
        return Mismatch(
            "value",
            f"the standard deviation of your {what} is {std:.4f}, expected 1 ± "
            f"{std_band:.4f} (5 standard errors for {trials} trials)",
            f"std {std:.4f}",
            "std 1",
        )
    if trials >= 1000:
        ks = _ks_distance(mine, exp)
        # the 1 − 10⁻⁶ critical value of the two-sample KS test: √(−ln(5·10⁻⁷)/2) ≈ 2.69
        limit = 2.69 * math.sqrt(2.0 / trials)
        if ks > limit:
            return Mismatch(
                "value",
                f"your values do not follow the distribution of a standardized mean of n "
                f"uniforms: their CDF is {ks:.3f} away from torch's simulation (allowed "
                f"{limit:.3f}, a Kolmogorov–Smirnov test)",
                f"KS distance {ks:.3f}",
                f"≤ {limit:.3f}",
            )
    return None


def _clt_with(
    n: int, trials: int, seed: int, scale: str = "se", centre: bool = True, axis: int = 1
) -> np.ndarray:
    u = np.random.default_rng(seed).random((trials, n))
    means = u.mean(axis=axis)
    shift = 0.5 if centre else 0.0
    denominator = {
        "se": _UNIFORM_STD / math.sqrt(n),
        "sigma": _UNIFORM_STD,
        "variance": (1.0 / 12.0) / math.sqrt(n),
    }[scale]
    return np.asarray((means - shift) / denominator)


CLT_STANDARDIZED_MEANS = Checker(
    f"{A}/clt_standardized_means",
    title="The central limit theorem by simulation",
    reference=_clt_reference,
    cases=_clt_cases,
    comparator=_clt_compare,
    misconceptions=[
        Misconception(
            "divided-by-sigma-not-standard-error",
            "The mean of n draws has standard deviation σ/√n, not σ: divide by "
            "√(1/12)/√n (your values are √n times too narrow).",
            lambda n, trials, seed: _clt_with(n, trials, seed, scale="sigma"),
        ),
        Misconception(
            "variance-as-std",
            "1/12 is the *variance* of a uniform on [0, 1]; its standard deviation is "
            "√(1/12) ≈ 0.289.",
            lambda n, trials, seed: _clt_with(n, trials, seed, scale="variance"),
        ),
        Misconception(
            "not-centred",
            "Subtract the uniform's mean 1/2 before dividing: a standardized mean is "
            "(x̄ − 1/2)/(σ/√n), centred at 0.",
            lambda n, trials, seed: _clt_with(n, trials, seed, centre=False),
        ),
        Misconception(
            "averaged-over-trials",
            "Average each trial's n draws (axis=1 of the (trials, n) array), giving one "
            "standardized mean per trial: the result has shape (trials,).",
            lambda n, trials, seed: _clt_with(n, trials, seed, axis=0),
        ),
    ],
)


CHECKERS = [
    GAUSSIAN_LOG_PDF,
    CATEGORICAL_LOG_PMF,
    BERNOULLI_MLE,
    GAUSSIAN_MLE,
    COVARIANCE,
    BETA_BINOMIAL_POSTERIOR,
    MVN_LOG_PDF,
    EXPONENTIAL_INVERSE_CDF,
    CLT_STANDARDIZED_MEANS,
]
