"""LayerNorm, backward (10-transformer/layernorm_backward): the checker.

The reference is autograd through ``F.layer_norm(x, (D,), gamma, beta, eps)``:
``(x.grad, gamma.grad, beta.grad)`` after ``y.backward(dy)``. dgamma and dbeta are (D,): summed
over every leading axis (all the tokens of all the sequences).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t, layer_norm_by_hand


def _grads(
    dy: Any, x: Any, gamma: Any, eps: float, *, unbiased: bool = False
) -> tuple[Any, Any, Any]:
    """(dx, dgamma, dbeta) as torch tensors, by autograd."""
    torch = _torch()
    xt = _t(x).requires_grad_(True)
    g = _t(gamma).requires_grad_(True)
    b = torch.zeros_like(g, requires_grad=True)
    if unbiased:
        y = layer_norm_by_hand(xt, g, b, float(eps), unbiased=True)
    else:
        y = torch.nn.functional.layer_norm(xt, (xt.shape[-1],), g, b, float(eps))
    y.backward(_t(dy))
    return xt.grad, g.grad, b.grad


def _reference(dy: Any, x: Any, gamma: Any, eps: float = 1e-5) -> tuple[np.ndarray, ...]:
    return tuple(_np(g) for g in _grads(dy, x, gamma, eps))


def _case(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[Any, ...]:
    D = shape[-1]
    x = rng.normal(size=shape) + rng.normal(size=D)
    return (rng.normal(size=shape), x, 1.0 + 0.5 * rng.normal(size=D))


def _cases() -> list[Case]:
    rng = _rng(1004)
    return [
        Case(
            "the notes' example: x (2, 3), gamma = (1, 2, 3), dy = ones",
            (
                np.ones((2, 3)),
                np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]]),
                np.array([1.0, 2.0, 3.0]),
            ),
        ),
        Case("x (4, 6)", _case(rng, (4, 6))),
        Case("batch first: x (2, 5, 8)", _case(rng, (2, 5, 8))),
        Case("x (3, 2, 4, 5), eps = 1e-3", (*_case(rng, (3, 2, 4, 5)), 1e-3)),
        Case("one token: x (1, 7)", _case(rng, (1, 7))),
    ]


def _with(mistake: str) -> Any:
    def wrong(dy: Any, x: Any, gamma: Any, eps: float = 1e-5) -> tuple[np.ndarray, ...]:
        torch = _torch()
        if mistake == "unbiased-variance":
            return tuple(_np(g) for g in _grads(dy, x, gamma, eps, unbiased=True))
        dx, dgamma, dbeta = _grads(dy, x, gamma, eps)
        if mistake == "mean-and-variance-as-constants":
            xt = _t(x)
            sd = torch.sqrt(xt.var(dim=-1, keepdim=True, unbiased=False) + float(eps))
            dx = _t(dy) * _t(gamma) / sd
        else:  # params-summed-over-axis-0: dgamma, dbeta keep the middle axes
            xt = _t(x)
            mu = xt.mean(dim=-1, keepdim=True)
            sd = torch.sqrt(xt.var(dim=-1, keepdim=True, unbiased=False) + float(eps))
            dyt = _t(dy)
            dgamma, dbeta = (dyt * (xt - mu) / sd).sum(dim=0), dyt.sum(dim=0)
        return _np(dx), _np(dgamma), _np(dbeta)

    return wrong


LAYERNORM_BACKWARD = Checker(
    f"{A}/layernorm_backward",
    title="LayerNorm: backward",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "mean-and-variance-as-constants",
            "Your dx is dy · gamma / σ: you treated the mean and the variance as constants. "
            "Both depend on every entry of the row, so dx has two more terms: with "
            "g = dy · gamma, dx = (g − mean(g) − x̂ · mean(g · x̂)) / σ, the means over the "
            "last axis.",
            _with("mean-and-variance-as-constants"),
        ),
        Misconception(
            "params-summed-over-axis-0",
            "Your dgamma and dbeta are summed over axis 0 only. gamma and beta are shared by "
            "every token of every sequence: sum over *all* the leading axes, so both are (D,) "
            "— e.g. (dy * x̂).reshape(-1, D).sum(axis=0).",
            _with("params-summed-over-axis-0"),
        ),
        Misconception(
            "unbiased-variance",
            "Your gradients are those of a LayerNorm with the unbiased variance (divide by "
            "D − 1). LayerNorm divides by D, in the forward pass and so in its derivative.",
            _with("unbiased-variance"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = LAYERNORM_BACKWARD
