"""What several of 10-transformer's checkers share."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.references import float64_tensor
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

# -- what the exercises' "Not allowed here" lines name (torch is always forbidden) ----------------
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="NumPy is enough: write the softmax, the norms and the GELU yourself.",
)
NOT_ALLOWED = [SCIPY]


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return float64_tensor(x)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


# -- LayerNorm written out in torch, so that a known mistake can change one step -------------------
def layer_norm_by_hand(
    x: Any,
    gamma: Any,
    beta: Any,
    eps: float,
    *,
    dim: int = -1,
    unbiased: bool = False,
    eps_outside: bool = False,
) -> Any:
    """(x − mean) / √(var + eps) · gamma + beta over ``dim``, as torch tensors (autograd flows)."""
    torch = _torch()
    mu = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True, unbiased=unbiased)
    sd = torch.sqrt(var) + eps if eps_outside else torch.sqrt(var + eps)
    return (x - mu) / sd * gamma + beta


# -- nn.MultiheadAttention with given weights (the layout of 09) ----------------------------------
def mha_params(rng: np.random.Generator, D: int, prefix: str = "") -> dict[str, np.ndarray]:
    """Weights for an nn.MultiheadAttention of width D, in its own layout."""
    return {
        f"{prefix}in_proj_weight": rng.normal(0.0, D**-0.5, size=(3 * D, D)),
        f"{prefix}in_proj_bias": 0.1 * rng.normal(size=3 * D),
        f"{prefix}out_proj_weight": rng.normal(0.0, D**-0.5, size=(D, D)),
        f"{prefix}out_proj_bias": 0.1 * rng.normal(size=D),
    }


def torch_mha(params: dict[str, Any], num_heads: int, prefix: str = "") -> Any:
    """nn.MultiheadAttention(batch_first=True, float64) holding ``params``."""
    torch = _torch()
    D = int(np.shape(params[f"{prefix}out_proj_weight"])[0])
    layer = torch.nn.MultiheadAttention(
        D, int(num_heads), batch_first=True, dtype=torch.float64, dropout=0.0
    )
    with torch.no_grad():
        layer.in_proj_weight.copy_(_t(params[f"{prefix}in_proj_weight"]))
        layer.in_proj_bias.copy_(_t(params[f"{prefix}in_proj_bias"]))
        layer.out_proj.weight.copy_(_t(params[f"{prefix}out_proj_weight"]))
        layer.out_proj.bias.copy_(_t(params[f"{prefix}out_proj_bias"]))
    return layer.eval()


def causal_attn_mask(T: int) -> Any:
    """torch's boolean attn_mask for nn.MultiheadAttention: True where a key is *hidden* (j > i)."""
    torch = _torch()
    return torch.ones(T, T, dtype=torch.bool).triu(1)


def causal_self_attention(x: Any, params: dict[str, Any], num_heads: int, prefix: str = "") -> Any:
    """Causal multi-head self-attention of the tensor ``x`` (B, T, D) by nn.MultiheadAttention."""
    layer = torch_mha(params, num_heads, prefix)
    T = x.shape[1]
    out, _ = layer(x, x, x, attn_mask=causal_attn_mask(T), need_weights=False)
    return out
