"""Maximum likelihood for a Gaussian (05-probability-statistics/gaussian_mle): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from ._common import A, _np, _t


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


CHECKER = GAUSSIAN_MLE
