"""Gaussian log-density (05-probability-statistics/gaussian_log_pdf): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _LOG_2PI, A, _f, _np, _t


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


CHECKER = GAUSSIAN_LOG_PDF
