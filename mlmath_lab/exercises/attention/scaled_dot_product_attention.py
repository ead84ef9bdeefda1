"""Scaled dot-product attention (09-attention/scaled_dot_product_attention): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _scores, _softmax, _t


def _sdpa_reference(Q: Any, K: Any, V: Any) -> tuple[np.ndarray, np.ndarray]:
    F = _torch().nn.functional
    out = F.scaled_dot_product_attention(_t(Q), _t(K), _t(V))
    return _np(out), _np(_softmax(_scores(Q, K)))


def qkv(
    rng: np.random.Generator, batch: tuple[int, ...], tq: int, tk: int, d: int, dv: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        rng.normal(size=(*batch, tq, d)),
        rng.normal(size=(*batch, tk, d)),
        rng.normal(size=(*batch, tk, dv)),
    )


NOTES_Q = np.array([[[1.0, 0.0], [0.0, 2.0]]])
NOTES_K = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
NOTES_V = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])


def _cases() -> list[Case]:
    rng = _rng(91)
    return [
        Case("the notes' example: Q (1, 2, 2), K and V (1, 3, 2)", (NOTES_Q, NOTES_K, NOTES_V)),
        Case("B = 2: Q (2, 3, 4), K (2, 5, 4), V (2, 5, 6)", qkv(rng, (2,), 3, 5, 4, 6)),
        Case(
            "B = 2, h = 3: Q (2, 3, 4, 8), K (2, 3, 6, 8), V (2, 3, 6, 5)",
            qkv(rng, (2, 3), 4, 6, 8, 5),
        ),
        Case("square: Q, K (3, 5, 16), V (3, 5, 2)", qkv(rng, (3,), 5, 5, 16, 2)),
        Case(
            "one key: Q (2, 4, 3), K (2, 1, 3), V (2, 1, 4) — every weight is 1",
            qkv(rng, (2,), 4, 1, 3, 4),
        ),
        Case(
            "more queries than keys: Q (1, 7, 9), K (1, 2, 9), V (1, 2, 3)",
            qkv(rng, (1,), 7, 2, 9, 3),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(Q: Any, K: Any, V: Any) -> tuple[np.ndarray, np.ndarray]:
        d = np.shape(Q)[-1]
        if mistake == "scale-by-d":
            P = _softmax(_scores(Q, K, 1.0 / d))
        elif mistake == "no-scale":
            P = _softmax(_scores(Q, K, 1.0))
        elif mistake == "softmax-over-queries":
            P = _softmax(_scores(Q, K), dim=-2)
        else:  # scores-transposed: S = K Qᵀ, softmax over its last axis
            P = _softmax(_scores(K, Q))
            if P.shape[-1] != _t(V).shape[-2]:
                raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension")
        return _np(P @ _t(V)), _np(P)

    return wrong


SCALED_DOT_PRODUCT_ATTENTION = Checker(
    f"{A}/scaled_dot_product_attention",
    title="Scaled dot-product attention",
    reference=_sdpa_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "scale-by-d",
            "You divided the scores by d. The scale is 1/√d: with entries of unit variance, "
            "q·k sums d products and has variance d, so dividing by √d brings it back to 1 "
            "(dividing by d makes the weights too flat).",
            _with("scale-by-d"),
        ),
        Misconception(
            "no-scale",
            "Your scores are not scaled: S = Q Kᵀ / √d, with d = Q.shape[-1]. Without it the "
            "softmax saturates as d grows (almost one-hot weights, vanishing gradients).",
            _with("no-scale"),
        ),
        Misconception(
            "softmax-over-queries",
            "Your softmax normalises over the queries (axis −2). Each query's weights over the "
            "keys must sum to 1: softmax over the last axis, the keys (axis=-1).",
            _with("softmax-over-queries"),
        ),
        Misconception(
            "scores-transposed",
            "You computed K Qᵀ, of shape (…, Tk, Tq): the scores are S = Q Kᵀ, one row per "
            "query and one column per key (K.swapaxes(-1, -2)), so that P @ V has Tq rows.",
            _with("scores-transposed"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = SCALED_DOT_PRODUCT_ATTENTION
