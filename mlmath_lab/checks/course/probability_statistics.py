"""Checkers for assignment 05 — probability and statistics for machine learning.

References come from ``torch.distributions`` (log-densities, posteriors, inverse CDFs) and
``torch.var`` / ``torch.cov`` (statistics), never from a copy of the expected solution. The
central-limit-theorem simulation is specified to the draw (``np.random.default_rng(seed)``,
one ``(trials, n)`` array of uniforms), so its reference makes exactly those draws and torch
standardises them: the check compares values, and a statistic that standardises its own
sample cannot pass it.

The cases are chosen where a bug cannot hide: sigma ≠ 1 (so a variance used as a standard
deviation shows), small N (so N and N − 1 differ by a lot), points in the far tail (so a
density that underflows shows), non-square data and batches of points, a 400-dimensional
Gaussian (so a determinant that underflows shows), and tiny uniforms (so log(1 − u) and
log1p(−u) differ).

Where each known mistake was seen in the wild is noted next to it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch
from ..rules import INV, Forbidden

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


def _f(*values: Any) -> tuple[np.ndarray, ...]:
    """The values as float64 arrays."""
    return tuple(np.asarray(v, dtype=float) for v in values)


def _positive_rate(rate: Any) -> np.ndarray:
    """The rate as floats, or the ValueError the exercise asks for when any rate <= 0."""
    (rates,) = _f(rate)
    if np.any(rates <= 0):
        raise ValueError("rate must be positive")
    return rates


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
        Case("integer inputs: x = [0, 1, 2, 3], mu = 1, sigma = 2", (np.arange(4), 1, 2)),
        Case("sigma = 0 (must raise ValueError)", (np.ones(3), 0.0, 0.0)),
        Case("sigma = [1, -2] (must raise ValueError)", (np.ones(2), 0.0, np.array([1.0, -2.0]))),
    ]


def _gaussian_formula(
    x: Any,
    mu: Any,
    sigma: Any,
    *,
    quadratic_over: str = "sigma2",
    normaliser: str = "log_sigma",
    two_pi: bool = True,
) -> np.ndarray:
    """The log-density as written, with one part possibly written wrong (no validation)."""
    x, mu, s = _f(x, mu, sigma)
    quadratic = (x - mu) ** 2 / (2 * (s**2 if quadratic_over == "sigma2" else s))
    norm = {
        "log_sigma": np.log(s),
        "half_log_sigma": 0.5 * np.log(s),  # sigma used as a variance
        "sigma": s,  # the log left out
        "none": np.zeros_like(s),
    }[normaliser]
    const = 0.5 * _LOG_2PI if two_pi else 0.0
    return -quadratic - norm - const


def _gaussian_via_density(x: Any, mu: Any, sigma: Any) -> np.ndarray:
    x, mu, s = _f(x, mu, sigma)
    density = np.exp(-((x - mu) ** 2) / (2 * s**2)) / (s * np.sqrt(2 * np.pi))
    return np.log(density)


GAUSSIAN_LOG_PDF = Checker(
    f"{A}/gaussian_log_pdf",
    title="Gaussian log-density",
    reference=_gaussian_reference,
    cases=_gaussian_cases,
    misconceptions=[
        # stable-baselines issue 1059 (std used as the variance, logstd halved)
        Misconception(
            "sigma-as-variance",
            "You used sigma as the variance: sigma is the standard deviation, so the formula "
            "needs sigma² in (x − μ)²/(2σ²) and log σ (not ½ log σ) in the normaliser.",
            lambda x, mu, s: _gaussian_formula(
                x, mu, s, quadratic_over="sigma", normaliser="half_log_sigma"
            ),
        ),
        # GPJax issue 413, darts pull request 1162 (sigma not squared in the exponent)
        Misconception(
            "sigma-not-squared",
            "The exponent divides by 2σ², the variance: you divided (x − μ)² by 2σ. The "
            "normaliser −log σ was right.",
            lambda x, mu, s: _gaussian_formula(x, mu, s, quadratic_over="sigma"),
        ),
        # the log-likelihood benchmark shipped with pyodide (log of exp(...) / (σ√2π))
        Misconception(
            "log-of-density",
            "Computing the density first and then its log underflows in the tail: "
            "exp(−800) is 0 in float64 and log 0 = −inf. Write the log-density directly: "
            "−(x − μ)²/(2σ²) − log σ − ½ log 2π.",
            _gaussian_via_density,
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
            lambda x, mu, s: _gaussian_formula(x, mu, s, normaliser="none", two_pi=False),
        ),
        # Arinar issue 1, pints issue 95 (the constant dropped "since it has no gradient")
        Misconception(
            "missing-log-2pi",
            "You left out the constant −½ log(2π) ≈ −0.919. It does not change where the "
            "maximum is, but without it the value is not log p(x) (and not what "
            "torch.distributions returns).",
            lambda x, mu, s: _gaussian_formula(x, mu, s, two_pi=False),
        ),
        # blitz-bayesian-deep-learning issue 14 (σ subtracted where log σ belongs)
        Misconception(
            "sigma-not-logged",
            "The normaliser is −log σ (the log of 1/σ), not −σ: you subtracted sigma itself.",
            lambda x, mu, s: _gaussian_formula(x, mu, s, normaliser="sigma"),
        ),
        Misconception(
            "sigma-not-checked",
            "Your formula is right, but a standard deviation must be positive: raise "
            "ValueError when any sigma <= 0 (np.log of 0 or of a negative number only warns "
            "and returns -inf or nan).",
            lambda x, mu, s: _gaussian_formula(x, mu, s),
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


def _categorical_table(labels: Any, probs: Any, normalise: str = "rows") -> tuple[Any, Any]:
    """The labels and one row of (normalised) probabilities per label, without validation."""
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    if normalise == "rows":
        probs = probs / probs.sum(axis=-1, keepdims=True)
    elif normalise == "total":
        probs = probs / probs.sum()
    return labels, np.broadcast_to(probs, (len(labels), probs.shape[-1]))


def _categorical_picked(labels: Any, probs: Any, normalise: str = "rows") -> np.ndarray:
    labels, table = _categorical_table(labels, probs, normalise)
    return np.log(table[np.arange(len(labels)), labels])


def _categorical_rows(labels: Any, probs: Any) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    return np.log(probs / probs.sum(-1, keepdims=True))[np.asarray(labels)]


def _categorical_columns(labels: Any, probs: Any) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    return np.log((probs / probs.sum(-1, keepdims=True))[:, np.asarray(labels)])


def _categorical_logits(labels: Any, probs: Any) -> np.ndarray:
    w = np.asarray(probs, dtype=float)
    top = w.max(axis=-1, keepdims=True)
    log_softmax = w - top - np.log(np.exp(w - top).sum(axis=-1, keepdims=True))
    labels = np.asarray(labels)
    table = np.broadcast_to(log_softmax, (len(labels), w.shape[-1]))
    return table[np.arange(len(labels)), labels]


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
            lambda labels, probs: _categorical_picked(labels, probs, normalise="none"),
        ),
        # weights divided by the sum of the whole table, not of each row
        Misconception(
            "normalised-over-whole-table",
            "Each row of a (N, K) table is its own distribution: divide by the sum of each "
            "row, probs.sum(axis=-1, keepdims=True), not by the sum of the whole table.",
            lambda labels, probs: _categorical_picked(labels, probs, normalise="total"),
        ),
        # garage pull request 1357, pytorch issue 50378 (probabilities and logits confused)
        Misconception(
            "weights-as-logits",
            "You applied a (log-)softmax: that treats the weights as logits. They are "
            "probabilities up to a constant: log p_k = log w_k − log Σ_j w_j.",
            _categorical_logits,
        ),
        Misconception(
            "indexed-whole-rows",
            "probs[labels] picks whole rows of a (N, K) table; pair row i with label i: "
            "log_probs[np.arange(N), labels].",
            _categorical_rows,
        ),
        # Stack Overflow question 39131192 ("matrix[:, idx]" gives (m, m), not one per row)
        Misconception(
            "indexed-all-rows",
            "probs[:, labels] picks every label's column in every row, a (N, N) table; "
            "pair row i with label i: probs[np.arange(N), labels] (and a shared (K,) "
            "distribution has no second axis).",
            _categorical_columns,
        ),
        Misconception(
            "probability-not-log",
            "You returned the probabilities p(label); the exercise asks for log p(label).",
            lambda labels, probs: np.exp(_categorical_reference(labels, probs)),
        ),
        Misconception(
            "labels-not-checked",
            "Your log-probabilities are right, but the labels are not checked: NumPy wraps "
            "label −1 around to the last class and raises IndexError (not ValueError) past "
            "K − 1. Check 0 <= label < K yourself and raise ValueError.",
            _categorical_picked,
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


def _coin_with(flips: Any, naive: bool = False) -> tuple[float, float, int]:
    """p̂, the log-likelihood at it (0·log 0 taken as 0, or as nan if naive), and N."""
    x = np.asarray(flips, dtype=float)
    p, k, n = x.mean(), x.sum(), len(x)
    if naive:
        log_lik = k * np.log(p) + (n - k) * np.log(1 - p)
    else:
        log_lik = (k * np.log(p) if k > 0 else 0.0) + ((n - k) * np.log(1 - p) if n > k else 0.0)
    return float(p), float(log_lik), n


def _coin_binomial(flips: Any) -> tuple[float, float]:
    p, log_lik, n = _coin_with(flips)
    k = int(np.sum(np.asarray(flips, dtype=int)))
    log_choose = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return p, log_lik + log_choose


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
            lambda flips: (1 - _coin_with(flips)[0], _coin_with(flips)[1]),
        ),
        # scikit-learn pull request 12915 (x·log(y) is nan at 0·log 0)
        Misconception(
            "zero-log-zero",
            "When p̂ is 0 or 1 a term is 0 · log 0 = 0 · (−inf) = nan. Its limit is 0 "
            "(t log t → 0): leave out the terms with a zero count.",
            lambda flips: _coin_with(flips, naive=True)[:2],
        ),
        Misconception(
            "mean-log-likelihood",
            "The log-likelihood of the data is the *sum* of the flips' log-probabilities, not "
            "their mean.",
            lambda flips: (_coin_with(flips)[0], _coin_with(flips)[1] / len(np.asarray(flips))),
        ),
        # DynamicHMCExamples.jl issue 8, ThinkBayes issue 14 (binomial vs Bernoulli likelihood)
        Misconception(
            "binomial-coefficient",
            "You added log C(N, k): that is the binomial likelihood of the *count* of heads. "
            "The exercise asks for the likelihood of this sequence of flips, "
            "Σ log p(x_i) = k log p̂ + (N − k) log(1 − p̂), which has no binomial coefficient.",
            _coin_binomial,
        ),
        Misconception(
            "negative-log-likelihood",
            "You returned the negative log-likelihood (a loss, to minimise); the exercise asks "
            "for the log-likelihood itself, k log p̂ + (N − k) log(1 − p̂), which is <= 0.",
            lambda flips: (_coin_with(flips)[0], -_coin_with(flips)[1]),
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


def _gaussian_mle_with(
    x: Any, ddof: int = 0, std: bool = False, axis: int | None = 0, centre: bool = True
) -> Any:
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=axis)
    deviations = x - x.mean(axis=axis, keepdims=True) if centre else x
    var = (deviations**2).sum(axis=axis) / (x.size // np.size(mean) - ddof)
    return mean, np.sqrt(var) if std else var


def _gaussian_mle_naive(x: Any) -> tuple[Any, Any]:
    x = np.asarray(x, dtype=float)
    return x.mean(axis=0), (x**2).mean(axis=0) - x.mean(axis=0) ** 2


NP_VAR_STD = Forbidden(
    "np.var / np.std",
    objects=("numpy.var", "numpy.std", "numpy.nanvar", "numpy.nanstd"),
    methods=("var", "std"),
    why="Write the formula: the point is to see which divisor the MLE uses.",
)

GAUSSIAN_MLE = Checker(
    f"{A}/gaussian_mle",
    title="Maximum likelihood for a Gaussian",
    reference=_gaussian_mle_reference,
    cases=_gaussian_mle_cases,
    forbidden=[NP_VAR_STD],
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
            lambda x: _gaussian_mle_with(x, axis=None),
        ),
        Misconception(
            "statistics-per-row",
            "The observations are the rows: average over axis=0 (down each column). "
            "axis=-1 (or 1) averages along each row, giving N values instead of d.",
            lambda x: _gaussian_mle_with(x, axis=-1),
        ),
        Misconception(
            "mean-of-squares-minus-square",
            "E[x²] − (E[x])² cancels catastrophically when the mean is large compared with "
            "the spread (10¹² − 10¹² leaves only rounding error). Subtract the mean first, "
            "then average the squared deviations.",
            _gaussian_mle_naive,
        ),
        Misconception(
            "not-centred",
            "You averaged x² itself: the variance is the mean of the squared *deviations* "
            "(x − μ̂)², so subtract the mean first.",
            lambda x: _gaussian_mle_with(x, centre=False),
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
        Case("X (6, 3), ddof=1 (the default)", (rng.normal(size=(6, 3)) + 2.0,)),
        Case("X (10, 2), ddof=0", (rng.normal(size=(10, 2)) + np.array([5.0, -1.0]),), {"ddof": 0}),
        Case("X (4, 5): more features than observations", (rng.normal(size=(4, 5)),)),
        Case(
            "X (200, 3) of correlated features, ddof=1",
            (rng.normal(size=(200, 3)) @ mix.T + np.array([1.0, 2.0, 3.0]), 1),
        ),
        Case(
            "X (7, 1): one feature gives a (1, 1) matrix, ddof=0", (3 * rng.normal(size=(7, 1)), 0)
        ),
    ]


def _cov_with(
    X: Any,
    ddof: int = 1,
    *,
    divisor_ddof: int | None = None,
    centre: str = "columns",
    order: str = "features",
    correlation: bool = False,
) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    centred = {"columns": X - X.mean(axis=0), "overall": X - X.mean(), "none": X}[centre]
    used = ddof if divisor_ddof is None else divisor_ddof
    product = centred.T @ centred if order == "features" else centred @ centred.T
    C = product / (len(X) - used)
    if correlation:
        scale = np.sqrt(np.diag(C))
        C = C / np.outer(scale, scale)
    return C


NP_COV_VAR = Forbidden(
    "np.cov / np.var",
    objects=("numpy.cov", "numpy.var", "numpy.nanvar"),
    methods=("var",),
    why="Centre the data and use one matrix product: the point is to see the divisor.",
)

COVARIANCE = Checker(
    f"{A}/covariance",
    title="Covariance matrix with ddof",
    reference=_cov_reference,
    cases=_cov_cases,
    forbidden=[NP_COV_VAR],
    misconceptions=[
        Misconception(
            "always-divided-by-N",
            "Your covariance is (N − 1)/N times the expected one: you divided by N whatever "
            "ddof was. Divide by N − ddof (N − 1 for the default ddof=1, the unbiased "
            "estimator).",
            lambda X, ddof=1: _cov_with(X, ddof, divisor_ddof=0),
        ),
        Misconception(
            "always-divided-by-N-minus-1",
            "Your covariance is N/(N − 1) times the expected one: you divided by N − 1 even "
            "with ddof=0. Divide by N − ddof.",
            lambda X, ddof=1: _cov_with(X, ddof, divisor_ddof=1),
        ),
        # the 768 × 768 "covariance" of 768 observations of 8 features (np.cov's rowvar)
        Misconception(
            "product-of-observations",
            "Rows are observations and columns are features, so the result is (d, d): "
            "(X − x̄)ᵀ(X − x̄). Your (X − x̄)(X − x̄)ᵀ is (N, N), a product of observations.",
            lambda X, ddof=1: _cov_with(X, ddof, order="observations"),
        ),
        Misconception(
            "not-centred",
            "Subtract each column's mean first: the covariance is the average product of "
            "*deviations* from the mean, (X − x̄)ᵀ(X − x̄)/(N − ddof).",
            lambda X, ddof=1: _cov_with(X, ddof, centre="none"),
        ),
        Misconception(
            "centred-by-overall-mean",
            "X − X.mean() subtracts one number, the mean of the whole table; each feature "
            "needs its own mean: X − X.mean(axis=0).",
            lambda X, ddof=1: _cov_with(X, ddof, centre="overall"),
        ),
        # a from-scratch PCA that standardised the columns first (cpsc483's PCA3.py)
        Misconception(
            "correlation-not-covariance",
            "Your matrix has ones on its diagonal: dividing by the standard deviations gives "
            "the *correlation* matrix. The covariance keeps the units: its diagonal holds the "
            "variances.",
            lambda X, ddof=1: _cov_with(X, ddof, correlation=True),
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
    a: float,
    b: float,
    heads: int,
    tails: int,
    swap: bool = False,
    total: bool = False,
    map_: str = "mode",
) -> tuple[float, ...]:
    if swap:
        heads, tails = tails, heads
    a2, b2 = a + heads, b + (heads + tails if total else tails)
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
        # Probabilistic-Programming-and-Bayesian-Methods-for-Hackers issue 527 (Beta(1 + X,
        # 1 + N − X): the second parameter counts the failures, N − X, not all N trials)
        Misconception(
            "tails-as-total",
            "b' = b + tails: the second parameter counts the tails only. You added all "
            "heads + tails flips (the binomial's N) to b.",
            lambda a, b, h, t: _posterior_with(a, b, h, t, total=True),
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
        Case(
            "tiny u = [1e-15, 1e-12, 1e-9] with a rare event, rate 1e-9",
            (np.array([1e-15, 1e-12, 1e-9]), 1e-9),
        ),
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
        # an inverse-transform sampler that returns −mean·log(u) (alexfertel/kojo)
        Misconception(
            "inverted-survival-function",
            "−log(u)/λ inverts the survival function 1 − F, not F. Its samples have the right "
            "distribution, but it is not F⁻¹(u): a small u must give a small x, "
            "F⁻¹(u) = −log(1 − u)/λ.",
            lambda u, rate: -np.log(_f(u)[0]) / _f(rate)[0],
        ),
        # thebeat pull request 108, pymc2 issue 31, SciComPy pull request 3 (numpy's
        # exponential takes the scale 1/λ, most texts the rate λ)
        Misconception(
            "rate-as-scale",
            "λ is the *rate* (the mean is 1/λ): divide by it, F⁻¹(u) = −log(1 − u)/λ. "
            "(NumPy's rng.exponential takes the scale 1/λ instead.)",
            lambda u, rate: -np.log1p(-_f(u)[0]) * _f(rate)[0],
        ),
        # the textbook form −log(1 − u)/λ, as most from-scratch samplers write it
        Misconception(
            "log-not-log1p",
            "1 − u rounds off the digits of a tiny u (1 − 10⁻¹⁵ is not exact in float64), so "
            "log(1 − u) is inaccurate there. np.log1p(−u) computes log(1 − u) without forming "
            "1 − u.",
            # validates the rate as the exercise asks: the mistake is the log, nothing else
            lambda u, rate: -np.log(1 - _f(u)[0]) / _positive_rate(rate),
        ),
        # a forum derivation: y − 1 = −e^(−λx) "so" x = log(y − 1)/λ
        Misconception(
            "log-of-u-minus-1",
            "All your values are nan: log(u − 1) is the log of a negative number. From "
            "u = 1 − e^(−λx): 1 − u = e^(−λx), so x = −log(1 − u)/λ.",
            lambda u, rate: np.log(_f(u)[0] - 1) / _f(rate)[0],
        ),
        Misconception(
            "rate-not-checked",
            "Your formula is right, but a rate must be positive: raise ValueError when any "
            "rate <= 0 (dividing by 0 only warns and gives inf or nan).",
            lambda u, rate: -np.log1p(-_f(u)[0]) / _f(rate)[0],
        ),
    ],
)


# -- the central limit theorem, by simulation -----------------------------------------------------
_UNIFORM_STD = math.sqrt(1.0 / 12.0)


def _clt_draws(n: int, trials: int, seed: int) -> np.ndarray:
    """The draws the exercise specifies: one generator, one (trials, n) array, row = trial."""
    return np.random.default_rng(seed).random((trials, n))


def _clt_reference(n: int, trials: int, seed: int) -> np.ndarray:
    """The specified draws, standardised by torch with the known μ = 1/2, σ = √(1/12)."""
    u = _torch().from_numpy(_clt_draws(n, trials, seed))
    return np.asarray(((u.mean(dim=1) - 0.5) / (_UNIFORM_STD / math.sqrt(n))).numpy())


def _clt_cases() -> list[Case]:
    return [
        Case("n = 1 (one uniform), 2000 trials, seed 0", (1, 2000, 0)),
        Case("n = 2, 2000 trials, seed 1", (2, 2000, 1)),
        Case("n = 12, 1000 trials, seed 2", (12, 1000, 2)),
        Case("n = 50, 2000 trials, seed 3", (50, 2000, 3)),
        Case("n = 30, only 4 trials (checks the shape), seed 4", (30, 4, 4)),
        Case(
            "n = 1, 5 trials, seed 0 again: the same seed gives the first 5 values of case 1",
            (1, 5, 0),
        ),
    ]


def _clt_compare(got: Any, expected: Any) -> Mismatch | None:
    """Values, compared as any float64 result: the procedure and the seed fix every draw."""
    found = compare(got, expected)
    if found is None or found.kind != "value":
        return found
    return Mismatch(
        found.kind,
        f"{found.message}. This exercise is checked value by value: the same seed gives the "
        "same draws, u = np.random.default_rng(seed).random((trials, n)), row t = trial t",
        found.got,
        found.expected,
    )


def _clt_with(
    n: int,
    trials: int,
    seed: int,
    *,
    scale: str = "se",
    centre: bool = True,
    axis: int = 1,
    draws: str = "specified",
    own: str = "",
) -> np.ndarray:
    if draws == "transposed":
        u = np.random.default_rng(seed).random((n, trials)).T
    elif draws == "legacy":
        u = np.random.RandomState(seed).random_sample((trials, n))
    elif draws == "one-row-repeated":
        u = np.tile(np.random.default_rng(seed).random(n), (trials, 1))
    else:
        u = _clt_draws(n, trials, seed)
    means = u.mean(axis=axis)
    if own == "sample":
        return np.asarray((means - means.mean()) / means.std())
    if own == "trial-std":
        return np.asarray((means - 0.5) / (u.std(axis=1) / math.sqrt(n)))
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
        Misconception(
            "standardised-by-own-sample",
            "You standardised the means with their own mean and standard deviation: that "
            "gives mean 0 and std 1 whatever the draws, so it tests nothing. The CLT's z uses "
            "the known μ = 1/2 and σ/√n = √(1/12)/√n: z = (x̄ − 1/2)/(σ/√n).",
            lambda n, trials, seed: _clt_with(n, trials, seed, own="sample"),
        ),
        Misconception(
            "divided-by-trial-std",
            "σ is the uniform's known standard deviation √(1/12), the same for every trial; "
            "dividing by each trial's own sample standard deviation gives Student's t "
            "statistic, not z (and inf for n = 1).",
            lambda n, trials, seed: _clt_with(n, trials, seed, own="trial-std"),
        ),
        Misconception(
            "draws-transposed",
            "Right idea, other draws: the procedure draws u = rng.random((trials, n)), one row "
            "per trial. Drawing (n, trials) and averaging the columns uses the same numbers "
            "in another order, so each trial gets different draws.",
            lambda n, trials, seed: _clt_with(n, trials, seed, draws="transposed"),
        ),
        # the legacy global generator of many CLT demos (np.random.seed, np.random.uniform)
        Misconception(
            "legacy-global-generator",
            "You used NumPy's legacy global generator (np.random.seed / np.random.rand): it "
            "draws other numbers from the same seed. Use the generator the exercise "
            "specifies: rng = np.random.default_rng(seed), then rng.random((trials, n)).",
            lambda n, trials, seed: _clt_with(n, trials, seed, draws="legacy"),
        ),
        Misconception(
            "generator-recreated-per-trial",
            "All your trials are the same: a new np.random.default_rng(seed) for each trial "
            "restarts the stream, so every trial gets the same n draws. Create the generator "
            "once and draw all trials from it.",
            lambda n, trials, seed: _clt_with(n, trials, seed, draws="one-row-repeated"),
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
