"""matmul, pow, exp and log (12-autograd-engine/tensor_ops): the checker.

``grads_of_program`` on programs that use ``matmul`` (2-D, non-square), ``pow`` with a number
as exponent (2, 3, −1, 0.5), ``exp`` and ``log`` (of positive values), mixed with ``add`` and
``mul``. The reference is torch autograd; each known mistake is one local rule written wrong."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import (
    NOT_ALLOWED,
    A,
    _Node,
    constants,
    manual_mistake,
    normal,
    operand_values,
    positive,
    program_reference,
)


def _matmul_untransposed(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    a, b = operand_values(node)
    return [np.matmul(g, b), np.matmul(a, g)]  # raises, as NumPy does, unless shapes allow


def _pow_not_lowered(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    (x,), (p,) = operand_values(node), constants(node)
    return [g * p * x**p]


def _exp_uses_input(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    return [g * operand_values(node)[0]]


def _log_squared(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    return [g / operand_values(node)[0] ** 2]


def _cases() -> list[Case]:
    rng = _rng(122)
    return [
        Case(
            "the notes' example: y = exp(x)·x², x = [0.5, −1, 2]",
            (
                [("e", "exp", "x"), ("s", "pow", "x", 2.0), ("y", "mul", "e", "s")],
                {"x": np.array([0.5, -1.0, 2.0])},
            ),
        ),
        Case(
            "matmul (2, 3) @ (3, 4), then squared",
            (
                [("y", "matmul", "X", "W"), ("z", "pow", "y", 2.0)],
                {"X": normal(rng, 2, 3), "W": normal(rng, 3, 4)},
            ),
        ),
        Case(
            "a square matmul used twice: (A @ B) @ A, all (3, 3)",
            (
                [("c", "matmul", "A", "B"), ("d", "matmul", "c", "A")],
                {"A": normal(rng, 3, 3), "B": normal(rng, 3, 3)},
            ),
        ),
        Case(
            "log and pow of positive values: log(x) · x^(−1) + x^0.5, x (2, 4)",
            (
                [
                    ("l", "log", "x"),
                    ("r", "pow", "x", -1.0),
                    ("p", "mul", "l", "r"),
                    ("q", "pow", "x", 0.5),
                    ("y", "add", "p", "q"),
                ],
                {"x": positive(rng, 2, 4)},
            ),
        ),
        Case(
            "a layer: exp(X @ W + b), X (4, 3), W (3, 2), b (2,), then cubed",
            (
                [
                    ("h", "matmul", "X", "W"),
                    ("z", "add", "h", "b"),
                    ("e", "exp", "z"),
                    ("y", "pow", "e", 3.0),
                ],
                {
                    "X": 0.5 * normal(rng, 4, 3),
                    "W": 0.5 * normal(rng, 3, 2),
                    "b": 0.5 * normal(rng, 2),
                },
            ),
        ),
        Case(
            "log(exp(x)) = x: the gradient is 1, shape (5,)",
            ([("e", "exp", "x"), ("y", "log", "e")], {"x": normal(rng, 5)}),
        ),
    ]


TENSOR_OPS = Checker(
    f"{A}/tensor_ops",
    title="matmul, pow, exp and log",
    reference=program_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "matmul-gradient-not-transposed",
            "Your matmul's gradients are out.grad @ B and A @ out.grad: for C = A @ B they are "
            "dA = out.grad @ Bᵀ (shape of A) and dB = Aᵀ @ out.grad (shape of B). Check the "
            "shapes: (n, m) @ (m, k) gives (n, k), so only the transposes fit.",
            manual_mistake(local={"matmul": _matmul_untransposed}),
        ),
        Misconception(
            "pow-exponent-not-lowered",
            "Your pow's gradient is p·xᵖ: the derivative of xᵖ is p·x^(p−1) — lower the "
            "exponent by one.",
            manual_mistake(local={"pow": _pow_not_lowered}),
        ),
        Misconception(
            "exp-gradient-uses-input",
            "Your exp's gradient multiplies by the input x. The derivative of eˣ is eˣ itself: "
            "use the output, out.grad * out.data.",
            manual_mistake(local={"exp": _exp_uses_input}),
        ),
        Misconception(
            "log-gradient-squared",
            "Your log's gradient is 1/x². The derivative of ln x is 1/x: "
            "self.grad += out.grad / self.data.",
            manual_mistake(local={"log": _log_squared}),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = TENSOR_OPS
