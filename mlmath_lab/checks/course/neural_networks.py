"""Checkers for assignment 07 — neural networks from scratch: layers, backprop, training.

References are torch (float64): ``torch.nn.Linear`` with copied weights, autograd for every
backward pass, ``F.cross_entropy``, ``torch.nn.init``'s formulas, and training loops written
with autograd. None is a copy of the NumPy solution. Shapes are non-square and batches have
more than one example, so a transposed weight gradient or a bias gradient not summed over the
batch cannot pass; the training checks run many steps and compare the whole loss curve, so a
wrong gradient that still "learns something" fails too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare, summarize
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "07-neural-networks"
A = ASSIGNMENT

Params = dict[str, np.ndarray]


@contextmanager
def _one_thread() -> Iterator[None]:
    """Run torch on one thread: for tensors this small, more threads only wait for each other
    (a loaded two-core machine made a 300-step training loop 20 times slower)."""
    torch = _torch()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return _torch().tensor(np.asarray(x, dtype=float), dtype=_torch().float64)


def _init_mlp(seed: int, sizes: Sequence[int]) -> Params:
    """He-normal weights and small random biases for an MLP with layer widths ``sizes``."""
    rng = _rng(seed)
    params: Params = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))
        params[f"b{layer}"] = 0.1 * rng.normal(size=fan_out)
    return params


def _n_layers(params: Mapping[str, Any]) -> int:
    return len(params) // 2


# -- 1. linear layer, forward ----------------------------------------------------------------------
def _linear_forward_reference(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    torch = _torch()
    d_out, d_in = np.shape(W)
    layer = torch.nn.Linear(d_in, d_out, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(_t(W))
        layer.bias.copy_(_t(b))
        return layer(_t(X)).numpy()


def _linear_forward_cases() -> list[Case]:
    rng = _rng(71)
    return [
        Case(
            "X (5, 3), W (2, 3), b (2,): 3 features in, 2 out",
            (rng.normal(size=(5, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)),
        ),
        Case(
            "one example: X (1, 4), W (6, 4)",
            (rng.normal(size=(1, 4)), rng.normal(size=(6, 4)), rng.normal(size=6)),
        ),
        Case(
            "square layer: X (3, 4), W (4, 4)",
            (rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)),
        ),
        Case(
            "one output: X (7, 5), W (1, 5)",
            (rng.normal(size=(7, 5)), rng.normal(size=(1, 5)), np.array([2.5])),
        ),
        Case(
            "integer inputs X (2, 3) with a large bias",
            (np.arange(6).reshape(2, 3), rng.normal(size=(4, 3)), np.full(4, 100.0)),
        ),
    ]


LINEAR_FORWARD = Checker(
    f"{A}/linear_forward",
    title="Linear layer: forward",
    reference=_linear_forward_reference,
    cases=_linear_forward_cases,
    misconceptions=[
        Misconception(
            "weight-not-transposed",
            "W has torch's shape (d_out, d_in), so the layer is X @ W.T + b: X (N, d_in) times "
            "W.T (d_in, d_out). X @ W only works, wrongly, when the layer is square.",
            lambda X, W, b: np.asarray(X, float) @ np.asarray(W, float) + b,
        ),
        Misconception(
            "bias-forgotten",
            "You left out the bias: y = X Wᵀ + b, with b broadcast over the rows of the batch.",
            lambda X, W, b: np.asarray(X, float) @ np.asarray(W, float).T,
        ),
    ],
)


# -- 2. linear layer, backward ---------------------------------------------------------------------
def _linear_backward_reference(
    X: np.ndarray, W: np.ndarray, dY: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    torch = _torch()
    Xt, Wt = _t(X).requires_grad_(), _t(W).requires_grad_()
    bt = torch.zeros(np.shape(W)[0], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.linear(Xt, Wt, bt).backward(_t(dY))
    return Xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


def _linear_backward_cases() -> list[Case]:
    rng = _rng(72)

    def case(name: str, n: int, d_in: int, d_out: int) -> Case:
        args = (
            rng.normal(size=(n, d_in)),
            rng.normal(size=(d_out, d_in)),
            rng.normal(size=(n, d_out)),
        )
        return Case(name, args)

    return [
        case("N = 5, d_in = 3, d_out = 2", 5, 3, 2),
        case("N = 4, square layer d_in = d_out = 4", 4, 4, 4),
        case("one example: N = 1, d_in = 6, d_out = 3", 1, 6, 3),
        case("N = 8, d_in = 2, d_out = 5", 8, 2, 5),
    ]


def _linear_backward_with(
    X: np.ndarray, W: np.ndarray, dY: np.ndarray, *, dw_t: bool = False, db: str = "sum"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, W, dY = np.asarray(X, float), np.asarray(W, float), np.asarray(dY, float)
    dW = X.T @ dY if dw_t else dY.T @ X
    bias = {"sum": dY.sum(axis=0), "mean": dY.mean(axis=0), "none": dY}[db]
    return dY @ W, dW, bias


LINEAR_BACKWARD = Checker(
    f"{A}/linear_backward",
    title="Linear layer: backward",
    reference=_linear_backward_reference,
    cases=_linear_backward_cases,
    misconceptions=[
        Misconception(
            "dW-transposed",
            "dW must have W's shape (d_out, d_in): dW = dYᵀ X, not Xᵀ dY (that is its transpose).",
            lambda X, W, dY: _linear_backward_with(X, W, dY, dw_t=True),
        ),
        Misconception(
            "db-not-summed",
            "The bias is shared by every example of the batch, so its gradient is the *sum* of "
            "the rows of dY: db = dY.sum(axis=0), of shape (d_out,).",
            lambda X, W, dY: _linear_backward_with(X, W, dY, db="none"),
        ),
        Misconception(
            "db-averaged",
            "You averaged dY over the batch; db is its *sum* over the batch (any 1/N belongs to "
            "the loss, and is already inside dY).",
            lambda X, W, dY: _linear_backward_with(X, W, dY, db="mean"),
        ),
    ],
)


# -- 3. activations and their derivatives ----------------------------------------------------------
def _activation_reference(kind: str, z: np.ndarray, dout: np.ndarray) -> tuple[Any, Any]:
    torch = _torch()
    functions = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    if kind not in functions:
        raise ValueError(f"unknown activation {kind!r}")
    zt = _t(z).requires_grad_()
    out = functions[kind](zt)
    out.backward(_t(dout))
    return out.detach().numpy(), zt.grad.numpy()


def _activation_cases() -> list[Case]:
    rng = _rng(73)
    z_relu = rng.integers(-2, 3, size=(4, 5)).astype(float)  # exact zeros: the kink
    z_relu[0, :3] += 0.5 * rng.normal(size=3)
    return [
        Case("relu on (4, 5) inputs, some exactly 0", ("relu", z_relu, rng.normal(size=(4, 5)))),
        Case(
            "sigmoid on (3, 6) inputs",
            ("sigmoid", 3 * rng.normal(size=(3, 6)), rng.normal(size=(3, 6))),
        ),
        Case(
            "sigmoid on [-1000, -50, -1, 0, 2, 50, 1000]",
            ("sigmoid", np.array([-1000.0, -50.0, -1.0, 0.0, 2.0, 50.0, 1000.0]), np.ones(7)),
        ),
        Case(
            "tanh on (2, 7) inputs", ("tanh", 2 * rng.normal(size=(2, 7)), rng.normal(size=(2, 7)))
        ),
        Case(
            "tanh on large inputs ±30",
            ("tanh", np.array([-30.0, -0.5, 0.0, 30.0]), np.full(4, 2.0)),
        ),
        Case("kind 'gelu': must raise ValueError", ("gelu", np.zeros(3), np.ones(3))),
    ]


def _activation_with(
    kind: str, z: np.ndarray, dout: np.ndarray, mistake: str = ""
) -> tuple[Any, Any]:
    z, dout = np.asarray(z, float), np.asarray(dout, float)
    if kind == "relu":
        a = np.maximum(z, 0.0)
        local = (z >= 0 if mistake == "relu-at-zero" else z > 0).astype(float)
    elif kind == "sigmoid":
        if mistake == "sigmoid-overflow":
            a = np.exp(z) / (1.0 + np.exp(z))
        else:
            e = np.exp(-np.abs(z))
            a = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        local = a if mistake == "sigmoid-s" else a * (1.0 - a)
    elif kind == "tanh":
        a = np.tanh(z)
        local = 1.0 - z**2 if mistake == "tanh-input" else 1.0 - a**2
    else:
        raise ValueError(f"unknown activation {kind!r}")
    return a, (local if mistake == "no-dout" else dout * local)


def _activation_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda kind, z, dout: _activation_with(kind, z, dout, name))


ACTIVATIONS = Checker(
    f"{A}/activations",
    title="ReLU, sigmoid and tanh: forward and backward",
    reference=_activation_reference,
    cases=_activation_cases,
    misconceptions=[
        _activation_mistake(
            "no-dout",
            "The backward pass returns dL/dz = dout · f′(z) (chain rule): you returned f′(z) "
            "alone, without multiplying by the upstream gradient dout.",
        ),
        _activation_mistake(
            "relu-at-zero",
            "ReLU has no derivative at 0; torch (and this exercise) uses 0 there: the mask is "
            "z > 0, not z >= 0.",
        ),
        _activation_mistake(
            "sigmoid-s",
            "The derivative of the sigmoid is σ(z)(1 − σ(z)), not σ(z).",
        ),
        _activation_mistake(
            "sigmoid-overflow",
            "exp(z) / (1 + exp(z)) overflows for large z (inf / inf = nan). Use exp(−|z|), "
            "which never overflows: σ(z) = 1 / (1 + e) for z ≥ 0 and e / (1 + e) for z < 0, "
            "with e = exp(−|z|).",
        ),
        _activation_mistake(
            "tanh-input",
            "tanh′(z) = 1 − tanh(z)², the square of the *output* a = tanh(z), not 1 − z².",
        ),
    ],
)


# -- 4. softmax cross-entropy and its gradient -----------------------------------------------------
def _softmax_ce_reference(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    torch = _torch()
    lt = _t(logits).requires_grad_()
    loss = torch.nn.functional.cross_entropy(lt, torch.from_numpy(np.asarray(y, dtype=np.int64)))
    loss.backward()
    return loss.item(), lt.grad.numpy()


def _softmax_ce_cases() -> list[Case]:
    rng = _rng(74)
    return [
        Case("4 examples, 3 classes", (rng.normal(size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("one example, 5 classes", (rng.normal(size=(1, 5)), np.array([3]))),
        Case(
            "huge logits (2, 3)",
            (np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 1000.0]]), np.array([2, 1])),
        ),
        Case("6 examples, 10 classes", (3 * rng.normal(size=(6, 10)), rng.integers(0, 10, size=6))),
        Case("7 examples, 2 classes", (rng.normal(size=(7, 2)), rng.integers(0, 2, size=7))),
    ]


def _softmax_ce_with(
    logits: np.ndarray, y: np.ndarray, *, naive: bool = False, per_n: bool = True, sign: int = 1
) -> tuple[float, np.ndarray]:
    logits, y = np.asarray(logits, float), np.asarray(y)
    n = len(y)
    if naive:
        e = np.exp(logits)
        probs = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.mean(np.log(probs[np.arange(n), y])))
    else:
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        probs = np.exp(log_probs)
        loss = float(-np.mean(log_probs[np.arange(n), y]))
    grad = probs.copy()
    grad[np.arange(n), y] -= 1.0
    return loss, sign * grad / (n if per_n else 1)


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


SOFTMAX_CROSS_ENTROPY = Checker(
    f"{A}/softmax_cross_entropy",
    title="Softmax cross-entropy and its gradient",
    reference=_softmax_ce_reference,
    cases=_softmax_ce_cases,
    comparator=_ce_close,
    misconceptions=[
        Misconception(
            "gradient-not-divided-by-N",
            "The loss is the *mean* over the N examples, so its gradient is (p − y) / N: you "
            "forgot to divide by N.",
            lambda lg, y: _softmax_ce_with(lg, y, per_n=False),
        ),
        Misconception(
            "gradient-sign",
            "The gradient of the loss with respect to the logits is (p − y) / N, probabilities "
            "minus one-hot targets; yours has the opposite sign.",
            lambda lg, y: _softmax_ce_with(lg, y, sign=-1),
        ),
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (inf / inf = nan, log 0 = −inf). Subtract each "
            "row's maximum first and compute log-probabilities with log-sum-exp.",
            lambda lg, y: _softmax_ce_with(lg, y, naive=True),
        ),
    ],
)


# -- 5. an MLP: loss and gradients of every parameter ----------------------------------------------
def _torch_mlp_loss(params: Mapping[str, Any], X: Any, y: Any) -> Any:
    """Mean cross-entropy of a ReLU MLP whose parameters are torch tensors."""
    torch = _torch()
    F = torch.nn.functional
    a = X
    n_layers = _n_layers(params)
    for layer in range(1, n_layers + 1):
        a = F.linear(a, params[f"W{layer}"], params[f"b{layer}"])
        if layer < n_layers:
            a = torch.relu(a)
    return F.cross_entropy(a, y)


def _torch_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _t(v).requires_grad_() for k, v in params.items()}


def _torch_labels(y: Any) -> Any:
    return _torch().from_numpy(np.asarray(y, dtype=np.int64))


def _mlp_reference(params: Params, X: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    torch = _torch()
    tp = _torch_params(params)
    loss = _torch_mlp_loss(tp, _t(X), _torch_labels(y))
    grads = torch.autograd.grad(loss, list(tp.values()))
    return loss.item(), {k: g.numpy() for k, g in zip(tp, grads, strict=True)}


def _mlp_cases() -> list[Case]:
    rng = _rng(75)
    return [
        Case(
            "1 layer (softmax regression): 5 examples, 3 → 4 classes",
            (_init_mlp(1, [3, 4]), rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)),
        ),
        Case(
            "2 layers 4 → 5 → 3, 6 examples",
            (_init_mlp(2, [4, 5, 3]), rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)),
        ),
        Case(
            "3 layers 3 → 7 → 5 → 2, 8 examples",
            (_init_mlp(3, [3, 7, 5, 2]), rng.normal(size=(8, 3)), rng.integers(0, 2, size=8)),
        ),
        Case(
            "2 layers 6 → 4 → 5, one example",
            (_init_mlp(4, [6, 4, 5]), rng.normal(size=(1, 6)), np.array([4])),
        ),
    ]


def _mlp_with(
    params: Params, X: np.ndarray, y: np.ndarray, mistake: str = ""
) -> tuple[float, Params]:
    X = np.asarray(X, float)
    n_layers = _n_layers(params)
    inputs, pre = [], []
    a = X
    for layer in range(1, n_layers + 1):
        inputs.append(a)
        z = a @ params[f"W{layer}"].T + params[f"b{layer}"]
        pre.append(z)
        a = np.maximum(z, 0.0) if layer < n_layers else z
    loss, d = _softmax_ce_with(a, y, per_n=mistake != "not-averaged")
    grads: Params = {}
    for layer in range(n_layers, 0, -1):
        if layer < n_layers and mistake != "relu-mask-forgotten":
            d = d * (pre[layer - 1] > 0)
        a_prev, W = inputs[layer - 1], params[f"W{layer}"]
        grads[f"W{layer}"] = a_prev.T @ d if mistake == "dW-transposed" else d.T @ a_prev
        grads[f"b{layer}"] = d.sum(axis=0)
        d = d @ W
    return loss, grads


def _mlp_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda p, X, y: _mlp_with(p, X, y, name))


MLP_LOSS_AND_GRADS = Checker(
    f"{A}/mlp_loss_and_grads",
    title="Backpropagation through an MLP",
    reference=_mlp_reference,
    cases=_mlp_cases,
    comparator=_ce_close,
    misconceptions=[
        _mlp_mistake(
            "relu-mask-forgotten",
            "Going back through a hidden layer, multiply by the ReLU derivative (z > 0) of that "
            "layer's pre-activation: you passed the gradient through the ReLU unchanged.",
        ),
        _mlp_mistake(
            "not-averaged",
            "Your gradients are N times too large: the loss is the mean over the batch, so "
            "dlogits = (p − y) / N.",
        ),
        _mlp_mistake(
            "dW-transposed",
            "Each grads['Wl'] must have the shape of params['Wl'], (d_out, d_in): dW = dZᵀ A_prev.",
        ),
    ],
)


# -- 6. gradient check -----------------------------------------------------------------------------
class SmoothMLPLoss:
    """The mean cross-entropy of a tanh MLP on fixed data, as a function of its parameters.

    Called like the student's ``loss_fn(params)`` (NumPy); :meth:`exact_grads` gives the exact
    gradients through torch autograd, for the reference. tanh, not ReLU: a numerical gradient
    is only reliable where the loss is smooth.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y = np.asarray(X, float), np.asarray(y)

    def __call__(self, params: Mapping[str, np.ndarray]) -> float:
        n_layers = _n_layers(params)
        a = self.X
        for layer in range(1, n_layers + 1):
            a = a @ np.asarray(params[f"W{layer}"]).T + params[f"b{layer}"]
            if layer < n_layers:
                a = np.tanh(a)
        return _softmax_ce_with(a, self.y)[0]

    def exact_grads(self, params: Mapping[str, np.ndarray]) -> Params:
        torch = _torch()
        F = torch.nn.functional
        tp = _torch_params(params)
        a = _t(self.X)
        n_layers = _n_layers(tp)
        for layer in range(1, n_layers + 1):
            a = F.linear(a, tp[f"W{layer}"], tp[f"b{layer}"])
            if layer < n_layers:
                a = torch.tanh(a)
        loss = F.cross_entropy(a, _torch_labels(self.y))
        grads = torch.autograd.grad(loss, list(tp.values()))
        return {k: g.numpy() for k, g in zip(tp, grads, strict=True)}

    def __repr__(self) -> str:
        return f"loss_fn (a tanh MLP on {len(self.y)} examples)"


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    denominator = float(np.linalg.norm(a) + np.linalg.norm(b))
    return 0.0 if denominator == 0.0 else float(np.linalg.norm(a - b)) / denominator


