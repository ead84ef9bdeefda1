"""Numerical gradient by centred differences (03-matrix-calculus/numerical_gradient): the checker."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NUMPY_ONLY, A, _t


# -- numerical gradient by centred differences -------------------------------------------------
class ScalarFunction:
    """A scalar function of an array, written once for numpy and torch.

    ``formula(x, xp)`` uses only operations that ``xp = numpy`` and ``xp = torch`` share, so the
    student's finite differences (numpy) and the reference gradient (torch autograd) evaluate
    the very same function.
    """

    def __init__(self, text: str, formula: Callable[[Any, Any], Any]) -> None:
        self.text = text
        self.formula = formula

    def __call__(self, x: Any) -> float:
        return float(self.formula(np.asarray(x), np))

    def __repr__(self) -> str:
        return f"f(x) = {self.text}"


def _formula_of(f: Any) -> Callable[[Any, Any], Any]:
    """How the reference evaluates ``f`` with torch: a :class:`ScalarFunction`'s formula, or a
    function written ``f(x, xp=np)`` (what a test cell's hidden cases pass, since they cannot
    import this module), called with ``xp=torch``."""
    if isinstance(f, ScalarFunction):
        return f.formula
    try:
        takes_xp = "xp" in inspect.signature(f).parameters
    except (TypeError, ValueError):
        takes_xp = False
    if not takes_xp:
        raise TypeError(
            "a case of numerical_gradient needs f written as f(x, xp=np) with xp.<function> "
            "calls, so that the reference can differentiate it with torch"
        )
    return lambda x, xp: f(x, xp=xp)


def _numerical_gradient_reference(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    torch = _torch()
    xt = _t(x).requires_grad_(True)
    (grad,) = torch.autograd.grad(_formula_of(f)(xt, torch), xt)
    return grad.numpy()


def _numerical_gradient_cases() -> list[Case]:
    rng = _rng(31)
    lsq_a, lsq_b = rng.normal(size=(4, 3)), rng.normal(size=4)
    tanh_x = rng.normal(size=(5, 4))
    return [
        Case(
            "f(x) = Σ x³ − 2 Σ x at a vector of length 5",
            (
                ScalarFunction("sum(x**3) - 2 sum(x)", lambda x, xp: xp.sum(x**3) - 2 * xp.sum(x)),
                rng.normal(size=5),
            ),
        ),
        Case(
            "f(X) = Σ sin(X) · X² at a (3, 4) matrix",
            (
                ScalarFunction("sum(sin(x) * x**2)", lambda x, xp: xp.sum(xp.sin(x) * x**2)),
                rng.normal(size=(3, 4)),
            ),
        ),
        Case(
            "f(X) = log Σ exp(X) at a (2, 3, 2) array, h = 1e-4",
            (
                ScalarFunction("log(sum(exp(x)))", lambda x, xp: xp.log(xp.sum(xp.exp(x)))),
                rng.normal(size=(2, 3, 2)),
            ),
            {"h": 1e-4},
        ),
        Case(
            "f(x) = ‖Ax − b‖² at the integer point x = [1, -2, 3]",
            (
                ScalarFunction(
                    "sum((A @ x - b)**2), A (4, 3)",
                    lambda x, xp: xp.sum((xp.asarray(lsq_a) @ x - xp.asarray(lsq_b)) ** 2),
                ),
                np.array([1, -2, 3]),
            ),
        ),
        Case(
            "f(W) = Σ tanh(X W)², W of shape (4, 2) and X of shape (5, 4)",
            (
                ScalarFunction(
                    "sum(tanh(X @ W)**2), X (5, 4)",
                    lambda w, xp: xp.sum(xp.tanh(xp.asarray(tanh_x) @ w) ** 2),
                ),
                rng.normal(size=(4, 2)),
            ),
        ),
        Case(
            "a large loss f(x) = 10⁷ + Σ x² with h = 0.5: round-off ε|f|/h needs the h you are "
            "given (for a quadratic, centred differences are exact at any h)",
            (
                ScalarFunction("1e7 + sum(x**2)", lambda x, xp: 1e7 + xp.sum(x**2)),
                rng.normal(size=4),
            ),
            {"h": 0.5},
        ),
    ]


def _centred(
    f: Callable[[np.ndarray], float], x: np.ndarray, i: tuple[int, ...], h: float
) -> float:
    plus, minus = x.copy(), x.copy()
    plus[i] += h
    minus[i] -= h
    return (f(plus) - f(minus)) / (2 * h)


def _grad_divided_by_h(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    return np.array([2 * _centred(f, x, i, h) for i in np.ndindex(x.shape)]).reshape(x.shape)


def _grad_forward(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        plus = x.copy()
        plus[i] += h
        grad[i] = (f(plus) - fx) / h
    return grad


def _grad_with_step(step: float) -> Callable[..., np.ndarray]:
    def gradient(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
        x = np.array(x, dtype=float)  # the step is `step`, whatever h is given
        return np.array([_centred(f, x, i, step) for i in np.ndindex(x.shape)]).reshape(x.shape)

    return gradient


def _grad_not_restored(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)  # ... and x[i] stays at old - h
    return grad


def _grad_integer_truncated(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.asarray(x)  # no conversion to float: x + h is stored back as an integer
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] = x[i] + h
        minus[i] = x[i] - h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _grad_integer_array(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    grad = np.zeros_like(np.asarray(x))  # an integer array when x holds integers
    x = np.array(x, dtype=float)
    for i in np.ndindex(x.shape):
        grad[i] = _centred(f, x, i, h)  # ... so each entry is truncated when stored
    return grad


def _grad_aliased(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus = x  # not a copy: plus, minus and x are one array
        plus[i] += h
        minus = x
        minus[i] -= h  # ... so this undoes the step above
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _grad_first_axis_only(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):  # x[i] is a whole row when x is not 1-D
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _grad_flat_index(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):  # x[i] is a row of a matrix, and i runs past the last row
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _finite_difference_close(got: Any, expected: Any) -> Mismatch | None:
    # Centred differences are exact up to about h² |f'''| + ε |f| / h, far below 1e-7 here.
    return compare(got, expected, rtol=1e-6, atol=1e-7)


NUMERICAL_GRADIENT = Checker(
    f"{A}/numerical_gradient",
    title="Numerical gradient by centred differences",
    reference=_numerical_gradient_reference,
    cases=_numerical_gradient_cases,
    comparator=_finite_difference_close,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "divided-by-h",
            "Your gradient is twice the true one: the centred difference spans 2h, from x − h "
            "to x + h, so divide f(x + h) − f(x − h) by 2h, not by h.",
            _grad_divided_by_h,
        ),
        Misconception(
            "forward-difference",
            "This is the forward difference (f(x + h) − f(x)) / h, whose error shrinks only "
            "like h. Use the centred difference (f(x + h) − f(x − h)) / (2h): its error shrinks "
            "like h².",
            _grad_forward,
        ),
        Misconception(
            "ignores-h",
            "Your result does not depend on the step h you are given: you always used the "
            "default 1e-5. Use the argument h: with a large loss, round-off ε|f|/h needs the "
            "larger step that the case passes.",
            _grad_with_step(1e-5),
        ),
        Misconception(
            "fixed-step-1e-4",
            "Your result does not depend on the step h you are given: you used the fixed step "
            'h = 1e-4 (as in the numerical_gradient of "Deep Learning from Scratch"). Use the '
            "argument h: with a large loss, round-off ε|f|/h needs the larger step that the "
            "case passes.",
            _grad_with_step(1e-4),
        ),
        Misconception(
            "not-restored",
            "You perturb x in place but never put x[idx] back: after entry idx it stays at "
            "x[idx] − h, so every later entry is differentiated at a shifted point. Restore "
            "x[idx] = old after the two evaluations, or perturb copies.",
            _grad_not_restored,
        ),
        Misconception(
            "integer-input",
            "x holds integers, so x[i] + h was rounded back to an integer when stored, and the "
            "step vanished. Convert first: x = np.array(x, dtype=float).",
            _grad_integer_truncated,
        ),
        Misconception(
            "integer-gradient-array",
            "Your gradient array holds integers: np.zeros_like(x) on an integer x makes an "
            "integer array, and each entry you store in it is truncated. Create it after "
            "converting x to floats (or with dtype=float).",
            _grad_integer_array,
        ),
        Misconception(
            "aliased-not-copied",
            "Your gradient is all zeros: `x_plus = x` does not copy an array, so x_plus, x_minus "
            "and x are the same array and f(x_plus) − f(x_minus) = 0. Use x.copy() for each "
            "perturbed point.",
            _grad_aliased,
        ),
        Misconception(
            "first-axis-only",
            "You perturbed x[i] for i in range(len(x)): for a matrix x[i] is a whole row. "
            "Perturb one entry at a time over every index, e.g. for idx in np.ndindex(x.shape).",
            _grad_first_axis_only,
        ),
        Misconception(
            "flat-index",
            "for i in range(x.size) with x[i] works only for a vector: for a matrix x[i] is a "
            "whole row, and i runs past the last row (IndexError). Loop over every index with "
            "for idx in np.ndindex(x.shape).",
            _grad_flat_index,
        ),
    ],
)


CHECKER = NUMERICAL_GRADIENT
