"""SGD with momentum (PyTorch's form) (04-optimization/sgd_momentum): the checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import A, _aliased_mistake, _check_mistake, _grad_cases, _replay


# -- SGD with momentum ----------------------------------------------------------------------------
# In the wild: the averaged velocity v ← βv + (1 − β)g of deeplearning.ai's course and of
# eriklindernoren/ML-From-Scratch; the "classic" v ← μv − lr·g, x ← x + v of CS231n (the same
# trajectory as torch's when lr is constant, so a correct solution); lr kept in the buffer
# (v ← μv + lr·g) and then applied again; a velocity started at ones (np.ones_like); Nesterov's
# variant (torch's nesterov=True).
def _momentum_reference(x0: np.ndarray, grads: np.ndarray, lr: float, momentum: float) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum), x0, grads)


def _nesterov(x0: np.ndarray, grads: np.ndarray, lr: float, momentum: float) -> Any:
    torch = _torch()
    if momentum == 0:  # torch refuses nesterov without momentum; it would be plain SGD
        return _replay(lambda p: torch.optim.SGD(p, lr=lr), x0, grads)
    return _replay(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum, nesterov=True), x0, grads)


_MOMENTUM_MISTAKES = frozenset({"ema", "stale", "lr-twice", "ones", "ascent"})


def _momentum_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _MOMENTUM_MISTAKES)

    def wrong(x0: np.ndarray, grads: np.ndarray, lr: float, mu: float) -> np.ndarray:
        x = np.asarray(x0, dtype=float).copy()
        v = np.ones_like(x) if mistake == "ones" else np.zeros_like(x)
        trajectory = [x.copy()]
        for g in np.asarray(grads, dtype=float):
            if mistake == "stale":  # steps with the old velocity, then updates it
                x = x - lr * v
                v = mu * v + g
            elif mistake == "ema":
                v = mu * v + (1 - mu) * g
                x = x - lr * v
            elif mistake == "lr-twice":
                v = mu * v + lr * g
                x = x - lr * v
            elif mistake == "ascent":  # the classic form with the sign of x's update flipped
                v = mu * v - lr * g
                x = x - v
            else:  # "ones": the velocity did not start at 0
                v = mu * v + g
                x = x - lr * v
            trajectory.append(x.copy())
        return np.array(trajectory)

    return wrong


def _momentum_cases() -> list[Case]:
    rates = [(0.1, 0.9), (0.05, 0.5), (0.01, 0.99), (0.2, 0.8)]
    return [
        Case(f"{name}, lr = {lr}, momentum = {mu}", (x0, grads, lr, mu))
        for (name, x0, grads), (lr, mu) in zip(_grad_cases(3), rates, strict=True)
    ] + [Case("momentum = 0 is plain SGD", (np.ones((2, 2)), np.ones((3, 2, 2)), 0.1, 0.0))]


SGD_MOMENTUM = Checker(
    f"{A}/sgd_momentum",
    title="SGD with momentum (PyTorch's form)",
    reference=_momentum_reference,
    cases=_momentum_cases,
    misconceptions=[
        Misconception(
            "ema-velocity",
            "You averaged the velocity, v ← μv + (1 − μ)g (the form of some courses, close to "
            "torch's dampening = μ). PyTorch's default momentum *accumulates* the gradient, "
            "v ← μv + g (dampening = 0), so its steps grow up to 1/(1 − μ) times larger.",
            _momentum_mistake("ema"),
        ),
        Misconception(
            "stale-velocity",
            "Update the velocity first, then the parameters with the *new* velocity: "
            "v ← μv + g, then x ← x − lr · v. Yours steps with the previous velocity, so your "
            "first step does not move x.",
            _momentum_mistake("stale"),
        ),
        Misconception(
            "lr-applied-twice",
            "You multiplied by the learning rate twice: once in the velocity (v ← μv + lr · g) "
            "and again in the step (x ← x − lr · v). Either form alone is right: v ← μv + g "
            "with x ← x − lr · v (PyTorch), or v ← μv + lr · g with x ← x − v.",
            _momentum_mistake("lr-twice"),
        ),
        Misconception(
            "nesterov-momentum",
            "You wrote Nesterov's momentum, x ← x − lr · (g + μv) (torch's nesterov=True). "
            "The exercise is PyTorch's default, plain momentum: x ← x − lr · v with "
            "v ← μv + g.",
            _nesterov,
        ),
        Misconception(
            "velocity-not-started-at-zero",
            "The velocity starts at 0 (np.zeros_like(x)), not at 1: with v₀ = 0 the first "
            "step is plain SGD, x₁ = x₀ − lr · g₁.",
            _momentum_mistake("ones"),
        ),
        Misconception(
            "momentum-ascent",
            "Your x moves uphill. In the classic form the velocity already points downhill, "
            "v ← μv − lr · g, so it is *added*: x ← x + v. (In PyTorch's form, v ← μv + g and "
            "x ← x − lr · v.)",
            _momentum_mistake("ascent"),
        ),
        _aliased_mistake(_momentum_reference),
    ],
)


CHECKER = SGD_MOMENTUM