def _grad_check_reference(
    loss_fn: SmoothMLPLoss, params: Params, grads: Params, eps: float = 1e-5
) -> dict[str, float]:
    exact = loss_fn.exact_grads(params)
    return {k: _relative_error(np.asarray(grads[k], float), exact[k]) for k in params}


_SMALL_ERROR = 1e-7  # a correct gradient: central differences agree to about 1e-9 here


def _grad_check_compare(got: Any, expected: Any) -> Mismatch | None:
    if not isinstance(got, Mapping):
        return Mismatch(
            "type",
            f"expected a dict of relative errors by parameter name, yours is {summarize(got)}",
            summarize(got),
            summarize(expected),
        )
    missing = [k for k in expected if k not in got]
    if missing:
        return Mismatch(
            "length", f"your dict lacks the key(s) {missing}", summarize(got), summarize(expected)
        )
    for name, want in expected.items():
        mine = got[name]
        if not isinstance(mine, float | np.floating) or not np.isfinite(mine) or mine < 0:
            return Mismatch(
                "type", f"[{name!r}]: expected a finite float ≥ 0, yours is {summarize(mine)}"
            )
        if want < _SMALL_ERROR:
            if mine >= _SMALL_ERROR:
                return Mismatch(
                    "value",
                    f"[{name!r}]: this gradient is correct (relative error {want:.1e} against "
                    f"autograd), but yours reports {float(mine):.3g}, above {_SMALL_ERROR:g}",
                    repr(float(mine)),
                    repr(want),
                )
        else:
            found = compare(float(mine), want, rtol=1e-4, atol=0.0)
            if found:
                return found.at(f"[{name!r}] (a wrong gradient)")
    return None


