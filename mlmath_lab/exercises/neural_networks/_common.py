"""What several of 07-neural-networks's checkers share."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...checks.compare import Mismatch, compare
from ...checks.references import one_torch_thread
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from . import ASSIGNMENT

A = ASSIGNMENT

Params = dict[str, np.ndarray]


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return _torch().tensor(np.asarray(x, dtype=float), dtype=_torch().float64)


def _init_mlp(seed: int, sizes: Sequence[int]) -> Params:
    """He-normal weights and small random biases for an MLP with layer widths ``sizes``."""
    rng = _rng(seed)
    params: Params = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))
        params[f"b{layer}"] = 0.1 * rng.normal(size=fan_out)
    return params


def _n_layers(params: Mapping[str, Any]) -> int:
    return len(params) // 2


def _floats(*arrays: Any) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(a, dtype=float) for a in arrays)


# -- 4. softmax cross-entropy and its gradient -----------------------------------------------------
def _softmax_ce_reference(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    torch = _torch()
    lt = _t(logits).requires_grad_()
    loss = torch.nn.functional.cross_entropy(lt, torch.from_numpy(np.asarray(y, dtype=np.int64)))
    loss.backward()
    return loss.item(), lt.grad.numpy()


_CE_MISTAKES = (
    "gradient-not-divided-by-N",
    "sum-not-mean",
    "gradient-sign",
    "labels-as-columns",
    "softmax-overflow",
    "log-of-softmax",
    "global-max",
)


def _softmax_ce_with(logits: Any, y: Any, mistake: str) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy with one known mistake; the log-probabilities come from torch
    unless the mistake is in them."""
    if mistake not in _CE_MISTAKES:
        raise ValueError(f"not a known mistake: {mistake!r}")
    logits, y = np.asarray(logits, float), np.asarray(y)
    n = len(y)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if mistake == "softmax-overflow":
            e = np.exp(logits)
            log_probs = np.log(e / e.sum(axis=1, keepdims=True))
        elif mistake == "log-of-softmax":
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            log_probs = np.log(e / e.sum(axis=1, keepdims=True))
        elif mistake == "global-max":
            shifted = logits - logits.max()
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        else:
            log_probs = _torch().log_softmax(_t(logits), dim=1).numpy()
        probs = np.exp(log_probs)
    per_example = -log_probs[np.arange(n), y]
    loss = float(per_example.sum() if mistake == "sum-not-mean" else per_example.mean())
    grad = probs.copy()
    if mistake == "labels-as-columns":
        grad[:, y] -= 1.0
    else:
        grad[np.arange(n), y] -= 1.0
    if mistake == "gradient-sign":
        grad = -grad
    per_n = mistake not in ("gradient-not-divided-by-N", "sum-not-mean")
    return loss, grad / n if per_n else grad


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


# -- 5. an MLP: loss and gradients of every parameter ----------------------------------------------
def _torch_mlp_loss(
    params: Mapping[str, Any], X: Any, y: Any, *, relu_backward: bool = True
) -> Any:
    """Mean cross-entropy of a ReLU MLP whose parameters are torch tensors.

    ``relu_backward=False`` keeps the ReLU's forward pass but passes gradients through it
    unchanged (the known mistake of forgetting the ReLU derivative in backpropagation).
    """
    torch = _torch()
    F = torch.nn.functional
    a = X
    n_layers = _n_layers(params)
    for layer in range(1, n_layers + 1):
        a = F.linear(a, params[f"W{layer}"], params[f"b{layer}"])
        if layer < n_layers:
            a = torch.relu(a) if relu_backward else a + (torch.relu(a) - a).detach()
    return F.cross_entropy(a, y)


def _torch_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _t(v).requires_grad_() for k, v in params.items()}


def _torch_labels(y: Any) -> Any:
    return _torch().from_numpy(np.asarray(y, dtype=np.int64))


# -- 7. initialisation: the scale ------------------------------------------------------------------
def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    torch = _torch()
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    return int(fan_in), int(fan_out)


def _init_scale_reference(kind: str, shape: tuple[int, ...]) -> float:
    """The bound of torch's xavier_uniform_ or the std of its kaiming_normal_ (relu, fan_in)."""
    torch = _torch()
    if kind not in ("xavier_uniform", "he_normal"):
        raise ValueError(f"unknown initialisation {kind!r}")
    fan_in, fan_out = _fans(shape)
    if kind == "xavier_uniform":
        std = torch.nn.init.calculate_gain("linear") * np.sqrt(2.0 / (fan_in + fan_out))
        return float(np.sqrt(3.0) * std)
    return float(torch.nn.init.calculate_gain("relu") / np.sqrt(fan_in))


def _train_torch(
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    steps: int,
    threshold: float | None,
    mistake: str = "",
) -> tuple[Params, np.ndarray, bool]:
    """Full-batch gradient descent with autograd; with a threshold, stop when the loss is below
    it. ``mistake`` names a known mistake of the training loop (for the checker's hints)."""
    with one_torch_thread():
        tp = _torch_params(params)
        return _descend(tp, _t(X), _torch_labels(y), lr, steps, threshold, mistake)


def _descend(
    tp: dict[str, Any],
    Xt: Any,
    yt: Any,
    lr: float,
    steps: int,
    threshold: float | None,
    mistake: str,
) -> tuple[Params, np.ndarray, bool]:
    torch = _torch()
    losses: list[float] = []
    reached = False
    direction = 1.0 if mistake == "ascent" else -1.0
    for step in range(steps + (threshold is not None)):
        loss = _torch_mlp_loss(tp, Xt, yt, relu_backward=mistake != "wrong-gradient")
        losses.append(loss.item())
        if threshold is not None and losses[-1] < threshold:
            reached = True
            break
        if step == steps:
            break
        grads = torch.autograd.grad(loss, list(tp.values()))
        with torch.no_grad():
            for p, g in zip(tp.values(), grads, strict=True):
                p += direction * lr * g
    if mistake in ("loss-after-update", "final-loss-appended"):
        with torch.no_grad():
            final = _torch_mlp_loss(tp, Xt, yt).item()
        losses = [*losses[1:], final] if mistake == "loss-after-update" else [*losses, final]
    return {k: v.detach().numpy() for k, v in tp.items()}, np.array(losses), reached


def _losses_array(losses: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(losses, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.ndim == 1 else None
