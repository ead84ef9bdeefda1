"""Cross-entropy from logits (01-linear-algebra/cross_entropy): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import SCIPY, A, _floats


# -- cross-entropy from logits --------------------------------------------------------------------------
def _cross_entropy_reference(logits: Any, targets: Any) -> float:
    torch = _torch()
    return float(
        torch.nn.functional.cross_entropy(
            torch.from_numpy(_floats(logits)),
            torch.from_numpy(np.asarray(targets, dtype=np.int64)),
        )
    )


def _cross_entropy_cases() -> list[Case]:
    rng = _rng(6)
    return [
        Case("4 examples, 3 classes", (rng.normal(size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("1 example, 5 classes", (rng.normal(size=(1, 5)), np.array([3]))),
        Case("3 examples, 3 classes", (rng.normal(size=(3, 3)), np.array([2, 0, 2]))),
        Case(
            "huge logits, each target the largest: [[1000, 1001, 999], [1002, 1000, 1001]]",
            (np.array([[1000.0, 1001.0, 999.0], [1002.0, 1000.0, 1001.0]]), np.array([1, 0])),
        ),
        Case(
            "very negative logits [[-1000, -1002, -1001]], target 0",
            (np.array([[-1000.0, -1002.0, -1001.0]]), np.array([0])),
        ),
        Case(
            "a large spread within each row: [[1000, 0, -1000], [5, 1005, 1000]], targets [2, 0]",
            (np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 1000.0]]), np.array([2, 0])),
        ),
        Case("6 examples, 10 classes", (3 * rng.normal(size=(6, 10)), rng.integers(0, 10, size=6))),
        Case(
            "integer logits (2, 4)",
            (np.array([[2, -1, 0, 3], [0, 0, 5, 1]]), np.array([3, 1])),
        ),
    ]


def _ce_log_probs(logits: Any) -> np.ndarray:
    logits = np.asarray(logits, dtype=float)
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _ce_picked(logits: Any, targets: Any) -> np.ndarray:
    targets = np.asarray(targets)
    return _ce_log_probs(logits)[np.arange(len(targets)), targets]


def _ce_softmax_then_log(logits: Any, targets: Any) -> float:
    logits = np.asarray(logits, dtype=float)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))


def _ce_stable_softmax_then_log(logits: Any, targets: Any) -> float:
    logits = np.asarray(logits, dtype=float)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))


def _ce_lse_without_max(logits: Any, targets: Any) -> float:
    logits = np.asarray(logits, dtype=float)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(len(targets)), targets]))


def _ce_one_hot(logits: Any, targets: Any) -> float:
    targets = np.asarray(targets)
    return float(-(targets * _ce_log_probs(logits)).sum() / len(targets))


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-5, atol=1e-5)


CROSS_ENTROPY = Checker(
    f"{A}/cross_entropy",
    title="Cross-entropy from logits",
    reference=_cross_entropy_reference,
    cases=_cross_entropy_cases,
    comparator=_ce_close,
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "softmax-then-log",
            "Taking softmax and then log overflows or hits log(0) = −inf for large logits. "
            "Use log-softmax: z − max z − log Σ exp(z − max z).",
            _ce_softmax_then_log,
        ),
        Misconception(
            "log-of-stable-softmax",
            "Your softmax is stable, but its log is not: when a target's logit lies ~750 or "
            "more below its row's maximum, its probability underflows to 0 and log(0) = −inf, "
            "so the loss is inf. Compute log-probabilities directly: "
            "log_probs = shifted − log Σ exp(shifted), with shifted = z − max z.",
            _ce_stable_softmax_then_log,
        ),
        Misconception(
            "log-sum-exp-without-max",
            "log Σ exp(z) overflows when a logit is large (exp(1000) = inf) and is log(0) "
            "when all are very negative. Subtract the row maximum m first: "
            "LSE(z) = m + log Σ exp(z − m).",
            _ce_lse_without_max,
        ),
        Misconception(
            "summed-not-averaged",
            "You summed over the batch; cross-entropy here is the *mean* over the N examples.",
            lambda lg, t: float(-_ce_picked(lg, t).sum()),
        ),
        Misconception(
            "sign",
            "The loss is the *negative* log-likelihood: it must be ≥ 0.",
            lambda lg, t: float(_ce_picked(lg, t).mean()),
        ),
        Misconception(
            "all-classes",
            "Only the log-probability of each example's target class "
            "counts: index with log_probs[np.arange(N), targets].",
            lambda lg, t: float(-_ce_log_probs(lg).mean()),
        ),
        Misconception(
            "one-hot-targets",
            "targets holds class *indices* (shape (N,)), not one-hot rows: multiplying it with "
            "the (N, C) log-probabilities broadcasts it along the classes. Pick each row's "
            "target entry instead: log_probs[np.arange(N), targets].",
            _ce_one_hot,
        ),
        Misconception(
            "targets-index-columns",
            "log_probs[:, targets] takes the target columns for *every* row (an (N, N) "
            "array); each row needs only its own target: log_probs[np.arange(N), targets].",
            lambda lg, t: float(-_ce_log_probs(lg)[:, np.asarray(t)].mean()),
        ),
    ],
)


CHECKER = CROSS_ENTROPY
