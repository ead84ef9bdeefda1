"""LayerNorm, forward (10-transformer/layernorm_forward): the checker.

The reference is ``F.layer_norm(x, (D,), gamma, beta, eps)``: every row (the last axis, one
token's D features) is normalised by its own mean and its biased variance (divide by D),
eps inside the square root, then scaled by gamma and shifted by beta.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t, layer_norm_by_hand


def _reference(x: Any, gamma: Any, beta: Any, eps: float = 1e-5) -> np.ndarray:
    xt = _t(x)
    D = xt.shape[-1]
    return _np(_torch().nn.functional.layer_norm(xt, (D,), _t(gamma), _t(beta), float(eps)))


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> tuple[Any, ...]:
    D = shape[-1]
    x = scale * rng.normal(size=shape) + rng.normal(size=D)
    return (x, 1.0 + 0.5 * rng.normal(size=D), 0.5 * rng.normal(size=D))


def _cases() -> list[Case]:
    rng = _rng(1003)
    return [
        Case(
            "the notes' example: x (2, 3), gamma = (1, 2, 3), beta = (0, 0, 1)",
            (
                np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]]),
                np.array([1.0, 2.0, 3.0]),
                np.array([0.0, 0.0, 1.0]),
            ),
        ),
        Case("x (4, 6)", _case(rng, (4, 6))),
        Case("batch first: x (2, 5, 8)", _case(rng, (2, 5, 8))),
        Case("x (3, 2, 4, 5), eps = 1e-3", (*_case(rng, (3, 2, 4, 5)), 1e-3)),
        Case("small spread: x (3, 4) with std 0.01", _case(rng, (3, 4), scale=0.01)),
        Case("one token: x (1, 7)", _case(rng, (1, 7))),
    ]


def _with(mistake: str) -> Any:
    def wrong(x: Any, gamma: Any, beta: Any, eps: float = 1e-5) -> np.ndarray:
        xt, g, b = _t(x), _t(gamma), _t(beta)
        eps = float(eps)
        if mistake == "normalised-over-axis-0":
            return _np(layer_norm_by_hand(xt, g, b, eps, dim=0))
        if mistake == "unbiased-variance":
            return _np(layer_norm_by_hand(xt, g, b, eps, unbiased=True))
        if mistake == "eps-outside-sqrt":
            return _np(layer_norm_by_hand(xt, g, b, eps, eps_outside=True))
        return _reference(x, beta, gamma, eps)  # gamma-beta-swapped

    return wrong


LAYERNORM_FORWARD = Checker(
    f"{A}/layernorm_forward",
    title="LayerNorm: forward",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "normalised-over-axis-0",
            "You normalised over axis 0 — across the batch (or the tokens), which is what "
            "BatchNorm does. LayerNorm normalises each token over its own features, the *last* "
            "axis: x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True).",
            _with("normalised-over-axis-0"),
        ),
        Misconception(
            "unbiased-variance",
            "You used the unbiased variance (divide by D − 1, ddof=1, torch.var's default). "
            "LayerNorm divides by D: np.var's default, ddof=0.",
            _with("unbiased-variance"),
        ),
        Misconception(
            "eps-outside-sqrt",
            "You added eps after the square root, (x − μ)/(σ + eps). LayerNorm adds it to the "
            "variance: (x − μ)/√(σ² + eps). The two differ most when a row's spread is small.",
            _with("eps-outside-sqrt"),
        ),
        Misconception(
            "gamma-beta-swapped",
            "You swapped gamma and beta: gamma is the scale (it multiplies x̂) and beta the "
            "shift (it is added): y = x̂ · gamma + beta.",
            _with("gamma-beta-swapped"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = LAYERNORM_FORWARD