def _grad_check_cases() -> list[Case]:
    rng = _rng(76)

    def problem(seed: int, sizes: list[int], n: int) -> tuple[SmoothMLPLoss, Params, Params]:
        loss_fn = SmoothMLPLoss(rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], size=n))
        params = _init_mlp(seed, sizes)
        return loss_fn, params, loss_fn.exact_grads(params)

    fn1, p1, g1 = problem(11, [3, 4, 2], 5)
    fn2, p2, g2 = problem(12, [4, 5, 3], 6)
    g2 = dict(g2, b2=2.0 * g2["b2"])  # a gradient twice too large
    fn3, p3, g3 = problem(13, [2, 6, 4, 3], 7)
    g3 = dict(g3, W1=g3["W1"] + 0.05 * rng.normal(size=g3["W1"].shape))  # a slightly wrong one
    fn4, p4, g4 = problem(14, [5, 3], 4)
    g4 = dict(g4, W1=g4["W1"] * np.array([[1.0], [0.0], [1.0]]))  # one row of dW missing
    return [
        Case("2-layer tanh net 3 → 4 → 2, correct gradients", (fn1, p1, g1)),
        Case("2-layer net 4 → 5 → 3 with grads['b2'] twice too large", (fn2, p2, g2)),
        Case("3-layer net 2 → 6 → 4 → 3 with noise added to grads['W1']", (fn3, p3, g3)),
        Case("1-layer net 5 → 3 with one row of grads['W1'] zeroed", (fn4, p4, g4)),
    ]


