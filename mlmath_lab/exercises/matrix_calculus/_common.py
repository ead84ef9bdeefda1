"""What several of 03-matrix-calculus's checkers share."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

AUTOGRAD = Forbidden(
    "an automatic-differentiation library",
    modules=("jax", "autograd", "tensorflow"),
    why="Use NumPy only: the point is to derive the derivatives yourself.",
)
NUMPY_ONLY = [AUTOGRAD]


def _t(array: Any) -> Any:
    """A float64 torch tensor holding a copy of ``array``."""
    return _torch().tensor(np.asarray(array, dtype=np.float64))


# -- backprop through a two-layer network ----------------------------------------------------------
NetCase = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _network(
    rng: np.random.Generator, n: int, d: int, h: int, k: int, *, classes: bool, scale: float = 1.0
) -> NetCase:
    x = rng.normal(size=(n, d))
    w1 = scale * rng.normal(size=(d, h)) / np.sqrt(d)
    b1 = 0.1 * rng.normal(size=h)
    w2 = rng.normal(size=(h, k)) / np.sqrt(h)
    b2 = 0.1 * rng.normal(size=k)
    y = rng.integers(0, k, size=n) if classes else rng.normal(size=(n, k))
    return x, y, w1, b1, w2, b2


def _torch_network_gradients(
    x: Any, y: Any, w1: Any, b1: Any, w2: Any, b2: Any, *, classes: bool
) -> dict[str, Any]:
    torch = _torch()
    params = [_t(p).requires_grad_(True) for p in (w1, b1, w2, b2)]
    tw1, tb1, tw2, tb2 = params
    if classes:
        hidden = torch.relu(_t(x) @ tw1 + tb1)
        logits = hidden @ tw2 + tb2
        loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(np.asarray(y)))
    else:
        hidden = torch.tanh(_t(x) @ tw1 + tb1)
        loss = torch.nn.functional.mse_loss(hidden @ tw2 + tb2, _t(y))
    loss.backward()
    grads = {
        name: p.grad.numpy() for name, p in zip(("dW1", "db1", "dW2", "db2"), params, strict=True)
    }
    return {"loss": float(loss.detach()), **grads}


def _reduce_bias(g: np.ndarray, bias: str) -> np.ndarray:
    if bias == "mean":
        return g.mean(axis=0)
    if bias == "keepdims":
        return g.sum(axis=0, keepdims=True)
    return g.sum(axis=0)


BIAS_KEEPDIMS_HINT = (
    "Your bias gradients have shape (1, H): sum(axis=0, keepdims=True) keeps an axis that the "
    "bias does not have (the column layout of some courses). A gradient has the shape of its "
    "parameter: db = dZ.sum(axis=0)."
)
