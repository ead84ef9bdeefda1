"""Matrix product, vectorised and batched (01-linear-algebra/matmul_vectorized): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.rules import LOOPS, MATMUL
from ._common import A, _matmul_reference


# -- matrix product, vectorised and batched -------------------------------------------------------
def _batched_matmul_cases() -> list[Case]:
    rng = _rng(3)
    return [
        Case("(3, 4) @ (4, 2)", (rng.normal(size=(3, 4)), rng.normal(size=(4, 2)))),
        Case(
            "batch (2, 3, 4) @ (2, 4, 5)", (rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5)))
        ),
        Case(
            "broadcast batch (3, 4) @ (2, 4, 5)",
            (rng.normal(size=(3, 4)), rng.normal(size=(2, 4, 5))),
        ),
        Case(
            "batch (2, 1, 2, 3) @ (4, 3, 1)",
            (rng.normal(size=(2, 1, 2, 3)), rng.normal(size=(4, 3, 1))),
        ),
        Case(
            "(2, 3) @ (1, 4): inner dimensions 3 and 1, must raise ValueError "
            "(broadcasting would stretch the 1)",
            (rng.normal(size=(2, 3)), rng.normal(size=(1, 4))),
        ),
    ]


def _broadcast_product(a: Any, b: Any) -> np.ndarray:
    """Every A[..., i, k] · B[..., k, j], shape (..., m, n, p)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("inner dimensions differ")
    return a[..., :, :, None] * b[..., None, :, :]


def _matmul_2d_only(a: Any, b: Any) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("inner dimensions differ")
    return (a[:, :, None] * b[None, :, :]).sum(axis=1)


MATMUL_VECTORIZED = Checker(
    f"{A}/matmul_vectorized",
    title="Matrix product, vectorised and batched",
    reference=_matmul_reference,
    cases=_batched_matmul_cases,
    forbidden=[MATMUL, LOOPS],
    misconceptions=[
        Misconception(
            "elementwise-product",
            "You multiplied elementwise; sum the products over the shared (inner) dimension.",
            lambda a, b: np.asarray(a) * np.asarray(b),
        ),
        Misconception(
            "not-batched",
            "Your product works for 2-D inputs only: A[:, :, None] puts the new axis after the "
            "first dimension, which is a batch dimension when A has more than two. Index from "
            "the end with an ellipsis, A[..., :, :, None] * B[..., None, :, :], so the batch "
            "dimensions stay in front and broadcast.",
            _matmul_2d_only,
        ),
        Misconception(
            "sum-axis-from-front",
            "You summed over axis 1, which is the shared index k only for 2-D inputs. In the "
            "(..., m, n, p) product, k is axis -2: count from the end so batch dimensions do "
            "not shift it.",
            lambda a, b: _broadcast_product(a, b).sum(axis=1),
        ),
        Misconception(
            "sum-over-last-axis",
            "You summed over the last axis (the column index j of B); the index to sum is the "
            "shared one, k, which is axis -2 of the (..., m, n, p) product.",
            lambda a, b: _broadcast_product(a, b).sum(axis=-1),
        ),
    ],
)


CHECKER = MATMUL_VECTORIZED
