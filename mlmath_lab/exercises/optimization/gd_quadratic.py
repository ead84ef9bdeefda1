"""Gradient descent on (x − 3)² (04-optimization/gd_quadratic): the checker."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import A, _check_mistake


# -- gradient descent on f(x) = (x - 3)^2 --------------------------------------------------------
def _gd_reference(x0: float, lr: float, n_steps: int) -> np.ndarray:
    torch = _torch()
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr)
    trajectory = [x.item()]
    for _ in range(n_steps):
        optimizer.zero_grad()
        loss = (x - 3.0) ** 2
        loss.backward()
        optimizer.step()
        trajectory.append(x.item())
    return np.array(trajectory)


_GD_MISTAKES = frozenset({"ascent", "without-2"})


def _gd_mistake(mistake: str) -> Callable[[float, float, int], np.ndarray]:
    _check_mistake(mistake, _GD_MISTAKES)
    sign, factor = (-1.0, 2.0) if mistake == "ascent" else (1.0, 1.0)

    def wrong(x0: float, lr: float, n_steps: int) -> np.ndarray:
        xs = [float(x0)]
        for _ in range(n_steps):
            xs.append(xs[-1] - sign * lr * factor * (xs[-1] - 3.0))
        return np.array(xs)

    return wrong


GD_QUADRATIC = Checker(
    f"{A}/gd_quadratic",
    title="Gradient descent on (x − 3)²",
    reference=_gd_reference,
    cases=[
        Case("x0 = 0, lr = 0.1, 50 steps: converges", (0.0, 0.1, 50)),
        Case("x0 = 10, lr = 0.9, 20 steps: overshoots and oscillates", (10.0, 0.9, 20)),
        Case("x0 = -2, lr = 1.05, 15 steps: diverges", (-2.0, 1.05, 15)),
        Case("x0 = 0, lr = 0.5, 3 steps: lands on 3 in one step", (0.0, 0.5, 3)),
        Case("x0 = 7, lr = 0.01, 5 steps", (7.0, 0.01, 5)),
        Case("x0 = 1, 0 steps: the trajectory is [x0]", (1.0, 0.3, 0)),
    ],
    misconceptions=[
        Misconception(
            "gradient-ascent",
            "Your x moves uphill: gradient descent *subtracts* the gradient, x ← x − lr · f'(x).",
            _gd_mistake("ascent"),
        ),
        Misconception(
            "derivative-without-2",
            "The derivative of (x − 3)² is 2(x − 3), not (x − 3): you dropped the factor 2.",
            _gd_mistake("without-2"),
        ),
        Misconception(
            "trajectory-without-x0",
            "The trajectory starts with x0: n_steps steps give n_steps + 1 values, x0 first.",
            lambda x0, lr, n: _gd_reference(x0, lr, n)[1:],
        ),
        Misconception(
            "trajectory-one-short",
            "Your trajectory stops one step early: it has x0 … x_(n−1) but not the last "
            "iterate. Appending x *before* updating it leaves the final x out of the list: "
            "n_steps steps give n_steps + 1 values.",
            lambda x0, lr, n: _gd_reference(x0, lr, n)[:-1],
        ),
        Misconception(
            "returned-final-x-only",
            "You returned only the final x. Return every iterate, x0 first: an array of "
            "n_steps + 1 values.",
            lambda x0, lr, n: float(_gd_reference(x0, lr, n)[-1]),
        ),
    ],
)


CHECKER = GD_QUADRATIC
