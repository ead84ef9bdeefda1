"""RMSNorm, forward and backward (10-transformer/rmsnorm): the checker.

The checked function is ``rmsnorm(x, weight, dy, eps=1e-6)``, which returns
``(y, dx, dweight)``: y = x / √(mean(x²) + eps) · weight over the last axis — the reference is
``F.rms_norm(x, (D,), weight, eps)`` — and the gradients of ⟨y, dy⟩ by autograd, dweight
summed over every leading axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def _forward(x: Any, w: Any, eps: float, how: str) -> Any:
    torch = _torch()
    if how == "right":
        return torch.nn.functional.rms_norm(x, (x.shape[-1],), w, eps)
    if how == "mean-subtracted":
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, None, eps)
    # eps-outside-sqrt
    return x / (torch.sqrt((x * x).mean(dim=-1, keepdim=True)) + eps) * w


def _run(x: Any, weight: Any, dy: Any, eps: float, how: str = "right") -> tuple[np.ndarray, ...]:
    torch = _torch()
    xt = _t(x).requires_grad_(True)
    w = _t(weight).requires_grad_(True)
    y = _forward(xt, w, float(eps), "right" if how == "rms-as-constant" else how)
    y.backward(_t(dy))
    dx = xt.grad
    if how == "rms-as-constant":
        with torch.no_grad():
            rms = torch.sqrt((xt * xt).mean(dim=-1, keepdim=True) + float(eps))
            dx = _t(dy) * w / rms
    return _np(y), _np(dx), _np(w.grad)


def _reference(x: Any, weight: Any, dy: Any, eps: float = 1e-6) -> tuple[np.ndarray, ...]:
    return _run(x, weight, dy, eps)


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> tuple[Any, ...]:
    D = shape[-1]
    x = scale * (rng.normal(size=shape) + 0.5 * rng.normal(size=D))
    return (x, 1.0 + 0.5 * rng.normal(size=D), rng.normal(size=shape))


def _cases() -> list[Case]:
    rng = _rng(1005)
    return [
        Case(
            "the notes' example: x = (3, 4), weight = (1, 2), dy = (1, 0)",
            (np.array([[3.0, 4.0]]), np.array([1.0, 2.0]), np.array([[1.0, 0.0]])),
        ),
        Case("x (4, 6)", _case(rng, (4, 6))),
        Case("batch first: x (2, 5, 8)", _case(rng, (2, 5, 8))),
        Case("x (2, 3, 4, 5), eps = 1e-2", (*_case(rng, (2, 3, 4, 5)), 1e-2)),
        Case("small entries: x (3, 4) of size 1e-3", _case(rng, (3, 4), scale=1e-3)),
    ]


def _with(mistake: str) -> Any:
    def wrong(x: Any, weight: Any, dy: Any, eps: float = 1e-6) -> tuple[np.ndarray, ...]:
        return _run(x, weight, dy, eps, mistake)

    return wrong


RMSNORM = Checker(
    f"{A}/rmsnorm",
    title="RMSNorm: forward and backward",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "mean-subtracted",
            "You subtracted the mean and divided by the standard deviation: that is LayerNorm "
            "(without beta). RMSNorm does not centre: y = x / √(mean(x²) + eps) · weight, the "
            "mean of the squares over the last axis.",
            _with("mean-subtracted"),
        ),
        Misconception(
            "eps-outside-sqrt",
            "You added eps after the square root, x / (rms + eps). RMSNorm adds it under the "
            "root: x / √(mean(x²) + eps). The difference shows when the entries are small.",
            _with("eps-outside-sqrt"),
        ),
        Misconception(
            "rms-as-constant",
            "Your dx is dy · weight / rms: the term through the rms is missing. The rms depends "
            "on every entry of the row: with g = dy · weight and x̂ = x / rms, "
            "dx = (g − x̂ · mean(g · x̂)) / rms.",
            _with("rms-as-constant"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = RMSNORM
