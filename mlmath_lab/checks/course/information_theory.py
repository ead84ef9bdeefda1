"""Checkers for assignment 06 — Information theory for machine learning.

References are torch (float64) — ``torch.special.entr``, ``F.cross_entropy``, ``F.kl_div``,
``torch.distributions.kl_divergence`` — and, where two formulas exist, the *other* one than the
notebook asks for (Jensen–Shannon from entropies, mutual information as a KL divergence), so a
checker never agrees with a copy of the solution. Cases mix the textbook examples (a fair coin,
a 90/10 coin, a uniform model) with zeros, huge logits, batches, non-square tables and axes
other than the last, where a bug cannot hide.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "06-information-theory"
A = ASSIGNMENT

LN2 = math.log(2.0)


def _t(x: Any) -> Any:
    return _torch().from_numpy(np.asarray(x, dtype=float))


def _out(value: Any) -> np.ndarray | float:
    """A 0-d tensor as a Python float, anything else as a numpy array."""
    return float(value) if value.ndim == 0 else value.numpy()


def _with_zeros(p: np.ndarray, rng: np.random.Generator, frac: float = 0.3) -> np.ndarray:
    """Set some probabilities of each distribution (along the last axis) to 0, renormalise."""
    zeros = rng.random(size=p.shape) < frac
    zeros[..., 0] = False  # keep every distribution non-empty
    p = np.where(zeros, 0.0, p)
    return p / p.sum(axis=-1, keepdims=True)


def _xlogx(p: np.ndarray) -> np.ndarray:
    """p · log p with 0 · log 0 = 0 (for the wrong variants, which must be right elsewhere)."""
    p = np.asarray(p, dtype=float)
    return np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)


def _xlogy(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """p · log(p / q) with 0 · log(0 / q) = 0."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    ratio = np.where(p > 0, p / np.where(p > 0, q, 1.0), 1.0)
    return np.where(p > 0, p * np.log(ratio), 0.0)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _scalar_or_array(x: np.ndarray) -> np.ndarray | float:
    return float(x) if np.ndim(x) == 0 else x


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
    terms = _xlogx(p) / math.log(base) if log is None else p * log(p)
    return _scalar_or_array(sign * terms.sum(axis=axis))


ENTROPY = Checker(
    f"{A}/entropy",
    title="Entropy",
    reference=_entropy_reference,
    cases=_entropy_cases,
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
    ],
)


# -- cross-entropy with hard or soft targets ----------------------------------------------------
def _cross_entropy_reference(logits: np.ndarray, targets: np.ndarray) -> float:
    torch = _torch()
    targets = np.asarray(targets)
    target_t = (
        torch.from_numpy(targets) if np.issubdtype(targets.dtype, np.integer) else _t(targets)
    )
    return float(torch.nn.functional.cross_entropy(_t(logits), target_t))


def _smoothed(labels: np.ndarray, n_classes: int, eps: float) -> np.ndarray:
    return (1 - eps) * np.eye(n_classes)[labels] + eps / n_classes


def _cross_entropy_cases() -> list[Case]:
    rng = _rng(602)
    return [
        Case(
            "4 examples, 3 classes, integer labels",
            (rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])),
        ),
        Case(
            "huge logits (2, 3), integer labels",
            (np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 1000.0]]), np.array([2, 0])),
        ),
        Case(
            "5 examples, 7 classes, soft targets (rows sum to 1)",
            (2 * rng.normal(size=(5, 7)), rng.dirichlet(np.ones(7), size=5)),
        ),
        Case(
            "label smoothing 0.1, (3, 4)",
            (rng.normal(size=(3, 4)), _smoothed(np.array([3, 0, 1]), 4, 0.1)),
        ),
        Case(
            "huge logits (2, 3), soft targets",
            (
                np.array([[800.0, -800.0, 0.0], [-1000.0, -999.0, -1001.0]]),
                np.array([[0.7, 0.1, 0.2], [0.25, 0.5, 0.25]]),
            ),
        ),
        Case("1 example, 6 classes, integer label", (rng.normal(size=(1, 6)), np.array([5]))),
    ]


def _as_target_probs(targets: np.ndarray, n_classes: int) -> np.ndarray:
    targets = np.asarray(targets)
    if np.issubdtype(targets.dtype, np.integer):
        return np.eye(n_classes)[targets]
    return np.asarray(targets, dtype=float)


