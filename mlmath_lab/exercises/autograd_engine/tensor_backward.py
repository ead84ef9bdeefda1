"""A Tensor with backward(): add, mul and the topological sort
(12-autograd-engine/tensor_backward): the checker.

The checked function is the notebook's ``grads_of_program(program, inputs)``, which runs a
program of ``add`` and ``mul`` instructions (operands of the same shape; numbers and broadcasting come in
Exercise 2) on the
student's Tensor and returns ``(output, {input: gradient})``; the reference is torch autograd.
The cases reuse nodes (``c * c``, a node feeding two later ones), so overwriting a gradient or
visiting a node before all its consumers cannot pass."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED, A, _Node, manual_mistake, normal, program_reference


def _swapped_mul(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    """mul's local rule with each operand's *own* value where the other's belongs."""
    return [g * p.value for p in node.parents]


def _cases() -> list[Case]:
    rng = _rng(120)
    a, b = 2.0 * np.ones(()), -3.0 * np.ones(())
    return [
        Case(
            "the notes' example: c = a·b, d = c + a, e = d·d with a = 2, b = −3 (scalars)",
            (
                [("c", "mul", "a", "b"), ("d", "add", "c", "a"), ("e", "mul", "d", "d")],
                {"a": a, "b": b},
            ),
        ),
        Case(
            "a diamond: c = a·b, d = c + b, e = c·d, shape (3,)",
            (
                [("c", "mul", "a", "b"), ("d", "add", "c", "b"), ("e", "mul", "c", "d")],
                {"a": normal(rng, 3), "b": normal(rng, 3)},
            ),
        ),
        Case(
            "a node used four times: (x·x + x)·x, shape (2, 3)",
            (
                [("s", "mul", "x", "x"), ("u", "add", "s", "x"), ("v", "mul", "u", "x")],
                {"x": normal(rng, 2, 3)},
            ),
        ),
        Case(
            "a chain with reuse at two depths, shape (2, 2)",
            (
                [
                    ("c", "add", "a", "b"),
                    ("d", "mul", "c", "a"),
                    ("e", "add", "d", "c"),
                    ("f", "mul", "e", "d"),
                    ("g", "add", "f", "b"),
                ],
                {"a": normal(rng, 2, 2), "b": normal(rng, 2, 2)},
            ),
        ),
        Case(
            "one input unused by the output (its gradient stays 0), shape (4,)",
            (
                [("c", "mul", "a", "a"), ("d", "add", "c", "a")],
                {"a": normal(rng, 4), "b": normal(rng, 4)},
            ),
        ),
    ]


TENSOR_BACKWARD = Checker(
    f"{A}/tensor_backward",
    title="A Tensor with backward(): add, mul and the topological sort",
    reference=program_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "gradient-assigned-not-accumulated",
            "A node used more than once gets only the gradient of the last path: your backward "
            "steps *assign* (self.grad = …). A node's gradient is the sum over all its uses — "
            "write self.grad += … (and other.grad += …) in every _backward.",
            manual_mistake(assign=True),
        ),
        Misconception(
            "no-topological-order",
            "Your backward() walks the graph depth first and runs a node's _backward every time "
            "it is reached, so a node used twice passes its gradient on before it is complete "
            "(and again after). Build the topological order once (each node after all its "
            "parents), then call _backward on each node once, in reverse order.",
            manual_mistake(order="dfs-repeat"),
        ),
        Misconception(
            "topological-order-not-reversed",
            "Your backward() runs the topological order as built, leaves first: each node "
            "passes its gradient on before its consumers have sent theirs, so only the "
            "output's own operands get anything. Walk it from the output back: "
            "for v in reversed(topo): v._backward().",
            manual_mistake(order="topo-forward"),
        ),
        Misconception(
            "mul-gradients-swapped",
            "In mul's backward step each operand got the upstream gradient times its *own* "
            "value. For c = a·b, ∂c/∂a = b: self.grad += out.grad * other.data and "
            "other.grad += out.grad * self.data.",
            manual_mistake(local={"mul": _swapped_mul}),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = TENSOR_BACKWARD
