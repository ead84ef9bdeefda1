"""Inverse-CDF sampling of an exponential (05-probability-statistics/exponential_inverse_cdf): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _f, _np, _t


def _positive_rate(rate: Any) -> np.ndarray:
    """The rate as floats, or the ValueError the exercise asks for when any rate <= 0."""
    (rates,) = _f(rate)
    if np.any(rates <= 0):
        raise ValueError("rate must be positive")
    return rates


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


CHECKER = EXPONENTIAL_INVERSE_CDF
