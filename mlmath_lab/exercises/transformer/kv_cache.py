"""Decoding with a KV cache (10-transformer/kv_cache): the checker.

The checked function is ``decode_with_kv_cache(x, params, num_heads)``: causal multi-head
self-attention (``nn.MultiheadAttention``'s weights, as in 09) computed one token at a time,
each step appending the new token's key and value to a cache on the *time* axis and attending
with the new query to everything cached. It returns ``{"out": (B, T, D), "k": (B, h, T,
d_head), "v": (B, h, T, d_head)}``: the outputs at every position and the final cache. The
reference recomputes the whole sequence at once with torch's causal ``nn.MultiheadAttention``,
and takes the cache from the full key and value projections, split into heads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t, causal_self_attention, mha_params


def _projections(x: Any, params: dict[str, Any], num_heads: int) -> tuple[Any, Any, Any]:
    """q, k, v of every token, split into heads: (B, h, T, d_head) each."""
    W, b = _t(params["in_proj_weight"]), _t(params["in_proj_bias"])
    B, T, D = x.shape
    h = int(num_heads)

    def heads(z: Any) -> Any:
        return z.reshape(B, T, h, D // h).transpose(1, 2)

    return (
        heads(x @ W[:D].T + b[:D]),
        heads(x @ W[D : 2 * D].T + b[D : 2 * D]),
        heads(x @ W[2 * D :].T + b[2 * D :]),
    )


def _reference(x: Any, params: dict[str, Any], num_heads: int) -> dict[str, np.ndarray]:
    torch = _torch()
    xt = _t(x)
    with torch.no_grad():
        out = causal_self_attention(xt, params, num_heads)
        _, k, v = _projections(xt, params, num_heads)
    return {"out": _np(out), "k": _np(k), "v": _np(v)}


def _stepwise(x: Any, params: dict[str, Any], num_heads: int, mistake: str) -> dict[str, Any]:
    """The token-by-token loop in torch, with one known step done wrong."""
    torch = _torch()
    xt = _t(x)
    B, T, D = xt.shape
    h = int(num_heads)
    q, k, v = _projections(xt, params, num_heads)
    Wo, bo = _t(params["out_proj_weight"]), _t(params["out_proj_bias"])
    axis = 1 if mistake == "shape-error-in-the-loop" else 2  # heads instead of time
    cache_k = k[:, :, :0]
    cache_v = v[:, :, :0]
    outs = []
    for t in range(T):
        q_t = q[:, :, t : t + 1]
        if mistake == "own-key-left-out":
            keys, values = cache_k, cache_v  # attends before appending
        try:
            cache_k = torch.cat([cache_k, k[:, :, t : t + 1]], dim=axis)
            cache_v = torch.cat([cache_v, v[:, :, t : t + 1]], dim=axis)
            if mistake != "own-key-left-out":
                keys, values = cache_k, cache_v
            if mistake == "causal-mask-on-one-query":
                # tril(ones(1, t + 1)), aligned top-left: only key 0 stays
                keys, values = keys[:, :, :1], values[:, :, :1]
            scores = q_t @ keys.transpose(-2, -1) / np.sqrt(D // h)
            o_t = torch.softmax(scores, dim=-1) @ values
        except RuntimeError as error:  # numpy says ValueError where torch says RuntimeError
            raise ValueError(str(error)) from None
        if o_t.shape[-2] == 0 or keys.shape[-2] == 0:
            o_t = torch.zeros_like(q_t)
        outs.append(o_t.transpose(1, 2).reshape(B, 1, D) @ Wo.T + bo)
    return {"out": _np(torch.cat(outs, dim=1)), "k": _np(cache_k), "v": _np(cache_v)}


def _case(rng: np.random.Generator, B: int, T: int, D: int, h: int) -> tuple[Any, ...]:
    return (rng.normal(size=(B, T, D)), mha_params(rng, D), h)


def _cases() -> list[Case]:
    rng = _rng(1009)
    return [
        Case("B = 2, T = 3, D = 4, h = 2", _case(rng, 2, 3, 4, 2)),
        Case("B = 3, T = 6, D = 12, h = 3", _case(rng, 3, 6, 12, 3)),
        Case("B = 2, T = 5, D = 8, h = 4", _case(rng, 2, 5, 8, 4)),
        Case("B = 4, T = 2, D = 6, h = 2", _case(rng, 4, 2, 6, 2)),
    ]


def _with(mistake: str) -> Any:
    def wrong(x: Any, params: dict[str, Any], num_heads: int) -> dict[str, Any]:
        return _stepwise(x, params, num_heads, mistake)

    return wrong


KV_CACHE = Checker(
    f"{A}/kv_cache",
    title="Decoding with a KV cache",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            # The mistake written here grows the cache on the heads axis; a student's ValueError
            # on every case is only known by its type, and a softmax over the empty cache of
            # step 0 (attending before appending, with the stable softmax's max) raises one too.
            "shape-error-in-the-loop",
            "Your function raised a ValueError on every case: something in the loop stops "
            "fitting at the first or second step. The two usual causes: the cache grown on the "
            "heads axis (1) or the batch axis (0) — the cache is (B, h, t, d_head) and grows "
            "by one *time step* per token, np.concatenate([cache_k, k_t], axis=2), starting "
            "from (B, h, 0, d_head); or attending before appending, so that step 0 takes a "
            "softmax over an empty cache — append the new key and value first, then attend "
            "(token t sees keys 0 … t).",
            _with("shape-error-in-the-loop"),
        ),
        Misconception(
            "own-key-left-out",
            "Your new token attends only to the past: you attended before appending its own key "
            "and value. Token t may attend to keys 0 … t, itself included — append first, then "
            "attend.",
            _with("own-key-left-out"),
        ),
        Misconception(
            "causal-mask-on-one-query",
            "Every step attends only to the first token: you applied a causal mask built for "
            "one query, tril(ones((1, t + 1))), which is aligned top-left and keeps key 0 "
            "alone. The one new query is the *last* position: it may see the whole cache, so "
            "no mask is needed.",
            _with("causal-mask-on-one-query"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = KV_CACHE
