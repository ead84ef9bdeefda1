"""Checkers for assignment 03 — matrix calculus: gradients, Jacobians and backprop by hand.

Every reference is computed by PyTorch's automatic differentiation in float64 (``backward``,
``torch.func.jacrev``, ``torch.func.jvp`` / ``vjp``, ``torch.autograd.functional.hessian``), never
by the formulas the exercises ask for: a checker that agreed with itself would teach nothing.
Shapes are non-square and batched wherever a transposed or batch-size bug could otherwise hide
(and square once, where a wrong product would otherwise only raise), and each known mistake is
written out as code so that the hint names it. The mistakes are those found in public code and
forum questions: CS231n-style gradient checkers, "deep learning from scratch" repositories,
deeplearning.ai's gradient check, Stack Exchange questions on xᵀAx and the softmax Jacobian,
PyTorch issues on ``mse_loss``, Newton–Raphson code for logistic regression.

The solutions use NumPy only: torch is forbidden (as in every exercise), and so is any other
automatic-differentiation library.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare, summarize
from ..references import relative_error
from ..references import rng as _rng
from ..references import torch as _torch
from ..rules import Forbidden

ASSIGNMENT = "03-matrix-calculus"
A = ASSIGNMENT

AUTOGRAD = Forbidden(
    "an automatic-differentiation library",
    modules=("jax", "autograd", "tensorflow"),
    why="Use NumPy only: the point is to derive the derivatives yourself.",
)
NUMPY_ONLY = [AUTOGRAD]


def _t(array: Any) -> Any:
    """A float64 torch tensor holding a copy of ``array``."""
    return _torch().tensor(np.asarray(array, dtype=np.float64))


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


# -- gradient of a quadratic form ------------------------------------------------------------------
def _quadratic_form_reference(A: Any, x: Any) -> np.ndarray:
    torch = _torch()
    xt = _t(x).requires_grad_(True)
    forms = torch.einsum("...i,ij,...j->...", xt, _t(A), xt)  # one xᵀAx per row of a batch
    (grad,) = torch.autograd.grad(forms.sum(), xt)
    return grad.numpy()


def _quadratic_form_cases() -> list[Case]:
    rng = _rng(33)
    sym = rng.normal(size=(4, 4))
    return [
        Case(
            "non-symmetric (3, 3) A, x of length 3", (rng.normal(size=(3, 3)), rng.normal(size=3))
        ),
        Case(
            "non-symmetric (5, 5) A, a batch x of shape (4, 5)",
            (rng.normal(size=(5, 5)), rng.normal(size=(4, 5))),
        ),
        Case("symmetric (4, 4) A (here 2Ax is right)", (sym + sym.T, rng.normal(size=4))),
        Case("A = [[3]], x = [2]", (np.array([[3.0]]), np.array([2.0]))),
        Case(
            "upper-triangular (3, 3) A, a batch x of shape (2, 3)",
            (np.triu(rng.normal(size=(3, 3))), rng.normal(size=(2, 3))),
        ),
        Case(
            "a square batch: 4 points of length 4, where a product in the wrong order "
            "raises nothing",
            (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))),
        ),
    ]


QUADRATIC_FORM_GRAD = Checker(
    f"{A}/quadratic_form_grad",
    title="Gradient of xᵀAx",
    reference=_quadratic_form_reference,
    cases=_quadratic_form_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "two-A-x",
            "2Ax is the gradient only when A is symmetric. In general ∇ₓ(xᵀAx) = (A + Aᵀ)x: "
            "x appears twice, once on each side of A.",
            lambda A, x: 2 * np.asarray(x) @ np.asarray(A).T,
        ),
        Misconception(
            "two-AT-x",
            "2Aᵀx is the gradient only when A is symmetric. In general ∇ₓ(xᵀAx) = (A + Aᵀ)x: "
            "one term Ax from the right-hand x, one term Aᵀx from the left-hand x.",
            lambda A, x: 2 * np.asarray(x) @ np.asarray(A),
        ),
        Misconception(
            "only-A-x",
            "You kept only Ax: differentiating xᵀAx gives one term from each x, Ax and Aᵀx, "
            "so the gradient is (A + Aᵀ)x.",
            lambda A, x: np.asarray(x) @ np.asarray(A).T,
        ),
        Misconception(
            "only-AT-x",
            "You kept only Aᵀx: differentiating xᵀAx gives one term from each x, Ax and Aᵀx, "
            "so the gradient is (A + Aᵀ)x.",
            lambda A, x: np.asarray(x) @ np.asarray(A),
        ),
        Misconception(
            "batch-as-columns",
            "A batch x of shape (N, n) holds one point per *row*: (A + Aᵀ) @ x treats its "
            "columns as points. Compute x @ (A + Aᵀ).T, which also works for a single x.",
            lambda A, x: (np.asarray(A) + np.asarray(A).T) @ np.asarray(x),
        ),
        Misconception(
            "batch-result-transposed",
            "For a batch you returned (A + Aᵀ) @ x.T, of shape (n, N): one point per *column*. "
            "The gradient has the shape of x, (N, n): compute x @ (A + Aᵀ).T.",
            lambda A, x: (np.asarray(A) + np.asarray(A).T) @ np.asarray(x).T,
        ),
    ],
)


# -- softmax Jacobian ------------------------------------------------------------------------------
def _softmax_jacobian_reference(z: Any) -> np.ndarray:
    torch = _torch()
    jacobian = torch.func.jacrev(lambda v: torch.softmax(v, dim=-1))
    zt = _t(z)
    return (jacobian(zt) if zt.ndim == 1 else torch.func.vmap(jacobian)(zt)).numpy()


def _softmax_jacobian_cases() -> list[Case]:
    rng = _rng(34)
    return [
        Case("a vector of 4 logits", (np.array([0.5, -1.0, 2.0, 0.0]),)),
        Case("a batch of 3 rows of 5 logits: shape (3, 5, 5)", (rng.normal(size=(3, 5)),)),
        Case("huge logits [1000, 1001, 1002]", (np.array([1000.0, 1001.0, 1002.0]),)),
        Case("a single logit: the Jacobian is [[0]]", (np.array([0.7]),)),
        Case("a batch of one row of 3 logits: shape (1, 3, 3)", (np.array([[0.2, -0.4, 1.1]]),)),
        Case("a batch of 2 rows of 6 logits scaled by 10", (10 * rng.normal(size=(2, 6)),)),
    ]


ROW_SUM_TOLERANCE = 1e-12


def _softmax_jacobian_close(got: Any, expected: Any) -> Mismatch | None:
    """The values, then the rows' sums: adding a constant to every logit does not change the
    softmax, so each row of J sums to 0 (to round-off, 1e-12)."""
    found = compare(got, expected)
    if found is not None:
        return found
    sums = np.abs(np.asarray(got, dtype=float).sum(axis=-1))
    if sums.size and np.max(sums) > ROW_SUM_TOLERANCE:
        return Mismatch(
            "value",
            f"each row of a softmax Jacobian sums to 0 (to {ROW_SUM_TOLERANCE:g}); one of "
            f"yours sums to {np.max(sums):.3g}",
            summarize(got),
            summarize(expected),
        )
    return None


def _stable_softmax(z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _diag(s: np.ndarray) -> np.ndarray:
    return s[..., :, None] * np.eye(s.shape[-1])


def _jacobian_from(s: np.ndarray) -> np.ndarray:
    return _diag(s) - s[..., :, None] * s[..., None, :]


def _softmax_jacobian_overflow(z: Any) -> np.ndarray:
    e = np.exp(np.asarray(z, dtype=float))
    return _jacobian_from(e / e.sum(axis=-1, keepdims=True))


def _softmax_jacobian_diagonal_only(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return _diag(s) * (1 - s[..., :, None])


def _softmax_jacobian_no_diagonal(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return -s[..., :, None] * s[..., None, :]


def _softmax_jacobian_inner(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    # s @ s.T on a 1-D s is the number sᵀs (.T does nothing to a vector), not the matrix s sᵀ
    return _diag(s) - (s * s).sum(axis=-1)[..., None, None]


def _softmax_jacobian_logits(z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    s = _stable_softmax(z)
    return _diag(s) - s[..., :, None] * z[..., None, :]


def _softmax_jacobian_one_vector(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return np.diag(s) - np.outer(s, s)  # for a batch, np.diag and np.outer misread s


SOFTMAX_JACOBIAN = Checker(
    f"{A}/softmax_jacobian",
    title="Jacobian of softmax",
    reference=_softmax_jacobian_reference,
    cases=_softmax_jacobian_cases,
    comparator=_softmax_jacobian_close,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "diagonal-only",
            "Only your diagonal s_i(1 − s_i) is right: every output depends on every logit, so "
            "the off-diagonal entries are ∂s_i/∂z_j = −s_i s_j. J = diag(s) − s sᵀ.",
            _softmax_jacobian_diagonal_only,
        ),
        Misconception(
            "missing-diagonal",
            "You left out the diagonal term: ∂s_i/∂z_j = s_i(δ_ij − s_j), and δ_ij adds s_i on "
            "the diagonal. J = diag(s) − s sᵀ, not −s sᵀ.",
            _softmax_jacobian_no_diagonal,
        ),
        Misconception(
            "inner-not-outer",
            "You subtracted the number sᵀs from every entry: for a 1-D array s, s.T is s "
            "itself, so s @ s.T (or np.dot(s, s.T)) is the inner product. The outer product "
            "s sᵀ is np.outer(s, s), or s[:, None] * s[None, :].",
            _softmax_jacobian_inner,
        ),
        Misconception(
            "logits-instead-of-softmax",
            "You used the logits z where the softmax s belongs: ∂s_i/∂z_j = s_i(δ_ij − s_j), "
            "with s on both sides, not s_i(δ_ij − z_j).",
            _softmax_jacobian_logits,
        ),
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Compute the "
            "softmax stably, subtracting the maximum logit first, then build diag(s) − s sᵀ.",
            _softmax_jacobian_overflow,
        ),
        Misconception(
            "diag-outer-on-a-batch",
            "np.diag and np.outer handle one vector only: on a (N, K) batch np.diag extracts a "
            "diagonal and np.outer flattens. Build (N, K, K) with broadcasting: "
            "s[..., :, None] * np.eye(K) − s[..., :, None] * s[..., None, :].",
            _softmax_jacobian_one_vector,
        ),
    ],
)


# -- backprop through a two-layer network ----------------------------------------------------------
NetCase = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _network(
    rng: np.random.Generator, n: int, d: int, h: int, k: int, *, classes: bool, scale: float = 1.0
) -> NetCase:
    x = rng.normal(size=(n, d))
    w1 = scale * rng.normal(size=(d, h)) / np.sqrt(d)
    b1 = 0.1 * rng.normal(size=h)
    w2 = rng.normal(size=(h, k)) / np.sqrt(h)
    b2 = 0.1 * rng.normal(size=k)
    y = rng.integers(0, k, size=n) if classes else rng.normal(size=(n, k))
    return x, y, w1, b1, w2, b2


def _torch_network_gradients(
    x: Any, y: Any, w1: Any, b1: Any, w2: Any, b2: Any, *, classes: bool
) -> dict[str, Any]:
    torch = _torch()
    params = [_t(p).requires_grad_(True) for p in (w1, b1, w2, b2)]
    tw1, tb1, tw2, tb2 = params
    if classes:
        hidden = torch.relu(_t(x) @ tw1 + tb1)
        logits = hidden @ tw2 + tb2
        loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(np.asarray(y)))
    else:
        hidden = torch.tanh(_t(x) @ tw1 + tb1)
        loss = torch.nn.functional.mse_loss(hidden @ tw2 + tb2, _t(y))
    loss.backward()
    grads = {
        name: p.grad.numpy() for name, p in zip(("dW1", "db1", "dW2", "db2"), params, strict=True)
    }
    return {"loss": float(loss.detach()), **grads}


def _tanh_mse_reference(x: Any, y: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    return _torch_network_gradients(x, y, w1, b1, w2, b2, classes=False)


def _tanh_mse_cases() -> list[Case]:
    rng = _rng(35)
    return [
        Case(
            "N=5 examples, D=3 inputs, H=4 hidden, K=2 outputs",
            _network(rng, 5, 3, 4, 2, classes=False),
        ),
        Case("a single example: N=1, D=4, H=6, K=1", _network(rng, 1, 4, 6, 1, classes=False)),
        Case("N=8, D=2, H=3, K=3", _network(rng, 8, 2, 3, 3, classes=False)),
        Case(
            "saturated tanh (W1 × 5): N=6, D=5, H=4, K=2",
            _network(rng, 6, 5, 4, 2, classes=False, scale=5.0),
        ),
        Case("N=16, D=7, H=5, K=1", _network(rng, 16, 7, 5, 1, classes=False)),
    ]


def _reduce_bias(g: np.ndarray, bias: str) -> np.ndarray:
    if bias == "mean":
        return g.mean(axis=0)
    if bias == "keepdims":
        return g.sum(axis=0, keepdims=True)
    return g.sum(axis=0)


def _tanh_mse_variant(
    x: Any,
    y: Any,
    w1: Any,
    b1: Any,
    w2: Any,
    b2: Any,
    *,
    divide_by: str = "NK",
    factor: float = 2.0,
    derivative: str = "tanh",
    bias: str = "sum",
) -> dict[str, Any]:
    """The backward pass of the tanh/MSE network, with one known mistake switched on."""
    z1 = x @ w1 + b1
    a1 = np.tanh(z1)
    out = a1 @ w2 + b2
    n, k = out.shape
    loss = float(np.mean((out - y) ** 2))
    count = {"NK": n * k, "N": n, "1": 1}[divide_by]
    d_out = factor * (out - y) / count
    d_a1 = d_out @ w2.T
    slope = {
        "tanh": 1 - a1**2,
        "none": np.ones_like(z1),
        "pre": 1 - z1**2,
        "post": 1 - np.tanh(a1) ** 2,
    }[derivative]
    d_z1 = d_a1 * slope
    return {
        "loss": loss,
        "dW1": x.T @ d_z1,
        "db1": _reduce_bias(d_z1, bias),
        "dW2": a1.T @ d_out,
        "db2": _reduce_bias(d_out, bias),
    }


def _tanh_mse_mistake(**mistake: Any) -> Callable[..., dict[str, Any]]:
    return lambda x, y, w1, b1, w2, b2: _tanh_mse_variant(x, y, w1, b1, w2, b2, **mistake)


BIAS_KEEPDIMS_HINT = (
    "Your bias gradients have shape (1, H): sum(axis=0, keepdims=True) keeps an axis that the "
    "bias does not have (the column layout of some courses). A gradient has the shape of its "
    "parameter: db = dZ.sum(axis=0)."
)

BACKPROP_TANH_MSE = Checker(
    f"{A}/backprop_tanh_mse",
    title="Backprop: tanh network, MSE loss",
    reference=_tanh_mse_reference,
    cases=_tanh_mse_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "mse-not-averaged",
            "Your gradients are N·K times too large: the loss is the *mean* over all N·K "
            "entries, so dŶ = 2(Ŷ − Y) / (N·K).",
            _tanh_mse_mistake(divide_by="1"),
        ),
        Misconception(
            "mse-divided-by-N-only",
            "You divided by the batch size N only: F.mse_loss averages over all N·K entries "
            "of Ŷ, so dŶ = 2(Ŷ − Y) / (N·K).",
            _tanh_mse_mistake(divide_by="N"),
        ),
        Misconception(
            "mse-missing-factor-2",
            "Your gradients are half the true ones: the derivative of (ŷ − y)² is 2(ŷ − y), "
            "so dŶ = 2(Ŷ − Y) / (N·K). (The factor ½ of the ½(ŷ − y)² convention is not in "
            "this loss.)",
            _tanh_mse_mistake(factor=1.0),
        ),
        Misconception(
            "missing-tanh-derivative",
            "You skipped the activation: going back through A1 = tanh(Z1) multiplies "
            "elementwise by tanh'(Z1) = 1 − A1², so dZ1 = dA1 * (1 − A1**2).",
            _tanh_mse_mistake(derivative="none"),
        ),
        Misconception(
            "tanh-derivative-of-preactivation",
            "tanh'(z) = 1 − tanh(z)², not 1 − z²: use the activation A1 = tanh(Z1), "
            "dZ1 = dA1 * (1 − A1**2).",
            _tanh_mse_mistake(derivative="pre"),
        ),
        Misconception(
            "tanh-derivative-of-activation",
            "You applied tanh twice: 1 − tanh(A1)² is tanh' at A1, but the derivative is taken "
            "at Z1: tanh'(Z1) = 1 − tanh(Z1)² = 1 − A1**2.",
            _tanh_mse_mistake(derivative="post"),
        ),
        Misconception(
            "bias-gradient-averaged",
            "Sum the bias gradients over the batch, db = dZ.sum(axis=0): the 1/(N·K) of the mean "
            "is already inside dŶ, and averaging again divides by N twice.",
            _tanh_mse_mistake(bias="mean"),
        ),
        Misconception(
            "bias-gradient-keepdims", BIAS_KEEPDIMS_HINT, _tanh_mse_mistake(bias="keepdims")
        ),
    ],
)


def _relu_ce_reference(x: Any, y: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    return _torch_network_gradients(x, y, w1, b1, w2, b2, classes=True)


def _relu_ce_cases() -> list[Case]:
    rng = _rng(36)
    big = _network(rng, 5, 3, 4, 3, classes=True)
    return [
        Case(
            "N=6 examples, D=4 inputs, H=5 hidden, C=3 classes",
            _network(rng, 6, 4, 5, 3, classes=True),
        ),
        Case("a single example: N=1, D=3, H=4, C=2", _network(rng, 1, 3, 4, 2, classes=True)),
        Case("N=10, D=2, H=7, C=4", _network(rng, 10, 2, 7, 4, classes=True)),
        Case(
            "huge logits (W2 × 5000): N=5, D=3, H=4, C=3",
            (*big[:4], 5000 * big[4], big[5]),
        ),
        Case("N=4, D=6, H=3, C=5", _network(rng, 4, 6, 3, 5, classes=True)),
    ]


def _relu_ce_variant(
    x: Any,
    y: Any,
    w1: Any,
    b1: Any,
    w2: Any,
    b2: Any,
    *,
    stable: bool = True,
    naive_softmax: bool = False,
    log_of_softmax: bool = False,
    averaged: bool = True,
    one_hot: bool = True,
    sign: float = 1.0,
    relu_mask: bool = True,
    transposed_dw2: bool = False,
    bias: str = "sum",
) -> dict[str, Any]:
    """The backward pass of the ReLU/cross-entropy network, with one known mistake switched on."""
    z1 = x @ w1 + b1
    a1 = np.maximum(z1, 0)
    logits = a1 @ w2 + b2
    n = len(y)
    if naive_softmax:  # softmax by exp / sum, then the log of its entries: overflows
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
            loss = float(-np.log(probs[np.arange(n), y]).mean())
        d_logits = probs
    else:
        shifted = logits - logits.max(axis=1, keepdims=True) if stable else logits
        with np.errstate(over="ignore", invalid="ignore"):
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = float(-log_p[np.arange(n), y].mean())
        d_logits = np.exp(log_p)
        if log_of_softmax:  # the loss from log(softmax): log 0 = -inf where it underflows
            with np.errstate(divide="ignore"):
                loss = float(-np.log(d_logits[np.arange(n), y]).mean())
    if one_hot:
        d_logits[np.arange(n), y] -= 1
    if averaged:
        d_logits /= n
    d_logits = sign * d_logits
    d_a1 = d_logits @ w2.T
    d_z1 = d_a1 * (z1 > 0) if relu_mask else d_a1
    return {
        "loss": loss,
        "dW1": x.T @ d_z1,
        "db1": _reduce_bias(d_z1, bias),
        "dW2": d_logits.T @ a1 if transposed_dw2 else a1.T @ d_logits,
        "db2": _reduce_bias(d_logits, bias),
    }


def _relu_ce_mistake(**mistake: Any) -> Callable[..., dict[str, Any]]:
    return lambda x, y, w1, b1, w2, b2: _relu_ce_variant(x, y, w1, b1, w2, b2, **mistake)


BACKPROP_RELU_CE = Checker(
    f"{A}/backprop_relu_ce",
    title="Backprop: ReLU network, cross-entropy loss",
    reference=_relu_ce_reference,
    cases=_relu_ce_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "ce-not-averaged",
            "Your gradients are N times too large: the loss is the *mean* over the batch, "
            "so dZ2 = (softmax(Z2) − onehot(y)) / N.",
            _relu_ce_mistake(averaged=False),
        ),
        Misconception(
            "ce-missing-one-hot",
            "You used dZ2 = softmax(Z2) / N: the gradient of cross-entropy with respect to the "
            "logits is (softmax(Z2) − onehot(y)) / N: subtract 1 at each example's true class.",
            _relu_ce_mistake(one_hot=False),
        ),
        Misconception(
            "ce-gradient-sign-flipped",
            "Your gradients have the wrong sign: (onehot(y) − softmax(Z2)) / N is the gradient "
            "of the log-likelihood, which is maximised. The loss is its negative: "
            "dZ2 = (softmax(Z2) − onehot(y)) / N.",
            _relu_ce_mistake(sign=-1.0),
        ),
        Misconception(
            "missing-relu-derivative",
            "You skipped the activation: going back through A1 = relu(Z1) multiplies by "
            "relu'(Z1), 1 where Z1 > 0 and 0 elsewhere: dZ1 = dA1 * (Z1 > 0).",
            _relu_ce_mistake(relu_mask=False),
        ),
        Misconception(
            "weight-gradient-transposed",
            "A weight's gradient has the weight's shape: W2 is (H, C), so dW2 = A1.T @ dZ2, not "
            "dZ2.T @ A1.",
            _relu_ce_mistake(transposed_dw2=True),
        ),
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Subtract each "
            "row's maximum logit before exponentiating, and take the loss from the stable "
            "log-softmax, Z2 − max − log Σ exp(Z2 − max), rather than log(softmax).",
            _relu_ce_mistake(naive_softmax=True),
        ),
        Misconception(
            "log-of-softmax-underflow",
            "Your loss is infinite for large logits: the softmax probability of the true class "
            "rounds to 0 when its logit is far below the largest one, and log 0 = −inf. Take "
            "the loss from the log-softmax itself: (Z2 − m) − log Σ exp(Z2 − m), m the row "
            "maximum.",
            _relu_ce_mistake(log_of_softmax=True),
        ),
        Misconception(
            "log-softmax-unshifted",
            "Your log-softmax is Z2 − log Σ exp(Z2) without the shift: exp overflows for large "
            "logits (exp(1000) = inf). Subtract each row's maximum logit first: "
            "Z2 − m − log Σ exp(Z2 − m), the same value without overflow.",
            _relu_ce_mistake(stable=False),
        ),
        Misconception(
            "bias-gradient-keepdims", BIAS_KEEPDIMS_HINT, _relu_ce_mistake(bias="keepdims")
        ),
    ],
)


# -- Hessian of the logistic loss ------------------------------------------------------------------
def _logistic_hessian_reference(X: Any, w: Any) -> np.ndarray:
    torch = _torch()
    xt = _t(X)
    # Any labels give the same Hessian: the loss is linear in y. Alternate 0 and 1.
    y = (torch.arange(len(xt)) % 2).double()

    def loss(weights: Any) -> Any:
        return torch.nn.functional.binary_cross_entropy_with_logits(xt @ weights, y)

    return torch.autograd.functional.hessian(loss, _t(w)).numpy()


def _logistic_hessian_cases() -> list[Case]:
    rng = _rng(37)
    return [
        Case("X (6, 3), w (3,)", (rng.normal(size=(6, 3)), rng.normal(size=3))),
        Case("X (10, 2), w (2,)", (rng.normal(size=(10, 2)), rng.normal(size=2))),
        Case(
            "fewer examples than features, X (3, 5): the Hessian is singular",
            (rng.normal(size=(3, 5)), rng.normal(size=5)),
        ),
        Case("a single example, X (1, 4)", (rng.normal(size=(1, 4)), rng.normal(size=4))),
        Case(
            "a confident model (w × 8): X (8, 3)",
            (rng.normal(size=(8, 3)), 8 * rng.normal(size=3)),
        ),
        Case(
            "as many examples as features, X (4, 4): the weights must scale the rows",
            (rng.normal(size=(4, 4)), rng.normal(size=4)),
        ),
    ]


PSD_TOLERANCE = 1e-12


def _logistic_hessian_close(got: Any, expected: Any) -> Mismatch | None:
    """The values, then positive semidefiniteness (the loss is convex): no eigenvalue of the
    symmetric part below −1e-12."""
    found = compare(got, expected)
    if found is not None:
        return found
    matrix = np.asarray(got, dtype=float)
    lowest = float(np.linalg.eigvalsh((matrix + matrix.T) / 2).min())
    if lowest < -PSD_TOLERANCE:
        return Mismatch(
            "value",
            f"the Hessian of the logistic loss is positive semidefinite; yours has the "
            f"eigenvalue {lowest:.3g} (below −{PSD_TOLERANCE:g})",
            summarize(got),
            summarize(expected),
        )
    return None


def _sigmoid_weights(X: Any, w: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.asarray(w, dtype=float))))
    return X, p


def _hessian_not_averaged(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * (p * (1 - p))[:, None])


def _hessian_negated(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return -X.T @ (X * (p * (1 - p))[:, None]) / len(X)


def _hessian_weights_p(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * p[:, None]) / len(X)


def _hessian_weights_on_columns(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * (p * (1 - p))) / len(X)  # (N, d) * (N,) scales the columns


def _hessian_outer_orientation(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return (X * (p * (1 - p))[:, None]) @ X.T / len(X)


LOGISTIC_HESSIAN = Checker(
    f"{A}/logistic_hessian",
    title="Hessian of the logistic loss",
    reference=_logistic_hessian_reference,
    cases=_logistic_hessian_cases,
    comparator=_logistic_hessian_close,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "hessian-not-averaged",
            "Your Hessian is N times too large: the loss is the mean over N examples, so "
            "H = Xᵀ diag(p(1 − p)) X / N.",
            _hessian_not_averaged,
        ),
        Misconception(
            "hessian-sign",
            "Your Hessian is negative semidefinite: −Xᵀ diag(p(1 − p)) X is the Hessian of the "
            "log-likelihood (which Newton–Raphson code for statistics maximises). The loss is "
            "its negative mean: H = +Xᵀ diag(p(1 − p)) X / N.",
            _hessian_negated,
        ),
        Misconception(
            "hessian-weights-p",
            "The weights are the derivative of the sigmoid, σ'(z) = p(1 − p), not p itself: "
            "H = Xᵀ diag(p(1 − p)) X / N.",
            _hessian_weights_p,
        ),
        Misconception(
            "weights-scale-columns",
            "X * weights scales the *columns* of X (broadcasting aligns the last axes), and "
            "raises unless X is square. One weight per example scales a row: "
            "weights[:, None] * X.",
            _hessian_weights_on_columns,
        ),
        Misconception(
            "hessian-wrong-orientation",
            "The Hessian with respect to w is d × d (one row and column per weight): "
            "Xᵀ diag(p(1 − p)) X, not X diag(p(1 − p)) Xᵀ, which is N × N.",
            _hessian_outer_orientation,
        ),
    ],
)


# -- JVP and VJP of a tanh layer -------------------------------------------------------------------
def _jvp_vjp_reference(W: Any, b: Any, x: Any, v: Any, u: Any) -> tuple[np.ndarray, np.ndarray]:
    torch = _torch()
    wt, bt = _t(W), _t(b)

    def layer(inputs: Any) -> Any:
        return torch.tanh(wt @ inputs + bt)

    _, jvp = torch.func.jvp(layer, (_t(x),), (_t(v),))
    _, pullback = torch.func.vjp(layer, _t(x))
    (vjp,) = pullback(_t(u))
    return jvp.numpy(), vjp.numpy()


def _layer_case(rng: np.random.Generator, m: int, n: int, scale: float = 1.0) -> tuple[Any, ...]:
    return (
        scale * rng.normal(size=(m, n)) / np.sqrt(n),
        rng.normal(size=m),
        rng.normal(size=n),
        rng.normal(size=n),
        rng.normal(size=m),
    )


def _jvp_vjp_cases() -> list[Case]:
    rng = _rng(38)
    wide = _layer_case(rng, 2, 7)
    return [
        Case("W (3, 5): 5 inputs, 3 outputs", _layer_case(rng, 3, 5)),
        Case("W (6, 2): 2 inputs, 6 outputs", _layer_case(rng, 6, 2)),
        Case("W (1, 4): one output, so the VJP is its gradient", _layer_case(rng, 1, 4)),
        Case(
            "W (4, 4) × 6, saturated tanh: square, so a wrong product raises nothing",
            _layer_case(rng, 4, 4, scale=6.0),
        ),
        Case("W (2, 7), u = [0, 1]: the VJP is row 1 of J", (*wide[:4], np.array([0.0, 1.0]))),
    ]


def _jvp_vjp_variant(
    W: Any,
    b: Any,
    x: Any,
    v: Any,
    u: Any,
    *,
    slope: str = "tanh",
    vjp_form: str = "right",
    swapped: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    z = W @ x + b
    d = {"tanh": 1 - np.tanh(z) ** 2, "none": np.ones_like(z), "pre": 1 - z**2}[slope]
    vjp = {
        "right": lambda: W.T @ (d * u),
        "no-transpose": lambda: W @ (d * u),
        "d-outside": lambda: (W.T @ u) * d,
    }[vjp_form]()
    jvp = d * (W @ v)
    return (vjp, jvp) if swapped else (jvp, vjp)


def _jvp_vjp_mistake(**mistake: Any) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    return lambda W, b, x, v, u: _jvp_vjp_variant(W, b, x, v, u, **mistake)


TANH_LAYER_JVP_VJP = Checker(
    f"{A}/tanh_layer_jvp_vjp",
    title="JVP and VJP of a tanh layer",
    reference=_jvp_vjp_reference,
    cases=_jvp_vjp_cases,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "missing-tanh-derivative",
            "You left out tanh': J = diag(1 − tanh(z)²) W with z = Wx + b, so "
            "Jv = (1 − tanh(z)²) * (W @ v) and Jᵀu = W.T @ ((1 − tanh(z)²) * u).",
            _jvp_vjp_mistake(slope="none"),
        ),
        Misconception(
            "tanh-derivative-of-preactivation",
            "tanh'(z) = 1 − tanh(z)², not 1 − z²: apply tanh to z = Wx + b before squaring.",
            _jvp_vjp_mistake(slope="pre"),
        ),
        Misconception(
            "jvp-vjp-swapped",
            "You returned (VJP, JVP): the pair is (Jv, Jᵀu). The JVP pushes the input "
            "direction v forward to the m outputs; the VJP pulls the output weights u back to "
            "the n inputs.",
            _jvp_vjp_mistake(swapped=True),
        ),
        Misconception(
            "vjp-without-transpose",
            "The VJP multiplies by Jᵀ, which maps the m outputs back to the n inputs: "
            "W.T @ (d * u), not W @ (d * u).",
            _jvp_vjp_mistake(vjp_form="no-transpose"),
        ),
        Misconception(
            "vjp-derivative-outside",
            "In the VJP the derivative d = tanh'(z) belongs to the outputs, so it weights u "
            "before the product with Wᵀ: Jᵀu = Wᵀ diag(d) u = W.T @ (d * u), not "
            "(W.T @ u) * d.",
            _jvp_vjp_mistake(vjp_form="d-outside"),
        ),
    ],
)


CHECKERS = [
    NUMERICAL_GRADIENT,
    RELATIVE_ERROR,
    QUADRATIC_FORM_GRAD,
    SOFTMAX_JACOBIAN,
    BACKPROP_TANH_MSE,
    BACKPROP_RELU_CE,
    LOGISTIC_HESSIAN,
    TANH_LAYER_JVP_VJP,
]
