"""The entropy of the attention weights (09-attention/attention_entropy): the checker.

The mean, over every query (and batch entry), of H(p) = −Σ_j p_j ln p_j, with
p = softmax(Q Kᵀ · scale) over the keys; scale 1/√d when it is None; 0·ln 0 = 0."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _scores


def _entropy(P: Any, log: Any) -> float:
    torch = _torch()
    terms = torch.where(P > 0, -P * log(torch.where(P > 0, P, torch.ones_like(P))), 0.0)
    return float(terms.sum(dim=-1).mean())


def _entropy_reference(Q: Any, K: Any, scale: float | None = None) -> float:
    torch = _torch()
    S = _scores(Q, K, scale)
    # torch's own entropy of a categorical distribution over the keys
    return float(torch.distributions.Categorical(logits=S).entropy().mean())


def _cases() -> list[Case]:
    rng = _rng(96)

    def qk(B: int, tq: int, tk: int, d: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.normal(size=(B, tq, d)), rng.normal(size=(B, tk, d))

    return [
        Case(
            "the notes' example: scale 0 gives uniform weights, ln 4 (Q (1, 3, 2), K (1, 4, 2))",
            (*qk(1, 3, 4, 2), 0.0),
        ),
        Case("d = 64, scale None (1/√d): B = 2, Tq = 5, Tk = 8", qk(2, 5, 8, 64)),
        Case("d = 64, scale 1 (unscaled): B = 2, Tq = 5, Tk = 8", (*qk(2, 5, 8, 64), 1.0)),
        Case("d = 4, scale 0.5: B = 3, Tq = 4, Tk = 6", (*qk(3, 4, 6, 4), 0.5)),
        Case(
            "scale 100: weights underflow to exactly 0 (0·ln 0 = 0): B = 1, Tq = 3, Tk = 5",
            (*qk(1, 3, 5, 16), 100.0),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(Q: Any, K: Any, scale: float | None = None) -> float:
        torch = _torch()
        S = _scores(Q, K, scale)
        if mistake == "entropy-in-bits":
            return _entropy(torch.softmax(S, dim=-1), torch.log2)
        if mistake == "softmax-over-queries":
            P = torch.softmax(S, dim=-2)
            return _entropy(P, torch.log)
        if mistake == "zero-times-log-zero":
            P = torch.softmax(S, dim=-1)
            return float((-(P * torch.log(P)).sum(dim=-1)).mean())
        # entropy-summed-over-queries: the total, not the mean per query
        P = torch.softmax(S, dim=-1)
        return _entropy(P, torch.log) * int(np.prod(P.shape[:-1]))

    return wrong


ATTENTION_ENTROPY = Checker(
    f"{A}/attention_entropy",
    title="The entropy of the attention weights",
    reference=_entropy_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "entropy-in-bits",
            "Your entropy is in bits (log base 2). This exercise, like torch, uses nats: "
            "H = −Σ p ln p with np.log; a uniform row over n keys has entropy ln n.",
            _with("entropy-in-bits"),
        ),
        Misconception(
            "softmax-over-queries",
            "Your softmax normalises over the queries (axis −2): each query's weights over the "
            "keys sum to 1, so the softmax and the entropy's sum both run over the last axis.",
            _with("softmax-over-queries"),
        ),
        Misconception(
            "zero-times-log-zero",
            "Your entropy is NaN where a weight underflows to exactly 0 (0 · ln 0 = 0 · (−∞)). "
            "Take 0·ln 0 = 0: sum only over p > 0, e.g. np.where(p > 0, -p * np.log(np.where("
            "p > 0, p, 1)), 0), or compute −Σ p ln p from the log-softmax.",
            _with("zero-times-log-zero"),
        ),
        Misconception(
            "entropy-summed-over-queries",
            "You added up the entropies of all rows: return their *mean* over the batch and the "
            "queries (one number, at most ln Tk).",
            _with("entropy-summed-over-queries"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = ATTENTION_ENTROPY