def _grad_check_with(
    loss_fn: Any, params: Params, grads: Params, eps: float = 1e-5, mistake: str = ""
) -> dict[str, float]:
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        numerical = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            old = p[index]
            p[index] = old + eps
            plus = loss_fn(params)
            if mistake == "one-sided":
                p[index] = old
                numerical[index] = (plus - loss_fn(params)) / eps
                continue
            p[index] = old - eps
            minus = loss_fn(params)
            if mistake != "not-restored":
                p[index] = old
            numerical[index] = (plus - minus) / (eps if mistake == "eps-not-2eps" else 2 * eps)
        errors[name] = _relative_error(np.asarray(grads[name], float), numerical)
    return errors


def _grad_check_mistake(name: str, hint: str) -> Misconception:
    return Misconception(
        name, hint, lambda fn, p, g, eps=1e-5: _grad_check_with(fn, p, g, eps, name)
    )


GRADIENT_CHECK = Checker(
    f"{A}/gradient_check",
    title="Gradient check",
    reference=_grad_check_reference,
    cases=_grad_check_cases,
    comparator=_grad_check_compare,
    misconceptions=[
        _grad_check_mistake(
            "eps-not-2eps",
            "The central difference divides by the distance between the two points, 2·eps: "
            "(f(θ + eps) − f(θ − eps)) / (2 eps). Yours is twice the true gradient.",
        ),
        _grad_check_mistake(
            "one-sided",
            "The one-sided difference (f(θ + eps) − f(θ)) / eps has an error of order eps, "
            "about 1e-5 here: use the central difference, whose error is of order eps².",
        ),
        _grad_check_mistake(
            "not-restored",
            "Put each entry back to its original value after evaluating f(θ ± eps): otherwise "
            "every later derivative is taken at a shifted point.",
        ),
    ],
)


