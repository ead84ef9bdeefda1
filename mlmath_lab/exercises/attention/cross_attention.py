"""Cross-attention (09-attention/cross_attention): the checker.

The queries come from ``x`` (B, Tq, D), the keys and values from ``memory`` (B, Tk, D), with
Tq ≠ Tk; the reference is ``nn.MultiheadAttention(batch_first=True)(x, memory, memory)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED, A, mha_by_hand, mha_params
from .multi_head_attention import _mha_reference


def _cross_reference(x: Any, memory: Any, params: dict[str, Any], num_heads: int) -> np.ndarray:
    return _mha_reference(x, memory, memory, params, num_heads)


def cross_case(rng: np.random.Generator, B: int, tq: int, tk: int, D: int, h: int) -> tuple:
    return (rng.normal(size=(B, tq, D)), rng.normal(size=(B, tk, D)), mha_params(rng, D), h)


def _cases() -> list[Case]:
    rng = _rng(94)
    return [
        Case(
            "B = 2, Tq = 3 decoder tokens, Tk = 5 encoder tokens, D = 4, h = 2",
            cross_case(rng, 2, 3, 5, 4, 2),
        ),
        Case("B = 3, Tq = 6, Tk = 2, D = 6, h = 3", cross_case(rng, 3, 6, 2, 6, 3)),
        Case("B = 1, Tq = 1, Tk = 7, D = 8, h = 4", cross_case(rng, 1, 1, 7, 8, 4)),
        Case("B = 2, Tq = 4, Tk = 4, D = 6, h = 2 (equal lengths)", cross_case(rng, 2, 4, 4, 6, 2)),
    ]


def _with(mistake: str) -> Any:
    def wrong(x: Any, memory: Any, params: dict[str, Any], num_heads: int) -> np.ndarray:
        if mistake == "self-attention-on-queries":
            return mha_by_hand(x, x, x, params, num_heads)
        # roles-swapped: queries from the memory, keys and values from x
        return mha_by_hand(memory, x, x, params, num_heads)

    return wrong


CROSS_ATTENTION = Checker(
    f"{A}/cross_attention",
    title="Cross-attention",
    reference=_cross_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "self-attention-on-queries",
            "Your x attends to itself: the memory is never used. In cross-attention the queries "
            "come from x, the keys *and the values* from the memory: "
            "multi_head_attention(x, memory, memory, …).",
            _with("self-attention-on-queries"),
        ),
        Misconception(
            "roles-swapped",
            "You took the queries from the memory and the keys and values from x: the output "
            "has one row per *query*, so it must have x's length Tq — "
            "multi_head_attention(x, memory, memory, …).",
            _with("roles-swapped"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = CROSS_ATTENTION
