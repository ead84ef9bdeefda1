"""Cross-entropy with hard or soft targets (06-information-theory/cross_entropy): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _NOT_ALLOWED, A, _log_softmax, _softmax_then_log, _t


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


CHECKER = CROSS_ENTROPY
