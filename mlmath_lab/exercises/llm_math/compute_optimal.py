"""Compute-optimal model and data size (11-llm-math/compute_optimal): the checker.

The student writes ``compute_optimal(C, ratio=20.0)`` → (N, D) with C = 6 N D and D = ratio·N,
so N = √(C / (6·ratio)) and D = ratio·N, and ``training_compute(N, ratio=20.0)`` → the FLOPs
C = 6 N (ratio·N) of training N parameters compute-optimally; the check calls
``chinchilla(C, N, ratio)``, which returns ``(*compute_optimal(C, ratio),
training_compute(N, ratio))``. The reference is torch (float64).
"""

from __future__ import annotations

from typing import Any

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _t


def _chinchilla(
    C: float,
    N: float,
    ratio: float = 20.0,
    *,
    flops: float = 6.0,
    inverse: bool = False,
    slip: str = "",
) -> tuple[float, float, float]:
    torch = _torch()
    c, n, r = _t(C), _t(N), _t(ratio)
    if slip == "no-square-root":  # N = C / (6 ratio)
        n_opt = c / (flops * r)
        return float(n_opt), float(r * n_opt), float(flops * n * (r * n))
    if slip == "ratio-as-tokens":  # training_compute with D = ratio
        n_opt = torch.sqrt(c / (flops * r))
        return float(n_opt), float(r * n_opt), float(flops * n * r)
    if inverse:  # D = N / ratio
        n_opt = torch.sqrt(c * r / flops)
        return float(n_opt), float(n_opt / r), float(flops * n * n / r)
    n_opt = torch.sqrt(c / (flops * r))
    return float(n_opt), float(r * n_opt), float(flops * n * (r * n))


def _reference(C: float, N: float, ratio: float = 20.0) -> tuple[float, float, float]:
    return _chinchilla(C, N, ratio)


def _with(**switch: Any) -> Any:
    def wrong(C: float, N: float, ratio: float = 20.0) -> tuple[float, float, float]:
        return _chinchilla(C, N, ratio, **switch)

    return wrong


def _cases() -> list[Case]:
    return [
        Case("the notes' example: Chinchilla, C = 5.76e23, N = 70e9", (5.76e23, 70e9)),
        Case("C = 1e21, N = 1e9", (1e21, 1e9)),
        Case("C = 6e18, N = 125e6, ratio = 5", (6e18, 125e6, 5.0)),
        Case(
            "C = 3.14e23, N = 175e9, ratio = 1.7 (GPT-3's tokens per parameter)",
            (3.14e23, 175e9, 1.7),
        ),
        Case("C = 1e25, N = 4e11, ratio = 40", (1e25, 4e11, 40.0)),
    ]


COMPUTE_OPTIMAL = Checker(
    f"{A}/compute_optimal",
    title="Compute-optimal model and data size",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "forgot-the-six",
            "You left out the 6: C ≈ 6ND (2 FLOPs per parameter per token forward, 4 backward). "
            "N = √(C / (6·ratio)) and C = 6·N·(ratio·N).",
            _with(flops=1.0),
        ),
        Misconception(
            "forward-only-flops",
            "You used C = 2ND — the forward pass only. Training also runs the backward pass, "
            "twice as costly: C ≈ 6ND.",
            _with(flops=2.0),
        ),
        Misconception(
            "tokens-divided-by-ratio",
            "You took D = N / ratio. The ratio is tokens per parameter: D = ratio·N (20 tokens "
            "for every parameter), so C = 6·ratio·N².",
            _with(inverse=True),
        ),
        Misconception(
            "no-square-root",
            "Your N is C / (6·ratio): you forgot that C = 6·N·D = 6·ratio·N² is quadratic in N. "
            "Solve for N with a square root: N = √(C / (6·ratio)), then D = ratio·N.",
            _with(slip="no-square-root"),
        ),
        Misconception(
            "ratio-as-tokens",
            "Your training_compute is 6·N·ratio: the ratio is tokens per parameter, not the "
            "number of tokens. D = ratio·N, so C = 6·N·(ratio·N).",
            _with(slip="ratio-as-tokens"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = COMPUTE_OPTIMAL
