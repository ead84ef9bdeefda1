"""Gradients through broadcasting (12-autograd-engine/broadcast_gradients): the checker.

``grads_of_program`` on ``add`` and ``mul`` programs whose operands broadcast: a bias (4,)
against (3, 4), a column (3, 1), a row (1, 4), a scalar () or a number, leading axes added. Each input's
gradient must have the input's shape: the adjoint of broadcasting sums over the broadcast axes
and keeps the axes of size 1. The reference is torch autograd."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED, A, manual_mistake, normal, program_reference


def _cases() -> list[Case]:
    rng = _rng(121)
    return [
        Case(
            "the notes' example: y = x + b, x (2, 3), b (3,)",
            ([("y", "add", "x", "b")], {"x": normal(rng, 2, 3), "b": normal(rng, 3)}),
        ),
        Case(
            "a column: y = x · s, x (3, 4), s (3, 1)",
            ([("y", "mul", "x", "s")], {"x": normal(rng, 3, 4), "s": normal(rng, 3, 1)}),
        ),
        Case(
            "a row and a column: (1, 4) + (3, 1) → (3, 4), then times itself",
            (
                [("y", "add", "r", "c"), ("z", "mul", "y", "y")],
                {"r": normal(rng, 1, 4), "c": normal(rng, 3, 1)},
            ),
        ),
        Case(
            "a scalar () and leading axes: w · x + b, x (2, 3, 4), w (), b (3, 1)",
            (
                [("p", "mul", "x", "w"), ("y", "add", "p", "b")],
                {"x": normal(rng, 2, 3, 4), "w": np.array(0.7), "b": normal(rng, 3, 1)},
            ),
        ),
        Case(
            "a row used twice: (x + r) · r, x (5, 2), r (1, 2)",
            (
                [("y", "add", "x", "r"), ("z", "mul", "y", "r")],
                {"x": normal(rng, 5, 2), "r": normal(rng, 1, 2)},
            ),
        ),
        Case(
            "numbers are broadcast too: (x · 3 + 1.5) · x, x (2, 3)",
            (
                [("t", "mul", "x", 3.0), ("u", "add", "t", 1.5), ("v", "mul", "u", "x")],
                {"x": normal(rng, 2, 3)},
            ),
        ),
        Case(
            "no broadcasting (must still work): a · b + a, shape (2, 2)",
            (
                [("p", "mul", "a", "b"), ("q", "add", "p", "a")],
                {"a": normal(rng, 2, 2), "b": normal(rng, 2, 2)},
            ),
        ),
    ]


BROADCAST_GRADIENTS = Checker(
    f"{A}/broadcast_gradients",
    title="Gradients through broadcasting",
    reference=program_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "gradient-not-reduced",
            "A broadcast operand's gradient came back with the *output's* shape, and adding it "
            "to a smaller .grad raises. Reduce it to the operand's shape: sum over the leading "
            "axes broadcasting added, then over every axis where the operand has size 1 "
            "(keepdims=True) — unbroadcast(grad, shape).",
            manual_mistake(reduce_mode="none"),
        ),
        Misconception(
            "size-one-axes-not-reduced",
            "Your unbroadcast sums over the leading axes that broadcasting added, but not over "
            "the axes where the operand has size 1 — a (3, 1) or (1, 4) operand still gets a "
            "(3, 4) gradient. Sum those axes too, with keepdims=True.",
            manual_mistake(reduce_mode="leading-only"),
        ),
        Misconception(
            "size-one-axes-dropped",
            "Your unbroadcast sums over the axes of size 1 without keepdims: a (3, 1) operand "
            "gets a (3,) gradient, which then broadcasts as a row. Sum them with keepdims=True "
            "so the gradient keeps the operand's shape.",
            manual_mistake(reduce_mode="size-one-dropped"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = BROADCAST_GRADIENTS
