"""Training a small CNN (08-convolutions/train_cnn): the checker.

The reference trains the same network with torch's layers and autograd (float64), full-batch
gradient descent from the same start; the student's loss curve and final parameters must be
the same run, up to round-off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import one_torch_thread
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _t
from .shapes import init_cnn, shapes_data

Params = dict[str, np.ndarray]
Run = tuple[Params, list[float]]


def _losses_per_example(tp: Mapping[str, Any], X: Any, y: Any, mistake: str) -> Any:
    torch = _torch()
    F = torch.nn.functional
    z = F.conv2d(X, tp["W1"], tp["b1"], padding=1)
    a = torch.relu(z) if mistake != "relu-derivative-missing" else z + (torch.relu(z) - z).detach()
    h = F.max_pool2d(a, 2)
    if mistake == "flatten-channels-last":
        h = h.permute(0, 2, 3, 1)
    logits = F.linear(h.reshape(len(h), -1), tp["W2"], tp["b2"])
    return F.cross_entropy(logits, y, reduction="none")


def _train(params: Mapping[str, Any], X: Any, y: Any, lr: float, steps: int, mistake: str) -> Run:
    torch = _torch()
    with one_torch_thread():
        tp = {k: _t(v).requires_grad_() for k, v in params.items()}
        Xt, yt = _t(X), torch.from_numpy(np.asarray(y, dtype=np.int64))
        direction = 1.0 if mistake == "ascent" else -1.0
        losses: list[float] = []
        for _ in range(steps):
            per_example = _losses_per_example(tp, Xt, yt, mistake)
            loss = per_example.mean()
            losses.append(loss.item())
            grads = dict(zip(tp, torch.autograd.grad(loss, list(tp.values())), strict=True))
            if mistake == "conv-dW-last-example":
                last = _losses_per_example(tp, Xt[-1:], yt[-1:], mistake)[0] / len(yt)
                (grads["W1"],) = torch.autograd.grad(last, [tp["W1"]])
            with torch.no_grad():
                for name, p in tp.items():
                    p += direction * lr * grads[name]
        if mistake == "loss-after-update":
            with torch.no_grad():
                final = _losses_per_example(tp, Xt, yt, mistake).mean().item()
            losses = [*losses[1:], final]
        return {k: v.detach().numpy() for k, v in tp.items()}, losses


def _train_reference(params: Mapping[str, Any], X: Any, y: Any, lr: float, steps: int) -> Run:
    return _train(params, X, y, lr, steps, "")


def _compare(got: Any, expected: Any) -> Mismatch | None:
    if not isinstance(got, tuple | list) or len(got) != 2 or not isinstance(got[0], Mapping):
        return Mismatch(
            "type",
            f"expected a tuple (params, losses), yours is {summarize(got)}",
            summarize(got),
            "tuple (params dict, losses)",
        )
    try:
        losses = np.asarray(got[1], dtype=float)
    except (TypeError, ValueError):
        losses = None
    if losses is None or losses.shape != (len(expected[1]),):
        return Mismatch(
            "length",
            f"losses must hold one loss per step ({len(expected[1])}), yours is "
            f"{summarize(got[1])}",
            summarize(got[1]),
            summarize(expected[1]),
        )
    found = compare(losses, np.asarray(expected[1], dtype=float), rtol=1e-6, atol=1e-9)
    if found:
        return found.at("losses")
    found = compare(dict(got[0]), expected[0], rtol=1e-6, atol=1e-8)
    return found.at("params") if found else None


def _cases() -> list[Case]:
    X, y = shapes_data(90, 24)
    X2, y2 = shapes_data(91, 16, size=6)
    return [
        Case("24 shapes 8×8, 4 channels, lr 0.1, 20 steps", (init_cnn(0, 4), X, y, 0.1, 20)),
        Case("the same, 2 channels, lr 0.3, 10 steps", (init_cnn(1, 2), X, y, 0.3, 10)),
        Case("one step", (init_cnn(2, 3), X, y, 0.1, 1)),
        Case(
            "16 shapes 6×6, 3 channels, lr 0.2, 15 steps",
            (init_cnn(3, 3, size=6), X2, y2, 0.2, 15),
        ),
    ]


def _mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda p, X, y, lr, steps: _train(p, X, y, lr, steps, name))


TRAIN_CNN = Checker(
    f"{A}/train_cnn",
    title="Training a small CNN with your layers",
    reference=_train_reference,
    cases=_cases,
    comparator=_compare,
    forbidden=NOT_ALLOWED,
    misconceptions=[
        _mistake(
            "ascent",
            "Gradient *descent* steps against the gradient: θ ← θ − lr · grad. You added it.",
        ),
        _mistake(
            "loss-after-update",
            "losses[t] is the loss *before* update t (so losses[0] is the loss of the initial "
            "parameters); yours are recorded after each update.",
        ),
        _mistake(
            "relu-derivative-missing",
            "Your loss curve is the one of training with the ReLU derivative left out: "
            "multiply the gradient coming back from the pooling by [z > 0] before the "
            "convolution's backward pass.",
        ),
        _mistake(
            "flatten-channels-last",
            "You flattened the pooled maps channel last ((i, j, c) order, as Keras/TensorFlow's "
            "NHWC does). Flatten in NCHW order, h.reshape(N, -1), so that W2's columns run over "
            "(c, i, j) as torch's flatten does — and reshape the gradient back the same way.",
        ),
        _mistake(
            "conv-dW-last-example",
            "Your conv weight gradient is the last image's only: dW1 is a sum over the batch "
            "(see Exercise 3) — check that conv2d_backward accumulates over n.",
        ),
    ],
)


CHECKER = TRAIN_CNN
