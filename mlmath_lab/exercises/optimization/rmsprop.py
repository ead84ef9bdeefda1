"""RMSprop (04-optimization/rmsprop): the checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _aliased_mistake, _check_mistake, _grad_cases, _replay


# -- RMSprop -------------------------------------------------------------------------------------------
# In the wild: eps inside the square root (TensorFlow, Keras 1, Lasagne, Caffe2, MXNet and
# ML-From-Scratch do it; pytorch/pytorch#23796, chainer/chainer#4754); the average of squares
# started at ones (TensorFlow 1's RMSPropOptimizer, google-deepmind/optax#49, climin#30);
# alpha and 1 − alpha exchanged; dividing by the mean square itself.
def _rmsprop_reference(
    x0: np.ndarray, grads: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=alpha, eps=eps), x0, grads)


_RMSPROP_MISTAKES = frozenset({"swapped", "no-sqrt", "eps-inside", "ones"})


def _rmsprop_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _RMSPROP_MISTAKES)

    def wrong(
        x0: np.ndarray, grads: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
    ) -> np.ndarray:
        x = np.asarray(x0, dtype=float).copy()
        s = np.ones_like(x) if mistake == "ones" else np.zeros_like(x)
        trajectory = [x.copy()]
        for g in np.asarray(grads, dtype=float):
            if mistake == "swapped":
                s = (1 - alpha) * s + alpha * g**2
            else:
                s = alpha * s + (1 - alpha) * g**2
            if mistake == "no-sqrt":
                denom = s + eps
            elif mistake == "eps-inside":
                denom = np.sqrt(s + eps)
            else:
                denom = np.sqrt(s) + eps
            x = x - lr * g / denom
            trajectory.append(x.copy())
        return np.array(trajectory)

    return wrong


def _rmsprop_cases() -> list[Case]:
    settings = [(0.01, 0.99, 1e-8), (0.05, 0.9, 1e-8), (0.001, 0.5, 1e-8), (0.1, 0.95, 1e-8)]
    cases = [
        Case(f"{name}, lr = {lr}, alpha = {alpha}", (x0, grads, lr), {"alpha": alpha, "eps": eps})
        for (name, x0, grads), (lr, alpha, eps) in zip(_grad_cases(4), settings, strict=True)
    ]
    rng = _rng(40)
    cases.append(
        Case(
            "tiny gradients (about 1e-3) with eps = 1e-4, (2, 5) parameters, 5 steps",
            (rng.normal(size=(2, 5)), 1e-3 * rng.normal(size=(5, 2, 5)), 0.01),
            {"alpha": 0.9, "eps": 1e-4},
        )
    )
    return cases


RMSPROP = Checker(
    f"{A}/rmsprop",
    title="RMSprop",
    reference=_rmsprop_reference,
    cases=_rmsprop_cases,
    misconceptions=[
        Misconception(
            "rmsprop-alpha-swapped",
            "alpha weights the *old* average: s ← α · s + (1 − α) · g². Yours gives the new g² "
            "the weight α.",
            _rmsprop_mistake("swapped"),
        ),
        Misconception(
            "rmsprop-no-sqrt",
            "Divide by the root mean square, √s + eps, not by the mean square s itself.",
            _rmsprop_mistake("no-sqrt"),
        ),
        Misconception(
            "rmsprop-eps-inside-sqrt",
            "You added eps inside the square root, √(s + eps): that is TensorFlow's and "
            "Keras's convention. PyTorch adds it *after* the root: divide by √s + eps. The "
            "difference shows when gradients are small compared with eps.",
            _rmsprop_mistake("eps-inside"),
        ),
        Misconception(
            "rmsprop-average-started-at-one",
            "Your average of squared gradients starts at 1 (TensorFlow 1's RMSPropOptimizer "
            "does that). PyTorch starts it at 0: s₀ = np.zeros_like(x), so the first step "
            "divides g by √((1 − α) g²) + eps.",
            _rmsprop_mistake("ones"),
        ),
        _aliased_mistake(_rmsprop_reference),
    ],
)


CHECKER = RMSPROP
