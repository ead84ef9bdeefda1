"""LoRA: forward, merge and parameter count (11-llm-math/lora): the checker.

The student writes ``lora_forward(x, W, A, B, alpha, r)`` = x Wᵀ + (α/r) x Aᵀ Bᵀ,
``lora_merge(W, A, B, alpha, r)`` = W + (α/r) B A and ``lora_num_params(d_in, d_out, r)`` = the
trainable parameters r (d_in + d_out); the check calls ``lora_outputs(x, W, A, B, alpha, r)``,
which returns the three. torch's Linear layout: W (d_out, d_in), A (r, d_in), B (d_out, r).
The reference is three bias-free ``nn.Linear`` layers in float64 — the frozen base holding W,
``lora_A`` holding A, ``lora_B`` holding B — and the count of the adapters' parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def _linear(weight: Any) -> Any:
    torch = _torch()
    w = _t(weight)
    layer = torch.nn.Linear(w.shape[1], w.shape[0], bias=False, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(w)
    return layer


def _lora(
    x: Any,
    W: Any,
    A_: Any,
    B: Any,
    alpha: float,
    r: int,
    *,
    scale: str = "alpha/r",
    count: str = "",
) -> tuple[np.ndarray, np.ndarray, int]:
    torch = _torch()
    base, down, up = _linear(W), _linear(A_), _linear(B)
    s = {
        "alpha/r": alpha / r,
        "r/alpha": r / alpha,
        "none": 1.0,
        "alpha/sqrt(r)": alpha / np.sqrt(r),
    }[scale]
    with torch.no_grad():
        y = base(_t(x)) + s * up(down(_t(x)))
        merged = base.weight + s * up.weight @ down.weight
    d_out, d_in = base.weight.shape
    adapters = sum(p.numel() for p in (*down.parameters(), *up.parameters()))
    n = {"": adapters, "full": d_out * d_in, "with-frozen": d_out * d_in + adapters}[count]
    return _np(y), _np(merged), int(n)


def _reference(
    x: Any, W: Any, A_: Any, B: Any, alpha: float, r: int
) -> tuple[np.ndarray, np.ndarray, int]:
    return _lora(x, W, A_, B, alpha, r)


def _with(**switch: Any) -> Any:
    def wrong(
        x: Any, W: Any, A_: Any, B: Any, alpha: float, r: int
    ) -> tuple[np.ndarray, np.ndarray, int]:
        return _lora(x, W, A_, B, alpha, r, **switch)

    return wrong


def lora_case(
    rng: np.random.Generator, batch: tuple[int, ...], d_in: int, d_out: int, r: int, alpha: float
) -> tuple[Any, ...]:
    return (
        rng.normal(size=(*batch, d_in)),
        rng.normal(0.0, d_in**-0.5, size=(d_out, d_in)),
        rng.normal(0.0, d_in**-0.5, size=(r, d_in)),
        rng.normal(0.0, 0.5, size=(d_out, r)),
        alpha,
        r,
    )


def _cases() -> list[Case]:
    rng = _rng(1105)
    start = list(lora_case(rng, (3,), 6, 4, 2, 16.0))
    start[3] = np.zeros((4, 2))  # B starts at zero: the adapted layer is the base layer
    return [
        Case("x (5, 6), d_out = 4, r = 2, α = 16", lora_case(rng, (5,), 6, 4, 2, 16.0)),
        Case("x (2, 3, 5), d_out = 7, r = 3, α = 8", lora_case(rng, (2, 3), 5, 7, 3, 8.0)),
        Case("r = 1, α = 2, d_in = 8, d_out = 3", lora_case(rng, (4,), 8, 3, 1, 2.0)),
        Case("square: d_in = d_out = 5, r = 4, α = 4", lora_case(rng, (6,), 5, 5, 4, 4.0)),
        Case("at initialisation: B = 0, r = 2, α = 16", tuple(start)),
        Case(
            "one token: x (1, 10), d_out = 6, r = 8, α = 32", lora_case(rng, (1,), 10, 6, 8, 32.0)
        ),
    ]


LORA = Checker(
    f"{A}/lora",
    title="LoRA: forward, merge and parameter count",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "scale-r-over-alpha",
            "You scaled the update by r/α. LoRA scales it by α/r: with α fixed, a larger rank "
            "gets a smaller factor, so that changing r needs no new learning rate.",
            _with(scale="r/alpha"),
        ),
        Misconception(
            "no-scale",
            "Your update is not scaled: y = x Wᵀ + x Aᵀ Bᵀ. Multiply the low-rank part by α/r, "
            "in the forward pass and in the merged weight.",
            _with(scale="none"),
        ),
        Misconception(
            "rslora-scale",
            "You scaled by α/√r — rank-stabilised LoRA's factor (PEFT's use_rslora). This "
            "exercise uses the original LoRA's α/r.",
            _with(scale="alpha/sqrt(r)"),
        ),
        Misconception(
            "count-full-layer",
            "Your parameter count is d_in·d_out, the size of W: that is what full fine-tuning "
            "trains. LoRA freezes W and trains A (r × d_in) and B (d_out × r): r(d_in + d_out).",
            _with(count="full"),
        ),
        Misconception(
            "count-includes-frozen",
            "Your parameter count includes the frozen W. Only A and B are trained: "
            "r(d_in + d_out).",
            _with(count="with-frozen"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = LORA
