"""The central limit theorem by simulation (05-probability-statistics/clt_standardized_means): the checker."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import torch as _torch
from ._common import A

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


CHECKER = CLT_STANDARDIZED_MEANS
