"""Categorical log-probabilities (05-probability-statistics/categorical_log_pmf): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _t


# -- Categorical (and Bernoulli) log-probabilities ------------------------------------------------
def _categorical_reference(labels: Any, probs: Any) -> np.ndarray:
    torch = _torch()
    dist = torch.distributions.Categorical(probs=_t(probs), validate_args=True)
    return np.asarray(dist.log_prob(torch.as_tensor(np.asarray(labels))).numpy())


def _categorical_cases() -> list[Case]:
    rng = _rng(52)
    p = rng.uniform(0.05, 0.95, size=6)
    return [
        Case(
            "one distribution over K = 3 shared by 5 labels",
            (np.array([0, 2, 1, 2, 2]), np.array([0.2, 0.3, 0.5])),
        ),
        Case(
            "per-example weights (4, 5) that do not sum to 1",
            (np.array([3, 0, 4, 1]), rng.uniform(0.1, 3.0, size=(4, 5))),
        ),
        Case(
            "a Bernoulli as K = 2: probs (6, 2) = [1 − p, p]",
            (np.array([1, 0, 1, 1, 0, 1]), np.stack([1 - p, p], axis=1)),
        ),
        Case(
            "unnormalised shared weights [1, 0, 3] (a zero weight is fine if never observed)",
            (np.array([0, 2, 2]), np.array([1.0, 0.0, 3.0])),
        ),
        Case("label 3 with K = 3 (must raise ValueError)", (np.array([0, 3]), np.ones(3) / 3)),
        Case("label −1 (must raise ValueError)", (np.array([-1, 0]), np.ones(3) / 3)),
    ]


def _categorical_table(labels: Any, probs: Any, normalise: str = "rows") -> tuple[Any, Any]:
    """The labels and one row of (normalised) probabilities per label, without validation."""
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    if normalise == "rows":
        probs = probs / probs.sum(axis=-1, keepdims=True)
    elif normalise == "total":
        probs = probs / probs.sum()
    return labels, np.broadcast_to(probs, (len(labels), probs.shape[-1]))


def _categorical_picked(labels: Any, probs: Any, normalise: str = "rows") -> np.ndarray:
    labels, table = _categorical_table(labels, probs, normalise)
    return np.log(table[np.arange(len(labels)), labels])


def _categorical_rows(labels: Any, probs: Any) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    return np.log(probs / probs.sum(-1, keepdims=True))[np.asarray(labels)]


def _categorical_columns(labels: Any, probs: Any) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    return np.log((probs / probs.sum(-1, keepdims=True))[:, np.asarray(labels)])


def _categorical_logits(labels: Any, probs: Any) -> np.ndarray:
    w = np.asarray(probs, dtype=float)
    top = w.max(axis=-1, keepdims=True)
    log_softmax = w - top - np.log(np.exp(w - top).sum(axis=-1, keepdims=True))
    labels = np.asarray(labels)
    table = np.broadcast_to(log_softmax, (len(labels), w.shape[-1]))
    return table[np.arange(len(labels)), labels]


CATEGORICAL_LOG_PMF = Checker(
    f"{A}/categorical_log_pmf",
    title="Categorical log-probabilities",
    reference=_categorical_reference,
    cases=_categorical_cases,
    misconceptions=[
        Misconception(
            "not-normalised",
            "The weights are not probabilities until you divide by their sum along the last "
            "axis (as torch.distributions.Categorical does): p_k = w_k / Σ_j w_j.",
            lambda labels, probs: _categorical_picked(labels, probs, normalise="none"),
        ),
        # weights divided by the sum of the whole table, not of each row
        Misconception(
            "normalised-over-whole-table",
            "Each row of a (N, K) table is its own distribution: divide by the sum of each "
            "row, probs.sum(axis=-1, keepdims=True), not by the sum of the whole table.",
            lambda labels, probs: _categorical_picked(labels, probs, normalise="total"),
        ),
        # garage pull request 1357, pytorch issue 50378 (probabilities and logits confused)
        Misconception(
            "weights-as-logits",
            "You applied a (log-)softmax: that treats the weights as logits. They are "
            "probabilities up to a constant: log p_k = log w_k − log Σ_j w_j.",
            _categorical_logits,
        ),
        Misconception(
            "indexed-whole-rows",
            "probs[labels] picks whole rows of a (N, K) table; pair row i with label i: "
            "log_probs[np.arange(N), labels].",
            _categorical_rows,
        ),
        # Stack Overflow question 39131192 ("matrix[:, idx]" gives (m, m), not one per row)
        Misconception(
            "indexed-all-rows",
            "probs[:, labels] picks every label's column in every row, a (N, N) table; "
            "pair row i with label i: probs[np.arange(N), labels] (and a shared (K,) "
            "distribution has no second axis).",
            _categorical_columns,
        ),
        Misconception(
            "probability-not-log",
            "You returned the probabilities p(label); the exercise asks for log p(label).",
            lambda labels, probs: np.exp(_categorical_reference(labels, probs)),
        ),
        Misconception(
            "labels-not-checked",
            "Your log-probabilities are right, but the labels are not checked: NumPy wraps "
            "label −1 around to the last class and raises IndexError (not ValueError) past "
            "K − 1. Check 0 <= label < K yourself and raise ValueError.",
            _categorical_picked,
        ),
    ],
)


CHECKER = CATEGORICAL_LOG_PMF
