"""Backpropagation through an MLP (07-neural-networks/mlp_loss_and_grads): the checker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import (
    A,
    Params,
    _ce_close,
    _init_mlp,
    _n_layers,
    _softmax_ce_reference,
    _softmax_ce_with,
    _t,
    _torch_labels,
    _torch_mlp_loss,
    _torch_params,
)


def _mlp_reference(params: Params, X: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    torch = _torch()
    tp = _torch_params(params)
    loss = _torch_mlp_loss(tp, _t(X), _torch_labels(y))
    grads = torch.autograd.grad(loss, list(tp.values()))
    return loss.item(), {k: g.numpy() for k, g in zip(tp, grads, strict=True)}


def _mlp_cases() -> list[Case]:
    rng = _rng(75)
    return [
        Case(
            "1 layer (softmax regression): 5 examples, 3 → 4 classes",
            (_init_mlp(1, [3, 4]), rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)),
        ),
        Case(
            "2 layers 4 → 5 → 3, 6 examples",
            (_init_mlp(2, [4, 5, 3]), rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)),
        ),
        Case(
            "3 layers 3 → 7 → 5 → 2, 8 examples",
            (_init_mlp(3, [3, 7, 5, 2]), rng.normal(size=(8, 3)), rng.integers(0, 2, size=8)),
        ),
        Case(
            "2 layers 6 → 4 → 5, one example",
            (_init_mlp(4, [6, 4, 5]), rng.normal(size=(1, 6)), np.array([4])),
        ),
    ]


_MLP_MISTAKES = (
    "relu-mask-forgotten",
    "relu-on-logits",
    "not-averaged",
    "dW-transposed",
    "db-not-summed",
)


def _mlp_with(
    params: Mapping[str, Any], X: Any, y: Any, mistake: str
) -> tuple[float, dict[str, Any]]:
    """The MLP's loss and gradients with one known mistake."""
    X = np.asarray(X, float)
    n_layers = _n_layers(params)
    inputs, pre = [], []
    a = X
    for layer in range(1, n_layers + 1):
        inputs.append(a)
        z = a @ np.asarray(params[f"W{layer}"], float).T + np.asarray(params[f"b{layer}"], float)
        pre.append(z)
        a = np.maximum(z, 0.0) if layer < n_layers or mistake == "relu-on-logits" else z
    if mistake not in _MLP_MISTAKES:
        raise ValueError(f"not a known mistake: {mistake!r}")
    if mistake == "not-averaged":
        loss, d = _softmax_ce_with(a, y, "gradient-not-divided-by-N")
    else:
        loss, d = _softmax_ce_reference(a, y)
    grads: dict[str, Any] = {}
    for layer in range(n_layers, 0, -1):
        masked = layer < n_layers or mistake == "relu-on-logits"
        if masked and mistake != "relu-mask-forgotten":
            d = d * (pre[layer - 1] > 0)
        a_prev, W = inputs[layer - 1], np.asarray(params[f"W{layer}"], float)
        grads[f"W{layer}"] = a_prev.T @ d if mistake == "dW-transposed" else d.T @ a_prev
        grads[f"b{layer}"] = d if mistake == "db-not-summed" else d.sum(axis=0)
        d = d @ W
    return loss, {k: grads[k] for k in params}


def _mlp_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda p, X, y: _mlp_with(p, X, y, name))


MLP_LOSS_AND_GRADS = Checker(
    f"{A}/mlp_loss_and_grads",
    title="Backpropagation through an MLP",
    reference=_mlp_reference,
    cases=_mlp_cases,
    comparator=_ce_close,
    misconceptions=[
        _mlp_mistake(
            "relu-mask-forgotten",
            "Going back through a hidden layer, multiply by the ReLU derivative (z > 0) of that "
            "layer's pre-activation: you passed the gradient through the ReLU unchanged.",
        ),
        _mlp_mistake(
            "relu-on-logits",
            "The last layer has no ReLU: its Z_L are the logits, passed to softmax "
            "cross-entropy as they are. You applied a ReLU (and its derivative) to the output "
            "layer too.",
        ),
        _mlp_mistake(
            "not-averaged",
            "Your gradients are N times too large: the loss is the mean over the batch, so "
            "dlogits = (p − y) / N.",
        ),
        _mlp_mistake(
            "dW-transposed",
            "Each grads['Wl'] must have the shape of params['Wl'], (d_out, d_in): dW = dZᵀ A_prev.",
        ),
        _mlp_mistake(
            "db-not-summed",
            "Each grads['bl'] has the shape of params['bl'], (d_l,): the bias is shared by the "
            "whole batch, so its gradient is dZ summed over the examples, dZ.sum(axis=0).",
        ),
    ],
)


CHECKER = MLP_LOSS_AND_GRADS
