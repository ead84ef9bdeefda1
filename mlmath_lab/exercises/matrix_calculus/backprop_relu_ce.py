"""Backprop: ReLU network, cross-entropy loss (03-matrix-calculus/backprop_relu_ce): the checker."""

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


def _relu_ce_reference(x: Any, y: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    return _torch_network_gradients(x, y, w1, b1, w2, b2, classes=True)


def _relu_ce_cases() -> list[Case]:
    rng = _rng(36)
    big = _network(rng, 5, 3, 4, 3, classes=True)
    return [
        Case(
            "N=6 examples, D=4 inputs, H=5 hidden, C=3 classes",
            _network(rng, 6, 4, 5, 3, classes=True),
        ),
        Case("a single example: N=1, D=3, H=4, C=2", _network(rng, 1, 3, 4, 2, classes=True)),
        Case("N=10, D=2, H=7, C=4", _network(rng, 10, 2, 7, 4, classes=True)),
        Case(
            "huge logits (W2 × 5000): N=5, D=3, H=4, C=3",
            (*big[:4], 5000 * big[4], big[5]),
        ),
        Case("N=4, D=6, H=3, C=5", _network(rng, 4, 6, 3, 5, classes=True)),
    ]


def _relu_ce_variant(
    x: Any,
    y: Any,
    w1: Any,
    b1: Any,
    w2: Any,
    b2: Any,
    *,
    stable: bool = True,
    naive_softmax: bool = False,
    log_of_softmax: bool = False,
    averaged: bool = True,
    one_hot: bool = True,
    sign: float = 1.0,
    relu_mask: bool = True,
    transposed_dw2: bool = False,
    bias: str = "sum",
) -> dict[str, Any]:
    """The backward pass of the ReLU/cross-entropy network, with one known mistake switched on."""
    z1 = x @ w1 + b1
    a1 = np.maximum(z1, 0)
    logits = a1 @ w2 + b2
    n = len(y)
    if naive_softmax:  # softmax by exp / sum, then the log of its entries: overflows
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
            loss = float(-np.log(probs[np.arange(n), y]).mean())
        d_logits = probs
    else:
        shifted = logits - logits.max(axis=1, keepdims=True) if stable else logits
        with np.errstate(over="ignore", invalid="ignore"):
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = float(-log_p[np.arange(n), y].mean())
        d_logits = np.exp(log_p)
        if log_of_softmax:  # the loss from log(softmax): log 0 = -inf where it underflows
            with np.errstate(divide="ignore"):
                loss = float(-np.log(d_logits[np.arange(n), y]).mean())
    if one_hot:
        d_logits[np.arange(n), y] -= 1
    if averaged:
        d_logits /= n
    d_logits = sign * d_logits
    d_a1 = d_logits @ w2.T
    d_z1 = d_a1 * (z1 > 0) if relu_mask else d_a1
    return {
        "loss": loss,
        "dW1": x.T @ d_z1,
        "db1": _reduce_bias(d_z1, bias),
        "dW2": d_logits.T @ a1 if transposed_dw2 else a1.T @ d_logits,
        "db2": _reduce_bias(d_logits, bias),
    }


def _relu_ce_mistake(**mistake: Any) -> Callable[..., dict[str, Any]]:
    return lambda x, y, w1, b1, w2, b2: _relu_ce_variant(x, y, w1, b1, w2, b2, **mistake)


BACKPROP_RELU_CE = Checker(
    f"{A}/backprop_relu_ce",
    title="Backprop: ReLU network, cross-entropy loss",
    reference=_relu_ce_reference,
    cases=_relu_ce_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "ce-not-averaged",
            "Your gradients are N times too large: the loss is the *mean* over the batch, "
            "so dZ2 = (softmax(Z2) − onehot(y)) / N.",
            _relu_ce_mistake(averaged=False),
        ),
        Misconception(
            "ce-missing-one-hot",
            "You used dZ2 = softmax(Z2) / N: the gradient of cross-entropy with respect to the "
            "logits is (softmax(Z2) − onehot(y)) / N: subtract 1 at each example's true class.",
            _relu_ce_mistake(one_hot=False),
        ),
        Misconception(
            "ce-gradient-sign-flipped",
            "Your gradients have the wrong sign: (onehot(y) − softmax(Z2)) / N is the gradient "
            "of the log-likelihood, which is maximised. The loss is its negative: "
            "dZ2 = (softmax(Z2) − onehot(y)) / N.",
            _relu_ce_mistake(sign=-1.0),
        ),
        Misconception(
            "missing-relu-derivative",
            "You skipped the activation: going back through A1 = relu(Z1) multiplies by "
            "relu'(Z1), 1 where Z1 > 0 and 0 elsewhere: dZ1 = dA1 * (Z1 > 0).",
            _relu_ce_mistake(relu_mask=False),
        ),
        Misconception(
            "weight-gradient-transposed",
            "A weight's gradient has the weight's shape: W2 is (H, C), so dW2 = A1.T @ dZ2, not "
            "dZ2.T @ A1.",
            _relu_ce_mistake(transposed_dw2=True),
        ),
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Subtract each "
            "row's maximum logit before exponentiating, and take the loss from the stable "
            "log-softmax, Z2 − max − log Σ exp(Z2 − max), rather than log(softmax).",
            _relu_ce_mistake(naive_softmax=True),
        ),
        Misconception(
            "log-of-softmax-underflow",
            "Your loss is infinite for large logits: the softmax probability of the true class "
            "rounds to 0 when its logit is far below the largest one, and log 0 = −inf. Take "
            "the loss from the log-softmax itself: (Z2 − m) − log Σ exp(Z2 − m), m the row "
            "maximum.",
            _relu_ce_mistake(log_of_softmax=True),
        ),
        Misconception(
            "log-softmax-unshifted",
            "Your log-softmax is Z2 − log Σ exp(Z2) without the shift: exp overflows for large "
            "logits (exp(1000) = inf). Subtract each row's maximum logit first: "
            "Z2 − m − log Σ exp(Z2 − m), the same value without overflow.",
            _relu_ce_mistake(stable=False),
        ),
        Misconception(
            "bias-gradient-keepdims", BIAS_KEEPDIMS_HINT, _relu_ce_mistake(bias="keepdims")
        ),
    ],
)


CHECKER = BACKPROP_RELU_CE
