"""Training a small CNN (08-convolutions/train_cnn): the checker.

The reference trains the same network with torch's layers and autograd (float64), full-batch
gradient descent from the same start on scikit-learn's 8×8 digits; the student's loss curve and
final parameters must be the same run, up to round-off. One case states a test accuracy: its
run must classify at least 90 % of 500 held-out digits correctly (the reference's run does,
which proving the checker confirms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import one_torch_thread
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _t
from .digits import digits_split, init_cnn

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


# the case with a stated test accuracy: its training digits, and the digits held out from them
STATED_ACCURACY = 0.9
_STATED_SEED, _STATED_TRAIN, _STATED_TEST = 1, 300, 500


@cache
def _stated_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return digits_split(_STATED_SEED, _STATED_TRAIN, _STATED_TEST)


def _accuracy(params: Mapping[str, Any], X: np.ndarray, y: np.ndarray) -> float:
    """The share of ``X`` that the network with ``params`` classifies as ``y`` says."""
    torch = _torch()
    F = torch.nn.functional
    with one_torch_thread(), torch.no_grad():
        z = F.conv2d(_t(X), _t(params["W1"]), _t(params["b1"]), padding=1)
        h = F.max_pool2d(torch.relu(z), 2)
        logits = F.linear(h.reshape(len(h), -1), _t(params["W2"]), _t(params["b2"]))
        return float(np.mean(logits.argmax(dim=1).numpy() == y))


@dataclass(frozen=True)
class Trained:
    """The reference's run, and for the stated case the held-out digits to score it on."""

    params: Params
    losses: list[float]
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None


def _train_reference(params: Mapping[str, Any], X: Any, y: Any, lr: float, steps: int) -> Trained:
    final, losses = _train(params, X, y, lr, steps, "")
    X_train, _, X_test, y_test = _stated_split()
    X = np.asarray(X)
    if X.shape == X_train.shape and np.array_equal(X, X_train):
        return Trained(final, losses, X_test, y_test)
    return Trained(final, losses)


def _overflowed_as(got: Any, wrong: Any) -> Any:
    """``got`` with its infinite losses replaced by the known mistake's where the mistake's
    run has diverged (its loss is above its first one, as in gradient ascent): there a
    student who takes np.log of the softmax (not a log-softmax) logs inf, once one image's
    probability underflows to 0 (a loss above 745). The parameters are still compared: only
    the same run is alike."""
    try:
        mine = np.asarray(got[1], dtype=float)
        theirs = np.asarray(wrong[1], dtype=float)
    except (TypeError, ValueError, IndexError, KeyError):
        return got
    if not isinstance(got, tuple | list) or len(got) != 2 or mine.shape != theirs.shape:
        return got
    if mine.ndim != 1 or not len(mine):
        return got
    overflowed = np.isposinf(mine) & np.isfinite(theirs) & (theirs > theirs[0])
    if not overflowed.any():
        return got
    losses = list(np.where(overflowed, theirs, mine))
    return [got[0], losses] if isinstance(got, list) else (got[0], losses)


def _compare(got: Any, expected: Any) -> Mismatch | None:
    if not isinstance(expected, Trained):
        # a known mistake's output (params, losses), when the checker looks for the mistake
        # that explains a student's: the same run up to round-off
        return compare(_overflowed_as(got, expected), expected, rtol=1e-6, atol=1e-8)
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
    if losses is None or losses.shape != (len(expected.losses),):
        return Mismatch(
            "length",
            f"losses must hold one loss per step ({len(expected.losses)}), yours is "
            f"{summarize(got[1])}",
            summarize(got[1]),
            summarize(expected.losses),
        )
    found = compare(losses, np.asarray(expected.losses, dtype=float), rtol=1e-6, atol=1e-9)
    if found:
        return found.at("losses")
    found = compare(dict(got[0]), expected.params, rtol=1e-6, atol=1e-8)
    if found:
        return found.at("params")
    if expected.X_test is not None and expected.y_test is not None:
        mine = _accuracy(got[0], expected.X_test, expected.y_test)
        if mine < STATED_ACCURACY:
            return Mismatch(
                "value",
                f"your trained network classifies {mine:.1%} of the {len(expected.y_test)} "
                f"held-out digits correctly; this run must reach {STATED_ACCURACY:.0%}",
                f"test accuracy {mine:.1%}",
                f"at least {STATED_ACCURACY:.0%}",
            )
    return None


def _cases() -> list[Case]:
    X, y, _, _ = digits_split(90, 60)
    X5, y5 = X[y < 5][:, :, 1:7], y[y < 5]  # digits 0–4, rows 1–6: non-square 6×8 images
    X_train, y_train, _, _ = _stated_split()
    return [
        Case(
            "60 digits 8×8, 10 classes, 4 channels, lr 0.1, 20 steps",
            (init_cnn(0, 4), X, y, 0.1, 20),
        ),
        Case("the same, 2 channels, lr 0.3, 10 steps", (init_cnn(1, 2), X, y, 0.3, 10)),
        Case("one step", (init_cnn(2, 3), X, y, 0.1, 1)),
        Case(
            f"the {len(y5)} digits 0–4 of them, cropped to 6×8, 5 classes, 3 channels, lr 0.2, "
            "15 steps",
            (init_cnn(3, 3, 6, 8, 5), X5, y5, 0.2, 15),
        ),
        Case(
            f"{_STATED_TRAIN} digits, 8 channels, lr 0.5, 80 steps: at least "
            f"{STATED_ACCURACY:.0%} right on {_STATED_TEST} held-out digits",
            (init_cnn(2, 8), X_train, y_train, 0.5, 80),
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
    student_shaped_reference=False,
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
