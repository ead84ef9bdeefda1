"""The cost of a multi-head attention layer (09-attention/mha_cost): the checker.

The parameter count is counted on torch's own ``nn.MultiheadAttention(D, h)``. The FLOPs are
those of self-attention on one sequence of T tokens, counting the matrix products only, 2 FLOPs
per multiply-add: the Q, K, V projections 2·T·D·3D, the scores Q Kᵀ 2·T·T·D (all heads
together), P V 2·T·T·D, the output projection 2·T·D·D (biases, softmax and the scale left out).
"""

from __future__ import annotations

from typing import Any

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A


def _count_parameters(D: int, h: int) -> int:
    torch = _torch()
    layer = torch.nn.MultiheadAttention(int(D), int(h), device="meta")
    return int(sum(p.numel() for p in layer.parameters()))


def _flops(D: int, T: int) -> int:
    projections = 2 * T * D * 3 * D + 2 * T * D * D
    attention = 2 * T * T * D + 2 * T * T * D
    return projections + attention


def _cost_reference(D: int, h: int, T: int) -> tuple[int, int]:
    return _count_parameters(D, h), _flops(D, T)


def _cases() -> list[Case]:
    return [
        Case("the notes' example: D = 4, h = 2, T = 3", (4, 2, 3)),
        Case("GPT-2 small's layer: D = 768, h = 12, T = 1024", (768, 12, 1024)),
        Case("D = 512, h = 8, T = 10", (512, 8, 10)),
        Case("one head: D = 64, h = 1, T = 256", (64, 1, 256)),
        Case("D = 96, h = 6, T = 1", (96, 6, 1)),
    ]


def _with(mistake: str) -> Any:
    def wrong(D: int, h: int, T: int) -> tuple[int, int]:
        params, flops = _cost_reference(D, h, T)
        if mistake == "biases-forgotten":
            params = 4 * D * D
        elif mistake == "full-width-per-head":
            params = 3 * h * (D * D + D) + D * D + D
        elif mistake == "one-flop-per-multiply-add":
            flops //= 2
        else:  # attention-products-forgotten: only the four projections
            flops = 8 * T * D * D
        return params, flops

    return wrong


MHA_COST = Checker(
    f"{A}/mha_cost",
    title="The cost of a multi-head attention layer",
    reference=_cost_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "biases-forgotten",
            "Your parameter count leaves out the biases: in_proj_bias has 3D numbers and "
            "out_proj.bias D, so the layer has 4D² + 4D parameters.",
            _with("biases-forgotten"),
        ),
        Misconception(
            "full-width-per-head",
            "You gave every head its own D × D projections. The heads *split* the width: each "
            "projects to d_head = D/h columns, so W_Q, W_K, W_V are D × D in total, whatever h "
            "is — 4D² + 4D parameters.",
            _with("full-width-per-head"),
        ),
        Misconception(
            "one-flop-per-multiply-add",
            "Your FLOPs count one per multiply-add. The convention here is 2 (a multiply and an "
            "add): an (m × k) by (k × n) product costs 2·m·k·n.",
            _with("one-flop-per-multiply-add"),
        ),
        Misconception(
            "attention-products-forgotten",
            "You counted only the four projections (8·T·D²). Q Kᵀ and P V cost 2·T²·D each "
            "(over all heads: h · 2·T·T·d_head): add 4·T²·D, the term that grows with T².",
            _with("attention-products-forgotten"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = MHA_COST