def _ce_with(
    logits: np.ndarray,
    targets: np.ndarray,
    *,
    log_probs: Any = None,
    reduce: str = "mean",
    sign: float = -1.0,
) -> float:
    logits = np.asarray(logits, dtype=float)
    lp = _log_softmax(logits) if log_probs is None else log_probs(logits)
    terms = _as_target_probs(targets, logits.shape[-1]) * lp
    if reduce == "sum":
        return float(sign * terms.sum())
    if reduce == "all-elements":
        return float(sign * terms.mean())
    return float(sign * terms.sum(axis=-1).mean())


def _ce_softmax_then_log(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits)
    return np.log(e / e.sum(axis=-1, keepdims=True))


def _ce_hard_argmax(logits: np.ndarray, targets: np.ndarray) -> float:
    targets = np.asarray(targets)
    if not np.issubdtype(targets.dtype, np.integer):
        targets = targets.argmax(axis=-1)
    return _ce_with(logits, targets)


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


CROSS_ENTROPY = Checker(
    f"{A}/cross_entropy",
    title="Cross-entropy with hard or soft targets",
    reference=_cross_entropy_reference,
    cases=_cross_entropy_cases,
    comparator=_ce_close,
    misconceptions=[
        Misconception(
            "softmax-then-log",
            "Taking softmax and then log overflows (exp(1000) = inf) or hits log(0) = −inf for "
            "large logits. Use log-softmax: z − max z − log Σ exp(z − max z).",
            lambda lg, t: _ce_with(lg, t, log_probs=_ce_softmax_then_log),
        ),
        Misconception(
            "summed-not-averaged",
            "You summed over the batch; the loss is the *mean* over the N examples "
            "(reduction='mean', as F.cross_entropy does by default).",
            lambda lg, t: _ce_with(lg, t, reduce="sum"),
        ),
        Misconception(
            "mean-over-all-elements",
            "You averaged over every entry of the (N, C) array, dividing by C too: sum "
            "−target · log_prob over the classes, then average over the N examples.",
            lambda lg, t: _ce_with(lg, t, reduce="all-elements"),
        ),
        Misconception(
            "raw-logits",
            "You used the logits as if they were log-probabilities: subtract the log-sum-exp "
            "of each row first (log_softmax(z) = z − log Σ exp z).",
            lambda lg, t: _ce_with(lg, t, log_probs=lambda z: z),
        ),
        Misconception(
            "soft-targets-as-argmax",
            "You turned soft targets into hard labels (argmax). With a probability vector "
            "target the loss is −Σ_c target_c · log_softmax(z)_c, weighting every class.",
            _ce_hard_argmax,
        ),
        Misconception(
            "sign",
            "The loss is the *negative* log-likelihood: it must be ≥ 0.",
            lambda lg, t: _ce_with(lg, t, sign=1.0),
        ),
    ],
)


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
            "(2, 4, 6) batch, reduction='mean'",
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
    ignore_reduction: bool = False,
) -> np.ndarray | float:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}")
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if swap:
        p, q = q, p
    terms = p * np.log(p / q) if naive else _xlogy(p, q)
    if mean_over_elements and reduction == "mean":
        return float(terms.mean())
    kl = terms.sum(axis=-1 if last_axis else axis)
    if reduction == "sum" and not ignore_reduction:
        kl = kl.sum()
    elif reduction == "mean" and not ignore_reduction:
        kl = kl.mean()
    return _scalar_or_array(kl)