# -- 7. initialisation: the scale ------------------------------------------------------------------
def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    torch = _torch()
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    return int(fan_in), int(fan_out)


def _init_scale_reference(kind: str, shape: tuple[int, ...]) -> float:
    """The bound of torch's xavier_uniform_ or the std of its kaiming_normal_ (relu, fan_in)."""
    torch = _torch()
    fan_in, fan_out = _fans(shape)
    if kind == "xavier_uniform":
        std = torch.nn.init.calculate_gain("linear") * np.sqrt(2.0 / (fan_in + fan_out))
        return float(np.sqrt(3.0) * std)
    if kind == "he_normal":
        return float(torch.nn.init.calculate_gain("relu") / np.sqrt(fan_in))
    raise ValueError(f"unknown initialisation {kind!r}")


def _init_scale_cases() -> list[Case]:
    return [
        Case("xavier_uniform, shape (300, 100)", ("xavier_uniform", (300, 100))),
        Case("he_normal, shape (64, 256)", ("he_normal", (64, 256))),
        Case("he_normal, conv kernel (32, 16, 3, 3)", ("he_normal", (32, 16, 3, 3))),
        Case("xavier_uniform, conv kernel (8, 3, 5, 5)", ("xavier_uniform", (8, 3, 5, 5))),
        Case("he_normal, shape (10, 1)", ("he_normal", (10, 1))),
        Case("kind 'lecun': must raise ValueError", ("lecun", (4, 4))),
    ]


def _init_scale_with(kind: str, shape: tuple[int, ...], mistake: str = "") -> float:
    receptive = int(np.prod(shape[2:])) if mistake != "no-receptive-field" else 1
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if kind == "xavier_uniform":
        return float(np.sqrt((2.0 if mistake == "xavier-std" else 6.0) / (fan_in + fan_out)))
    if kind == "he_normal":
        if mistake == "he-variance":
            return 2.0 / fan_in
        return float(np.sqrt(2.0 / (fan_out if mistake == "he-fan-out" else fan_in)))
    raise ValueError(f"unknown initialisation {kind!r}")


def _init_scale_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda kind, shape: _init_scale_with(kind, shape, name))


def _scale_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-9, atol=0.0)


