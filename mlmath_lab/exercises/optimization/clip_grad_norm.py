"""Gradient clipping by global norm (04-optimization/clip_grad_norm): the checker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _check_mistake


# -- gradient-norm clipping --------------------------------------------------------------------------
# In the wild: clipping each tensor by its own norm (tensorflow/tensorflow's clip_by_norm is
# per tensor, clip_by_global_norm is not; PyTorch forum questions); the sum of the norms; a
# rescale also when the norm is below the threshold; clipping by value; the norm returned
# after clipping; the sum of squares without its root; `for g in grads: g = g * scale`, which
# changes nothing in the list.
def _clip_reference(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[Any], float]:
    torch = _torch()
    params = []
    for g in grads:
        p = torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(np.asarray(g, dtype=float), dtype=torch.float64)
        params.append(p)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad.numpy() for p in params], float(total)


_CLIP_MISTAKES = frozenset({"sum-of-norms", "always-rescale", "by-value", "squared-norm"})


def _clip_mistake(mistake: str) -> Callable[..., tuple[list[np.ndarray], float]]:
    _check_mistake(mistake, _CLIP_MISTAKES)

    def wrong(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
        arrays = [np.asarray(g, dtype=float) for g in grads]
        norms = [float(np.linalg.norm(g)) for g in arrays]
        total = float(np.sqrt(sum(n**2 for n in norms)))
        if mistake == "by-value":
            return [np.clip(g, -max_norm, max_norm) for g in arrays], total
        if mistake == "sum-of-norms":
            total = float(sum(norms))
        elif mistake == "squared-norm":
            total = float(sum(n**2 for n in norms))
        scale = max_norm / (total + 1e-6)
        if mistake != "always-rescale":
            scale = min(1.0, scale)
        return [g * scale for g in arrays], total

    return wrong


def _clip_each_array(grads: Sequence[np.ndarray], max_norm: float) -> Any:
    clipped = [_clip_reference([g], max_norm)[0][0] for g in grads]
    return clipped, _clip_reference(grads, max_norm)[1]


def _clip_norm_after(grads: Sequence[np.ndarray], max_norm: float) -> Any:
    clipped, _ = _clip_reference(grads, max_norm)
    return clipped, float(np.sqrt(sum(np.sum(g**2) for g in clipped)))


def _clip_not_applied(grads: Sequence[np.ndarray], max_norm: float) -> Any:
    return [np.asarray(g) for g in grads], _clip_reference(grads, max_norm)[1]


def _clip_cases() -> list[Case]:
    rng = _rng(8)
    return [
        Case(
            "weights (3, 4) and bias (4,), total norm about 7, max_norm = 1",
            ([2 * rng.normal(size=(3, 4)), 2 * rng.normal(size=4)], 1.0),
        ),
        Case(
            "three arrays (2, 3), (5,), (1, 2, 2) with one large, max_norm = 2",
            (
                [
                    0.1 * rng.normal(size=(2, 3)),
                    10 * rng.normal(size=5),
                    rng.normal(size=(1, 2, 2)),
                ],
                2.0,
            ),
        ),
        Case(
            "a small gradient (norm below max_norm = 5) is left as it is",
            ([0.5 * rng.normal(size=(2, 2)), 0.5 * rng.normal(size=3)], 5.0),
        ),
        Case("one array (6,), max_norm = 0.5", ([rng.normal(size=6)], 0.5)),
        Case(
            "two arrays of norm 3 and 4 (total 5), max_norm = 2.5",
            ([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 2.5),
        ),
    ]


def _clip_compare(got: Any, expected: Any) -> Mismatch | None:
    """The clipped arrays within rtol = 1e-5 (torch divides by total_norm + 1e-6; a solution
    without that 1e-6 passes), the norm before clipping, which no 1e-6 touches, within 1e-6
    (not tighter: the norm *after* clipping, a known mistake, differs by about 1e-6 / ‖g‖
    between students who add the 1e-6 and students who do not)."""
    mismatch = compare(got, expected, rtol=1e-5, atol=1e-9)
    if mismatch is not None:
        return mismatch
    norm = compare(got[1], expected[1], rtol=1e-6, atol=1e-9)
    return None if norm is None else norm.at("output[1] (total_norm)")


CLIP_GRAD_NORM = Checker(
    f"{A}/clip_grad_norm",
    title="Gradient clipping by global norm",
    reference=_clip_reference,
    cases=_clip_cases,
    comparator=_clip_compare,
    misconceptions=[
        Misconception(
            "clip-each-array",
            "You clipped each array by its own norm (TensorFlow's clip_by_norm). "
            "clip_grad_norm_ uses one *global* norm, √(Σ ‖gᵢ‖²) over all the arrays, and "
            "scales every array by the same factor, so the direction of the whole gradient "
            "is kept.",
            _clip_each_array,
        ),
        Misconception(
            "sum-of-norms",
            "The global norm is √(Σ ‖gᵢ‖²), the norm of all the numbers put together, not the "
            "sum Σ ‖gᵢ‖ of the arrays' norms.",
            _clip_mistake("sum-of-norms"),
        ),
        Misconception(
            "norm-without-sqrt",
            "Your total norm is the sum of squares Σ ‖gᵢ‖²: take its square root, "
            "‖g‖ = √(Σ ‖gᵢ‖²), both to scale and to return.",
            _clip_mistake("squared-norm"),
        ),
        Misconception(
            "always-rescale",
            "Only scale *down*: when the total norm is already ≤ max_norm the gradients stay "
            "as they are (scale = min(1, max_norm / total_norm)).",
            _clip_mistake("always-rescale"),
        ),
        Misconception(
            "clip-by-value",
            "You clipped each number to [−max_norm, max_norm] (that is clip_grad_value_). "
            "Clipping by norm rescales the whole gradient, keeping its direction.",
            _clip_mistake("by-value"),
        ),
        Misconception(
            "norm-after-clipping",
            "Your arrays are right, but the norm you return is the norm *after* clipping. "
            "Return the global norm of the gradients as they came in, before clipping (what "
            "clip_grad_norm_ returns, worth logging).",
            _clip_norm_after,
        ),
        Misconception(
            "clip-not-applied",
            "Your arrays come back unscaled although the norm is above max_norm. Assigning to "
            "the loop variable (`for g in grads: g = g * scale`) changes nothing in the list: "
            "build a new list, `[g * scale for g in grads]`.",
            _clip_not_applied,
        ),
    ],
)


CHECKER = CLIP_GRAD_NORM
