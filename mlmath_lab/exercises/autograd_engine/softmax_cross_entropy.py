"""A fused softmax cross-entropy (12-autograd-engine/softmax_cross_entropy): the checker.

``grads_of_program`` on programs with ``("loss", "cross_entropy", "logits", labels)``: the mean
over the N rows of −log softmax(logits)[label], torch's ``F.cross_entropy``, one node whose
backward step gives (softmax − onehot)/N times the upstream gradient. Cases scale the loss
afterwards (so the upstream gradient is not 1), put logits of size 1000 in (a softmax without
the max subtracted overflows), and feed the logits from a layer."""

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
    program_reference,
)


def _softmax(z: np.ndarray, shift: bool = True) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True)) if shift else np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _onehot(z: np.ndarray, labels: object) -> np.ndarray:
    y = np.asarray(labels, dtype=np.int64)
    out = np.zeros_like(z)
    out[np.arange(len(y)), y] = 1.0
    return out


def _ce_rule(divide: bool, upstream: bool, shift: bool = True) -> object:
    def rule(node: _Node, g: np.ndarray) -> list[np.ndarray]:
        (z,), (labels,) = operand_values(node), constants(node)
        grad = _softmax(z, shift) - _onehot(z, labels)
        if divide:
            grad = grad / len(z)
        return [grad * g if upstream else grad]

    return rule


def _ce_unshifted(operands: list) -> np.ndarray:
    z, labels = operands[0].value, operands[1]
    p = _softmax(z, shift=False)
    return np.array(-np.log(p[np.arange(len(z)), np.asarray(labels, dtype=np.int64)]).mean())


def _log_softmax_unshifted(z: np.ndarray) -> np.ndarray:
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _ce_log_unshifted(operands: list) -> np.ndarray:
    z, labels = operands[0].value, operands[1]
    log_p = _log_softmax_unshifted(z)
    return np.array(-log_p[np.arange(len(z)), np.asarray(labels, dtype=np.int64)].mean())


def _ce_log_unshifted_rule(node: _Node, g: np.ndarray) -> list[np.ndarray]:
    (z,), (labels,) = operand_values(node), constants(node)
    grad = np.exp(_log_softmax_unshifted(z)) - _onehot(z, labels)
    return [grad / len(z) * g]


def _cases() -> list[Case]:
    rng = _rng(124)
    return [
        Case(
            "the notes' example: logits [[2, 1, 0], [0, 0, 0]], labels [0, 2]",
            (
                [("L", "cross_entropy", "z", [0, 2])],
                {"z": np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])},
            ),
        ),
        Case(
            "N = 5, 4 classes, the loss times 3 (the upstream gradient is 3)",
            (
                [("L", "cross_entropy", "z", [3, 0, 1, 1, 2]), ("y", "mul", "L", 3.0)],
                {"z": normal(rng, 5, 4)},
            ),
        ),
        Case(
            "logits of size 1000: the max must be subtracted, N = 3, 3 classes",
            (
                [("L", "cross_entropy", "z", [1, 0, 2])],
                {"z": np.array([[1000.0, 1001.0, 999.0], [-5.0, 1000.0, 3.0], [0.0, 0.0, 1000.0]])},
            ),
        ),
        Case(
            "a layer: cross_entropy(X @ W + b), X (6, 3), W (3, 5), b (5,), loss · 0.5",
            (
                [
                    ("h", "matmul", "X", "W"),
                    ("z", "add", "h", "b"),
                    ("L", "cross_entropy", "z", [4, 0, 2, 2, 1, 3]),
                    ("y", "mul", "L", 0.5),
                ],
                {"X": normal(rng, 6, 3), "W": normal(rng, 3, 5), "b": normal(rng, 5)},
            ),
        ),
        Case(
            "one row, 2 classes, the loss squared",
            (
                [("L", "cross_entropy", "z", [1]), ("y", "mul", "L", "L")],
                {"z": np.array([[0.3, -1.2]])},
            ),
        ),
    ]


SOFTMAX_CROSS_ENTROPY = Checker(
    f"{A}/softmax_cross_entropy",
    title="A fused softmax cross-entropy",
    reference=program_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "ce-gradient-not-divided-by-n",
            "Your logits' gradient is N times too large: the loss is the *mean* over the N "
            "rows, so its gradient is (softmax − onehot) / N.",
            manual_mistake(local={"cross_entropy": _ce_rule(divide=False, upstream=True)}),
        ),
        Misconception(
            "ce-upstream-ignored",
            "Your cross-entropy's backward step ignores out.grad: it is right only when the "
            "loss is the last node. Multiply by the upstream gradient: "
            "(softmax − onehot) / N * out.grad.",
            manual_mistake(local={"cross_entropy": _ce_rule(divide=True, upstream=False)}),
        ),
        Misconception(
            "ce-max-not-subtracted",
            "Your loss is inf/nan for logits of size 1000: exp overflows. Subtract each row's "
            "maximum before the exponential (softmax is unchanged by it), or compute "
            "log-softmax as z − max − log Σ exp(z − max).",
            manual_mistake(
                local={"cross_entropy": _ce_rule(divide=True, upstream=True, shift=False)},
                forward={"cross_entropy": _ce_unshifted},
            ),
        ),
        Misconception(
            "ce-max-not-subtracted-log-softmax",
            "Your loss is infinite for logits of size 1000: exp overflows inside your "
            "log-sum-exp. Subtract each row's maximum first: log softmax(z) = (z − max) − "
            "log Σ exp(z − max), the same values without overflow.",
            manual_mistake(
                local={"cross_entropy": _ce_log_unshifted_rule},
                forward={"cross_entropy": _ce_log_unshifted},
            ),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = SOFTMAX_CROSS_ENTROPY