INIT_SCALE = Checker(
    f"{A}/init_scale",
    title="Xavier and He initialisation: the scale",
    reference=_init_scale_reference,
    cases=_init_scale_cases,
    comparator=_scale_close,
    misconceptions=[
        _init_scale_mistake(
            "xavier-std",
            "√(2 / (fan_in + fan_out)) is the *standard deviation* Glorot asks for; a uniform "
            "U(−a, a) has std a/√3, so the bound is a = √(6 / (fan_in + fan_out)).",
        ),
        _init_scale_mistake(
            "he-fan-out",
            "He (Kaiming) initialisation, torch's default mode, divides by fan_in, the number "
            "of inputs of each unit: shape[1] (times the kernel size), not shape[0].",
        ),
        _init_scale_mistake(
            "he-variance",
            "2 / fan_in is the *variance*; the standard deviation is its square root, √(2 / fan_in).",
        ),
        _init_scale_mistake(
            "no-receptive-field",
            "For a conv kernel (out, in, k1, k2) every unit sees in·k1·k2 inputs: fan_in = "
            "shape[1] · k1 · k2 and fan_out = shape[0] · k1 · k2.",
        ),
    ],
)


# -- 8. initialisation: the samples ----------------------------------------------------------------
def _init_weights_reference(
    kind: str, shape: tuple[int, ...], rng: np.random.Generator
) -> dict[str, Any]:
    """The distribution torch.nn.init samples from, and one torch sample of it."""
    torch = _torch()
    scale = _init_scale_reference(kind, shape)
    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    sample = torch.empty(shape, dtype=torch.float64)
    if kind == "xavier_uniform":
        torch.nn.init.xavier_uniform_(sample, generator=generator)
        std = scale / np.sqrt(3.0)
    else:
        torch.nn.init.kaiming_normal_(sample, nonlinearity="relu", generator=generator)
        std = scale
    return {
        "kind": kind,
        "shape": tuple(shape),
        "scale": scale,
        "std": std,
        "torch": sample.numpy(),
    }


def _init_weights_compare(got: Any, expected: dict[str, Any]) -> Mismatch | None:
    std, scale = expected["std"], expected["scale"]
    found = compare(got, expected["torch"], rtol=0.0, atol=np.inf)  # type, shape and dtype only
    if found:
        return found
    w = np.asarray(got, dtype=float)
    n = w.size
    mean_band, std_band = 5.0 * std / np.sqrt(n), 5.0 / np.sqrt(n)
    torch_std = float(np.std(expected["torch"]))
    if abs(w.mean()) > mean_band:
        return Mismatch(
            "value",
            f"the mean of your weights is {w.mean():.4g}; it should be 0 (within ±{mean_band:.2g} "
            f"for {n} samples)",
            f"mean {w.mean():.4g}",
            "mean 0",
        )
    if abs(w.std() / std - 1.0) > std_band:
        return Mismatch(
            "value",
            f"the std of your weights is {w.std():.4g}, expected {std:.4g} (within "
            f"±{std_band:.1%}; torch.nn.init's sample has {torch_std:.4g})",
            f"std {w.std():.4g}",
            f"std {std:.4g}",
        )
    if expected["kind"] == "xavier_uniform":
        top = float(np.max(np.abs(w)))
        if top > scale * (1 + 1e-12) or top < scale * (1 - 20.0 / n):
            return Mismatch(
                "value",
                f"the largest |weight| is {top:.4g}; samples of U(−a, a) with a = {scale:.4g} "
                f"reach it but never exceed it",
                f"max |w| {top:.4g}",
                f"a = {scale:.4g}",
            )
    elif np.mean(np.abs(w) > 2 * std) < 0.035:
        return Mismatch(
            "value",
            f"only {np.mean(np.abs(w) > 2 * std):.1%} of your weights lie beyond 2 std; a normal "
            "distribution puts 4.6% there (did you sample from a uniform distribution?)",
        )
    return None


def _init_weights_cases() -> list[Case]:
    return [
        Case("xavier_uniform, shape (256, 128)", ("xavier_uniform", (256, 128), _rng(791))),
        Case("he_normal, shape (64, 300)", ("he_normal", (64, 300), _rng(792))),
        Case("he_normal, conv kernel (32, 16, 3, 3)", ("he_normal", (32, 16, 3, 3), _rng(793))),
        Case("xavier_uniform, shape (100, 400)", ("xavier_uniform", (100, 400), _rng(794))),
    ]


def _init_weights_with(
    kind: str, shape: tuple[int, ...], rng: np.random.Generator, mistake: str
) -> np.ndarray:
    scale = _init_scale_with(kind, shape)
    if kind == "xavier_uniform":
        if mistake == "normal-for-uniform":
            return rng.normal(0.0, scale, size=shape)
        return rng.uniform(0.0 if mistake == "uniform-from-zero" else -scale, scale, size=shape)
    return rng.normal(0.0, scale, size=shape)


INIT_WEIGHTS = Checker(
    f"{A}/init_weights",
    title="Xavier and He initialisation: the samples",
    reference=_init_weights_reference,
    cases=_init_weights_cases,
    comparator=_init_weights_compare,
    misconceptions=[
        Misconception(
            "uniform-from-zero",
            "Xavier-uniform weights are centred: sample U(−a, a), not U(0, a).",
            lambda kind, shape, rng: _init_weights_with(kind, shape, rng, "uniform-from-zero"),
        ),
        Misconception(
            "normal-for-uniform",
            "xavier_uniform samples a *uniform* U(−a, a); you sampled a normal with std a.",
            lambda kind, shape, rng: _init_weights_with(kind, shape, rng, "normal-for-uniform"),
        ),
    ],
)


