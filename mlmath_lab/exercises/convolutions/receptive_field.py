"""Receptive field of a stack of layers (08-convolutions/receptive_field): the checker.

The reference *measures* the receptive field: it builds the stack as 1-D convolutions with
all-ones (positive) weights in torch, back-propagates from one output in the middle of a long
input and reads off which inputs get a gradient — no formula is assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A

Layer = tuple[int, ...]


def _layer(layer: Sequence[int]) -> tuple[int, int, int, int]:
    k, s, p, *rest = (int(v) for v in layer)
    return k, s, p, (rest[0] if rest else 1)


def _stack(layers: Sequence[Layer], x: Any) -> Any:
    """The stack as 1-D convolutions with all-ones kernels, applied to ``x`` (1, 1, L)."""
    torch = _torch()
    F = torch.nn.functional
    for layer in layers:
        k, s, p, d = _layer(layer)
        ones = torch.ones((1, 1, k), dtype=torch.float64)
        x = F.conv1d(x, ones, stride=s, padding=p, dilation=d)
    return x


def _support(layers: Sequence[Layer], length: int, at: int) -> tuple[int, int]:
    """First and last input index that output ``at`` depends on."""
    torch = _torch()
    x = torch.ones((1, 1, length), dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(_stack(layers, x)[0, 0, at], x)
    touched = np.flatnonzero(grad.numpy()[0, 0])
    return int(touched[0]), int(touched[-1])


def _receptive_field_reference(layers: Sequence[Layer]) -> tuple[int, int, float]:
    torch = _torch()
    span, product = 1, 1
    for layer in layers:
        k, s, p, d = _layer(layer)
        span += (d * (k - 1) + 2 * p) * product
        product *= s
    # an input long enough that the middle output's window is far from both edges
    length = 8 * span + 16 * product + 64
    with torch.no_grad():
        out_len = int(_stack(layers, torch.ones((1, 1, length), dtype=torch.float64)).shape[-1])
    at = out_len // 2
    first, last = _support(layers, length, at)
    first_next = _support(layers, length, at + 1)[0]
    rf, jump = last - first + 1, first_next - first
    start = first + (rf - 1) / 2 - at * jump
    return rf, jump, float(start)


def _as_floats(value: Any) -> Any:
    if isinstance(value, tuple | list) and len(value) == 3:
        try:
            return np.array([float(v) for v in value])
        except (TypeError, ValueError):
            return value
    return value


def _compare(got: Any, expected: Any) -> Mismatch | None:
    return compare(_as_floats(got), _as_floats(expected), rtol=1e-12, atol=1e-9)


VGG_BLOCKS = [(3, 1, 1), (3, 1, 1), (2, 2, 0), (3, 1, 1), (3, 1, 1), (2, 2, 0)]
RESNET_STEM = [(7, 2, 3), (3, 2, 1)]
DILATED = [(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]
ALEXNET_LIKE = [(11, 4, 2), (3, 2, 0), (5, 1, 2), (3, 2, 0), (3, 1, 1)]


def _cases() -> list[Case]:
    return [
        Case("the notes' example: two 3×3 convolutions, stride 1, padding 1", ([(3, 1, 1)] * 2,)),
        Case("two VGG blocks: (conv 3, conv 3, max-pool 2 stride 2) × 2", (VGG_BLOCKS,)),
        Case(
            "ResNet's stem: conv 7 stride 2 padding 3, max-pool 3 stride 2 padding 1",
            (RESNET_STEM,),
        ),
        Case("dilated convolutions 3×3 with dilation 1, 2, 4 (padding = dilation)", (DILATED,)),
        Case("AlexNet-like: conv 11/4, pool 3/2, conv 5, pool 3/2, conv 3", (ALEXNET_LIKE,)),
        Case("no layers at all: each output is its own input", ([],)),
    ]


def _with(mistake: str) -> Any:
    def wrong(layers: Sequence[Layer]) -> tuple[int, int, float]:
        changed = []
        for layer in layers:
            k, s, p, d = _layer(layer)
            if mistake == "dilation-ignored":
                d = 1
            elif mistake == "jump-updated-first":
                p, d = p * s, d * s
            elif mistake == "strides-ignored":
                s = 1
            elif mistake == "padding-ignored":
                p = 0
            changed.append((k, s, p, d))
        rf, jump, start = _receptive_field_reference(changed)
        if mistake == "strides-ignored":  # the jump itself, the product of the strides, is right
            jump = _receptive_field_reference(layers)[1]
        return rf, jump, start

    return wrong


RECEPTIVE_FIELD = Checker(
    f"{A}/receptive_field",
    title="Receptive field of a stack of layers",
    reference=_receptive_field_reference,
    cases=_cases,
    comparator=_compare,
    forbidden=NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "dilation-ignored",
            "A dilated kernel of size k and dilation d spans d·(k − 1) + 1 inputs, not k: use "
            "that effective size in r ← r + (k_eff − 1)·j (and in the centre's shift).",
            _with("dilation-ignored"),
        ),
        Misconception(
            "jump-updated-first",
            "You multiplied the jump by a layer's stride *before* using it for that layer. A "
            "layer's kernel steps over the outputs of the layer below, spaced by the jump so "
            "far: first r ← r + (k_eff − 1)·j and start ← start + ((k_eff − 1)/2 − p)·j, then "
            "j ← j·s.",
            _with("jump-updated-first"),
        ),
        Misconception(
            "strides-ignored",
            "You added up the kernel sizes as if every stride were 1. After a stride-s layer "
            "neighbouring outputs are s inputs apart, so each later kernel step covers j = "
            "product of the strides below it: r ← r + (k_eff − 1)·j.",
            _with("strides-ignored"),
        ),
        Misconception(
            "padding-ignored",
            "Size and jump are right, but padding shifts where the receptive field sits: "
            "output 0's window starts p positions before the first input, so "
            "start ← start + ((k_eff − 1)/2 − p)·j.",
            _with("padding-ignored"),
        ),
    ],
)


CHECKER = RECEPTIVE_FIELD
