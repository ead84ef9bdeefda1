"""Checkers for assignment 03 — matrix calculus: gradients, Jacobians and backprop by hand.

Every reference is computed by PyTorch's automatic differentiation in float64 (``backward``,
``torch.func.jacrev``, ``torch.func.jvp`` / ``vjp``, ``torch.autograd.functional.hessian``), never
by the formulas the exercises ask for: a checker that agreed with itself would teach nothing.
Shapes are non-square and batched wherever a transposed or batch-size bug could otherwise hide,
and each known mistake is written out as code so that the hint names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "03-matrix-calculus"
A = ASSIGNMENT


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

    def autograd_gradient(self, x: Any) -> np.ndarray:
        torch = _torch()
        xt = _t(x).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.formula(xt, torch), xt)
        return grad.numpy()

    def __repr__(self) -> str:
        return f"f(x) = {self.text}"


def _numerical_gradient_reference(f: ScalarFunction, x: Any, h: float = 1e-5) -> np.ndarray:
    return f.autograd_gradient(x)


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


def _grad_integer_truncated(f: Any, x: Any, h: float = 1e-5) -> np.ndarray:
    x = np.asarray(x)  # no conversion to float: x + h is stored back as an integer
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] = x[i] + h
        minus[i] = x[i] - h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
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


def _finite_difference_close(got: Any, expected: Any) -> Mismatch | None:
    # Centred differences are exact up to about h² |f'''| + ε |f| / h, far below 1e-7 here.
    return compare(got, expected, rtol=1e-6, atol=1e-7)


NUMERICAL_GRADIENT = Checker(
    f"{A}/numerical_gradient",
    title="Numerical gradient by centred differences",
    reference=_numerical_gradient_reference,
    cases=_numerical_gradient_cases,
    comparator=_finite_difference_close,
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
            "integer-input",
            "x holds integers, so x[i] + h was rounded back to an integer when stored, and the "
            "step vanished. Convert first: x = np.array(x, dtype=float).",
            _grad_integer_truncated,
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
    ],
)


# -- relative error for a gradient check ---------------------------------------------------------
def _relative_error_reference(a: Any, b: Any, tiny: float = 1e-12) -> float:
    torch = _torch()
    at, bt = _t(a), _t(b)
    scale = torch.clamp(torch.maximum(at.abs(), bt.abs()), min=tiny)
    return float(torch.max((at - bt).abs() / scale))


def _relative_error_cases() -> list[Case]:
    rng = _rng(32)
    a = rng.normal(size=(3, 4))
    b = a * (1 - 1e-4 * rng.uniform(0.1, 1.0, size=a.shape))  # |b| < |a| everywhere
    c = rng.normal(size=(2, 5))
    return [
        Case("(3, 4) arrays that agree to about 1e-4", (a, b)),
        Case("identical (2, 5) arrays: the error is 0", (c, c.copy())),
        Case(
            "zeros in both at the same places: [0, 1, 0, 2] vs [0, 1.001, 0, 2]",
            (np.array([0.0, 1.0, 0.0, 2.0]), np.array([0.0, 1.001, 0.0, 2.0])),
        ),
        Case(
            "a numerical 1e-3 where the analytic gradient is 0",
            (np.array([1e-3, 5.0, -2.0]), np.array([0.0, 5.0, -2.0])),
        ),
        Case("the first case scaled by 1e8: a relative error does not change", (1e8 * a, 1e8 * b)),
        Case("two numbers: 2.0 and 2.002", (2.0, 2.002)),
    ]


def _rel_parts(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a, b, np.abs(a - b)


def _rel_no_tiny(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.max(diff / np.maximum(np.abs(a), np.abs(b))))


def _rel_divide_by_b(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.max(diff / np.abs(b)))


def _rel_mean(a: Any, b: Any, tiny: float = 1e-12) -> float:
    a, b, diff = _rel_parts(a, b)
    return float(np.mean(diff / np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)))


RELATIVE_ERROR = Checker(
    f"{A}/relative_error",
    title="Relative error for a gradient check",
    reference=_relative_error_reference,
    cases=_relative_error_cases,
    misconceptions=[
        Misconception(
            "no-tiny-floor",
            "Where both gradients are exactly 0 you divide 0 by 0 (nan). Floor the denominator: "
            "max(|a|, |b|, tiny).",
            _rel_no_tiny,
        ),
        Misconception(
            "divided-by-b-only",
            "You divided by |b| alone: the error then depends on which argument comes first and "
            "is infinite where b = 0. Divide by max(|a|, |b|, tiny).",
            _rel_divide_by_b,
        ),
        Misconception(
            "mean-not-max",
            "You averaged the entrywise errors; a gradient check reports the *worst* entry "
            "(np.max), since one wrong entry is enough to make the gradient wrong.",
            _rel_mean,
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
    ]


QUADRATIC_FORM_GRAD = Checker(
    f"{A}/quadratic_form_grad",
    title="Gradient of xᵀAx",
    reference=_quadratic_form_reference,
    cases=_quadratic_form_cases,
    misconceptions=[
        Misconception(
            "two-A-x",
            "2Ax is the gradient only when A is symmetric. In general ∇ₓ(xᵀAx) = (A + Aᵀ)x: "
            "x appears twice, once on each side of A.",
            lambda A, x: 2 * np.asarray(x) @ np.asarray(A).T,
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
        Case("a batch of 2 rows of 6 logits scaled by 10", (10 * rng.normal(size=(2, 6)),)),
    ]


def _stable_softmax(z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _jacobian_from(s: np.ndarray) -> np.ndarray:
    return s[..., :, None] * np.eye(s.shape[-1]) - s[..., :, None] * s[..., None, :]


def _softmax_jacobian_overflow(z: Any) -> np.ndarray:
    e = np.exp(np.asarray(z, dtype=float))
    return _jacobian_from(e / e.sum(axis=-1, keepdims=True))


def _softmax_jacobian_diagonal_only(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return s[..., :, None] * np.eye(s.shape[-1]) * (1 - s[..., :, None])


def _softmax_jacobian_one_vector(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return np.diag(s) - np.outer(s, s)  # for a batch, np.diag and np.outer misread s


SOFTMAX_JACOBIAN = Checker(
    f"{A}/softmax_jacobian",
    title="Jacobian of softmax",
    reference=_softmax_jacobian_reference,
    cases=_softmax_jacobian_cases,
    misconceptions=[
        Misconception(
            "diagonal-only",
            "Only your diagonal s_i(1 − s_i) is right: every output depends on every logit, so "
            "the off-diagonal entries are ∂s_i/∂z_j = −s_i s_j. J = diag(s) − s sᵀ.",
            _softmax_jacobian_diagonal_only,
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
    slope = {"tanh": 1 - a1**2, "none": np.ones_like(z1), "pre": 1 - z1**2}[derivative]
    d_z1 = d_a1 * slope
    reduce = (lambda g: g.sum(axis=0)) if bias == "sum" else (lambda g: g.mean(axis=0))
    return {
        "loss": loss,
        "dW1": x.T @ d_z1,
        "db1": reduce(d_z1),
        "dW2": a1.T @ d_out,
        "db2": reduce(d_out),
    }


def _tanh_mse_mistake(**mistake: Any) -> Callable[..., dict[str, Any]]:
    return lambda x, y, w1, b1, w2, b2: _tanh_mse_variant(x, y, w1, b1, w2, b2, **mistake)


BACKPROP_TANH_MSE = Checker(
    f"{A}/backprop_tanh_mse",
    title="Backprop: tanh network, MSE loss",
    reference=_tanh_mse_reference,
    cases=_tanh_mse_cases,
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
            "so dŶ = 2(Ŷ − Y) / (N·K).",
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
            "bias-gradient-averaged",
            "Sum the bias gradients over the batch, db = dZ.sum(axis=0): the 1/(N·K) of the mean "
            "is already inside dŶ, and averaging again divides by N twice.",
            _tanh_mse_mistake(bias="mean"),
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
    averaged: bool = True,
    one_hot: bool = True,
    relu_mask: bool = True,
    transposed_dw2: bool = False,
) -> dict[str, Any]:
    """The backward pass of the ReLU/cross-entropy network, with one known mistake switched on."""
    z1 = x @ w1 + b1
    a1 = np.maximum(z1, 0)
    logits = a1 @ w2 + b2
    n = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True) if stable else logits
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_p[np.arange(n), y].mean())
    d_logits = np.exp(log_p)
    if one_hot:
        d_logits[np.arange(n), y] -= 1
    if averaged:
        d_logits /= n
    d_a1 = d_logits @ w2.T
    d_z1 = d_a1 * (z1 > 0) if relu_mask else d_a1
    return {
        "loss": loss,
        "dW1": x.T @ d_z1,
        "db1": d_z1.sum(axis=0),
        "dW2": d_logits.T @ a1 if transposed_dw2 else a1.T @ d_logits,
        "db2": d_logits.sum(axis=0),
    }


def _relu_ce_mistake(**mistake: Any) -> Callable[..., dict[str, Any]]:
    return lambda x, y, w1, b1, w2, b2: _relu_ce_variant(x, y, w1, b1, w2, b2, **mistake)


BACKPROP_RELU_CE = Checker(
    f"{A}/backprop_relu_ce",
    title="Backprop: ReLU network, cross-entropy loss",
    reference=_relu_ce_reference,
    cases=_relu_ce_cases,
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
            "row's maximum logit before exponentiating, in the loss and in the softmax.",
            _relu_ce_mistake(stable=False),
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
    ]


def _sigmoid_weights(X: Any, w: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.asarray(w, dtype=float))))
    return X, p


def _hessian_not_averaged(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * (p * (1 - p))[:, None])


def _hessian_weights_p(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return X.T @ (X * p[:, None]) / len(X)


def _hessian_outer_orientation(X: Any, w: Any) -> np.ndarray:
    X, p = _sigmoid_weights(X, w)
    return (X * (p * (1 - p))[:, None]) @ X.T / len(X)


LOGISTIC_HESSIAN = Checker(
    f"{A}/logistic_hessian",
    title="Hessian of the logistic loss",
    reference=_logistic_hessian_reference,
    cases=_logistic_hessian_cases,
    misconceptions=[
        Misconception(
            "hessian-not-averaged",
            "Your Hessian is N times too large: the loss is the mean over N examples, so "
            "H = Xᵀ diag(p(1 − p)) X / N.",
            _hessian_not_averaged,
        ),
        Misconception(
            "hessian-weights-p",
            "The weights are the derivative of the sigmoid, σ'(z) = p(1 − p), not p itself: "
            "H = Xᵀ diag(p(1 − p)) X / N.",
            _hessian_weights_p,
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
        Case("W (4, 4) × 6: saturated tanh", _layer_case(rng, 4, 4, scale=6.0)),
        Case("W (2, 7), u = [0, 1]: the VJP is row 1 of J", (*wide[:4], np.array([0.0, 1.0]))),
    ]


def _jvp_vjp_variant(
    W: Any, b: Any, x: Any, v: Any, u: Any, *, slope: str = "tanh", transpose: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    z = W @ x + b
    d = {"tanh": 1 - np.tanh(z) ** 2, "none": np.ones_like(z), "pre": 1 - z**2}[slope]
    vjp = W.T @ (d * u) if transpose else W @ (d * u)
    return d * (W @ v), vjp


TANH_LAYER_JVP_VJP = Checker(
    f"{A}/tanh_layer_jvp_vjp",
    title="JVP and VJP of a tanh layer",
    reference=_jvp_vjp_reference,
    cases=_jvp_vjp_cases,
    misconceptions=[
        Misconception(
            "missing-tanh-derivative",
            "You left out tanh': J = diag(1 − tanh(z)²) W with z = Wx + b, so "
            "Jv = (1 − tanh(z)²) * (W @ v) and Jᵀu = W.T @ ((1 − tanh(z)²) * u).",
            lambda W, b, x, v, u: _jvp_vjp_variant(W, b, x, v, u, slope="none"),
        ),
        Misconception(
            "tanh-derivative-of-preactivation",
            "tanh'(z) = 1 − tanh(z)², not 1 − z²: apply tanh to z = Wx + b before squaring.",
            lambda W, b, x, v, u: _jvp_vjp_variant(W, b, x, v, u, slope="pre"),
        ),
        Misconception(
            "vjp-without-transpose",
            "The VJP multiplies by Jᵀ, which maps the m outputs back to the n inputs: "
            "W.T @ (d * u), not W @ (d * u).",
            lambda W, b, x, v, u: _jvp_vjp_variant(W, b, x, v, u, transpose=False),
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