# -- 9. training XOR with full-batch gradient descent ----------------------------------------------
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


@dataclass(frozen=True)
class Trained:
    """What the reference training run gives, with the data to score a student's parameters."""

    params: Params
    losses: np.ndarray
    X: np.ndarray
    y: np.ndarray

    def accuracy(self, params: Mapping[str, Any]) -> float:
        a = self.X
        n_layers = _n_layers(params)
        for layer in range(1, n_layers + 1):
            a = a @ np.asarray(params[f"W{layer}"], float).T + np.asarray(params[f"b{layer}"])
            if layer < n_layers:
                a = np.maximum(a, 0.0)
        return float(np.mean(np.argmax(a, axis=1) == self.y))


def _train_torch(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, steps: int, threshold: float | None
) -> tuple[Params, np.ndarray, bool]:
    """Full-batch gradient descent with autograd; with a threshold, stop when the loss is below it."""
    with _one_thread():
        return _descend(_torch_params(params), _t(X), _torch_labels(y), lr, steps, threshold)


def _descend(
    tp: dict[str, Any], Xt: Any, yt: Any, lr: float, steps: int, threshold: float | None
) -> tuple[Params, np.ndarray, bool]:
    torch = _torch()
    losses: list[float] = []
    reached = False
    for step in range(steps + (threshold is not None)):
        loss = _torch_mlp_loss(tp, Xt, yt)
        losses.append(loss.item())
        if threshold is not None and losses[-1] < threshold:
            reached = True
            break
        if step == steps:
            break
        grads = torch.autograd.grad(loss, list(tp.values()))
        with torch.no_grad():
            for p, g in zip(tp.values(), grads, strict=True):
                p -= lr * g
    return {k: v.detach().numpy() for k, v in tp.items()}, np.array(losses), reached


def _train_reference(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, steps: int
) -> Trained:
    final, losses, _ = _train_torch(params, X, y, lr, steps, None)
    return Trained(final, losses, np.asarray(X, float), np.asarray(y))


