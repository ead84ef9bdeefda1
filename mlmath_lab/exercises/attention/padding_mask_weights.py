"""Attention weights with a key padding mask (09-attention/padding_mask_weights): the checker.

The reference is ``nn.MultiheadAttention(batch_first=True)(query, key, key,
key_padding_mask=..., need_weights=True, average_attn_weights=False)[1]``, of shape
(B, h, Tq, Tk); ``key_padding_mask`` (B, Tk) is True where a key is padding (ignored)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t, mha_params, torch_mha


def _weights_reference(
    query: Any, key: Any, params: dict[str, Any], num_heads: int, key_padding_mask: Any
) -> np.ndarray:
    torch = _torch()
    layer = torch_mha(params, num_heads)
    padding = torch.tensor(np.asarray(key_padding_mask, dtype=bool))
    with torch.no_grad():
        _, weights = layer(
            _t(query),
            _t(key),
            _t(key),
            key_padding_mask=padding,
            need_weights=True,
            average_attn_weights=False,
        )
    return _np(weights)


def padding_case(
    rng: np.random.Generator, lengths: list[int], tq: int, tk: int, D: int, h: int
) -> tuple[Any, ...]:
    B = len(lengths)
    padding = np.arange(tk)[None, :] >= np.array(lengths)[:, None]
    return (
        rng.normal(size=(B, tq, D)),
        rng.normal(size=(B, tk, D)),
        mha_params(rng, D),
        h,
        padding,
    )


def _head_scores(
    query: Any, key: Any, params: dict[str, Any], num_heads: int, scale_by: str = "d_head"
) -> Any:
    W, b = _t(params["in_proj_weight"]), _t(params["in_proj_bias"])
    D = W.shape[1]
    h = int(num_heads)
    dh = D // h
    q, k = _t(query) @ W[:D].T + b[:D], _t(key) @ W[D : 2 * D].T + b[D : 2 * D]
    B, tq, tk = q.shape[0], q.shape[1], k.shape[1]
    qh = q.reshape(B, tq, h, dh).transpose(1, 2)
    kh = k.reshape(B, tk, h, dh).transpose(1, 2)
    return qh @ kh.transpose(-2, -1) * (D if scale_by == "D" else dh) ** -0.5


def _with(mistake: str) -> Any:
    def wrong(
        query: Any, key: Any, params: dict[str, Any], num_heads: int, key_padding_mask: Any
    ) -> np.ndarray:
        torch = _torch()
        padding = torch.tensor(np.asarray(key_padding_mask, dtype=bool))[:, None, None, :]
        scale_by = "D" if mistake == "scale-by-model-width" else "d_head"
        S = _head_scores(query, key, params, num_heads, scale_by)
        if mistake == "padding-mask-inverted":
            P = torch.nan_to_num(torch.softmax(S.masked_fill(~padding, float("-inf")), -1))
        elif mistake == "mask-after-softmax":
            P = torch.softmax(S, -1).masked_fill(padding, 0.0)
        else:
            P = torch.softmax(S.masked_fill(padding, float("-inf")), -1)
        if mistake == "weights-averaged-over-heads":
            P = P.mean(dim=1)
        return _np(P)

    return wrong


def _cases() -> list[Case]:
    rng = _rng(97)
    return [
        Case(
            "self-attention lengths 3 and 2 of T = 3, D = 4, h = 2",
            padding_case(rng, [3, 2], 3, 3, 4, 2),
        ),
        Case(
            "lengths 5, 2, 4 of Tk = 5, Tq = 4, D = 6, h = 3",
            padding_case(rng, [5, 2, 4], 4, 5, 6, 3),
        ),
        Case(
            "lengths 1 and 6: one sequence of a single token, Tq = 2, D = 8, h = 2",
            padding_case(rng, [1, 6], 2, 6, 8, 2),
        ),
        Case(
            "no padding: lengths 4 and 4, Tq = 3, D = 6, h = 2",
            padding_case(rng, [4, 4], 3, 4, 6, 2),
        ),
    ]


PADDING_MASK_WEIGHTS = Checker(
    f"{A}/padding_mask_weights",
    title="Attention weights with a key padding mask",
    reference=_weights_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "padding-mask-inverted",
            "You kept the padding and masked the real tokens: in torch's key_padding_mask, "
            "True means *ignore this key*. Set the scores to −∞ where the mask is True.",
            _with("padding-mask-inverted"),
        ),
        Misconception(
            "mask-after-softmax",
            "You zeroed the padded keys' weights after the softmax, so the rows no longer sum to "
            "1. Mask the scores (−∞) before the softmax.",
            _with("mask-after-softmax"),
        ),
        Misconception(
            "weights-averaged-over-heads",
            "You averaged the weights over the heads, as torch does by default "
            "(average_attn_weights=True). Return each head's weights: shape (B, h, Tq, Tk).",
            _with("weights-averaged-over-heads"),
        ),
        Misconception(
            "scale-by-model-width",
            "You scaled the scores by 1/√D. Each head's dot products run over d_head = D/h "
            "numbers: the scale is 1/√d_head.",
            _with("scale-by-model-width"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = PADDING_MASK_WEIGHTS
