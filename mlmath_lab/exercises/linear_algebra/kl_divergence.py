"""KL divergence (01-linear-algebra/kl_divergence): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import SCIPY, A


# -- KL divergence ------------------------------------------------------------------------------------
def _kl_reference(p: Any, q: Any) -> np.ndarray | float:
    torch = _torch()
    pt, qt = torch.from_numpy(np.asarray(p, float)), torch.from_numpy(np.asarray(q, float))
    kl = torch.nn.functional.kl_div(qt.log(), pt, reduction="none").sum(-1)
    return float(kl) if kl.ndim == 0 else kl.numpy()


def _kl_cases() -> list[Case]:
    rng = _rng(7)
    batch_p = rng.dirichlet(np.ones(4), size=3)
    batch_q = rng.dirichlet(np.ones(4), size=3)
    return [
        Case("a 90/10 coin against a fair coin", (np.array([0.9, 0.1]), np.array([0.5, 0.5]))),
        Case(
            "p with a zero: [0.5, 0.5, 0] vs [0.25, 0.25, 0.5]",
            (np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])),
        ),
        Case(
            "five outcomes",
            (np.array([0.1, 0.2, 0.3, 0.25, 0.15]), np.array([0.3, 0.3, 0.1, 0.2, 0.1])),
        ),
        Case("a batch of 3 distributions over 4 outcomes", (batch_p, batch_q)),
        Case(
            "a batch of 2 with zeros in p: [[0.5, 0.5, 0], [0, 0.2, 0.8]]",
            (
                np.array([[0.5, 0.5, 0.0], [0.0, 0.2, 0.8]]),
                np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
            ),
        ),
        Case("p = q gives 0", (batch_p[0], batch_p[0].copy())),
    ]


def _kl_terms(p: Any, q: Any) -> np.ndarray:
    p, q = np.asarray(p, float), np.asarray(q, float)
    ratio = np.where(p > 0, p / np.where(p > 0, q, 1.0), 1.0)
    return np.where(p > 0, p * np.log(ratio), 0.0)


def _kl_where(p: Any, q: Any) -> np.ndarray:
    return np.sum(_kl_terms(p, q), axis=-1)


def _kl_naive(p: Any, q: Any) -> np.ndarray:
    p, q = np.asarray(p, float), np.asarray(q, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(p * np.log(p / q), axis=-1)


def _kl_cross_entropy(p: Any, q: Any) -> np.ndarray:
    p, q = np.asarray(p, float), np.asarray(q, float)
    return np.sum(np.where(p > 0, -p * np.log(np.where(p > 0, q, 1.0)), 0.0), axis=-1)


KL_DIVERGENCE = Checker(
    f"{A}/kl_divergence",
    title="KL divergence",
    reference=_kl_reference,
    cases=_kl_cases,
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "log-zero",
            "A zero in p gives 0 · log 0 = 0 · (−inf) = nan. By convention 0 · log 0 = 0: "
            "add up only the terms where p > 0 (np.where).",
            _kl_naive,
        ),
        Misconception(
            "kl-arguments-swapped",
            "You computed KL(q ‖ p). KL is not symmetric: KL(p ‖ q) = Σ p · log(p / q), "
            "weighted by p.",
            lambda p, q: _kl_where(q, p),
        ),
        Misconception(
            "kl-log2",
            "You used log base 2 (bits); this exercise uses the natural log (nats), as torch does.",
            lambda p, q: _kl_where(p, q) / np.log(2),
        ),
        Misconception(
            "kl-summed-over-batch",
            "Sum over the last axis only: each row of a batch is its own distribution with its "
            "own KL. (Selecting p[p > 0] flattens a batch into one 1-D array: mask with "
            "np.where instead, which keeps the shape.)",
            lambda p, q: np.sum(_kl_where(p, q)),
        ),
        Misconception(
            "kl-sign",
            "Your KL is negative: the ratio is upside down. KL(p ‖ q) = Σ p · log(p / q), "
            "which is ≥ 0.",
            lambda p, q: -_kl_where(p, q),
        ),
        Misconception(
            "kl-cross-entropy",
            "You computed the cross-entropy −Σ p · log q. KL subtracts the entropy of p from "
            "it: KL(p ‖ q) = Σ p · log p − Σ p · log q = Σ p · log(p / q).",
            _kl_cross_entropy,
        ),
        Misconception(
            "kl-mean-not-sum",
            "KL is a *sum* over the K outcomes, not a mean: use np.sum(..., axis=-1), not np.mean.",
            lambda p, q: np.mean(_kl_terms(p, q), axis=-1),
        ),
    ],
)


CHECKER = KL_DIVERGENCE
