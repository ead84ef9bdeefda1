"""AdamW: decoupled weight decay (04-optimization/adamw): the checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import (
    _ADAM_MISTAKES,
    _CORRECTION,
    A,
    _adam_steps,
    _aliased_mistake,
    _check_mistake,
    _grad_cases,
    _replay,
)


# In the wild: Adam with an L2 penalty for AdamW (torch.optim.Adam's weight_decay); the decay
# applied after the Adam step, to the updated weights (the "fixed" AdamW of Hugging Face
# transformers and the many copies of it in CS224n-style minBERT assignments); the decay
# without the learning rate (the AdamW paper writes the schedule multiplier η_t apart from α).
def _adamw_reference(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    torch = _torch()
    return _replay(
        lambda p: torch.optim.AdamW(p, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay),
        x0,
        grads,
    )


def _adamw_coupled_l2(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    torch = _torch()
    return _replay(
        lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay),
        x0,
        grads,
    )


def _adamw_decay_without_lr(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    # torch shrinks by (1 − lr · wd): a decay of wd / lr shrinks by (1 − wd)
    return _adamw_reference(x0, grads, lr, betas, eps, weight_decay / lr)


def _adamw_decay_after_step(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    torch = _torch()
    return _replay(
        lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps),
        x0,
        grads,
        after_step=lambda p: p.mul_(1 - lr * weight_decay),
    )


def _adamw_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _ADAM_MISTAKES)

    def wrong(
        x0: np.ndarray,
        grads: np.ndarray,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> np.ndarray:
        return _adam_steps(x0, grads, lr, betas, eps, mistake, weight_decay)

    return wrong


def _adamw_cases() -> list[Case]:
    settings: list[tuple[float, tuple[float, float], float]] = [
        (0.01, (0.9, 0.999), 0.1),
        (0.1, (0.9, 0.99), 0.05),
        (0.05, (0.8, 0.999), 0.5),
        (0.2, (0.5, 0.9), 0.3),
    ]
    cases = [
        Case(
            f"{name}, lr = {lr}, weight_decay = {wd}",
            (x0, grads, lr),
            {"betas": betas, "weight_decay": wd},
        )
        for (name, x0, grads), (lr, betas, wd) in zip(_grad_cases(6), settings, strict=True)
    ]
    rng = _rng(60)
    cases += [
        Case(
            "zero gradients: only the weight decay acts, 3 steps",
            (np.array([[1.0, -2.0, 4.0]]), np.zeros((3, 1, 3)), 0.1),
            {"weight_decay": 0.5},
        ),
        Case(
            "tiny gradients (about 1e-3) with eps = 1e-3, weight_decay = 0.1, 4 steps",
            (rng.normal(size=(2, 3)), 1e-3 * rng.normal(size=(4, 2, 3)), 0.05),
            {"eps": 1e-3, "weight_decay": 0.1},
        ),
    ]
    return cases


ADAMW = Checker(
    f"{A}/adamw",
    title="AdamW: decoupled weight decay",
    reference=_adamw_reference,
    cases=_adamw_cases,
    misconceptions=[
        Misconception(
            "adamw-coupled-l2",
            "You added weight_decay · x to the gradient (Adam with an L2 penalty, what "
            "torch.optim.Adam's weight_decay does): then the decay goes through m and v and is "
            "rescaled by 1/√v̂ like the gradient. AdamW *decouples* it: shrink the parameters, "
            "x ← x · (1 − lr · weight_decay), apart from the Adam step of g alone.",
            _adamw_coupled_l2,
        ),
        Misconception(
            "adamw-decay-without-lr",
            "The decoupled decay is scaled by the learning rate too: x ← x · (1 − lr · "
            "weight_decay), not x · (1 − weight_decay) (the AdamW paper writes a separate "
            "schedule factor; torch.optim.AdamW multiplies by lr).",
            _adamw_decay_without_lr,
        ),
        Misconception(
            "adamw-decay-after-step",
            "You shrank the parameters *after* the Adam step (as Hugging Face's old AdamW "
            "did), so the decay acts on the updated x. torch.optim.AdamW shrinks first: "
            "x ← x · (1 − lr · weight_decay), then x ← x − lr · m̂ / (√v̂ + eps).",
            _adamw_decay_after_step,
        ),
        Misconception(
            "adamw-no-bias-correction",
            f"You left out Adam's bias correction: {_CORRECTION}.",
            _adamw_mistake("no-correction"),
        ),
        Misconception(
            "adamw-eps-inside-sqrt",
            "PyTorch adds eps *after* the square root: divide by √v̂ + eps, not √(v̂ + eps). "
            "The difference shows when gradients are small compared with eps.",
            _adamw_mistake("eps-inside"),
        ),
        _aliased_mistake(_adamw_reference),
    ],
)


CHECKER = ADAMW
