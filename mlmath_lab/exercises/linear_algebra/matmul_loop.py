"""Matrix product by triple loop (01-linear-algebra/matmul_loop): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ...checks.rules import MATMUL
from ._common import A, _matmul_reference


def _matmul_cases() -> list[Case]:
    rng = _rng(2)
    return [
        Case("(2, 3) @ (3, 4)", (rng.normal(size=(2, 3)), rng.normal(size=(3, 4)))),
        Case(
            "(1, 5) @ (5, 1): a row times a column",
            (rng.normal(size=(1, 5)), rng.normal(size=(5, 1))),
        ),
        Case(
            "(4, 1) @ (1, 3): an outer product", (rng.normal(size=(4, 1)), rng.normal(size=(1, 3)))
        ),
        Case(
            "(3, 3) @ (3, 3) of integers (the result is float64)",
            (np.arange(9).reshape(3, 3), np.arange(9, 18).reshape(3, 3)),
        ),
        Case("(2, 3) @ (2, 3): must raise ValueError", (np.ones((2, 3)), np.ones((2, 3)))),
        Case(
            "(2, 3) @ (4, 2): must raise ValueError (the loops alone would not notice)",
            (np.ones((2, 3)), np.ones((4, 2))),
        ),
    ]


def _matmul_loop_compare(got: Any, expected: Any) -> Mismatch | None:
    """The values, and a float64 array as the exercise asks (for integer inputs too)."""
    mismatch = compare(got, expected)
    if mismatch is not None:
        return mismatch
    if not isinstance(got, np.ndarray) or got.dtype != np.float64:
        dtype = got.dtype if isinstance(got, np.ndarray) else type(got).__name__
        return Mismatch(
            "dtype",
            f"return a float64 NumPy array (start from np.zeros((m, p))); yours is {dtype}",
            summarize(got),
            summarize(expected),
        )
    return None


def _loops(a: Any, b: Any, *, overwrite: bool = False, running: bool = False) -> np.ndarray:
    """C = A @ B with three loops, written with one of the classic slips."""
    a, b = np.asarray(a), np.asarray(b)
    m, n = a.shape
    n_b, p = b.shape
    if n != n_b:
        raise ValueError("inner dimensions differ")
    c = np.zeros((m, p))
    total = 0.0
    for i in range(m):
        for j in range(p):
            for k in range(n):
                if overwrite:
                    c[i, j] = a[i, k] * b[k, j]
                elif running:
                    total += a[i, k] * b[k, j]
                    c[i, j] = total
                else:
                    c[i, j] += a[i, k] * b[k, j]
    return c


MATMUL_LOOP = Checker(
    f"{A}/matmul_loop",
    title="Matrix product by triple loop",
    reference=_matmul_reference,
    cases=_matmul_cases,
    comparator=_matmul_loop_compare,
    forbidden=[MATMUL],
    misconceptions=[
        Misconception(
            "elementwise-product",
            "You multiplied elementwise (A * B); a matrix product sums A[i, k] · B[k, j] over k.",
            lambda a, b: np.asarray(a, float) * np.asarray(b, float),
        ),
        Misconception(
            "transposed-product",
            "Your result is the transpose of A @ B (rows and columns swapped): C[i, j] sums "
            "A[i, k] · B[k, j] over k, row i of A with column j of B, and C has shape (m, p).",
            lambda a, b: np.asarray(b, float).T @ np.asarray(a, float).T,
        ),
        Misconception(
            "overwrite-not-accumulate",
            "Each C[i, j] holds only its last term A[i, n-1] · B[n-1, j]: you assigned with `=` "
            "inside the k loop. Accumulate with C[i, j] += A[i, k] * B[k, j].",
            lambda a, b: _loops(a, b, overwrite=True),
        ),
        Misconception(
            "sum-not-reset",
            "Your entries keep growing along the result: the running sum is set to 0 once, "
            "before all the loops, so C[i, j] also contains the sums of the entries before it. "
            "Start each entry's sum at 0 (inside the j loop), or add into C[i, j] itself.",
            lambda a, b: _loops(a, b, running=True),
        ),
    ],
)


CHECKER = MATMUL_LOOP
