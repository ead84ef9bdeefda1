"""What several of 09-attention's checkers share."""

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
    why="Write the softmax yourself (subtract the row's maximum first): NumPy is enough.",
)
NOT_ALLOWED = [SCIPY]


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return float64_tensor(x)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def _softmax(S: Any, dim: int = -1) -> Any:
    return _torch().softmax(S, dim=dim)


def _scores(Q: Any, K: Any, scale: float | None = None) -> Any:
    """Q Kᵀ · scale as torch tensors (scale 1/√d unless given)."""
    Qt, Kt = _t(Q), _t(K)
    d = Qt.shape[-1]
    return Qt @ Kt.transpose(-2, -1) * (d**-0.5 if scale is None else scale)


# -- nn.MultiheadAttention with given weights ------------------------------------------------------
PARAM_NAMES = ("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias")


def mha_params(rng: np.random.Generator, D: int) -> dict[str, np.ndarray]:
    """Weights for an nn.MultiheadAttention of width D, in its own layout."""
    return {
        "in_proj_weight": rng.normal(0.0, D**-0.5, size=(3 * D, D)),
        "in_proj_bias": 0.1 * rng.normal(size=3 * D),
        "out_proj_weight": rng.normal(0.0, D**-0.5, size=(D, D)),
        "out_proj_bias": 0.1 * rng.normal(size=D),
    }


def torch_mha(params: dict[str, Any], num_heads: int) -> Any:
    """nn.MultiheadAttention(batch_first=True, float64) holding ``params``."""
    torch = _torch()
    D = int(np.shape(params["out_proj_weight"])[0])
    layer = torch.nn.MultiheadAttention(
        D, int(num_heads), batch_first=True, dtype=torch.float64, dropout=0.0
    )
    with torch.no_grad():
        layer.in_proj_weight.copy_(_t(params["in_proj_weight"]))
        layer.in_proj_bias.copy_(_t(params["in_proj_bias"]))
        layer.out_proj.weight.copy_(_t(params["out_proj_weight"]))
        layer.out_proj.bias.copy_(_t(params["out_proj_bias"]))
    return layer.eval()


def mha_by_hand(
    query: Any,
    key: Any,
    value: Any,
    params: dict[str, Any],
    num_heads: int,
    *,
    split: str = "right",
    merge: str = "right",
    scale_by: str = "d_head",
) -> np.ndarray:
    """Multi-head attention written out in torch, with one step done a known wrong way
    (``split="no-transpose"``, ``merge="no-transpose"``, ``scale_by="D"``)."""
    torch = _torch()
    W, b = _t(params["in_proj_weight"]), _t(params["in_proj_bias"])
    Wo, bo = _t(params["out_proj_weight"]), _t(params["out_proj_bias"])
    D = Wo.shape[0]
    h = int(num_heads)
    dh = D // h
    q = _t(query) @ W[:D].T + b[:D]
    k = _t(key) @ W[D : 2 * D].T + b[D : 2 * D]
    v = _t(value) @ W[2 * D :].T + b[2 * D :]

    def heads(x: Any) -> Any:
        B, T, _ = x.shape
        if split == "no-transpose":
            return x.reshape(B, h, T, dh)
        return x.reshape(B, T, h, dh).transpose(1, 2)

    qh, kh, vh = heads(q), heads(k), heads(v)
    scale = D**-0.5 if scale_by == "D" else dh**-0.5
    P = torch.softmax(qh @ kh.transpose(-2, -1) * scale, dim=-1)
    o = P @ vh
    B, _, Tq, _ = o.shape
    merged = o.reshape(B, Tq, D) if merge == "no-transpose" else o.transpose(1, 2).reshape(B, Tq, D)
    return _np(merged @ Wo.T + bo)
