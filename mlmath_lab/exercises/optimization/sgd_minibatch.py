"""Mini-batch SGD for linear regression (04-optimization/sgd_minibatch): the checker."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _aliased_mistake, _check_mistake


# -- mini-batch SGD on linear regression ------------------------------------------------------------
def _sgd_minibatch_reference(
    X: np.ndarray, y: np.ndarray, w0: np.ndarray, lr: float, batches: Sequence[np.ndarray]
) -> np.ndarray:
    torch = _torch()
    Xt, yt = torch.from_numpy(np.asarray(X, float)), torch.from_numpy(np.asarray(y, float))
    w = torch.tensor(np.asarray(w0, float), requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    trajectory = [w.detach().clone()]
    for batch in batches:
        index = torch.as_tensor(np.asarray(batch), dtype=torch.long)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(Xt[index] @ w, yt[index])
        loss.backward()
        optimizer.step()
        trajectory.append(w.detach().clone())
    return torch.stack(trajectory).numpy()


_SGD_MISTAKES = frozenset({"full-batch", "summed", "without-2", "over-n", "residual-sign"})


def _sgd_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _SGD_MISTAKES)

    def wrong(
        X: np.ndarray, y: np.ndarray, w0: np.ndarray, lr: float, batches: Sequence[np.ndarray]
    ) -> np.ndarray:
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        w = np.asarray(w0, dtype=float).copy()
        trajectory = [w.copy()]
        for batch in batches:
            index = np.arange(len(y)) if mistake == "full-batch" else np.asarray(batch)
            Xb, yb = X[index], y[index]
            residual = yb - Xb @ w if mistake == "residual-sign" else Xb @ w - yb
            factor = 1.0 if mistake == "without-2" else 2.0
            divisor = {"summed": 1, "over-n": len(y)}.get(mistake, len(index))
            w = w - lr * factor * (Xb.T @ residual) / divisor
            trajectory.append(w.copy())
        return np.array(trajectory)

    return wrong


def _split(order: np.ndarray, size: int) -> list[np.ndarray]:
    return [order[i : i + size] for i in range(0, len(order), size)]


def _sgd_minibatch_cases() -> list[Case]:
    rng = _rng(42)
    cases = []
    for name, n, d, lr, size, epochs in [
        ("10 examples, 3 features, batches of 4 (the last has 2), 2 epochs", 10, 3, 0.05, 4, 2),
        ("7 examples, 2 features, batch size 1 (plain SGD), 1 epoch", 7, 2, 0.05, 1, 1),
        ("12 examples, 4 features, full batch (plain GD), 5 steps", 12, 4, 0.1, 12, 5),
        ("9 examples, 5 features, batches of 2 (the last has 1), 3 epochs", 9, 5, 0.02, 2, 3),
    ]:
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        batches = [b for _ in range(epochs) for b in _split(rng.permutation(n), size)]
        cases.append(Case(name, (X, y, rng.normal(size=d), lr, batches)))
    return cases


SGD_MINIBATCH = Checker(
    f"{A}/sgd_minibatch",
    title="Mini-batch SGD for linear regression",
    reference=_sgd_minibatch_reference,
    cases=_sgd_minibatch_cases,
    misconceptions=[
        Misconception(
            "full-batch",
            "You used all the examples at every step. Each step of mini-batch SGD uses only the "
            "rows in its batch: X[batch], y[batch].",
            _sgd_mistake("full-batch"),
        ),
        Misconception(
            "summed-not-averaged",
            "You summed the gradient over the batch. The loss is the *mean* squared error of "
            "the batch: divide by the batch size, len(batch), which may change from step to "
            "step.",
            _sgd_mistake("summed"),
        ),
        Misconception(
            "averaged-over-all-examples",
            "You divided the batch's gradient by N, the number of all the examples. The loss "
            "of a step is the mean over *its batch*: divide by len(batch), which may change "
            "from step to step (the last batch of an epoch can be smaller).",
            _sgd_mistake("over-n"),
        ),
        Misconception(
            "mse-gradient-without-2",
            "The gradient of mean((Xw − y)²) is (2 / B) · Xᵀ(Xw − y): you dropped the factor 2.",
            _sgd_mistake("without-2"),
        ),
        Misconception(
            "residual-sign",
            "Your weights move uphill: with the residual written y − Xw the gradient is "
            "−(2 / B) · Xᵀ(y − Xw). Use the residual Xw − y, then w ← w − lr · gradient.",
            _sgd_mistake("residual-sign"),
        ),
        _aliased_mistake(_sgd_minibatch_reference),
    ],
)


CHECKER = SGD_MINIBATCH
