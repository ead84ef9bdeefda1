"""Covariance matrix with ddof (05-probability-statistics/covariance): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from ._common import A, _t


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


CHECKER = COVARIANCE
