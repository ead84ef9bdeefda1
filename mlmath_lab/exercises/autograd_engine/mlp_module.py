"""Linear layers and an MLP (12-autograd-engine/mlp_module): the checker.

The checked function is the notebook's ``mlp_forward_backward(params, X, y)``: an MLP of the
student's ``Linear`` layers, one per ``{"W": (in, out), "b": (out,)}`` of ``params``, ReLU
between layers and none after the last, the fused cross-entropy of its logits against the
labels ``y``; it returns ``(loss, [{"W": dW, "b": db} per layer])``. The reference is the same
network in torch (``F.linear`` with ``W.T``: torch stores its weight as (out, in)) and
autograd."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import one_torch_thread
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t

Layers = list[dict[str, np.ndarray]]


def _mlp(params: Sequence[Mapping[str, Any]], X: Any, y: Any, mistake: str = "") -> tuple:
    torch = _torch()
    F = torch.nn.functional
    with one_torch_thread():
        tp = [{k: _t(v).requires_grad_() for k, v in layer.items()} for layer in params]
        h = _t(X)
        for i, layer in enumerate(tp):
            h = F.linear(h, layer["W"].T, layer["b"])
            last = i == len(tp) - 1
            if (not last and mistake != "no-hidden-activation") or (
                last and mistake == "relu-on-logits"
            ):
                h = torch.relu(h)
        loss = F.cross_entropy(h, torch.from_numpy(np.asarray(y, dtype=np.int64)))
        flat = [p for layer in tp for p in (layer["W"], layer["b"])]
        grads = torch.autograd.grad(loss, flat)
    out = [{"W": _np(grads[2 * i]), "b": _np(grads[2 * i + 1])} for i in range(len(tp))]
    return float(loss.item()), out


def _reference(params: Sequence[Mapping[str, Any]], X: Any, y: Any) -> tuple:
    return _mlp(params, X, y)


def init_mlp(rng: np.random.Generator, sizes: Sequence[int]) -> Layers:
    """torch's nn.Linear initialisation, U(−1/√in, 1/√in), in the (in, out) layout."""
    layers = []
    for n_in, n_out in itertools.pairwise(sizes):
        bound = 1.0 / np.sqrt(n_in)
        layers.append(
            {
                "W": rng.uniform(-bound, bound, size=(n_in, n_out)),
                "b": rng.uniform(-bound, bound, size=n_out),
            }
        )
    return layers


def mlp_case(rng: np.random.Generator, n: int, sizes: Sequence[int]) -> tuple:
    return (
        init_mlp(rng, sizes),
        rng.normal(size=(n, sizes[0])),
        rng.integers(0, sizes[-1], size=n),
    )


def _cases() -> list[Case]:
    rng = _rng(126)
    return [
        Case(
            "the notes' example: one layer (softmax regression) 3 → 2, N = 4",
            mlp_case(rng, 4, [3, 2]),
        ),
        Case("3 → 5 → 4, N = 6", mlp_case(rng, 6, [3, 5, 4])),
        Case("4 → 8 → 6 → 3, N = 10", mlp_case(rng, 10, [4, 8, 6, 3])),
        Case("64 → 16 → 10 (the digits' shape), N = 8", mlp_case(rng, 8, [64, 16, 10])),
        Case("one example, 2 → 3 → 2", mlp_case(rng, 1, [2, 3, 2])),
    ]


def _mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda params, X, y: _mlp(params, X, y, name))


MLP_MODULE = Checker(
    f"{A}/mlp_module",
    title="Linear layers and an MLP",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        _mistake(
            "relu-on-logits",
            "Your MLP applies ReLU after the last layer too: the logits must be free to be "
            "negative (the cross-entropy's softmax takes any real numbers). ReLU goes between "
            "layers only.",
        ),
        _mistake(
            "no-hidden-activation",
            "Your MLP has no ReLU between its layers, so it is one linear map in disguise. "
            "Apply relu() to the output of every layer but the last.",
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = MLP_MODULE
