"""Linear warmup, then cosine decay (04-optimization/warmup_cosine): the checker."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import A, _check_mistake


# -- warmup + cosine learning-rate schedule -------------------------------------------------------------
# In the wild: warmup to (t + 1) / W (Karpathy's build-nanogpt and its many copies) or
# (t + 1) / (W + 1) (nanoGPT's train.py); np.linspace(0, base_lr, W), which reaches base_lr one
# step early; a cosine over the whole run, t / T (the UvA deep-learning tutorials' scheduler);
# np.linspace for the cosine phase too, which ends on min_lr at the last step; cos without
# the (1 + ·) / 2; min_lr left out.
def _schedule_reference(
    base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0
) -> np.ndarray:
    """The learning rate of steps 0 .. total_steps - 1, read from torch's LambdaLR."""
    torch = _torch()
    floor = min_lr / base_lr
    decay_steps = max(1, total_steps - warmup_steps)

    def factor(step: int) -> float:
        if step < warmup_steps:
            return step / warmup_steps
        progress = (step - warmup_steps) / decay_steps
        return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))

    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=base_lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    rates = []
    for _ in range(total_steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradient: nothing moves, but the scheduler wants a step first
        scheduler.step()
    return np.array(rates, dtype=float)


_SCHEDULE_MISTAKES = frozenset(
    {
        "warmup-plus-one",
        "warmup-over-w-plus-one",
        "warmup-linspace",
        "over-total",
        "ends-at-last-step",
        "unshifted",
    }
)


def _schedule_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _SCHEDULE_MISTAKES)

    def wrong(base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0) -> Any:
        t = np.arange(total_steps, dtype=float)
        w = max(warmup_steps, 1)
        if mistake == "warmup-plus-one":
            warm = base_lr * (t + 1) / w
        elif mistake == "warmup-over-w-plus-one":
            warm = base_lr * (t + 1) / (warmup_steps + 1)
        elif mistake == "warmup-linspace":
            ramp = np.linspace(0.0, base_lr, warmup_steps)
            warm = np.concatenate([ramp, np.zeros(max(0, total_steps - warmup_steps))])
            warm = warm[:total_steps]
        else:
            warm = base_lr * t / w
        decay = max(1, total_steps - warmup_steps)
        if mistake == "over-total":
            progress = t / total_steps
        elif mistake == "ends-at-last-step":
            progress = (t - warmup_steps) / max(1, decay - 1)
        else:
            progress = (t - warmup_steps) / decay
        if mistake == "unshifted":
            shape = np.cos(np.pi * progress)
        else:
            shape = 0.5 * (1 + np.cos(np.pi * progress))
        return np.where(t < warmup_steps, warm, min_lr + (base_lr - min_lr) * shape)

    return wrong


def _schedule_without_floor(
    base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0
) -> np.ndarray:
    return _schedule_reference(base_lr, warmup_steps, total_steps, 0.0)


WARMUP_COSINE = Checker(
    f"{A}/warmup_cosine",
    title="Linear warmup, then cosine decay",
    reference=_schedule_reference,
    cases=[
        Case("base_lr = 1e-3, 10 warmup steps of 100", (1e-3, 10, 100)),
        Case("base_lr = 0.1, 5 warmup steps of 20, min_lr = 0.01", (0.1, 5, 20), {"min_lr": 0.01}),
        Case("no warmup: 0 warmup steps of 12", (0.5, 0, 12)),
        Case("base_lr = 3e-4, 3 warmup steps of 7", (3e-4, 3, 7)),
        Case("base_lr = 1.0, 4 warmup steps of 30, min_lr = 0.1", (1.0, 4, 30), {"min_lr": 0.1}),
    ],
    misconceptions=[
        Misconception(
            "warmup-off-by-one",
            "Your warmup is one step ahead, base_lr · (t + 1) / warmup_steps (the convention "
            "of some GPT training scripts). Here, as in Hugging Face's schedules, step t of "
            "the warmup has base_lr · t / warmup_steps: 0 at step 0, base_lr at t = "
            "warmup_steps.",
            _schedule_mistake("warmup-plus-one"),
        ),
        Misconception(
            "warmup-over-warmup-plus-one",
            "Your warmup is base_lr · (t + 1) / (warmup_steps + 1) (nanoGPT's convention). "
            "Here step t of the warmup has base_lr · t / warmup_steps: 0 at step 0, base_lr "
            "at t = warmup_steps.",
            _schedule_mistake("warmup-over-w-plus-one"),
        ),
        Misconception(
            "warmup-reaches-peak-early",
            "Your warmup reaches base_lr one step early, at t = warmup_steps − 1 "
            "(np.linspace(0, base_lr, warmup_steps) includes its end point). The warmup rate "
            "is base_lr · t / warmup_steps, and base_lr is reached at t = warmup_steps, the "
            "first step of the cosine.",
            _schedule_mistake("warmup-linspace"),
        ),
        Misconception(
            "cosine-progress-over-total",
            "The cosine phase starts after the warmup: measure its progress as (t − "
            "warmup_steps) / (total_steps − warmup_steps), not t / total_steps.",
            _schedule_mistake("over-total"),
        ),
        Misconception(
            "cosine-ends-at-last-step",
            "Your cosine reaches min_lr at the last step, t = total_steps − 1 (a progress of "
            "(t − warmup_steps) / (total_steps − warmup_steps − 1), or np.linspace(0, 1, n)). "
            "Divide by total_steps − warmup_steps: min_lr would be reached at t = total_steps, "
            "just after the schedule ends.",
            _schedule_mistake("ends-at-last-step"),
        ),
        Misconception(
            "cosine-not-shifted",
            "cos(π · progress) goes from 1 to −1: use (1 + cos(π · progress)) / 2, which goes "
            "from 1 to 0, so the rate decays from base_lr to min_lr and never goes negative.",
            _schedule_mistake("unshifted"),
        ),
        Misconception(
            "cosine-ignores-min-lr",
            "The cosine decays to min_lr, not to 0: min_lr + (base_lr − min_lr) · (1 + cos(π · "
            "progress)) / 2.",
            _schedule_without_floor,
        ),
    ],
)


CHECKER = WARMUP_COSINE
