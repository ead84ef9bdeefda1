"""KL divergence along an axis (06-information-theory/kl_divergence): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _NOT_ALLOWED, A, _out, _scalar_or_array, _t, _with_zeros, _xlogy

# -- KL divergence along an axis, with a reduction -------------------------------------------------
_REDUCTIONS = ("none", "sum", "mean")


def _kl_reference(
    p: np.ndarray, q: np.ndarray, axis: int = -1, reduction: str = "none"
) -> np.ndarray | float:
    torch = _torch()
    if reduction not in _REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}")
    kl = torch.nn.functional.kl_div(_t(q).log(), _t(p), reduction="none").sum(dim=axis)
    if reduction == "sum":
        kl = kl.sum()
    elif reduction == "mean":
        kl = kl.mean()
    return _out(kl)


def _kl_cases() -> list[Case]:
    rng = _rng(603)
    cols_p = _with_zeros(rng.dirichlet(np.ones(5), size=3), rng).T  # (5, 3): columns
    cols_q = rng.dirichlet(np.ones(5), size=3).T
    return [
        Case("a 90/10 coin against a fair coin", (np.array([0.9, 0.1]), np.array([0.5, 0.5]))),
        Case(
            "p with zeros: [0.5, 0, 0.5, 0] vs [0.1, 0.2, 0.3, 0.4]",
            (np.array([0.5, 0.0, 0.5, 0.0]), np.array([0.1, 0.2, 0.3, 0.4])),
        ),
        Case(
            "(3, 5) batch, axis=-1",
            (rng.dirichlet(np.ones(5), size=3), rng.dirichlet(np.ones(5), size=3)),
        ),
        Case("(5, 3) with axis=0: each column is a distribution", (cols_p, cols_q), {"axis": 0}),
        Case(
            "(2, 4, 6) batch, reduction='mean': the mean of the 8 KLs",
            (rng.dirichlet(np.ones(6), size=(2, 4)), rng.dirichlet(np.ones(6), size=(2, 4))),
            {"reduction": "mean"},
        ),
        Case(
            "(4, 3) with axis=0, reduction='sum'",
            (rng.dirichlet(np.ones(4), size=3).T, rng.dirichlet(np.ones(4), size=3).T),
            {"axis": 0, "reduction": "sum"},
        ),
        Case(
            "reduction='batchmean': must raise ValueError",
            (np.array([0.5, 0.5]), np.array([0.25, 0.75])),
            {"reduction": "batchmean"},
        ),
    ]


KL_EPS = 1e-5  # "P = P + epsilon; Q = Q + epsilon" with epsilon = 0.00001, as found in the wild


def _kl_with(
    p: np.ndarray,
    q: np.ndarray,
    axis: int = -1,
    reduction: str = "none",
    *,
    naive: bool = False,
    swap: bool = False,
    last_axis: bool = False,
    mean_over_elements: bool = False,
    batchmean: bool = False,
    ignore_reduction: bool = False,
    accept_any_reduction: bool = False,
    q_is_log: bool = False,
    eps: float = 0.0,
    whole_array: bool = False,
) -> np.ndarray | float:
    if reduction not in _REDUCTIONS and not (ignore_reduction or accept_any_reduction):
        raise ValueError(f"unknown reduction {reduction!r}")
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if swap:
        p, q = q, p
    with np.errstate(divide="ignore", invalid="ignore"):
        if q_is_log:
            terms = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - q), 0.0)
        elif eps:
            terms = (p + eps) * np.log((p + eps) / (q + eps))
        else:
            terms = p * np.log(p / q) if naive else _xlogy(p, q)
    if mean_over_elements and reduction == "mean":
        return float(terms.mean())
    if batchmean and reduction == "mean":
        return float(terms.sum() / terms.shape[0])
    kl = terms.sum() if whole_array else terms.sum(axis=-1 if last_axis else axis)
    if reduction == "sum" and not ignore_reduction:
        kl = kl.sum()
    elif reduction == "mean" and not ignore_reduction:
        kl = kl.mean()
    return _scalar_or_array(kl)


def _kl_mistake(**how: Any) -> Any:
    def wrong(
        p: np.ndarray, q: np.ndarray, axis: int = -1, reduction: str = "none"
    ) -> np.ndarray | float:
        return _kl_with(p, q, axis, reduction, **how)

    return wrong


KL_DIVERGENCE = Checker(
    f"{A}/kl_divergence",
    title="KL divergence along an axis",
    reference=_kl_reference,
    cases=_kl_cases,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "kl-log-zero",
            "A zero in p gives 0 · log(0 / q) = 0 · (−inf) = nan. By convention 0 · log 0 = 0: "
            "add up only the terms where p > 0 (np.where).",
            _kl_mistake(naive=True),
        ),
        Misconception(
            "kl-arguments-swapped",
            "You computed KL(q ‖ p). KL is not symmetric: KL(p ‖ q) = Σ p · log(p / q), "
            "weighted by p, the first argument.",
            _kl_mistake(swap=True),
        ),
        Misconception(
            "kl-q-as-log-probs",
            "You used q as if it held log-probabilities (Σ p · (log p − q), the formula of "
            "torch's F.kl_div, whose first argument is log q). Here q is a distribution: "
            "take its log, Σ p · (log p − log q).",
            _kl_mistake(q_is_log=True),
        ),
        Misconception(
            "kl-whole-array",
            "You summed over the whole array: each distribution along `axis` has its own KL, "
            "so sum along `axis` only (np.sum(..., axis=axis)) and then apply `reduction`.",
            _kl_mistake(whole_array=True),
        ),
        Misconception(
            "kl-last-axis-only",
            "You summed over the last axis whatever `axis` is: the distributions lie along "
            "`axis` (with axis=0, each column is one distribution).",
            _kl_mistake(last_axis=True),
        ),
        Misconception(
            "kl-mean-over-elements",
            "reduction='mean' averages the KL of each *distribution*; you averaged over every "
            "element, dividing by the number of outcomes too (torch's reduction='mean' trap, "
            "which is why torch has 'batchmean').",
            _kl_mistake(mean_over_elements=True),
        ),
        Misconception(
            "kl-mean-as-batchmean",
            "You divided the total by the size of the first dimension, as torch's "
            "reduction='batchmean' does. That is the mean KL only for a 2-D (N, K) input with "
            "axis=-1: here 'mean' is the mean over *all* the distributions (kl.mean() after "
            "summing along `axis`).",
            _kl_mistake(batchmean=True),
        ),
        Misconception(
            "kl-reduction-ignored",
            "You ignored `reduction`: 'none' returns one KL per distribution, 'sum' their "
            "total and 'mean' their average (a single number).",
            _kl_mistake(ignore_reduction=True),
        ),
        Misconception(
            "kl-unknown-reduction-accepted",
            "An unknown `reduction` (such as torch's 'batchmean') must raise ValueError; "
            "yours returned a value. Check it first: "
            "if reduction not in ('none', 'sum', 'mean'): raise ValueError(...).",
            _kl_mistake(accept_any_reduction=True),
        ),
        Misconception(
            "kl-epsilon",
            "You added ε = 1e-5 to p and q to avoid log 0: that changes every term, and the "
            "result is no longer KL(p ‖ q). Keep p and q as they are and skip the terms with "
            "p = 0 (0 · log 0 = 0; q > 0 wherever p > 0).",
            _kl_mistake(eps=KL_EPS),
        ),
    ],
)


CHECKER = KL_DIVERGENCE
