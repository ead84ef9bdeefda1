"""Backprop: tanh network, MSE loss (03-matrix-calculus/backprop_tanh_mse): the checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import (
    BIAS_KEEPDIMS_HINT,
    NUMPY_ONLY,
    A,
    _network,
    _reduce_bias,
    _torch_network_gradients,
)


def _tanh_mse_reference(x: Any, y: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    return _torch_network_gradients(x, y, w1, b1, w2, b2, classes=False)


def _tanh_mse_cases() -> list[Case]:
    rng = _rng(35)
    return [
        Case(
            "N=5 examples, D=3 inputs, H=4 hidden, K=2 outputs",
            _network(rng, 5, 3, 4, 2, classes=False),
        ),
        Case("a single example: N=1, D=4, H=6, K=1", _network(rng, 1, 4, 6, 1, classes=False)),
        Case("N=8, D=2, H=3, K=3", _network(rng, 8, 2, 3, 3, classes=False)),
        Case(
            "saturated tanh (W1 × 5): N=6, D=5, H=4, K=2",
            _network(rng, 6, 5, 4, 2, classes=False, scale=5.0),
        ),
        Case("N=16, D=7, H=5, K=1", _network(rng, 16, 7, 5, 1, classes=False)),
    ]


def _tanh_mse_variant(
    x: Any,
    y: Any,
    w1: Any,
    b1: Any,
    w2: Any,
    b2: Any,
    *,
    divide_by: str = "NK",
    factor: float = 2.0,
    derivative: str = "tanh",
    bias: str = "sum",
) -> dict[str, Any]:
    """The backward pass of the tanh/MSE network, with one known mistake switched on."""
    z1 = x @ w1 + b1
    a1 = np.tanh(z1)
    out = a1 @ w2 + b2
    n, k = out.shape
    loss = float(np.mean((out - y) ** 2))
    count = {"NK": n * k, "N": n, "1": 1}[divide_by]
    d_out = factor * (out - y) / count
    d_a1 = d_out @ w2.T
    slope = {
        "tanh": 1 - a1**2,
        "none": np.ones_like(z1),
        "pre": 1 - z1**2,
        "post": 1 - np.tanh(a1) ** 2,
    }[derivative]
    d_z1 = d_a1 * slope
    return {
        "loss": loss,
        "dW1": x.T @ d_z1,
        "db1": _reduce_bias(d_z1, bias),
        "dW2": a1.T @ d_out,
        "db2": _reduce_bias(d_out, bias),
    }


def _tanh_mse_mistake(**mistake: Any) -> Callable[..., dict[str, Any]]:
    return lambda x, y, w1, b1, w2, b2: _tanh_mse_variant(x, y, w1, b1, w2, b2, **mistake)


BACKPROP_TANH_MSE = Checker(
    f"{A}/backprop_tanh_mse",
    title="Backprop: tanh network, MSE loss",
    reference=_tanh_mse_reference,
    cases=_tanh_mse_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "mse-not-averaged",
            "Your gradients are N·K times too large: the loss is the *mean* over all N·K "
            "entries, so dŶ = 2(Ŷ − Y) / (N·K).",
            _tanh_mse_mistake(divide_by="1"),
        ),
        Misconception(
            "mse-divided-by-N-only",
            "You divided by the batch size N only: F.mse_loss averages over all N·K entries "
            "of Ŷ, so dŶ = 2(Ŷ − Y) / (N·K).",
            _tanh_mse_mistake(divide_by="N"),
        ),
        Misconception(
            "mse-missing-factor-2",
            "Your gradients are half the true ones: the derivative of (ŷ − y)² is 2(ŷ − y), "
            "so dŶ = 2(Ŷ − Y) / (N·K). (The factor ½ of the ½(ŷ − y)² convention is not in "
            "this loss.)",
            _tanh_mse_mistake(factor=1.0),
        ),
        Misconception(
            "missing-tanh-derivative",
            "You skipped the activation: going back through A1 = tanh(Z1) multiplies "
            "elementwise by tanh'(Z1) = 1 − A1², so dZ1 = dA1 * (1 − A1**2).",
            _tanh_mse_mistake(derivative="none"),
        ),
        Misconception(
            "tanh-derivative-of-preactivation",
            "tanh'(z) = 1 − tanh(z)², not 1 − z²: use the activation A1 = tanh(Z1), "
            "dZ1 = dA1 * (1 − A1**2).",
            _tanh_mse_mistake(derivative="pre"),
        ),
        Misconception(
            "tanh-derivative-of-activation",
            "You applied tanh twice: 1 − tanh(A1)² is tanh' at A1, but the derivative is taken "
            "at Z1: tanh'(Z1) = 1 − tanh(Z1)² = 1 − A1**2.",
            _tanh_mse_mistake(derivative="post"),
        ),
        Misconception(
            "bias-gradient-averaged",
            "Sum the bias gradients over the batch, db = dZ.sum(axis=0): the 1/(N·K) of the mean "
            "is already inside dŶ, and averaging again divides by N twice.",
            _tanh_mse_mistake(bias="mean"),
        ),
        Misconception(
            "bias-gradient-keepdims", BIAS_KEEPDIMS_HINT, _tanh_mse_mistake(bias="keepdims")
        ),
    ],
)


CHECKER = BACKPROP_TANH_MSE
