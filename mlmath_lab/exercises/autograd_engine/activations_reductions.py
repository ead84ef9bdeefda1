"""relu, tanh, sum and mean (12-autograd-engine/activations_reductions): the checker.

``grads_of_program`` on programs with ``relu`` (exact zeros among its inputs: torch's
derivative there is 0), ``tanh``, and ``sum`` / ``mean`` over all entries or one axis, with and
without ``keepdims``. The reference is torch autograd."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import (
    NOT_ALLOWED,
    A,
    _Node,
    _torch_local,
    constants,
    manual_mistake,
    normal,
    operand_values,
    program_reference,
)


def _relu_one_at_zero(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    return [g * (operand_values(node)[0] >= 0)]


def _tanh_on_input(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    return [g * (1.0 - operand_values(node)[0] ** 2)]


def _sum_axis_not_restored(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    (x,) = operand_values(node)
    return [np.broadcast_to(g, x.shape).copy()]  # raises, as NumPy does, unless it fits


def _mean_axis_not_restored(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    """mean written as sum · (1/n), with the sum's wrong rule."""
    (x,), (axis, _) = operand_values(node), [*constants(node), None, False][:2]
    n = x.size if axis is None else x.shape[int(axis)]
    return [part / n for part in _sum_axis_not_restored(node, g)]


def _mean_not_divided(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    rule = _torch_local(_Node(node.value, "sum", node.args), g, "sum")
    return rule


def _cases() -> list[Case]:
    rng = _rng(123)
    with_zeros = normal(rng, 3, 4)
    with_zeros[0, 1] = with_zeros[2, 3] = 0.0
    return [
        Case(
            "the notes' example: mean(tanh(x)), x = [−1, 0, 0.5, 2]",
            ([("t", "tanh", "x"), ("m", "mean", "t")], {"x": np.array([-1.0, 0.0, 0.5, 2.0])}),
        ),
        Case(
            "relu with exact zeros, then sum over axis 1, x (3, 4)",
            (
                [("r", "relu", "x"), ("s", "sum", "r", 1, False), ("y", "mul", "s", "s")],
                {"x": with_zeros},
            ),
        ),
        Case(
            "sum over axis 0 with keepdims, times x: (x.sum(0, keepdims) · x), x (3, 2)",
            ([("s", "sum", "x", 0, True), ("y", "mul", "s", "x")], {"x": normal(rng, 3, 2)}),
        ),
        Case(
            "mean over axis 1 with keepdims, centred and squared: x (2, 5)",
            (
                [
                    ("m", "mean", "x", 1, True),
                    ("n", "mul", "m", -1.0),
                    ("c", "add", "x", "n"),
                    ("v", "pow", "c", 2.0),
                    ("y", "mean", "v", 1, False),
                ],
                {"x": normal(rng, 2, 5)},
            ),
        ),
        Case(
            "tanh of a large input (saturates), summed: x (2, 3)",
            ([("t", "tanh", "x"), ("y", "sum", "t")], {"x": 2.0 * normal(rng, 2, 3)}),
        ),
        Case(
            "a square x (3, 3): relu(x).sum(axis 1) · tanh(x).mean(axis 0)",
            (
                [
                    ("r", "relu", "x"),
                    ("s", "sum", "r", 1, False),
                    ("t", "tanh", "x"),
                    ("m", "mean", "t", 0, False),
                    ("y", "mul", "s", "m"),
                ],
                {"x": normal(rng, 3, 3)},
            ),
        ),
    ]


ACTIVATIONS_REDUCTIONS = Checker(
    f"{A}/activations_reductions",
    title="relu, tanh, sum and mean",
    reference=program_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "relu-gradient-one-at-zero",
            "Your relu passes the gradient where x = 0 (x >= 0). torch — and this engine — take "
            "the derivative at 0 as 0: multiply by (x > 0).",
            manual_mistake(local={"relu": _relu_one_at_zero}),
        ),
        Misconception(
            "tanh-derivative-on-input",
            "Your tanh's gradient is 1 − x² with x the *input*. The derivative of tanh is "
            "1 − tanh(x)²: use the output, out.grad * (1 - out.data**2).",
            manual_mistake(local={"tanh": _tanh_on_input}),
        ),
        Misconception(
            "sum-axis-not-restored",
            "Your sum's gradient broadcasts out.grad straight back to x's shape. Without "
            "keepdims the summed axis is gone, so NumPy lines the gradient up with the wrong "
            "axis (or fails): put the axis back first (np.expand_dims(g, axis)), then "
            "broadcast.",
            manual_mistake(local={"sum": _sum_axis_not_restored, "mean": _mean_axis_not_restored}),
        ),
        Misconception(
            "mean-gradient-not-divided",
            "Your mean's gradient is the sum's: each entry of x counts 1/n in the mean, so "
            "divide the broadcast gradient by n, the number of entries averaged.",
            manual_mistake(local={"mean": _mean_not_divided}),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = ACTIVATIONS_REDUCTIONS
