"""Beta–Binomial posterior (05-probability-statistics/beta_binomial_posterior): the checker."""

from __future__ import annotations

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import A, _t


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


CHECKER = BETA_BINOMIAL_POSTERIOR
