"""A pre-LN decoder block (10-transformer/decoder_block): the checker.

The reference is built from torch modules holding the case's weights:
``h = x + attn(ln1(x))`` with ``attn`` an ``nn.MultiheadAttention(D, num_heads,
batch_first=True)`` under a causal mask, then ``out = h + fc2(GELU_tanh(fc1(ln2(h))))`` with
``nn.LayerNorm(D)`` (eps 1e-5), ``nn.Linear`` layers and ``nn.GELU(approximate="tanh")``.
The weights come in a dict in torch's layout (a linear layer's weight is (d_out, d_in)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t, causal_self_attention, layer_norm_by_hand, torch_mha

EPS = 1e-5


def block_params(rng: np.random.Generator, D: int, d_ff: int) -> dict[str, np.ndarray]:
    """A decoder block's weights in torch's layout, the names of the notebook."""
    return {
        "ln1_weight": 1.0 + 0.2 * rng.normal(size=D),
        "ln1_bias": 0.1 * rng.normal(size=D),
        "attn_in_proj_weight": rng.normal(0.0, D**-0.5, size=(3 * D, D)),
        "attn_in_proj_bias": 0.1 * rng.normal(size=3 * D),
        "attn_out_proj_weight": rng.normal(0.0, D**-0.5, size=(D, D)),
        "attn_out_proj_bias": 0.1 * rng.normal(size=D),
        "ln2_weight": 1.0 + 0.2 * rng.normal(size=D),
        "ln2_bias": 0.1 * rng.normal(size=D),
        "fc1_weight": rng.normal(0.0, D**-0.5, size=(d_ff, D)),
        "fc1_bias": 0.1 * rng.normal(size=d_ff),
        "fc2_weight": rng.normal(0.0, d_ff**-0.5, size=(D, d_ff)),
        "fc2_bias": 0.1 * rng.normal(size=D),
    }


def _modules(params: dict[str, Any], gelu: str = "tanh") -> dict[str, Any]:
    torch = _torch()
    nn = torch.nn
    D = int(np.shape(params["ln1_weight"])[0])
    d_ff = int(np.shape(params["fc1_bias"])[0])
    mods = {
        "ln1": nn.LayerNorm(D, eps=EPS, dtype=torch.float64),
        "ln2": nn.LayerNorm(D, eps=EPS, dtype=torch.float64),
        "fc1": nn.Linear(D, d_ff, dtype=torch.float64),
        "fc2": nn.Linear(d_ff, D, dtype=torch.float64),
        "gelu": nn.GELU(approximate=gelu),
    }
    with torch.no_grad():
        for name in ("ln1", "ln2", "fc1", "fc2"):
            mods[name].weight.copy_(_t(params[f"{name}_weight"]))
            mods[name].bias.copy_(_t(params[f"{name}_bias"]))
    return mods


def _block(x: Any, params: dict[str, Any], num_heads: int, how: str = "pre-LN") -> np.ndarray:
    torch = _torch()
    if how == "scaled-by-model-width":
        # scores / √D instead of / √d_head: the queries (rows 0 … D − 1 of the input
        # projection, and their biases) scaled by √(d_head / D) = 1/√h
        D = int(np.shape(params["ln1_weight"])[0])
        c = float(num_heads) ** -0.5
        params = dict(params)
        w = np.array(params["attn_in_proj_weight"], dtype=float)
        b = np.array(params["attn_in_proj_bias"], dtype=float)
        w[:D] *= c
        b[:D] *= c
        params["attn_in_proj_weight"], params["attn_in_proj_bias"] = w, b
    m = _modules(params, gelu="none" if how == "gelu-exact" else "tanh")
    xt = _t(x)

    def mlp(z: Any) -> Any:
        return m["fc2"](m["gelu"](m["fc1"](z)))

    def attn(z: Any) -> Any:
        if how == "no-causal-mask":
            layer = torch_mha(params, num_heads, prefix="attn_")
            return layer(z, z, z, need_weights=False)[0]
        return causal_self_attention(z, params, num_heads, prefix="attn_")

    with torch.no_grad():
        if how == "post-LN":
            h = m["ln1"](xt + attn(xt))
            return _np(m["ln2"](h + mlp(h)))
        if how == "norm-over-tokens":

            def ln(z: Any, name: str) -> Any:
                g, b = _t(params[f"{name}_weight"]), _t(params[f"{name}_bias"])
                return layer_norm_by_hand(z, g, b, EPS, dim=-2)

            h = xt + attn(ln(xt, "ln1"))
            return _np(h + mlp(ln(h, "ln2")))
        if how == "residuals-missing":
            h = attn(m["ln1"](xt))
            return _np(mlp(m["ln2"](h)))
        h = xt + attn(m["ln1"](xt))
        return _np(h + mlp(m["ln2"](h)))


def _reference(x: Any, params: dict[str, Any], num_heads: int) -> np.ndarray:
    return _block(x, params, num_heads)


def _case(rng: np.random.Generator, B: int, T: int, D: int, h: int, d_ff: int) -> tuple[Any, ...]:
    return (rng.normal(size=(B, T, D)), block_params(rng, D, d_ff), h)


def _cases() -> list[Case]:
    rng = _rng(1006)
    return [
        Case("B = 2, T = 3, D = 4, h = 2, d_ff = 16", _case(rng, 2, 3, 4, 2, 16)),
        Case("B = 3, T = 5, D = 8, h = 4, d_ff = 32", _case(rng, 3, 5, 8, 4, 32)),
        Case("B = 1, T = 7, D = 6, h = 3, d_ff = 10", _case(rng, 1, 7, 6, 3, 10)),
        Case("one head: B = 2, T = 4, D = 5, h = 1, d_ff = 12", _case(rng, 2, 4, 5, 1, 12)),
    ]


def _with(mistake: str) -> Any:
    def wrong(x: Any, params: dict[str, Any], num_heads: int) -> np.ndarray:
        return _block(x, params, num_heads, mistake)

    return wrong


DECODER_BLOCK = Checker(
    f"{A}/decoder_block",
    title="A pre-LN decoder block",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "post-LN",
            "You built a post-LN block (the original Transformer's): LN(x + attn(x)), then "
            "LN(h + mlp(h)). In a pre-LN block the norm comes *first*, inside the branch, and "
            "the residual stream is never normalised: h = x + attn(LN1(x)), "
            "out = h + mlp(LN2(h)).",
            _with("post-LN"),
        ),
        Misconception(
            "residuals-missing",
            "Your block has no residual connections: it returns mlp(LN2(attn(LN1(x)))). Each "
            "branch's output is *added* to its input: h = x + attn(LN1(x)), "
            "out = h + mlp(LN2(h)).",
            _with("residuals-missing"),
        ),
        Misconception(
            "no-causal-mask",
            "Your attention has no causal mask: every token also sees the tokens after it. A "
            "decoder's token i may attend only to keys j ≤ i (set the scores of j > i to −∞ "
            "before the softmax).",
            _with("no-causal-mask"),
        ),
        Misconception(
            "norm-over-tokens",
            "Your LayerNorms normalise over the token axis (axis −2). LayerNorm normalises each "
            "token over its own D features, the last axis.",
            _with("norm-over-tokens"),
        ),
        Misconception(
            "scaled-by-model-width",
            "Your attention scores are divided by √D, the model's width. Each head works in "
            "d_head = D / num_heads dimensions, and its scores q·k are divided by √d_head.",
            _with("scaled-by-model-width"),
        ),
        Misconception(
            "gelu-exact",
            "Your GELU is the exact one, x·Φ(x). This block uses the tanh approximation (GPT-2's, "
            "nn.GELU(approximate='tanh')): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).",
            _with("gelu-exact"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = DECODER_BLOCK