KL_DIVERGENCE = Checker(
    f"{A}/kl_divergence",
    title="KL divergence along an axis",
    reference=_kl_reference,
    cases=_kl_cases,
    misconceptions=[
        Misconception(
            "kl-log-zero",
            "A zero in p gives 0 · log(0 / q) = 0 · (−inf) = nan. By convention 0 · log 0 = 0: "
            "add up only the terms where p > 0 (np.where).",
            lambda p, q, axis=-1, reduction="none": _kl_with(p, q, axis, reduction, naive=True),
        ),
        Misconception(
            "kl-arguments-swapped",
            "You computed KL(q ‖ p). KL is not symmetric: KL(p ‖ q) = Σ p · log(p / q), "
            "weighted by p, the first argument.",
            lambda p, q, axis=-1, reduction="none": _kl_with(p, q, axis, reduction, swap=True),
        ),
        Misconception(
            "kl-last-axis-only",
            "You summed over the last axis whatever `axis` is: the distributions lie along "
            "`axis` (with axis=0, each column is one distribution).",
            lambda p, q, axis=-1, reduction="none": _kl_with(p, q, axis, reduction, last_axis=True),
        ),
        Misconception(
            "kl-mean-over-elements",
            "reduction='mean' averages the KL of each *distribution*; you averaged over every "
            "element, dividing by the number of outcomes too (torch's reduction='mean' trap, "
            "which is why torch has 'batchmean').",
            lambda p, q, axis=-1, reduction="none": _kl_with(
                p, q, axis, reduction, mean_over_elements=True
            ),
        ),
        Misconception(
            "kl-reduction-ignored",
            "You ignored `reduction`: 'none' returns one KL per distribution, 'sum' their "
            "total and 'mean' their average (a single number).",
            lambda p, q, axis=-1, reduction="none": _kl_with(
                p, q, axis, reduction, ignore_reduction=True
            ),
        ),
    ],
)


# -- KL divergence between diagonal Gaussians --------------------------------------------------------
def _kl_gauss_reference(
    mu_p: np.ndarray, sigma_p: np.ndarray, mu_q: np.ndarray, sigma_q: np.ndarray
) -> np.ndarray | float:
    torch = _torch()
    dist = torch.distributions
    p = dist.Independent(dist.Normal(_t(mu_p), _t(sigma_p)), 1)
    q = dist.Independent(dist.Normal(_t(mu_q), _t(sigma_q)), 1)
    return _out(dist.kl_divergence(p, q))


def _kl_gauss_cases() -> list[Case]:
    rng = _rng(604)
    one, zero = np.array([1.0]), np.array([0.0])
    mu, sigma = rng.normal(size=(5, 8)), np.exp(0.5 * rng.normal(size=(5, 8)))
    same_mu, same_sigma = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    return [
        Case("N(0, 1) against N(1, 1), d = 1: 0.5", (zero, one, one, one)),
        Case("N(0, 1) against N(0, 2²), d = 1", (zero, one, zero, np.array([2.0]))),
        Case(
            "two Gaussians in d = 3",
            (
                rng.normal(size=3),
                rng.uniform(0.3, 2.0, size=3),
                rng.normal(size=3),
                rng.uniform(0.3, 2.0, size=3),
            ),
        ),
        Case(
            "a batch (4, 3) against a batch (4, 3)",
            (
                rng.normal(size=(4, 3)),
                rng.uniform(0.3, 2.0, size=(4, 3)),
                rng.normal(size=(4, 3)),
                rng.uniform(0.3, 2.0, size=(4, 3)),
            ),
        ),
        Case(
            "a VAE batch (5, 8) against the prior N(0, I): mu_q (8,), sigma_q (8,)",
            (mu, sigma, np.zeros(8), np.ones(8)),
        ),
        Case("p = q gives 0", (same_mu, same_sigma, same_mu.copy(), same_sigma.copy())),
    ]


def _kl_gauss_with(
    mu_p: np.ndarray,
    sigma_p: np.ndarray,
    mu_q: np.ndarray,
    sigma_q: np.ndarray,
    *,
    std_as_var: bool = False,
    half: float = 0.5,
    summed: bool = True,
) -> np.ndarray | float:
    mu_p, sigma_p, mu_q, sigma_q = (
        np.asarray(x, dtype=float) for x in (mu_p, sigma_p, mu_q, sigma_q)
    )
    var_p, var_q = (sigma_p, sigma_q) if std_as_var else (sigma_p**2, sigma_q**2)
    terms = 0.5 * np.log(var_q / var_p) + (var_p + (mu_p - mu_q) ** 2) / (2 * var_q) - half
    return _scalar_or_array(terms.sum(axis=-1)) if summed else terms


