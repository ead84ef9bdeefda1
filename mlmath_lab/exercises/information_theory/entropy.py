"""Entropy, in nats or bits (06-information-theory/entropy): the checker."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _NOT_ALLOWED, A, _out, _scalar_or_array, _t, _with_zeros, _xlogx


# -- entropy -------------------------------------------------------------------------------------
def _entropy_reference(p: np.ndarray, base: float = math.e) -> np.ndarray | float:
    torch = _torch()
    return _out(torch.special.entr(_t(p)).sum(-1) / math.log(base))


def _entropy_cases() -> list[Case]:
    rng = _rng(601)
    return [
        Case("a fair coin [0.5, 0.5]: ln 2 nats", (np.array([0.5, 0.5]),)),
        Case("a 90/10 coin", (np.array([0.9, 0.1]),)),
        Case("a certain outcome [0, 1, 0, 0]: 0 nats", (np.array([0.0, 1.0, 0.0, 0.0]),)),
        Case(
            "a batch of 3 distributions over 5 outcomes, with zeros",
            (_with_zeros(rng.dirichlet(np.ones(5), size=3), rng),),
        ),
        Case("a (2, 3, 4) batch, along the last axis", (rng.dirichlet(np.ones(4), size=(2, 3)),)),
        Case("a fair 8-sided die with base=2: 3 bits", (np.full(8, 1 / 8),), {"base": 2}),
        Case(
            "(4, 6) batch with base=2, with zeros",
            (_with_zeros(rng.dirichlet(np.ones(6), size=4), rng),),
            {"base": 2},
        ),
    ]


def _entropy_with(
    p: np.ndarray, base: float = math.e, *, log: Any = None, sign: float = -1.0, axis: Any = -1
) -> np.ndarray | float:
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = _xlogx(p) / math.log(base) if log is None else p * log(p)
    return _scalar_or_array(sign * terms.sum(axis=axis))


ENTROPY = Checker(
    f"{A}/entropy",
    title="Entropy, in nats or bits",
    reference=_entropy_reference,
    cases=_entropy_cases,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "entropy-log-zero",
            "A zero probability gives 0 · log 0 = 0 · (−inf) = nan. By convention 0 · log 0 = 0 "
            "(the limit of t log t as t → 0): add up only the terms where p > 0 (np.where).",
            lambda p, base=math.e: _entropy_with(p, base, log=lambda x: np.log(x) / np.log(base)),
        ),
        Misconception(
            "entropy-log2",
            "You used log base 2 (bits) whatever `base` is: by default entropy here is in nats "
            "(natural log), and H in base b is H in nats / ln b.",
            lambda p, base=math.e: _entropy_with(p, 2.0),
        ),
        Misconception(
            "entropy-ignores-base",
            "You ignored `base`: the entropy in base b is the entropy in nats divided by ln b "
            "(a fair 8-sided die has ln 8 ≈ 2.08 nats = 3 bits).",
            lambda p, base=math.e: _entropy_with(p),
        ),
        Misconception(
            "entropy-sign",
            "Entropy is −Σ p log p: log p ≤ 0, so without the minus sign the result is negative.",
            lambda p, base=math.e: _entropy_with(p, base, sign=1.0),
        ),
        Misconception(
            "entropy-whole-batch",
            "You summed over the whole array: each slice along the last axis is its own "
            "distribution, with its own entropy (use axis=-1).",
            lambda p, base=math.e: _entropy_with(p, base, axis=None),
        ),
        Misconception(
            "entropy-first-axis",
            "You summed over the first axis (sum(0), or axis=0): the outcomes of each "
            "distribution lie along the *last* axis, so sum with axis=-1.",
            lambda p, base=math.e: _entropy_with(p, base, axis=0),
        ),
    ],
)


CHECKER = ENTROPY
