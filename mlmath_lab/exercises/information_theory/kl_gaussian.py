"""KL divergence between Gaussians (06-information-theory/kl_gaussian): the checker."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _NOT_ALLOWED, A, _out, _scalar_or_array, _t


# -- KL divergence between diagonal Gaussians --------------------------------------------------------
def _kl_gauss_reference(
    mu_p: np.ndarray, sigma_p: np.ndarray, mu_q: np.ndarray, sigma_q: np.ndarray
) -> np.ndarray | float:
    torch = _torch()
    dist = torch.distributions
    p = dist.Independent(dist.Normal(_t(mu_p), _t(sigma_p)), 1)
    q = dist.Independent(dist.Normal(_t(mu_q), _t(sigma_q)), 1)
    return _out(dist.kl_divergence(p, q))


def _kl_gauss_cases() -> list[Case]:
    rng = _rng(604)
    one, zero = np.array([1.0]), np.array([0.0])
    mu, sigma = rng.normal(size=(5, 8)), np.exp(0.5 * rng.normal(size=(5, 8)))
    same_mu, same_sigma = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    return [
        Case("N(0, 1) against N(1, 1), d = 1: 0.5", (zero, one, one, one)),
        Case("N(0, 1) against N(0, 2²), d = 1", (zero, one, zero, np.array([2.0]))),
        Case(
            "two Gaussians in d = 3",
            (
                rng.normal(size=3),
                rng.uniform(0.3, 2.0, size=3),
                rng.normal(size=3),
                rng.uniform(0.3, 2.0, size=3),
            ),
        ),
        Case(
            "a batch (4, 3) against a batch (4, 3)",
            (
                rng.normal(size=(4, 3)),
                rng.uniform(0.3, 2.0, size=(4, 3)),
                rng.normal(size=(4, 3)),
                rng.uniform(0.3, 2.0, size=(4, 3)),
            ),
        ),
        Case(
            "a VAE batch (5, 8) against the prior N(0, I): mu_q (8,), sigma_q (8,)",
            (mu, sigma, np.zeros(8), np.ones(8)),
        ),
        Case("p = q gives 0", (same_mu, same_sigma, same_mu.copy(), same_sigma.copy())),
    ]


def _kl_gauss_with(
    mu_p: np.ndarray,
    sigma_p: np.ndarray,
    mu_q: np.ndarray,
    sigma_q: np.ndarray,
    *,
    std_as_var: bool = False,
    sigma_as_logvar: bool = False,
    standard_prior: bool = False,
    half: float = 0.5,
    reduce: str = "sum",
) -> np.ndarray | float:
    mu_p, sigma_p, mu_q, sigma_q = (
        np.asarray(x, dtype=float) for x in (mu_p, sigma_p, mu_q, sigma_q)
    )
    if standard_prior:
        mu_q, sigma_q = np.zeros_like(mu_q), np.ones_like(sigma_q)
    if sigma_as_logvar:
        var_p, var_q = np.exp(sigma_p), np.exp(sigma_q)
    elif std_as_var:
        var_p, var_q = sigma_p, sigma_q
    else:
        var_p, var_q = sigma_p**2, sigma_q**2
    terms = 0.5 * np.log(var_q / var_p) + (var_p + (mu_p - mu_q) ** 2) / (2 * var_q) - half
    if reduce == "none":
        return terms
    if reduce == "all":
        return float(terms.sum())
    return _scalar_or_array(terms.mean(axis=-1) if reduce == "mean" else terms.sum(axis=-1))


KL_GAUSSIAN = Checker(
    f"{A}/kl_gaussian",
    title="KL divergence between Gaussians",
    reference=_kl_gauss_reference,
    cases=_kl_gauss_cases,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "kl-gauss-swapped",
            "You computed KL(q ‖ p): the closed form is not symmetric. With p = N(μ_p, σ_p²) "
            "first, it is log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²) / (2σ_q²) − 1/2.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mq, sq, mp, sp),
        ),
        Misconception(
            "kl-gauss-std-as-variance",
            "sigma is a standard deviation, not a variance: the formula needs σ² in the "
            "fraction, and log(σ_q/σ_p) = ½ log(σ_q²/σ_p²).",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, std_as_var=True),
        ),
        Misconception(
            "kl-gauss-sigma-as-logvar",
            "You used sigma as a log-variance (exp(sigma) as σ², as in VAE code whose encoder "
            "outputs logvar). Here sigma is the standard deviation itself: σ² = sigma**2.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, sigma_as_logvar=True),
        ),
        Misconception(
            "kl-gauss-missing-half",
            "You left out the constant −1/2 per dimension (the −1 inside "
            "½ Σ (σ² + μ² − 1 − log σ²) of the VAE form): without it KL(p ‖ p) is not 0.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, half=0.0),
        ),
        Misconception(
            "kl-gauss-standard-prior",
            "You computed the KL to the standard normal N(0, I) (the VAE regulariser "
            "½ Σ (σ² + μ² − 1 − log σ²)) whatever q is: use mu_q and sigma_q, as in "
            "log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²) / (2σ_q²) − 1/2.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, standard_prior=True),
        ),
        Misconception(
            "kl-gauss-not-summed",
            "With a diagonal covariance the dimensions are independent and their KLs add up: "
            "sum the per-dimension terms over the last axis.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, reduce="none"),
        ),
        Misconception(
            "kl-gauss-summed-over-batch",
            "You summed over the whole batch (np.sum without an axis, as a VAE loss does): "
            "each row of a batch is its own Gaussian with its own KL, so sum over the last "
            "axis only and return one KL per row.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, reduce="all"),
        ),
        Misconception(
            "kl-gauss-mean-over-dims",
            "You averaged the per-dimension KLs (mean over the last axis): the KL of a "
            "d-dimensional diagonal Gaussian is their *sum*, since independent dimensions' "
            "KLs add up.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, reduce="mean"),
        ),
    ],
)


CHECKER = KL_GAUSSIAN