KL_GAUSSIAN = Checker(
    f"{A}/kl_gaussian",
    title="KL divergence between Gaussians",
    reference=_kl_gauss_reference,
    cases=_kl_gauss_cases,
    misconceptions=[
        Misconception(
            "kl-gauss-swapped",
            "You computed KL(q ‖ p): the closed form is not symmetric. With p = N(μ_p, σ_p²) "
            "first, it is log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²) / (2σ_q²) − 1/2.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mq, sq, mp, sp),
        ),
        Misconception(
            "kl-gauss-std-as-variance",
            "sigma is a standard deviation, not a variance: the formula needs σ² in the "
            "fraction, and log(σ_q/σ_p) = ½ log(σ_q²/σ_p²).",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, std_as_var=True),
        ),
        Misconception(
            "kl-gauss-missing-half",
            "You left out the constant −1/2 per dimension: without it KL(p ‖ p) is not 0.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, half=0.0),
        ),
        Misconception(
            "kl-gauss-not-summed",
            "With a diagonal covariance the dimensions are independent and their KLs add up: "
            "sum the per-dimension terms over the last axis.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, summed=False),
        ),
    ],
)


# -- Jensen–Shannon divergence -------------------------------------------------------------------------
def _js_reference(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    # JS(p, q) = H(m) − (H(p) + H(q)) / 2 with m = (p + q) / 2: another formula than the KLs.
    torch = _torch()
    pt, qt = _t(p), _t(q)
    h = torch.special.entr
    return _out(h((pt + qt) / 2).sum(-1) - (h(pt).sum(-1) + h(qt).sum(-1)) / 2)


def _js_cases() -> list[Case]:
    rng = _rng(605)
    return [
        Case("a 90/10 coin and a fair coin", (np.array([0.9, 0.1]), np.array([0.5, 0.5]))),
        Case(
            "disjoint supports [1, 0] and [0, 1]: ln 2",
            (np.array([1.0, 0.0]), np.array([0.0, 1.0])),
        ),
        Case(
            "[0.5, 0.5, 0] and [0, 0.5, 0.5]",
            (np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5])),
        ),
        Case(
            "a batch (4, 6) with zeros in both",
            (
                _with_zeros(rng.dirichlet(np.ones(6), size=4), rng),
                _with_zeros(rng.dirichlet(np.ones(6), size=4), rng),
            ),
        ),
        Case(
            "a (2, 3, 5) batch",
            (rng.dirichlet(np.ones(5), size=(2, 3)), rng.dirichlet(np.ones(5), size=(2, 3))),
        ),
        Case("p = q gives 0", (np.array([0.2, 0.3, 0.5]), np.array([0.2, 0.3, 0.5]))),
    ]


def _js_with(
    p: np.ndarray, q: np.ndarray, *, naive: bool = False, factor: float = 0.5, unit: float = 1.0
) -> np.ndarray | float:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = (p + q) / 2
    if naive:
        kl_pm, kl_qm = (p * np.log(p / m)).sum(-1), (q * np.log(q / m)).sum(-1)
    else:
        kl_pm, kl_qm = _xlogy(p, m).sum(-1), _xlogy(q, m).sum(-1)
    return _scalar_or_array(factor * (kl_pm + kl_qm) / unit)


