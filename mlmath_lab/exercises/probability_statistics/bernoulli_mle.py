"""Maximum likelihood for a coin (05-probability-statistics/bernoulli_mle): the checker."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _t


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


CHECKER = BERNOULLI_MLE
