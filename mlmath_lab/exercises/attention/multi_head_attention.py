"""Multi-head attention, forward (09-attention/multi_head_attention): the checker.

The reference is ``nn.MultiheadAttention(D, h, batch_first=True)`` holding the case's weights
(``in_proj_weight`` (3D, D) with the rows of W_Q, W_K, W_V in that order, ``in_proj_bias``,
``out_proj_weight`` (D, D), ``out_proj_bias``), no dropout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t, mha_by_hand, mha_params, torch_mha


def _mha_reference(
    query: Any, key: Any, value: Any, params: dict[str, Any], num_heads: int
) -> np.ndarray:
    layer = torch_mha(params, num_heads)
    with _torch().no_grad():
        out, _ = layer(_t(query), _t(key), _t(value), need_weights=False)
    return _np(out)


def self_attention_case(
    rng: np.random.Generator, B: int, T: int, D: int, h: int
) -> tuple[Any, ...]:
    x = rng.normal(size=(B, T, D))
    return (x, x, x, mha_params(rng, D), h)


def _cases() -> list[Case]:
    rng = _rng(93)
    return [
        Case(
            "self-attention, B = 2, T = 3, D = 4, h = 2 (d_head = 2)",
            self_attention_case(rng, 2, 3, 4, 2),
        ),
        Case(
            "self-attention, B = 3, T = 5, D = 12, h = 3 (d_head = 4)",
            self_attention_case(rng, 3, 5, 12, 3),
        ),
        Case(
            "self-attention, B = 2, T = 4, D = 8, h = 4 (d_head = 2)",
            self_attention_case(rng, 2, 4, 8, 4),
        ),
        Case("one head: B = 2, T = 6, D = 6, h = 1", self_attention_case(rng, 2, 6, 6, 1)),
        Case("one token: B = 4, T = 1, D = 6, h = 2", self_attention_case(rng, 4, 1, 6, 2)),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        query: Any, key: Any, value: Any, params: dict[str, Any], num_heads: int
    ) -> np.ndarray:
        if mistake == "heads-split-without-transpose":
            return mha_by_hand(query, key, value, params, num_heads, split="no-transpose")
        if mistake == "heads-merged-without-transpose":
            return mha_by_hand(query, key, value, params, num_heads, merge="no-transpose")
        if mistake == "scale-by-model-width":
            return mha_by_hand(query, key, value, params, num_heads, scale_by="D")
        # out-proj-not-transposed: concat @ W_out instead of concat @ W_outᵀ
        swapped = dict(params)
        swapped["out_proj_weight"] = np.asarray(params["out_proj_weight"]).T
        if mistake == "weights-not-transposed":  # x @ W for every projection
            blocks = np.split(np.asarray(params["in_proj_weight"]), 3)
            swapped["in_proj_weight"] = np.concatenate([b.T for b in blocks])
        return mha_by_hand(query, key, value, swapped, num_heads)

    return wrong


MULTI_HEAD_ATTENTION = Checker(
    f"{A}/multi_head_attention",
    title="Multi-head attention: forward",
    reference=_mha_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "heads-split-without-transpose",
            "You split the heads with a reshape to (B, h, T, d_head) straight from (B, T, D): "
            "that cuts the *sequence* into pieces. Head j owns columns j·d_head … (j+1)·d_head "
            "of every token: reshape to (B, T, h, d_head), then swap axes 1 and 2.",
            _with("heads-split-without-transpose"),
        ),
        Misconception(
            "heads-merged-without-transpose",
            "You merged the heads with a reshape of (B, h, T, d_head) straight to (B, T, D). "
            "Move the head axis back next to d_head first — (B, T, h, d_head), "
            "o.transpose(0, 2, 1, 3) — then reshape to (B, T, D).",
            _with("heads-merged-without-transpose"),
        ),
        Misconception(
            "scale-by-model-width",
            "You scaled the scores by 1/√D. Each head's dot products run over d_head = D/h "
            "numbers: the scale is 1/√d_head.",
            _with("scale-by-model-width"),
        ),
        Misconception(
            "out-proj-not-transposed",
            "Your output projection uses out_proj_weight untransposed. torch stores a linear "
            "layer's weight as (d_out, d_in): y = x @ W.T + b, for the input projections and "
            "for the output projection alike.",
            _with("out-proj-not-transposed"),
        ),
        Misconception(
            "weights-not-transposed",
            "Every projection of yours is x @ W, the (d_in, d_out) layout of from-scratch "
            "code. torch stores a linear layer's weight as (d_out, d_in): W_Q, W_K, W_V (the "
            "row blocks of in_proj_weight) and out_proj_weight are all applied as x @ W.T + b.",
            _with("weights-not-transposed"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = MULTI_HEAD_ATTENTION