def _js_symmetrised_kl(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        return _scalar_or_array(0.5 * (_xlogy(p, q).sum(-1) + _xlogy(q, p).sum(-1)))


JS_DIVERGENCE = Checker(
    f"{A}/js_divergence",
    title="Jensen–Shannon divergence",
    reference=_js_reference,
    cases=_js_cases,
    misconceptions=[
        Misconception(
            "js-log-zero",
            "A zero in p or q gives 0 · log 0 = nan. By convention 0 · log 0 = 0: add up only "
            "the terms where the probability is > 0.",
            lambda p, q: _js_with(p, q, naive=True),
        ),
        Misconception(
            "js-symmetrised-kl",
            "You averaged KL(p ‖ q) and KL(q ‖ p). Jensen–Shannon compares each distribution "
            "with the mixture m = (p + q) / 2: ½ KL(p ‖ m) + ½ KL(q ‖ m), which stays finite "
            "(≤ ln 2) even when the supports differ.",
            _js_symmetrised_kl,
        ),
        Misconception(
            "js-not-halved",
            "You added KL(p ‖ m) + KL(q ‖ m); JS is their *average*, ½ KL(p ‖ m) + ½ KL(q ‖ m), "
            "which is at most ln 2.",
            lambda p, q: _js_with(p, q, factor=1.0),
        ),
        Misconception(
            "js-log2",
            "You used log base 2 (bits, where JS ≤ 1); this exercise uses the natural log "
            "(nats, where JS ≤ ln 2).",
            lambda p, q: _js_with(p, q, unit=LN2),
        ),
    ],
)


# -- mutual information from a joint table -------------------------------------------------------------
def _mi_reference(joint: np.ndarray) -> float:
    # I(X; Y) = KL(P(x, y) ‖ P(x) P(y)): another formula than the entropies.
    pxy = _t(joint)
    pxy = pxy / pxy.sum()
    independent = pxy.sum(1, keepdim=True) * pxy.sum(0, keepdim=True)
    support = pxy > 0
    return float((pxy[support] * (pxy[support].log() - independent[support].log())).sum())


def _mi_cases() -> list[Case]:
    rng = _rng(606)
    noisy = rng.dirichlet(np.ones(15)).reshape(3, 5)
    noisy[0, 1] = noisy[2, 3] = noisy[1, 0] = 0.0
    noisy /= noisy.sum()
    return [
        Case(
            "independent X and Y, a (2, 3) table: 0",
            (np.outer([0.3, 0.7], [0.2, 0.5, 0.3]),),
        ),
        Case("Y = X, uniform over 3 values: ln 3", (np.eye(3) / 3,)),
        Case(
            "a binary symmetric channel with 10% noise",
            (np.array([[0.45, 0.05], [0.05, 0.45]]),),
        ),
        Case(
            "a (4, 2) table of integer counts",
            (np.array([[10, 0], [3, 7], [5, 5], [1, 9]]),),
        ),
        Case("a (3, 5) table with zeros", (noisy,)),
        Case("a single row (1, 4): X is constant, 0", (np.array([[0.1, 0.2, 0.3, 0.4]]),)),
    ]


def _mi_with(
    joint: np.ndarray,
    *,
    naive: bool = False,
    normalise: bool = True,
    sign: float = 1.0,
    unit: float = 1.0,
) -> float:
    pxy = np.asarray(joint, dtype=float)
    if normalise:
        pxy = pxy / pxy.sum()

    def h(p: np.ndarray) -> float:
        return float(-(p * np.log(p)).sum() if naive else -_xlogx(p).sum())

    mi = h(pxy.sum(axis=1)) + h(pxy.sum(axis=0)) - h(pxy)
    return sign * mi / unit


MUTUAL_INFORMATION = Checker(
    f"{A}/mutual_information",
    title="Mutual information from a joint table",
    reference=_mi_reference,
    cases=_mi_cases,
    misconceptions=[
        Misconception(
            "mi-log-zero",
            "A zero cell of the table gives 0 · log 0 = nan. By convention 0 · log 0 = 0: add "
            "up only the terms where the probability is > 0.",
            lambda joint: _mi_with(joint, naive=True),
        ),
        Misconception(
            "mi-not-normalised",
            "The table holds counts: divide it by its total first, so that it is a "
            "probability table summing to 1.",
            lambda joint: _mi_with(joint, normalise=False),
        ),
        Misconception(
            "mi-sign",
            "You have the signs reversed: I(X; Y) = H(X) + H(Y) − H(X, Y), which is ≥ 0.",
            lambda joint: _mi_with(joint, sign=-1.0),
        ),
        Misconception(
            "mi-log2",
            "You used log base 2 (bits); this exercise uses the natural log (nats).",
            lambda joint: _mi_with(joint, unit=LN2),
        ),
    ],
)


# -- perplexity -----------------------------------------------------------------------------------------
def _ppl_reference(logits: np.ndarray, targets: np.ndarray, ignore_index: int = -100) -> float:
    torch = _torch()
    logits = np.asarray(logits, dtype=float)
    nll = torch.nn.functional.cross_entropy(
        _t(logits.reshape(-1, logits.shape[-1])),
        torch.from_numpy(np.asarray(targets).reshape(-1)),
        ignore_index=ignore_index,
    )
    return float(torch.exp(nll))


def _ppl_cases() -> list[Case]:
    rng = _rng(607)
    padded = rng.integers(0, 7, size=(2, 5))
    padded[0, 3:] = -100  # the first sequence is 3 tokens long
    with_zero = rng.integers(0, 5, size=6)
    with_zero[[1, 4]] = 0
    return [
        Case("5 tokens, vocabulary of 4", (rng.normal(size=(5, 4)), rng.integers(0, 4, size=5))),
        Case(
            "2 sequences of 3 tokens, vocabulary of 6: (2, 3, 6) logits",
            (rng.normal(size=(2, 3, 6)), rng.integers(0, 6, size=(2, 3))),
        ),
        Case(
            "a uniform model (all logits 0), vocabulary of 10: perplexity 10",
            (np.zeros((4, 10)), rng.integers(0, 10, size=4)),
        ),
        Case(
            "(2, 5, 7) logits, the first sequence padded with -100",
            (rng.normal(size=(2, 5, 7)), padded),
        ),
        Case(
            "logits around 1000 (3, 4)",
            (rng.normal(size=(3, 4)) + 1000.0, rng.integers(0, 4, size=3)),
        ),
        Case(
            "ignore_index=0 on (6, 5) logits",
            (rng.normal(size=(6, 5)), with_zero),
            {"ignore_index": 0},
        ),
    ]


def _ppl_with(
    logits: np.ndarray,
    targets: np.ndarray,
    ignore_index: int = -100,
    *,
    log_probs: Any = None,
    combine: str = "exp-mean",
    count_padding: bool = False,
) -> float:
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    lp = _log_softmax(logits) if log_probs is None else log_probs(logits)
    keep = targets != ignore_index
    safe = np.where(keep, targets, 0)
    nll = -np.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    nll = np.where(keep, nll, 0.0)
    if combine == "per-sequence" and targets.ndim >= 2:
        per_seq = np.exp(nll.sum(axis=-1) / keep.sum(axis=-1))
        return float(per_seq.mean())
    if combine == "exp-sum":
        return float(np.exp(nll.sum()))
    if combine == "mean-exp":
        return float(np.exp(nll)[keep].mean())
    mean_nll = nll.sum() / (keep.size if count_padding else keep.sum())
    return float(2.0**mean_nll if combine == "base-2" else np.exp(mean_nll))


def _ppl_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


PERPLEXITY = Checker(
    f"{A}/perplexity",
    title="Perplexity",
    reference=_ppl_reference,
    cases=_ppl_cases,
    comparator=_ppl_close,
    misconceptions=[
        Misconception(
            "ppl-softmax-then-log",
            "Taking softmax and then log overflows for large logits (exp(1000) = inf). Use "
            "log-softmax: z − max z − log Σ exp(z − max z).",
            lambda lg, t, ignore_index=-100: _ppl_with(
                lg, t, ignore_index, log_probs=_ce_softmax_then_log
            ),
        ),
        Misconception(
            "ppl-exp-of-sum",
            "You exponentiated the *total* NLL. Perplexity is exp of the *mean* NLL per token, "
            "so that it does not grow with the length of the text.",
            lambda lg, t, ignore_index=-100: _ppl_with(lg, t, ignore_index, combine="exp-sum"),
        ),
        Misconception(
            "ppl-mean-of-exp",
            "You averaged exp(NLL) over the tokens; perplexity is exp(mean NLL) — average the "
            "NLL first, then exponentiate once (the two differ by Jensen's inequality).",
            lambda lg, t, ignore_index=-100: _ppl_with(lg, t, ignore_index, combine="mean-exp"),
        ),
        Misconception(
            "ppl-base-2",
            "The NLL is in nats (natural log), so perplexity = e^NLL. 2^x is right only for "
            "an NLL in bits (NLL in nats / ln 2).",
            lambda lg, t, ignore_index=-100: _ppl_with(lg, t, ignore_index, combine="base-2"),
        ),
        Misconception(
            "ppl-per-sequence",
            "You averaged the perplexities of the sequences; the perplexity of a batch is "
            "exp of the mean NLL over *all* its tokens.",
            lambda lg, t, ignore_index=-100: _ppl_with(lg, t, ignore_index, combine="per-sequence"),
        ),
        Misconception(
            "ppl-padding-counted",
            "Padding tokens (target == ignore_index) must not count: divide the summed NLL "
            "by the number of real tokens, not by all positions.",
            lambda lg, t, ignore_index=-100: _ppl_with(lg, t, ignore_index, count_padding=True),
        ),
    ],
)


CHECKERS = [
    ENTROPY,
    CROSS_ENTROPY,
    KL_DIVERGENCE,
    KL_GAUSSIAN,
    JS_DIVERGENCE,
    MUTUAL_INFORMATION,
    PERPLEXITY,
]
