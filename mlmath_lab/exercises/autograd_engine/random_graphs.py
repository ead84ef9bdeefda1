"""Gradients on random graphs (12-autograd-engine/random_graphs): the checker.

``grads_of_program`` on programs drawn at random (seeded) over every operation of the engine —
add, sub, mul, div, neg, numbers on either side (``2.0 - x``, ``1.0 / x``), matmul, pow, exp,
log, relu, tanh, sum and mean — with nodes reused and operands of shapes (3, 4), (4,), (1, 4),
(3, 1) and () broadcasting against each other. Every input's gradient is compared with torch
autograd. The known mistakes are the derived operations' reversed operands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ._common import NOT_ALLOWED, A, Outcome, Program, program_reference, rewrite

TARGET = (3, 4)


def _fits(shape: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, TARGET) == TARGET
    except ValueError:
        return False


def _draw(rng: np.random.Generator, n_ops: int) -> tuple[list[tuple], dict[str, np.ndarray]]:
    inputs = {
        "x": rng.normal(size=(3, 4)),
        "r": rng.normal(size=4),
        "c": rng.normal(size=(3, 1)),
        "s": rng.normal(size=()),
        "p": rng.uniform(0.5, 2.0, size=(1, 4)),
        "W": 0.5 * rng.normal(size=(4, 4)),
    }
    # (name, shape, positive) of every node that may be an operand; W only enters matmul
    nodes = [(k, np.shape(v), k == "p") for k, v in inputs.items() if k != "W"]
    used: set[str] = set()
    program: list[tuple] = []

    def pick(where: Any = None) -> tuple:
        pool = [n for n in nodes if where is None or where(n)]
        back = min(int(rng.geometric(0.35)) - 1, len(pool) - 1)
        return pool[len(pool) - 1 - back]

    for k in range(n_ops):
        name = f"n{k}"
        op = str(
            rng.choice(
                [
                    "add",
                    "sub",
                    "mul",
                    "div",
                    "neg",
                    "const",
                    "matmul",
                    "pow",
                    "exp",
                    "log",
                    "relu",
                    "tanh",
                    "sum",
                    "mean",
                ]
            )
        )
        a = pick()
        if op in ("add", "sub", "mul"):
            b = pick()
            step: tuple = (name, op, a[0], b[0])
            shape = np.broadcast_shapes(a[1], b[1])
            pos = a[2] and b[2] and op != "sub"
        elif op == "div":
            b = pick(lambda n: n[2])
            step, shape, pos = (name, "div", a[0], b[0]), np.broadcast_shapes(a[1], b[1]), a[2]
        elif op == "neg":
            step, shape, pos = (name, "neg", a[0]), a[1], False
        elif op == "const":
            kind = str(rng.choice(["add", "mul", "sub", "div"]))
            number = float(rng.choice([0.5, 1.5, 2.0, 3.0]))
            if kind == "div":
                a = pick(lambda n: n[2])
            step, shape = (name, kind, number, a[0]), a[1]
            pos = a[2] and kind in ("add", "mul", "div")
        elif op == "matmul":
            a = pick(lambda n: n[1] == TARGET)
            step, shape, pos = (name, "matmul", a[0], "W"), TARGET, False
            used.add("W")
        elif op == "pow":
            exponent = float(rng.choice([2.0, 3.0, -1.0, 0.5] if a[2] else [2.0, 3.0]))
            step, shape, pos = (name, "pow", a[0], exponent), a[1], a[2] or exponent == 2.0
        elif op == "log":
            a = pick(lambda n: n[2])
            step, shape, pos = (name, "log", a[0]), a[1], False
        elif op in ("exp", "relu", "tanh"):
            step, shape, pos = (name, op, a[0]), a[1], op == "exp" or (a[2] and op == "relu")
        else:  # sum / mean over everything or one axis, with or without keepdims
            options: list[tuple[Any, bool]] = [(None, False), (None, True)]
            for axis in range(len(a[1])):
                options += [(axis, True), (axis, False)]
            fitting = []
            for axis, keep in options:
                shape = np.sum(np.zeros(a[1]), axis=axis, keepdims=keep).shape
                if _fits(shape):
                    fitting.append((axis, keep, shape))
            axis, keep, shape = fitting[int(rng.integers(len(fitting)))]
            step, pos = (name, op, a[0], axis, keep), a[2]
        program.append(step)
        used.update(x for x in step[2:] if isinstance(x, str))
        nodes.append((name, tuple(shape), bool(pos)))
    # the output: the mean of every node (or input) that nothing consumed, added up
    dangling = [n[0] for n in nodes if n[0] not in used]
    total = None
    for i, name in enumerate(dangling):
        program.append((f"m{i}", "mean", name, None, False))
        if total is not None:
            program.append((f"t{i}", "add", total, f"m{i}"))
            total = f"t{i}"
        else:
            total = f"m{i}"
    return program, inputs


def random_program(seed: int, n_ops: int) -> tuple[list[tuple], dict[str, np.ndarray]]:
    """A program of ``n_ops`` random instructions whose output and gradients are finite and
    of moderate size (the first seed after ``seed`` that gives one)."""
    rng = np.random.default_rng(seed)
    while True:
        program, inputs = _draw(rng, n_ops)
        with np.errstate(all="ignore"):
            out, grads = program_reference(program, inputs)
        values = [out, *grads.values()]
        if all(np.all(np.isfinite(v)) and np.all(np.abs(v) < 1e4) for v in values):
            return program, inputs


def _cases() -> list[Case]:
    x = np.array([[0.5, 1.0, 2.0], [1.5, 0.25, 1.0]])
    return [
        Case(
            "the notes' example: mean((2 − x) / x + 1 / x), x (2, 3)",
            (
                [
                    ("a", "sub", 2.0, "x"),
                    ("b", "div", "a", "x"),
                    ("c", "div", 1.0, "x"),
                    ("d", "add", "b", "c"),
                    ("y", "mean", "d", None, False),
                ],
                {"x": x},
            ),
        ),
        *[
            Case(f"random program, seed {seed}, {n} instructions", random_program(seed, n))
            for seed, n in [(1201, 8), (1202, 12), (1203, 16), (1204, 20), (1205, 25), (1206, 30)]
        ],
    ]


def _swap_reversed(op: str) -> Any:
    def change(step: Sequence[Any]) -> Sequence[Any]:
        name, kind, *args = step
        if kind == op and len(args) == 2 and not isinstance(args[0], str):
            return (name, kind, args[1], args[0])
        return step

    def wrong(program: Program, inputs: dict[str, Any]) -> Outcome:
        return program_reference(rewrite(program, change), inputs)

    return wrong


RANDOM_GRAPHS = Checker(
    f"{A}/random_graphs",
    title="Gradients on random graphs",
    reference=program_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "rsub-operands-swapped",
            "Your 2.0 - x computes x − 2.0: Python calls x.__rsub__(2.0) with the number as "
            "`other`, so __rsub__ must return other − self, e.g. (-self) + other.",
            _swap_reversed("sub"),
        ),
        Misconception(
            "rtruediv-operands-swapped",
            "Your 1.0 / x computes x / 1.0: Python calls x.__rtruediv__(1.0) with the number as "
            "`other`, so __rtruediv__ must return other / self, e.g. self ** -1 * other.",
            _swap_reversed("div"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = RANDOM_GRAPHS
