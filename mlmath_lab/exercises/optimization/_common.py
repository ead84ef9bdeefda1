"""What several of 04-optimization's checkers share."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from . import ASSIGNMENT

A = ASSIGNMENT


def _replay(
    make_optimizer: Callable[[list[Any]], Any],
    x0: Any,
    grads: Any,
    after_step: Callable[[Any], None] | None = None,
) -> np.ndarray:
    """The trajectory of a torch optimizer fed the given gradients, one ``step()`` per gradient
    (``after_step(p)`` runs after each step, under ``no_grad``)."""
    torch = _torch()
    p = torch.tensor(np.asarray(x0, dtype=float), dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([p])
    trajectory = [p.detach().clone()]
    for g in np.asarray(grads, dtype=float):
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        if after_step is not None:
            with torch.no_grad():
                after_step(p)
        trajectory.append(p.detach().clone())
    return torch.stack(trajectory).numpy()


def _grad_cases(seed: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Initial parameters and per-step gradients shared by the optimizer exercises."""
    rng = _rng(seed)
    return [
        ("(2, 3) parameters, 5 steps", rng.normal(size=(2, 3)), rng.normal(size=(5, 2, 3))),
        ("a vector of 4, 8 steps", rng.normal(size=4), rng.normal(size=(8, 4))),
        (
            "(3, 2) parameters, 6 steps of gradients that change scale",
            rng.normal(size=(3, 2)),
            rng.normal(size=(6, 3, 2)) * np.array([1.0, 5.0, 0.2, 3.0, 0.1, 2.0])[:, None, None],
        ),
        ("a single number, 4 steps", np.array(0.5), np.array([2.0, -1.0, 0.5, 3.0])),
    ]


def _check_mistake(mistake: str, known: frozenset[str]) -> None:
    if mistake not in known:
        raise ValueError(f"unknown mistake {mistake!r}: one of {sorted(known)}")


_ALIASED_HINT = (
    "Every row of your trajectory is the same: the final parameters. You appended the array "
    "`x` to the list and then changed it in place (`x -= ...`, `x[...] = ...`), so every "
    "entry is the same object. Append a copy, `trajectory.append(x.copy())`, or rebind "
    "`x = x - ...`, which makes a new array."
)


def _aliased_mistake(reference: Callable[..., np.ndarray]) -> Misconception:
    """Every row of the trajectory is the last one: the list holds one array, updated in place."""

    def wrong(*args: Any, **kwargs: Any) -> np.ndarray:
        trajectory = reference(*args, **kwargs)
        return np.broadcast_to(trajectory[-1], trajectory.shape).copy()

    return Misconception("trajectory-aliased", _ALIASED_HINT, wrong)


_ADAM_MISTAKES = frozenset(
    {
        "no-correction",
        "no-power",
        "t-from-0",
        "t-from-2",
        "corrected-state",
        "eps-inside",
        "eps-hat",
    }
)


def _adam_steps(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    mistake: str,
    weight_decay: float = 0.0,
) -> np.ndarray:
    """Adam with one mistake, and AdamW's decoupled decay when ``weight_decay`` is given."""
    _check_mistake(mistake, _ADAM_MISTAKES)
    beta1, beta2 = betas
    x = np.asarray(x0, dtype=float).copy()
    m, v = np.zeros_like(x), np.zeros_like(x)
    trajectory = [x.copy()]
    first = {"t-from-0": 0, "t-from-2": 2}.get(mistake, 1)
    for t, g in enumerate(np.asarray(grads, dtype=float), start=first):
        x = x * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        if mistake == "no-correction":
            c1, c2 = 1.0, 1.0
        elif mistake == "no-power":
            c1, c2 = 1 - beta1, 1 - beta2
        else:
            c1, c2 = 1 - beta1**t, 1 - beta2**t
        if mistake == "eps-hat":
            x = x - lr * math.sqrt(c2) / c1 * m / (np.sqrt(v) + eps)
        else:
            m_hat, v_hat = m / c1, v / c2
            if mistake == "corrected-state":
                m, v = m_hat, v_hat
            denom = np.sqrt(v_hat + eps) if mistake == "eps-inside" else np.sqrt(v_hat) + eps
            x = x - lr * m_hat / denom
        trajectory.append(x.copy())
    return np.array(trajectory)


_CORRECTION = "divide m by (1 − β₁ᵗ) and v by (1 − β₂ᵗ), with t = 1 at the first step"
