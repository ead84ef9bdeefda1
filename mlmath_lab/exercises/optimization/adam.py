"""Adam with bias correction (04-optimization/adam): the checker."""

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


# -- Adam and AdamW -------------------------------------------------------------------------------------
# In the wild: no bias correction (oxiglade/mlx-rs#301); a correction without the power t,
# m / (1 − β₁) (eriklindernoren/ML-From-Scratch#35); the step counted from 0 (a division by
# zero, keras-team/keras#10129) or from 2 (cs231n/cs231n.github.io#179); the corrected moments
# written back into m and v (frgfm/holocron#1); eps inside the square root; eps added to the
# uncorrected √v with the correction folded into the step size (the "ε̂" of the Adam paper's
# efficient form, TensorFlow's Adam, PennyLaneAI/pennylane#1929).
def _adam_reference(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps), x0, grads)


def _adam_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _ADAM_MISTAKES)

    def wrong(
        x0: np.ndarray,
        grads: np.ndarray,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> np.ndarray:
        return _adam_steps(x0, grads, lr, betas, eps, mistake)

    return wrong


def _adam_cases() -> list[Case]:
    settings: list[tuple[float, tuple[float, float]]] = [
        (0.01, (0.9, 0.999)),
        (0.1, (0.9, 0.99)),
        (0.05, (0.8, 0.999)),
        (0.001, (0.5, 0.9)),
    ]
    cases = [
        Case(f"{name}, lr = {lr}, betas = {betas}", (x0, grads, lr), {"betas": betas})
        for (name, x0, grads), (lr, betas) in zip(_grad_cases(5), settings, strict=True)
    ]
    rng = _rng(50)
    cases.append(
        Case(
            "tiny gradients (about 1e-3) with eps = 1e-3, (4, 2) parameters, 4 steps",
            (rng.normal(size=(4, 2)), 1e-3 * rng.normal(size=(4, 4, 2)), 0.01),
            {"eps": 1e-3},
        )
    )
    return cases


ADAM = Checker(
    f"{A}/adam",
    title="Adam with bias correction",
    reference=_adam_reference,
    cases=_adam_cases,
    misconceptions=[
        Misconception(
            "adam-no-bias-correction",
            "You left out the bias correction. m and v start at 0, so early on they are "
            f"too small: {_CORRECTION}.",
            _adam_mistake("no-correction"),
        ),
        Misconception(
            "adam-correction-without-power",
            "Your bias correction divides by (1 − β₁) and (1 − β₂), the same at every step. "
            "It is (1 − β₁ᵗ) and (1 − β₂ᵗ), with t the step number (1, 2, 3, …): the "
            "correction fades as βᵗ → 0.",
            _adam_mistake("no-power"),
        ),
        Misconception(
            "adam-step-counted-from-0",
            "Your first step uses t = 0, so 1 − β⁰ = 0 and the correction divides by zero "
            "(inf and nan). Count the steps from 1: enumerate(grads, start=1), or add 1 to t "
            "*before* using it.",
            _adam_mistake("t-from-0"),
        ),
        Misconception(
            "adam-step-counted-from-2",
            "Your bias correction is one step ahead: your first step uses t = 2. The first "
            "step has t = 1, so m̂₁ = m₁ / (1 − β₁) = g₁ (increment t once per step, before "
            "using it, starting from t = 0).",
            _adam_mistake("t-from-2"),
        ),
        Misconception(
            "adam-corrected-moments-kept",
            "You stored the bias-corrected m̂ and v̂ back into m and v, so the correction "
            "piles up from step to step. Keep m and v *uncorrected*; compute m̂ = m / (1 − β₁ᵗ) "
            "and v̂ = v / (1 − β₂ᵗ) in new variables, only for the step.",
            _adam_mistake("corrected-state"),
        ),
        Misconception(
            "adam-eps-inside-sqrt",
            "PyTorch adds eps *after* the square root: divide by √v̂ + eps, not √(v̂ + eps). "
            "The difference shows when gradients are small compared with eps.",
            _adam_mistake("eps-inside"),
        ),
        Misconception(
            "adam-eps-on-uncorrected-v",
            "You folded the bias correction into the step size, lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ), "
            "and divided by √v + eps with the *uncorrected* v (the ε̂ form of the Adam paper and "
            "TensorFlow). PyTorch adds eps to the corrected root: m̂ / (√v̂ + eps). The "
            "difference shows when gradients are small compared with eps.",
            _adam_mistake("eps-hat"),
        ),
        _aliased_mistake(_adam_reference),
    ],
)


CHECKER = ADAM
