"""Checkers for assignment 06 — Information theory for machine learning.

References are torch (float64) — ``torch.special.entr``, ``F.cross_entropy``, ``F.kl_div``,
``torch.distributions.kl_divergence`` — and, where two formulas exist, the *other* one than the
notebook asks for (Jensen–Shannon from entropies, mutual information as a KL divergence), so a
checker never agrees with a copy of the solution. Cases mix the textbook examples (a fair coin,
a 90/10 coin, a uniform model) with zeros, huge logits, batches, non-square tables and axes
other than the last, where a bug cannot hide.

The known mistakes are the ones found in public from-scratch implementations, course
solutions and forum threads (rewritten here): the log base, ``0 · log 0``, the argument order of
KL and of ``F.kl_div``, torch's ``reduction='mean'`` against ``'batchmean'``, a standard
deviation used as a variance, the Jensen–Shannon *distance* (scipy's ``jensenshannon``) for the
divergence, counts that are not normalised, the exponential of a summed NLL, padding counted as
tokens. Where a mistake depends on a constant (an ε added inside a log), the hint is given for
the constant people use most; another constant fails without a hint, never with a wrong one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch
from ..rules import Forbidden

ASSIGNMENT = "06-information-theory"
A = ASSIGNMENT

LN2 = math.log(2.0)

# "Unless an exercise says otherwise, you may use any NumPy function, but not SciPy,
# scikit-learn or PyTorch": each has the ready-made function the exercise builds
# (scipy.stats.entropy, scipy.special.rel_entr, scipy.spatial.distance.jensenshannon,
# sklearn.metrics.mutual_info_score, sklearn.metrics.log_loss).
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="Write the formula in NumPy: scipy's ready-made function is what the exercise builds.",
)
SKLEARN = Forbidden(
    "scikit-learn",
    modules=("sklearn",),
    why="Write the formula in NumPy: scikit-learn's metric is what the exercise builds.",
)
_NOT_ALLOWED = (SCIPY, SKLEARN)


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
    with np.errstate(divide="ignore"):
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
            "label smoothing 0.1, (3, 4): targets (1 − 0.1)·one-hot + 0.1/4",
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
    one_hot: bool = False,
) -> float:
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        lp = _log_softmax(logits) if log_probs is None else log_probs(logits)
        if np.issubdtype(targets.dtype, np.integer) and reduce != "all-elements" and not one_hot:
            # a label picks its log-probability (log_probs[i, t_i]): multiplying by a one-hot
            # row instead would turn the −inf of another class into 0 · (−inf) = nan
            picked = lp[np.arange(len(targets)), targets]
            return float(sign * (picked.sum() if reduce == "sum" else picked.mean()))
        terms = _as_target_probs(targets, logits.shape[-1]) * lp
        if reduce == "sum":
            return float(sign * terms.sum())
        if reduce == "all-elements":
            return float(sign * terms.mean())
        return float(sign * terms.sum(axis=-1).mean())


def _softmax_then_log(logits: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        e = np.exp(logits)
        return np.log(e / e.sum(axis=-1, keepdims=True))


def _stable_softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_of_stable_softmax(logits: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(_stable_softmax(logits))


CE_EPS = 1e-12  # log(p + 1e-12) / np.clip(p, 1e-12, 1): the constant most numpy code uses


def _ce_hard_argmax(logits: np.ndarray, targets: np.ndarray) -> float:
    targets = np.asarray(targets)
    if not np.issubdtype(targets.dtype, np.integer):
        targets = targets.argmax(axis=-1)
    return _ce_with(logits, targets)


def _ce_always_indexed(logits: np.ndarray, targets: np.ndarray) -> float:
    """Every target used as a class index: float (N, C) targets cannot index."""
    lp = _log_softmax(logits)
    targets = np.asarray(targets)
    return float(-lp[np.arange(len(targets)), targets].mean())


def _ce_always_multiplied(logits: np.ndarray, targets: np.ndarray) -> float:
    """Every target multiplied in as a probability row: labels (N,) broadcast against (N, C)."""
    lp = _log_softmax(logits)
    return float(-(np.asarray(targets) * lp).sum(axis=-1).mean())


# the same two mistakes reach the student as inf or nan depending on whether the labels pick
# their log-probability or multiply a one-hot row (0 · (−inf) = nan): one known mistake each
_CE_SOFTMAX_THEN_LOG_HINT = (
    "Taking softmax and then log overflows (exp(1000) = inf, and inf / inf = nan) for large "
    "logits. Use log-softmax: z − max z − log Σ exp(z − max z)."
)
_CE_LOG_OF_STABLE_HINT = (
    "You took the log of a softmax, even a shifted one: a probability that underflows to 0 "
    "(e^−1000) gives log 0 = −inf and an infinite (or nan) loss. Compute log-softmax directly: "
    "z − max z − log Σ exp(z − max z) stays finite."
)


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


CROSS_ENTROPY = Checker(
    f"{A}/cross_entropy",
    title="Cross-entropy with hard or soft targets",
    reference=_cross_entropy_reference,
    cases=_cross_entropy_cases,
    comparator=_ce_close,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "softmax-then-log",
            _CE_SOFTMAX_THEN_LOG_HINT,
            lambda lg, t: _ce_with(lg, t, log_probs=_softmax_then_log),
        ),
        Misconception(
            "softmax-then-log-one-hot",
            _CE_SOFTMAX_THEN_LOG_HINT,
            lambda lg, t: _ce_with(lg, t, log_probs=_softmax_then_log, one_hot=True),
        ),
        Misconception(
            "log-of-stable-softmax",
            _CE_LOG_OF_STABLE_HINT,
            lambda lg, t: _ce_with(lg, t, log_probs=_log_of_stable_softmax),
        ),
        Misconception(
            "log-of-stable-softmax-one-hot",
            _CE_LOG_OF_STABLE_HINT,
            lambda lg, t: _ce_with(lg, t, log_probs=_log_of_stable_softmax, one_hot=True),
        ),
        Misconception(
            "softmax-log-epsilon",
            "You added ε = 1e-12 to the probabilities (or clipped them at ε) before the log: a "
            "probability that underflows to 0 then costs −log ε ≈ 27.6 instead of its true, "
            "much larger, loss. Compute log-softmax directly: z − max z − log Σ exp(z − max z).",
            lambda lg, t: _ce_with(lg, t, log_probs=lambda z: np.log(_stable_softmax(z) + CE_EPS)),
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
            "soft-targets-as-indices",
            "You used `targets` as class indices in every case: float targets of shape (N, C) "
            "are probability rows, not indices. Tell the two kinds apart with "
            "np.issubdtype(targets.dtype, np.integer) and weight the log-probabilities by the "
            "soft targets.",
            _ce_always_indexed,
        ),
        Misconception(
            "hard-labels-as-probabilities",
            "You multiplied the targets into the log-probabilities in every case: integer "
            "targets of shape (N,) are class indices (pick log_probs[i, t_i]), not "
            "probability rows. Tell the two kinds apart with "
            "np.issubdtype(targets.dtype, np.integer).",
            _ce_always_multiplied,
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
    sigma_as_logvar: bool = False,
    standard_prior: bool = False,
    half: float = 0.5,
    reduce: str = "sum",
) -> np.ndarray | float:
    mu_p, sigma_p, mu_q, sigma_q = (
        np.asarray(x, dtype=float) for x in (mu_p, sigma_p, mu_q, sigma_q)
    )
    if standard_prior:
        mu_q, sigma_q = np.zeros_like(mu_q), np.ones_like(sigma_q)
    if sigma_as_logvar:
        var_p, var_q = np.exp(sigma_p), np.exp(sigma_q)
    elif std_as_var:
        var_p, var_q = sigma_p, sigma_q
    else:
        var_p, var_q = sigma_p**2, sigma_q**2
    terms = 0.5 * np.log(var_q / var_p) + (var_p + (mu_p - mu_q) ** 2) / (2 * var_q) - half
    if reduce == "none":
        return terms
    if reduce == "all":
        return float(terms.sum())
    return _scalar_or_array(terms.mean(axis=-1) if reduce == "mean" else terms.sum(axis=-1))


KL_GAUSSIAN = Checker(
    f"{A}/kl_gaussian",
    title="KL divergence between Gaussians",
    reference=_kl_gauss_reference,
    cases=_kl_gauss_cases,
    forbidden=_NOT_ALLOWED,
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
            "kl-gauss-sigma-as-logvar",
            "You used sigma as a log-variance (exp(sigma) as σ², as in VAE code whose encoder "
            "outputs logvar). Here sigma is the standard deviation itself: σ² = sigma**2.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, sigma_as_logvar=True),
        ),
        Misconception(
            "kl-gauss-missing-half",
            "You left out the constant −1/2 per dimension (the −1 inside "
            "½ Σ (σ² + μ² − 1 − log σ²) of the VAE form): without it KL(p ‖ p) is not 0.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, half=0.0),
        ),
        Misconception(
            "kl-gauss-standard-prior",
            "You computed the KL to the standard normal N(0, I) (the VAE regulariser "
            "½ Σ (σ² + μ² − 1 − log σ²)) whatever q is: use mu_q and sigma_q, as in "
            "log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²) / (2σ_q²) − 1/2.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, standard_prior=True),
        ),
        Misconception(
            "kl-gauss-not-summed",
            "With a diagonal covariance the dimensions are independent and their KLs add up: "
            "sum the per-dimension terms over the last axis.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, reduce="none"),
        ),
        Misconception(
            "kl-gauss-summed-over-batch",
            "You summed over the whole batch (np.sum without an axis, as a VAE loss does): "
            "each row of a batch is its own Gaussian with its own KL, so sum over the last "
            "axis only and return one KL per row.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, reduce="all"),
        ),
        Misconception(
            "kl-gauss-mean-over-dims",
            "You averaged the per-dimension KLs (mean over the last axis): the KL of a "
            "d-dimensional diagonal Gaussian is their *sum*, since independent dimensions' "
            "KLs add up.",
            lambda mp, sp, mq, sq: _kl_gauss_with(mp, sp, mq, sq, reduce="mean"),
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
            "a fair coin and a 90/10 coin: JS is symmetric",
            (np.array([0.5, 0.5]), np.array([0.9, 0.1])),
        ),
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
    p: np.ndarray,
    q: np.ndarray,
    *,
    naive: bool = False,
    factor: float = 0.5,
    unit: float = 1.0,
    mixture: float = 0.5,
    from_mixture: bool = False,
    root: bool = False,
) -> np.ndarray | float:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = mixture * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        if naive:
            kl_pm, kl_qm = (p * np.log(p / m)).sum(-1), (q * np.log(q / m)).sum(-1)
        elif from_mixture:
            kl_pm, kl_qm = _xlogy(m, p).sum(-1), _xlogy(m, q).sum(-1)
        else:
            kl_pm, kl_qm = _xlogy(p, m).sum(-1), _xlogy(q, m).sum(-1)
    js = factor * (kl_pm + kl_qm) / unit
    return _scalar_or_array(np.sqrt(js) if root else js)


def _js_symmetrised_kl(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return _scalar_or_array(0.5 * (_xlogy(p, q).sum(-1) + _xlogy(q, p).sum(-1)))


JS_DIVERGENCE = Checker(
    f"{A}/js_divergence",
    title="Jensen–Shannon divergence",
    reference=_js_reference,
    cases=_js_cases,
    forbidden=_NOT_ALLOWED,
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
            "js-kl-from-mixture",
            "You computed KL(m ‖ p) and KL(m ‖ q): the mixture goes *second*, "
            "½ KL(p ‖ m) + ½ KL(q ‖ m). The other order is infinite as soon as p or q has a "
            "zero where the mixture does not.",
            lambda p, q: _js_with(p, q, from_mixture=True),
        ),
        Misconception(
            "js-mixture-not-halved",
            "Your mixture is p + q; the mixture is their *average*, m = (p + q) / 2, a "
            "distribution (with m = p + q each KL is off by ln 2 and JS comes out negative).",
            lambda p, q: _js_with(p, q, mixture=1.0),
        ),
        Misconception(
            "js-not-halved",
            "You added KL(p ‖ m) + KL(q ‖ m); JS is their *average*, ½ KL(p ‖ m) + ½ KL(q ‖ m), "
            "which is at most ln 2.",
            lambda p, q: _js_with(p, q, factor=1.0),
        ),
        Misconception(
            "js-distance",
            "You returned the Jensen–Shannon *distance* √JS (what scipy's "
            "spatial.distance.jensenshannon returns); the exercise asks for the divergence "
            "JS itself, without the square root.",
            lambda p, q: _js_with(p, q, root=True),
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
    uneven = np.array([[0.30, 0.05, 0.05], [0.02, 0.18, 0.10], [0.01, 0.04, 0.25]])
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
        Case("a (3, 3) table whose rows and columns have different totals", (uneven,)),
        Case("the same (3, 3) table transposed: I is symmetric", (uneven.T.copy(),)),
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
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(-(p * np.log(p)).sum() if naive else -_xlogx(p).sum())

    mi = h(pxy.sum(axis=1)) + h(pxy.sum(axis=0)) - h(pxy)
    return sign * mi / unit


def _mi_kl_form(joint: np.ndarray, *, product: str, masked: bool = False) -> float:
    """Σ P(x, y) log(P(x, y) / (P(x) P(y))) with the product of the marginals written wrongly.

    For a non-square table the wrong product has the wrong shape, and what the student's code
    raises depends on how it is written: ``pxy[nz] / px_py[nz]`` raises IndexError (``masked``),
    ``pxy / px_py`` a ValueError.
    """
    pxy = np.asarray(joint, dtype=float)
    pxy = pxy / pxy.sum()
    if product == "no-outer":  # px * py: broadcast along the last axis, not an outer product
        independent = pxy.sum(axis=1) * pxy.sum(axis=0)
    else:  # "swapped": P(x) from the columns' sums, P(y) from the rows'
        independent = pxy.sum(axis=0)[:, None] * pxy.sum(axis=1)[None, :]
    if masked:
        nz = pxy > 0
        return float(np.sum(pxy[nz] * np.log(pxy[nz] / independent[nz])))
    with np.errstate(divide="ignore", invalid="ignore"):  # broadcast as the student's code
        ratio = np.where(pxy > 0, pxy / independent, 1.0)  # does (ValueError when it cannot)
        return float(np.where(pxy > 0, pxy * np.log(ratio), 0.0).sum())


_MI_SWAPPED_HINT = (
    "You swapped the marginals: P(x) sums each row (axis=1) and P(y) each column (axis=0), "
    "and the table of P(x) P(y) has P(x) down its rows: px[:, None] * py[None, :]."
)


MUTUAL_INFORMATION = Checker(
    f"{A}/mutual_information",
    title="Mutual information from a joint table",
    reference=_mi_reference,
    cases=_mi_cases,
    forbidden=_NOT_ALLOWED,
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
        Misconception(
            "mi-marginals-not-outer",
            "You multiplied the marginals as px * py, which broadcasts them along the last "
            "axis (and fails for a non-square table). P(x) P(y) is a table, their outer "
            "product: px[:, None] * py[None, :] (np.outer).",
            lambda joint: _mi_kl_form(joint, product="no-outer"),
        ),
        Misconception(
            "mi-marginals-swapped",
            _MI_SWAPPED_HINT,
            lambda joint: _mi_kl_form(joint, product="swapped", masked=True),
        ),
        Misconception(
            "mi-marginals-swapped-unmasked",
            _MI_SWAPPED_HINT,
            lambda joint: _mi_kl_form(joint, product="swapped"),
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
    mask: str = "ignore_index",
    sign: float = 1.0,
) -> float:
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    lp = _log_softmax(logits) if log_probs is None else log_probs(logits)
    if mask == "none":  # every target used as an index: -100 is out of range
        nll = -np.take_along_axis(lp, targets[..., None], axis=-1)[..., 0]
        return float(np.exp(nll.mean()))
    keep = targets != (-100 if mask == "-100" else ignore_index)
    safe = np.where(keep, targets, 0)
    nll = -np.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    nll = np.where(keep, nll, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        if combine == "per-sequence" and targets.ndim >= 2:
            per_seq = np.exp(nll.sum(axis=-1) / keep.sum(axis=-1))
            return float(per_seq.mean())
        if combine == "exp-sum":
            return float(np.exp(nll.sum()))
        if combine == "mean-exp":
            return float(np.exp(nll)[keep].mean())
        mean_nll = nll.sum() / (keep.size if count_padding else keep.sum())
        return float(2.0**mean_nll if combine == "base-2" else np.exp(sign * mean_nll))


def _ppl_mistake(**how: Any) -> Any:
    def wrong(logits: np.ndarray, targets: np.ndarray, ignore_index: int = -100) -> float:
        return _ppl_with(logits, targets, ignore_index, **how)

    return wrong


def _ppl_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


PERPLEXITY = Checker(
    f"{A}/perplexity",
    title="Perplexity of a language model",
    reference=_ppl_reference,
    cases=_ppl_cases,
    comparator=_ppl_close,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "ppl-softmax-then-log",
            "Taking softmax and then log overflows for large logits (exp(1000) = inf). Use "
            "log-softmax: z − max z − log Σ exp(z − max z).",
            _ppl_mistake(log_probs=_softmax_then_log),
        ),
        Misconception(
            "ppl-exp-of-sum",
            "You exponentiated the *total* NLL. Perplexity is exp of the *mean* NLL per token, "
            "so that it does not grow with the length of the text.",
            _ppl_mistake(combine="exp-sum"),
        ),
        Misconception(
            "ppl-mean-of-exp",
            "You averaged exp(NLL) over the tokens; perplexity is exp(mean NLL) — average the "
            "NLL first, then exponentiate once (the two differ by Jensen's inequality).",
            _ppl_mistake(combine="mean-exp"),
        ),
        Misconception(
            "ppl-sign",
            "You exponentiated the mean *log-probability*, exp(mean log q) = 1 / perplexity. "
            "Perplexity is exp of the mean *negative* log-likelihood, and it is ≥ 1.",
            _ppl_mistake(sign=-1.0),
        ),
        Misconception(
            "ppl-base-2",
            "The NLL is in nats (natural log), so perplexity = e^NLL. 2^x is right only for "
            "an NLL in bits (NLL in nats / ln 2).",
            _ppl_mistake(combine="base-2"),
        ),
        Misconception(
            "ppl-per-sequence",
            "You averaged the perplexities of the sequences; the perplexity of a batch is "
            "exp of the mean NLL over *all* its tokens.",
            _ppl_mistake(combine="per-sequence"),
        ),
        Misconception(
            "ppl-padding-counted",
            "Padding tokens (target == ignore_index) must not count: divide the summed NLL "
            "by the number of real tokens, not by all positions.",
            _ppl_mistake(count_padding=True),
        ),
        Misconception(
            "ppl-padding-not-masked",
            "You used every target as a token index, padding too: a target equal to "
            "`ignore_index` (-100 by default) is not a token. Keep the real ones first, "
            "keep = targets != ignore_index, then log_probs[keep] and targets[keep].",
            _ppl_mistake(mask="none"),
        ),
        Misconception(
            "ppl-ignore-index-hardcoded",
            "You masked the targets equal to -100 whatever `ignore_index` is: use the "
            "argument, keep = targets != ignore_index (-100 is only its default).",
            _ppl_mistake(mask="-100"),
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