def _losses_array(losses: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(losses, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.ndim == 1 else None


def _train_compare(got: Any, expected: Trained) -> Mismatch | None:
    if not isinstance(got, tuple | list) or len(got) != 2 or not isinstance(got[0], Mapping):
        return Mismatch(
            "type",
            f"expected a tuple (params, losses), yours is {summarize(got)}",
            summarize(got),
            "tuple (params dict, losses)",
        )
    params, losses = got[0], _losses_array(got[1])
    if losses is None or len(losses) != len(expected.losses):
        return Mismatch(
            "length",
            f"losses must hold one loss per step ({len(expected.losses)}), yours is "
            f"{summarize(got[1])}",
            summarize(got[1]),
            summarize(expected.losses),
        )
    if not np.all(np.isfinite(losses)):
        return Mismatch("nonfinite", "your losses contain inf or nan", summarize(losses))
    if len(losses) > 1 and not losses[-1] < losses[0]:
        return Mismatch(
            "value",
            f"your loss did not decrease: {losses[0]:.4g} at the start, {losses[-1]:.4g} at "
            "the end (are you stepping *against* the gradient, θ ← θ − lr · grad?)",
            summarize(losses),
            summarize(expected.losses),
        )
    layout = compare(params, expected.params, rtol=0.0, atol=np.inf)  # keys and shapes
    if layout:
        return layout.at("params")
    want, mine = expected.accuracy(expected.params), expected.accuracy(params)
    if mine != want:
        return Mismatch(
            "value",
            f"your trained network classifies {mine:.0%} of the training data correctly, "
            f"expected {want:.0%}",
            f"accuracy {mine:.0%}",
            f"accuracy {want:.0%}",
        )
    found = compare(losses, expected.losses, rtol=1e-6, atol=1e-9)
    if found:
        return found.at("losses")
    found = compare(params, expected.params, rtol=1e-6, atol=1e-8)
    return found.at("params") if found else None


def _train_cases() -> list[Case]:
    rng = _rng(77)
    blobs = rng.normal(size=(9, 3)) + np.repeat(np.eye(3) * 2, 3, axis=0)
    return [
        Case(
            "XOR, 2 → 8 → 2, seed 0, lr 0.5, 300 steps",
            (_init_mlp(0, [2, 8, 2]), XOR_X, XOR_Y, 0.5, 300),
        ),
        Case(
            "XOR, 2 → 8 → 2, seed 3, lr 0.5, 300 steps",
            (_init_mlp(3, [2, 8, 2]), XOR_X, XOR_Y, 0.5, 300),
        ),
        Case(
            "XOR, 2 → 4 → 2, seed 1, lr 1.0, 200 steps",
            (_init_mlp(1, [2, 4, 2]), XOR_X, XOR_Y, 1.0, 200),
        ),
        Case("one step on XOR, 2 → 8 → 2", (_init_mlp(5, [2, 8, 2]), XOR_X, XOR_Y, 0.5, 1)),
        Case(
            "3 blobs in 3-D, 3 → 5 → 4 → 3, 50 steps",
            (_init_mlp(6, [3, 5, 4, 3]), blobs, np.repeat(np.arange(3), 3), 0.3, 50),
        ),
    ]


def _train_with(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, steps: int, mistake: str = ""
) -> tuple[Params, list[float]]:
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = _mlp_with(
            params, X, y, "relu-mask-forgotten" if mistake == "wrong-gradient" else ""
        )
        losses.append(loss)
        for k in params:
            params[k] += (lr if mistake == "ascent" else -lr) * grads[k]
    if mistake == "loss-after-update":
        losses = [*losses[1:], _mlp_with(params, X, y)[0]]
    return params, losses


def _train_mistake(name: str, hint: str) -> Misconception:
    return Misconception(
        name, hint, lambda p, X, y, lr, steps: _train_with(p, X, y, lr, steps, name)
    )


TRAIN_XOR = Checker(
    f"{A}/train_xor",
    title="Training XOR with gradient descent",
    reference=_train_reference,
    cases=_train_cases,
    comparator=_train_compare,
    misconceptions=[
        _train_mistake(
            "ascent",
            "Gradient *descent* steps against the gradient: θ ← θ − lr · grad. You added it.",
        ),
        _train_mistake(
            "wrong-gradient",
            "Your loss curve is the one of training with the ReLU derivative left out of "
            "backpropagation: fix mlp_loss_and_grads first.",
        ),
        _train_mistake(
            "loss-after-update",
            "losses[t] is the loss *before* update t (so losses[0] is the loss of the initial "
            "parameters); yours are recorded after each update.",
        ),
    ],
)


# -- 10. overfitting a tiny batch ------------------------------------------------------------------
def _overfit_reference(
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, threshold: float, max_steps: int
) -> np.ndarray:
    _, losses, reached = _train_torch(params, X, y, lr, max_steps, threshold)
    if not reached:
        raise RuntimeError(f"the loss did not go below {threshold} in {max_steps} steps")
    return losses


def _overfit_compare(got: Any, expected: np.ndarray) -> Mismatch | None:
    losses = _losses_array(got)
    if losses is None:
        return Mismatch(
            "type", f"expected the list of losses, yours is {summarize(got)}", summarize(got)
        )
    if len(losses) != len(expected):
        return Mismatch(
            "length",
            f"the loss first goes below the threshold after {len(expected) - 1} updates, so "
            f"expected {len(expected)} losses; yours has {len(losses)}",
            summarize(losses),
            summarize(expected),
        )
    return compare(losses, expected, rtol=1e-6, atol=1e-9)


def _overfit_cases() -> list[Case]:
    rng = _rng(710)
    X1, y1 = rng.normal(size=(5, 10)), np.array([0, 1, 2, 3, 1])
    X2, y2 = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    X3, y3 = rng.normal(size=(3, 6)), np.array([1, 0, 1])
    return [
        Case(
            "5 examples in 10-D, random labels, 10 → 16 → 4, loss < 0.01",
            (_init_mlp(21, [10, 16, 4]), X1, y1, 0.5, 0.01, 500),
        ),
        Case(
            "8 examples in 4-D, 4 → 32 → 16 → 3, loss < 0.05",
            (_init_mlp(22, [4, 32, 16, 3]), X2, y2, 0.2, 0.05, 1000),
        ),
        Case(
            "3 examples in 6-D, 6 → 8 → 2, loss < 0.1",
            (_init_mlp(23, [6, 8, 2]), X3, y3, 0.5, 0.1, 300),
        ),
        Case(
            "the same 5 examples with max_steps = 10: must raise RuntimeError",
            (_init_mlp(21, [10, 16, 4]), X1, y1, 0.5, 0.01, 10),
        ),
    ]


def _overfit_with(
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    threshold: float,
    max_steps: int,
    mistake: str,
) -> list[float]:
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for step in range(max_steps + 1):
        loss, grads = _mlp_with(params, X, y)
        losses.append(loss)
        if loss < threshold and mistake != "no-early-stop":
            return losses
        if step == max_steps:
            break
        for k in params:
            params[k] -= lr * grads[k]
    if mistake == "no-early-stop" and min(losses) < threshold:
        return losses
    raise RuntimeError(f"the loss did not go below {threshold} in {max_steps} steps")


OVERFIT_TINY_BATCH = Checker(
    f"{A}/overfit_tiny_batch",
    title="Overfitting a tiny batch",
    reference=_overfit_reference,
    cases=_overfit_cases,
    comparator=_overfit_compare,
    misconceptions=[
        Misconception(
            "no-early-stop",
            "Stop as soon as the loss is below the threshold: the last loss you return is the "
            "first one below it. You kept training until max_steps.",
            lambda p, X, y, lr, th, ms: _overfit_with(p, X, y, lr, th, ms, "no-early-stop"),
        ),
    ],
)


CHECKERS = [
    LINEAR_FORWARD,
    LINEAR_BACKWARD,
    ACTIVATIONS,
    SOFTMAX_CROSS_ENTROPY,
    MLP_LOSS_AND_GRADS,
    GRADIENT_CHECK,
    INIT_SCALE,
    INIT_WEIGHTS,
    TRAIN_XOR,
    OVERFIT_TINY_BATCH,
]
