"""Training XOR with gradient descent (07-neural-networks/train_xor): the checker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ._common import A, Params, _init_mlp, _losses_array, _n_layers, _train_torch

# -- 9. training XOR with full-batch gradient descent ----------------------------------------------
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


@dataclass(frozen=True)
class Trained:
    """What the reference training run gives, with the data to score a student's parameters."""

    params: Params
    losses: np.ndarray
    X: np.ndarray
    y: np.ndarray

    def accuracy(self, params: Mapping[str, Any]) -> float:
        a = self.X
        n_layers = _n_layers(params)
        for layer in range(1, n_layers + 1):
            a = a @ np.asarray(params[f"W{layer}"], float).T + np.asarray(params[f"b{layer}"])
            if layer < n_layers:
                a = np.maximum(a, 0.0)
        return float(np.mean(np.argmax(a, axis=1) == self.y))


def _train_reference(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, steps: int
) -> Trained:
    final, losses, _ = _train_torch(params, X, y, lr, steps, None)
    return Trained(final, losses, np.asarray(X, float), np.asarray(y))


def _train_compare(got: Any, expected: Any) -> Mismatch | None:
    if not isinstance(expected, Trained):
        # a known mistake's output (params, losses), when the checker looks for the mistake
        # that explains a student's: the same run up to round-off
        return compare(got, expected, rtol=1e-6, atol=1e-8)
    if not isinstance(got, tuple | list) or len(got) != 2 or not isinstance(got[0], Mapping):
        return Mismatch(
            "type",
            f"expected a tuple (params, losses), yours is {summarize(got)}",
            summarize(got),
            "tuple (params dict, losses)",
        )
    params, losses = got[0], _losses_array(got[1])
    if losses is None or len(losses) != len(expected.losses):
        return Mismatch(
            "length",
            f"losses must hold one loss per step ({len(expected.losses)}), yours is "
            f"{summarize(got[1])}",
            summarize(got[1]),
            summarize(expected.losses),
        )
    if not np.all(np.isfinite(losses)):
        return Mismatch("nonfinite", "your losses contain inf or nan", summarize(losses))
    if len(losses) > 1 and not losses[-1] < losses[0]:
        return Mismatch(
            "value",
            f"your loss did not decrease: {losses[0]:.4g} at the start, {losses[-1]:.4g} at "
            "the end (are you stepping *against* the gradient, θ ← θ − lr · grad?)",
            summarize(losses),
            summarize(expected.losses),
        )
    layout = compare(params, expected.params, rtol=0.0, atol=np.inf)  # keys and shapes
    if layout:
        return layout.at("params")
    want, mine = expected.accuracy(expected.params), expected.accuracy(params)
    if mine != want:
        return Mismatch(
            "value",
            f"your trained network classifies {mine:.0%} of the training data correctly, "
            f"expected {want:.0%}",
            f"accuracy {mine:.0%}",
            f"accuracy {want:.0%}",
        )
    found = compare(losses, expected.losses, rtol=1e-6, atol=1e-9)
    if found:
        return found.at("losses")
    found = compare(params, expected.params, rtol=1e-6, atol=1e-8)
    return found.at("params") if found else None


def _train_cases() -> list[Case]:
    rng = _rng(77)
    blobs = rng.normal(size=(9, 3)) + np.repeat(np.eye(3) * 2, 3, axis=0)
    return [
        Case(
            "XOR, 2 → 8 → 2, seed 0, lr 0.5, 300 steps",
            (_init_mlp(0, [2, 8, 2]), XOR_X, XOR_Y, 0.5, 300),
        ),
        Case(
            "XOR, 2 → 8 → 2, seed 3, lr 0.5, 300 steps",
            (_init_mlp(3, [2, 8, 2]), XOR_X, XOR_Y, 0.5, 300),
        ),
        Case(
            "XOR, 2 → 4 → 2, seed 1, lr 1.0, 200 steps",
            (_init_mlp(1, [2, 4, 2]), XOR_X, XOR_Y, 1.0, 200),
        ),
        Case("one step on XOR, 2 → 8 → 2", (_init_mlp(5, [2, 8, 2]), XOR_X, XOR_Y, 0.5, 1)),
        Case(
            "3 blobs in 3-D, 3 → 5 → 4 → 3, 50 steps",
            (_init_mlp(6, [3, 5, 4, 3]), blobs, np.repeat(np.arange(3), 3), 0.3, 50),
        ),
    ]


def _train_with(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, steps: int, mistake: str
) -> tuple[Params, list[float]]:
    """A training run with one known mistake."""
    final, losses, _ = _train_torch(params, X, y, lr, steps, None, mistake)
    return final, [float(v) for v in losses]


def _train_mistake(name: str, hint: str) -> Misconception:
    return Misconception(
        name, hint, lambda p, X, y, lr, steps: _train_with(p, X, y, lr, steps, name)
    )


TRAIN_XOR = Checker(
    f"{A}/train_xor",
    title="Training XOR with gradient descent",
    reference=_train_reference,
    cases=_train_cases,
    comparator=_train_compare,
    student_shaped_reference=False,
    misconceptions=[
        _train_mistake(
            "ascent",
            "Gradient *descent* steps against the gradient: θ ← θ − lr · grad. You added it.",
        ),
        _train_mistake(
            "wrong-gradient",
            "Your loss curve is the one of training with the ReLU derivative left out of "
            "backpropagation: fix mlp_loss_and_grads first.",
        ),
        _train_mistake(
            "loss-after-update",
            "losses[t] is the loss *before* update t (so losses[0] is the loss of the initial "
            "parameters); yours are recorded after each update.",
        ),
        _train_mistake(
            "final-loss-appended",
            "losses holds one loss per update, each taken *before* its update: `steps` values. "
            "You also appended the loss after the last update (steps + 1 values).",
        ),
    ],
)


CHECKER = TRAIN_XOR
