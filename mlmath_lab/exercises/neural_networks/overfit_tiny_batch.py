"""Overfitting a tiny batch (07-neural-networks/overfit_tiny_batch): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ._common import A, Params, _init_mlp, _losses_array, _train_torch


# -- 10. overfitting a tiny batch ------------------------------------------------------------------
def _overfit_reference(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, threshold: float, max_steps: int
) -> np.ndarray:
    _, losses, reached = _train_torch(params, X, y, lr, max_steps, threshold)
    if not reached:
        raise RuntimeError(f"the loss did not go below {threshold} in {max_steps} steps")
    return losses


def _overfit_compare(got: Any, expected: np.ndarray) -> Mismatch | None:
    losses = _losses_array(got)
    if losses is None:
        return Mismatch(
            "type", f"expected the list of losses, yours is {summarize(got)}", summarize(got)
        )
    if len(losses) != len(expected):
        return Mismatch(
            "length",
            f"the loss first goes below the threshold after {len(expected) - 1} updates, so "
            f"expected {len(expected)} losses; yours has {len(losses)}",
            summarize(losses),
            summarize(expected),
        )
    return compare(losses, expected, rtol=1e-6, atol=1e-9)


def _overfit_cases() -> list[Case]:
    rng = _rng(710)
    X1, y1 = rng.normal(size=(5, 10)), np.array([0, 1, 2, 3, 1])
    X2, y2 = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    X3, y3 = rng.normal(size=(3, 6)), np.array([1, 0, 1])
    return [
        Case(
            "5 examples in 10-D, random labels, 10 → 16 → 4, loss < 0.01",
            (_init_mlp(21, [10, 16, 4]), X1, y1, 0.5, 0.01, 500),
        ),
        Case(
            "8 examples in 4-D, 4 → 32 → 16 → 3, loss < 0.05",
            (_init_mlp(22, [4, 32, 16, 3]), X2, y2, 0.2, 0.05, 1000),
        ),
        Case(
            "3 examples in 6-D, 6 → 8 → 2, loss < 0.1",
            (_init_mlp(23, [6, 8, 2]), X3, y3, 0.5, 0.1, 300),
        ),
        Case(
            "the same 5 examples with max_steps = 36: the loss goes below 0.01 after exactly "
            "36 updates",
            (_init_mlp(21, [10, 16, 4]), X1, y1, 0.5, 0.01, 36),
        ),
        Case(
            "the same 5 examples with max_steps = 10: must raise RuntimeError",
            (_init_mlp(21, [10, 16, 4]), X1, y1, 0.5, 0.01, 10),
        ),
    ]


def _overfit_with(
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    threshold: float,
    max_steps: int,
    mistake: str,
) -> list[float]:
    """Overfitting with one known mistake, from the losses after 0, 1, ..., max_steps updates
    (the updates are the same whenever the loop stops)."""
    _, seen, reached = _train_torch(params, X, y, lr, max_steps, threshold)
    losses = [float(v) for v in seen]  # losses[t]: the loss after t updates
    first = len(losses) - 1 if reached else None
    if mistake == "no-early-stop" and reached:
        _, seen, _ = _train_torch(params, X, y, lr, max_steps + 1, None)
        return [float(v) for v in seen]
    if mistake == "one-update-short" and first == max_steps:
        first = None
    if first is None:
        if mistake == "no-raise":
            return losses
        raise RuntimeError(f"the loss did not go below {threshold} in {max_steps} steps")
    if mistake == "last-loss-missing":
        return losses[:first]
    return losses[: first + 1]


def _overfit_mistake(name: str, hint: str) -> Misconception:
    return Misconception(
        name, hint, lambda p, X, y, lr, th, ms: _overfit_with(p, X, y, lr, th, ms, name)
    )


OVERFIT_TINY_BATCH = Checker(
    f"{A}/overfit_tiny_batch",
    title="Overfitting a tiny batch",
    reference=_overfit_reference,
    cases=_overfit_cases,
    comparator=_overfit_compare,
    misconceptions=[
        _overfit_mistake(
            "no-early-stop",
            "Stop as soon as the loss is below the threshold: the last loss you return is the "
            "first one below it. You kept training until max_steps.",
        ),
        _overfit_mistake(
            "last-loss-missing",
            "Append the loss *before* testing it: the list you return ends with the first loss "
            "below the threshold. Yours stops one loss short.",
        ),
        _overfit_mistake(
            "one-update-short",
            "After max_steps updates the loss must be computed once more (steps t = 0, 1, ..., "
            "max_steps: max_steps + 1 losses at most). You stop after max_steps losses, so a "
            "loss that goes below the threshold after exactly max_steps updates is never seen.",
        ),
        _overfit_mistake(
            "no-raise",
            "When the loss is still at or above the threshold after max_steps updates, raise "
            "RuntimeError: a network that cannot overfit a tiny batch has a bug, and returning "
            "the losses hides it.",
        ),
    ],
)


CHECKER = OVERFIT_TINY_BATCH
