"""Relative error for a gradient check (03-matrix-calculus/relative_error): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import relative_error
from ...checks.references import rng as _rng
from ._common import NUMPY_ONLY, A


# -- relative error for a gradient check ---------------------------------------------------------
# The course's one definition (assignment 07 uses the same):
#     rel(a, b) = max over entries of |a − b| / max(|a|, |b|, tiny),  tiny = 1e-12,
# the elementwise larger magnitude, floored at tiny: 0 for two zero arrays, symmetric in a, b.
def _relative_error_cases() -> list[Case]:
    rng = _rng(32)
    a = rng.normal(size=(3, 4))
    b = a * (1 - 1e-4 * rng.uniform(0.1, 1.0, size=a.shape))  # |b| < |a| everywhere
    c = rng.normal(size=(2, 5))
    return [
        Case("(3, 4) arrays that agree to about 1e-4", (a, b)),
        Case("the same two arrays swapped: rel(b, a) = rel(a, b)", (b, a)),
        Case("identical (2, 5) arrays: the error is 0", (c, c.copy())),
        Case("two zero arrays: the error is 0, not 0/0", (np.zeros(4), np.zeros(4))),
        Case(
            "zeros in both at the same places: [0, 1, 0, 2] vs [0, 1.001, 0, 2]",
            (np.array([0.0, 1.0, 0.0, 2.0]), np.array([0.0, 1.001, 0.0, 2.0])),
        ),
        Case(
            "a numerical 1e-3 where the analytic gradient is 0: the error is 1",
            (np.array([1e-3, 5.0, -2.0]), np.array([0.0, 5.0, -2.0])),
        ),
        Case(
            "opposite signs: [1, -3, 2] vs [1, 3, 2], the error is 2",
            (np.array([1.0, -3.0, 2.0]), np.array([1.0, 3.0, 2.0])),
        ),
        Case("the first case scaled by 1e8: a relative error does not change", (1e8 * a, 1e8 * b)),
        Case("two numbers: 2.0 and 2.002", (2.0, 2.002)),
    ]


def _relative_error_close(got: Any, expected: Any) -> Mismatch | None:
    """A Python float (numpy's float64 is one), then the value."""
    if not isinstance(got, float):
        return Mismatch(
            "type",
            f"relative_error returns a Python float (for example float(np.max(...))); "
            f"yours is {summarize(got)}",
            summarize(got),
            summarize(expected),
        )
    return compare(got, expected)


def _rel_parts(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a, b, np.abs(a - b)


def _rel_no_tiny(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.max(diff / np.maximum(np.abs(a), np.abs(b))))


def _rel_divide_by_a(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.max(diff / np.abs(a)))


def _rel_divide_by_b(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.max(diff / np.abs(b)))


def _rel_scale(a: np.ndarray, b: np.ndarray, tiny: float) -> np.ndarray:
    return np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)


def _rel_mean(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.mean(diff / _rel_scale(a, b, tiny)))


def _rel_sum(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.sum(diff / _rel_scale(a, b, tiny)))


def _rel_not_reduced(a: Any, b: Any, tiny: float = 1e-12) -> Any:
    a, b, diff = _rel_parts(a, b)
    return diff / _rel_scale(a, b, tiny)


def _rel_sum_of_magnitudes(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.max(diff / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _rel_norms(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.linalg.norm(diff) / (np.linalg.norm(a) + np.linalg.norm(b)))


RELATIVE_ERROR = Checker(
    f"{A}/relative_error",
    title="Relative error for a gradient check",
    reference=relative_error,
    cases=_relative_error_cases,
    comparator=_relative_error_close,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "no-tiny-floor",
            "Where both gradients are exactly 0 you divide 0 by 0 (nan). Floor the denominator: "
            "max(|a|, |b|, tiny), so that two zero entries count as error 0.",
            _rel_no_tiny,
        ),
        Misconception(
            "divided-by-a-only",
            "You divided by |a| alone: the error then depends on which argument comes first and "
            "is infinite where a = 0. Divide by max(|a|, |b|, tiny), which is symmetric.",
            _rel_divide_by_a,
        ),
        Misconception(
            "divided-by-b-only",
            "You divided by |b| alone: the error then depends on which argument comes first and "
            "is infinite where b = 0. Divide by max(|a|, |b|, tiny), which is symmetric.",
            _rel_divide_by_b,
        ),
        Misconception(
            "sum-of-magnitudes",
            "You divided by |a| + |b| (the rel_error of CS231n's assignment code, floored at "
            "1e-8), which gives about half this course's value. The course's definition divides "
            "by the larger magnitude: max(|a|, |b|, tiny).",
            _rel_sum_of_magnitudes,
        ),
        Misconception(
            "norm-ratio",
            "This is the norm ratio ‖a − b‖ / (‖a‖ + ‖b‖) of deeplearning.ai's gradient check, "
            "one number for the whole array. The course's definition is per entry, "
            "|a − b| / max(|a|, |b|, tiny), and reports the worst entry.",
            _rel_norms,
        ),
        Misconception(
            "mean-not-max",
            "You averaged the entrywise errors; a gradient check reports the *worst* entry "
            "(np.max), since one wrong entry is enough to make the gradient wrong.",
            _rel_mean,
        ),
        Misconception(
            "sum-not-max",
            "You added up the entrywise errors, so the result grows with the number of entries. "
            "A gradient check reports the *worst* entry: np.max, not np.sum.",
            _rel_sum,
        ),
        Misconception(
            "not-reduced",
            "You returned the array of entrywise errors: reduce it to one number, the worst "
            "entry, float(np.max(...)).",
            _rel_not_reduced,
        ),
        Misconception(
            "absolute-error",
            "This is the absolute error max |a − b|, which depends on the scale of the "
            "gradients. Divide each |a − b| by max(|a|, |b|, tiny).",
            lambda a, b, tiny=1e-12: float(np.max(_rel_parts(a, b)[2])),
        ),
    ],
)


CHECKER = RELATIVE_ERROR
