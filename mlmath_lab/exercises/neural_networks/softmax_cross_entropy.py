"""Softmax cross-entropy and its gradient (07-neural-networks/softmax_cross_entropy): the checker."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import A, _ce_close, _softmax_ce_reference, _softmax_ce_with


def _softmax_ce_cases() -> list[Case]:
    rng = _rng(74)
    return [
        Case("4 examples, 3 classes", (rng.normal(size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("one example, 5 classes", (rng.normal(size=(1, 5)), np.array([3]))),
        Case(
            "huge logits (2, 3)",
            (np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 1000.0]]), np.array([2, 1])),
        ),
        Case(
            "rows on very different scales: [[1000, 999, 998], [-1000, -1001, -1002]]",
            (np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]]), np.array([0, 2])),
        ),
        Case("6 examples, 10 classes", (3 * rng.normal(size=(6, 10)), rng.integers(0, 10, size=6))),
        Case("7 examples, 2 classes", (rng.normal(size=(7, 2)), rng.integers(0, 2, size=7))),
    ]


def _ce_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda lg, y: _softmax_ce_with(lg, y, name))


SOFTMAX_CROSS_ENTROPY = Checker(
    f"{A}/softmax_cross_entropy",
    title="Softmax cross-entropy and its gradient",
    reference=_softmax_ce_reference,
    cases=_softmax_ce_cases,
    comparator=_ce_close,
    misconceptions=[
        _ce_mistake(
            "gradient-not-divided-by-N",
            "The loss is the *mean* over the N examples, so its gradient is (p − y) / N: you "
            "forgot to divide by N.",
        ),
        _ce_mistake(
            "sum-not-mean",
            "Your loss and gradient are those of the *sum* over the batch (torch's "
            "reduction='sum'); F.cross_entropy's default, and this exercise, is the mean: "
            "divide the loss and the gradient by N.",
        ),
        _ce_mistake(
            "gradient-sign",
            "The gradient of the loss with respect to the logits is (p − y) / N, probabilities "
            "minus one-hot targets; yours has the opposite sign.",
        ),
        _ce_mistake(
            "labels-as-columns",
            "grad[:, y] -= 1 subtracts 1 in the columns y of *every* row. The one-hot target of "
            "example n is at (n, y[n]): grad[np.arange(N), y] -= 1.",
        ),
        _ce_mistake(
            "softmax-overflow",
            "exp overflows for large logits (inf / inf = nan, log 0 = −inf). Subtract each "
            "row's maximum first and compute log-probabilities with log-sum-exp.",
        ),
        _ce_mistake(
            "log-of-softmax",
            "Your loss is inf where the label's probability underflows to 0 (exp(−2000) is 0 "
            "in float64), because you take log(softmax(z)). Compute the log-probabilities "
            "directly: log p = (z − max) − log Σ exp(z − max).",
        ),
        _ce_mistake(
            "global-max",
            "You subtracted the largest logit of the whole batch; a row far below it then has "
            "exp(...) = 0 everywhere and log 0 = −inf. Subtract each *row's* maximum: "
            "logits.max(axis=1, keepdims=True).",
        ),
    ],
)


CHECKER = SOFTMAX_CROSS_ENTROPY
