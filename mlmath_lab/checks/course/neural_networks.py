"""Checkers for assignment 07 — neural networks from scratch: layers, backprop, training.

References are torch (float64): ``torch.nn.Linear`` with copied weights, autograd for every
backward pass, ``F.cross_entropy``, ``torch.nn.init``'s formulas, and training loops written
with autograd. None is a copy of the NumPy solution, and a known mistake takes what it does
not get wrong from the same torch reference (so no function here is a NumPy solution behind a
flag). Shapes are non-square and batches have more than one example, so a transposed weight
gradient or a bias gradient not summed over the batch cannot pass; the training checks run
many steps and compare the whole loss curve, so a wrong gradient that still "learns
something" fails too. The gradient check uses the course's one relative error, assignment
03's: max |a − b| / max(|a|, |b|, 1e-12)."""

from __future__ import annotations

import copy
import inspect
import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare, summarize
from ..references import relative_error
from ..references import rng as _rng
from ..references import torch as _torch
from ..rules import Forbidden

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
            "as many examples as outputs: X (3, 5), W (3, 5)",
            (rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)),
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


def _floats(*arrays: Any) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(a, dtype=float) for a in arrays)


def _forward_in_out_layout(X: Any, W: Any, b: Any) -> np.ndarray:
    X, W, b = _floats(X, W, b)
    return X @ W + b


def _forward_columns(X: Any, W: Any, b: Any) -> np.ndarray:
    X, W, b = _floats(X, W, b)
    return W @ X.T + b[:, None]


def _forward_no_bias(X: Any, W: Any, b: Any) -> np.ndarray:
    X, W = _floats(X, W)
    return X @ W.T


LINEAR_FORWARD = Checker(
    f"{A}/linear_forward",
    title="Linear layer: forward",
    reference=_linear_forward_reference,
    cases=_linear_forward_cases,
    misconceptions=[
        Misconception(
            "weight-not-transposed",
            "X @ W is the layer for weights stored (d_in, d_out), the layout of CS231n and of "
            "many from-scratch networks. Here W has torch.nn.Linear's shape (d_out, d_in), so "
            "the layer is X @ W.T + b; X @ W only runs, wrongly, when d_in = d_out.",
            _forward_in_out_layout,
        ),
        Misconception(
            "bias-forgotten",
            "You left out the bias: y = X Wᵀ + b, with b broadcast over the rows of the batch.",
            _forward_no_bias,
        ),
        Misconception(
            "examples-as-columns",
            "You computed W Xᵀ + b, the layout where each example is a *column* (shape "
            "(d_out, N)). Here the examples are the rows of X, so Y = X Wᵀ + b has shape "
            "(N, d_out), one row per example.",
            _forward_columns,
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
        Case(
            "integer X (3, 2), d_out = 4",
            (rng.integers(-3, 4, size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=(3, 4))),
        ),
    ]


def _linear_backward_with(X: Any, W: Any, dY: Any, mistake: str) -> tuple[Any, Any, Any]:
    """The three gradients with one known mistake (the others from the reference)."""
    dX, dW, db = _linear_backward_reference(X, W, dY)
    X, W, dY = _floats(X, W, dY)
    if mistake in ("dX-with-W-transposed", "in-out-layout"):
        dX = dY @ W.T
    if mistake in ("dW-transposed", "in-out-layout"):
        dW = X.T @ dY
    wrong_db = {
        "db-not-summed": lambda: dY,
        "db-averaged": lambda: dY.mean(axis=0),
        "db-summed-over-everything": lambda: float(dY.sum()),
        "db-wrong-axis": lambda: dY.sum(axis=1),
    }
    if mistake in wrong_db:
        db = wrong_db[mistake]()
    return dX, dW, db


def _backward_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda X, W, dY: _linear_backward_with(X, W, dY, name))


LINEAR_BACKWARD = Checker(
    f"{A}/linear_backward",
    title="Linear layer: backward",
    reference=_linear_backward_reference,
    cases=_linear_backward_cases,
    misconceptions=[
        _backward_mistake(
            "dW-transposed",
            "dW must have W's shape (d_out, d_in): dW = dYᵀ X. Xᵀ dY, shape (d_in, d_out), is "
            "the weight gradient of the (d_in, d_out) layout (CS231n's affine_backward), the "
            "transpose of the one asked for here.",
        ),
        _backward_mistake(
            "dX-with-W-transposed",
            "dX = dY W: dY (N, d_out) times W (d_out, d_in). dY Wᵀ is the input gradient of the "
            "(d_in, d_out) layout; with torch's (d_out, d_in) weights it only runs, wrongly, "
            "for a square layer.",
        ),
        _backward_mistake(
            "in-out-layout",
            "Your dX = dY Wᵀ and dW = Xᵀ dY are the gradients of the (d_in, d_out) layout (Y = "
            "X W, as in CS231n). Here Y = X Wᵀ + b with W of shape (d_out, d_in): dX = dY W and "
            "dW = dYᵀ X.",
        ),
        _backward_mistake(
            "db-not-summed",
            "The bias is shared by every example of the batch, so its gradient is the *sum* of "
            "the rows of dY: db = dY.sum(axis=0), of shape (d_out,).",
        ),
        _backward_mistake(
            "db-averaged",
            "You averaged dY over the batch; db is its *sum* over the batch (any 1/N belongs to "
            "the loss, and is already inside dY).",
        ),
        _backward_mistake(
            "db-summed-over-everything",
            "np.sum(dY) without an axis adds up every entry into one number; db has one entry "
            "per output unit: db = dY.sum(axis=0), shape (d_out,).",
        ),
        _backward_mistake(
            "db-wrong-axis",
            "dY.sum(axis=1) sums over the output units, giving one number per example; the bias "
            "gradient sums over the *examples*: db = dY.sum(axis=0), shape (d_out,).",
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
            "tanh on a (2, 2, 3) array",
            ("tanh", 2 * rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 2, 3))),
        ),
        Case(
            "tanh on large inputs ±30",
            ("tanh", np.array([-30.0, -0.5, 0.0, 30.0]), np.full(4, 2.0)),
        ),
        Case("kind 'gelu': must raise ValueError", ("gelu", np.zeros(3), np.ones(3))),
    ]


def _activation_with(kind: str, z: Any, dout: Any, mistake: str) -> tuple[Any, Any]:
    """The activation with one known mistake (the rest from the reference)."""
    a, dz = _activation_reference(kind, z, dout)
    z, dout = np.asarray(z, float), np.asarray(dout, float)
    if kind == "relu" and mistake == "relu-at-zero":
        dz = dout * (z >= 0)
    elif kind == "sigmoid" and mistake == "sigmoid-exp-ratio":
        with np.errstate(over="ignore", invalid="ignore"):
            a = np.exp(z) / (1.0 + np.exp(z))
        dz = dout * a * (1.0 - a)
    elif kind == "sigmoid" and mistake == "sigmoid-s":
        dz = dout * a
    elif kind == "sigmoid" and mistake == "sigmoid-input":
        dz = dout * z * (1.0 - z)
    elif kind == "sigmoid" and mistake == "sigmoid-applied-twice":
        twice, _ = _activation_reference("sigmoid", a, dout)
        dz = dout * twice * (1.0 - twice)
    elif kind == "tanh" and mistake == "tanh-input":
        dz = dout * (1.0 - z**2)
    elif mistake == "no-dout":
        with np.errstate(divide="ignore", invalid="ignore"):
            local = {"relu": lambda: (z > 0) * 1.0, "sigmoid": lambda: a * (1 - a)}
            dz = local.get(kind, lambda: 1.0 - a**2)()
    return a, dz


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
            "sigmoid-input",
            "σ′(z) = a(1 − a) with a = σ(z), the *output*; you put the input z into that formula "
            "(z(1 − z)).",
        ),
        _activation_mistake(
            "sigmoid-applied-twice",
            "σ′(z) = a(1 − a) where a = σ(z) is already the sigmoid; you applied the sigmoid "
            "to a once more, σ(a)(1 − σ(a)).",
        ),
        _activation_mistake(
            "sigmoid-exp-ratio",
            "exp(z) / (1 + exp(z)) gives inf / inf = nan once exp(z) overflows (z > 709). Use "
            "exp(−|z|), which never overflows: σ(z) = 1 / (1 + e) for z ≥ 0 and e / (1 + e) "
            "for z < 0, with e = exp(−|z|).",
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
        Case(
            "rows on very different scales: [[1000, 999, 998], [-1000, -1001, -1002]]",
            (np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]]), np.array([0, 2])),
        ),
        Case("6 examples, 10 classes", (3 * rng.normal(size=(6, 10)), rng.integers(0, 10, size=6))),
        Case("7 examples, 2 classes", (rng.normal(size=(7, 2)), rng.integers(0, 2, size=7))),
    ]


_CE_MISTAKES = (
    "gradient-not-divided-by-N",
    "sum-not-mean",
    "gradient-sign",
    "labels-as-columns",
    "softmax-overflow",
    "log-of-softmax",
    "global-max",
)


def _softmax_ce_with(logits: Any, y: Any, mistake: str) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy with one known mistake; the log-probabilities come from torch
    unless the mistake is in them."""
    if mistake not in _CE_MISTAKES:
        raise ValueError(f"not a known mistake: {mistake!r}")
    logits, y = np.asarray(logits, float), np.asarray(y)
    n = len(y)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if mistake == "softmax-overflow":
            e = np.exp(logits)
            log_probs = np.log(e / e.sum(axis=1, keepdims=True))
        elif mistake == "log-of-softmax":
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            log_probs = np.log(e / e.sum(axis=1, keepdims=True))
        elif mistake == "global-max":
            shifted = logits - logits.max()
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        else:
            log_probs = _torch().log_softmax(_t(logits), dim=1).numpy()
        probs = np.exp(log_probs)
    per_example = -log_probs[np.arange(n), y]
    loss = float(per_example.sum() if mistake == "sum-not-mean" else per_example.mean())
    grad = probs.copy()
    if mistake == "labels-as-columns":
        grad[:, y] -= 1.0
    else:
        grad[np.arange(n), y] -= 1.0
    if mistake == "gradient-sign":
        grad = -grad
    per_n = mistake not in ("gradient-not-divided-by-N", "sum-not-mean")
    return loss, grad / n if per_n else grad


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


def _ce_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda lg, y: _softmax_ce_with(lg, y, name))


SOFTMAX_CROSS_ENTROPY = Checker(
    f"{A}/softmax_cross_entropy",
    title="Softmax cross-entropy and its gradient",
    reference=_softmax_ce_reference,
    cases=_softmax_ce_cases,
    comparator=_ce_close,
    misconceptions=[
        _ce_mistake(
            "gradient-not-divided-by-N",
            "The loss is the *mean* over the N examples, so its gradient is (p − y) / N: you "
            "forgot to divide by N.",
        ),
        _ce_mistake(
            "sum-not-mean",
            "Your loss and gradient are those of the *sum* over the batch (torch's "
            "reduction='sum'); F.cross_entropy's default, and this exercise, is the mean: "
            "divide the loss and the gradient by N.",
        ),
        _ce_mistake(
            "gradient-sign",
            "The gradient of the loss with respect to the logits is (p − y) / N, probabilities "
            "minus one-hot targets; yours has the opposite sign.",
        ),
        _ce_mistake(
            "labels-as-columns",
            "grad[:, y] -= 1 subtracts 1 in the columns y of *every* row. The one-hot target of "
            "example n is at (n, y[n]): grad[np.arange(N), y] -= 1.",
        ),
        _ce_mistake(
            "softmax-overflow",
            "exp overflows for large logits (inf / inf = nan, log 0 = −inf). Subtract each "
            "row's maximum first and compute log-probabilities with log-sum-exp.",
        ),
        _ce_mistake(
            "log-of-softmax",
            "Your loss is inf where the label's probability underflows to 0 (exp(−2000) is 0 "
            "in float64), because you take log(softmax(z)). Compute the log-probabilities "
            "directly: log p = (z − max) − log Σ exp(z − max).",
        ),
        _ce_mistake(
            "global-max",
            "You subtracted the largest logit of the whole batch; a row far below it then has "
            "exp(...) = 0 everywhere and log 0 = −inf. Subtract each *row's* maximum: "
            "logits.max(axis=1, keepdims=True).",
        ),
    ],
)


# -- 5. an MLP: loss and gradients of every parameter ----------------------------------------------
def _torch_mlp_loss(
    params: Mapping[str, Any], X: Any, y: Any, *, relu_backward: bool = True
) -> Any:
    """Mean cross-entropy of a ReLU MLP whose parameters are torch tensors.

    ``relu_backward=False`` keeps the ReLU's forward pass but passes gradients through it
    unchanged (the known mistake of forgetting the ReLU derivative in backpropagation).
    """
    torch = _torch()
    F = torch.nn.functional
    a = X
    n_layers = _n_layers(params)
    for layer in range(1, n_layers + 1):
        a = F.linear(a, params[f"W{layer}"], params[f"b{layer}"])
        if layer < n_layers:
            a = torch.relu(a) if relu_backward else a + (torch.relu(a) - a).detach()
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


_MLP_MISTAKES = (
    "relu-mask-forgotten",
    "relu-on-logits",
    "not-averaged",
    "dW-transposed",
    "db-not-summed",
)


def _mlp_with(
    params: Mapping[str, Any], X: Any, y: Any, mistake: str
) -> tuple[float, dict[str, Any]]:
    """The MLP's loss and gradients with one known mistake."""
    X = np.asarray(X, float)
    n_layers = _n_layers(params)
    inputs, pre = [], []
    a = X
    for layer in range(1, n_layers + 1):
        inputs.append(a)
        z = a @ np.asarray(params[f"W{layer}"], float).T + np.asarray(params[f"b{layer}"], float)
        pre.append(z)
        a = np.maximum(z, 0.0) if layer < n_layers or mistake == "relu-on-logits" else z
    if mistake not in _MLP_MISTAKES:
        raise ValueError(f"not a known mistake: {mistake!r}")
    if mistake == "not-averaged":
        loss, d = _softmax_ce_with(a, y, "gradient-not-divided-by-N")
    else:
        loss, d = _softmax_ce_reference(a, y)
    grads: dict[str, Any] = {}
    for layer in range(n_layers, 0, -1):
        masked = layer < n_layers or mistake == "relu-on-logits"
        if masked and mistake != "relu-mask-forgotten":
            d = d * (pre[layer - 1] > 0)
        a_prev, W = inputs[layer - 1], np.asarray(params[f"W{layer}"], float)
        grads[f"W{layer}"] = a_prev.T @ d if mistake == "dW-transposed" else d.T @ a_prev
        grads[f"b{layer}"] = d if mistake == "db-not-summed" else d.sum(axis=0)
        d = d @ W
    return loss, {k: grads[k] for k in params}


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
            "relu-on-logits",
            "The last layer has no ReLU: its Z_L are the logits, passed to softmax "
            "cross-entropy as they are. You applied a ReLU (and its derivative) to the output "
            "layer too.",
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
        _mlp_mistake(
            "db-not-summed",
            "Each grads['bl'] has the shape of params['bl'], (d_l,): the bias is shared by the "
            "whole batch, so its gradient is dZ summed over the examples, dZ.sum(axis=0).",
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
        shifted = a - a.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-np.mean(log_probs[np.arange(len(self.y)), self.y]))

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


def _accurate_gradients(loss_fn: Any, params: Mapping[str, Any]) -> Params:
    """The exact gradients of ``loss_fn`` at ``params``, from torch autograd: through its
    ``exact_grads`` (the visible cases' losses), or by calling a loss written
    ``loss_fn(params, xp=np)`` with ``xp=torch`` (what a test cell's hidden cases pass, since
    they cannot import this module)."""
    exact = getattr(loss_fn, "exact_grads", None)
    if callable(exact):
        return {k: np.asarray(v, dtype=float) for k, v in exact(params).items()}
    try:
        takes_xp = "xp" in inspect.signature(loss_fn).parameters
    except (TypeError, ValueError):
        takes_xp = False
    if not takes_xp:
        raise TypeError(
            "a case of gradient_check needs loss_fn written as loss_fn(params, xp=np), with "
            "xp.<function> for every NumPy function, so that the checker can differentiate it"
        )
    torch = _torch()
    tp = _torch_params(params)
    grads = torch.autograd.grad(loss_fn(tp, xp=torch), list(tp.values()))
    return {k: g.numpy() for k, g in zip(tp, grads, strict=True)}


def _grad_check_reference(
    loss_fn: Any, params: Params, grads: Params, eps: float = 1e-5
) -> dict[str, float]:
    exact = _accurate_gradients(loss_fn, params)
    return {k: relative_error(grads[k], exact[k]) for k in params}


# A correct gradient: central differences with eps = 1e-5 agree with it to about 1e-10 per
# entry, so the entrywise relative error is about 1e-10 / |entry|: below 1e-7 for entries of
# 1e-3 or more, larger for tinier ones. The cases keep every entry of a gradient above 1e-5.
_SMALL_ERROR = 1e-5


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
                    f"the exact gradient), but yours reports {float(mine):.3g}, not below "
                    f"{_SMALL_ERROR:g}",
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


_GRAD_CHECK_MISTAKES = (
    "eps-not-2eps",
    "one-sided",
    "not-restored",
    "norm-relative-error",
    "sum-denominator",
    "mean-not-max",
    "absolute-error",
)


def _grad_check_with(
    loss_fn: Any, params: Params, grads: Params, eps: float, mistake: str
) -> dict[str, float]:
    if mistake not in _GRAD_CHECK_MISTAKES:
        raise ValueError(f"not a known mistake: {mistake!r}")
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
        g = np.asarray(grads[name], float)
        diff = np.abs(g - numerical)
        if mistake == "norm-relative-error":
            total = float(np.linalg.norm(g) + np.linalg.norm(numerical))
            errors[name] = 0.0 if total == 0 else float(np.linalg.norm(g - numerical)) / total
        elif mistake == "sum-denominator":
            errors[name] = float(np.max(diff / np.maximum(np.abs(g) + np.abs(numerical), 1e-8)))
        elif mistake == "mean-not-max":
            scale = np.maximum(np.maximum(np.abs(g), np.abs(numerical)), 1e-12)
            errors[name] = float(np.mean(diff / scale))
        elif mistake == "absolute-error":
            errors[name] = float(np.max(diff))
        else:
            errors[name] = relative_error(g, numerical)
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
            "The one-sided (forward) difference (f(θ + eps) − f(θ)) / eps has an error of "
            "order eps, about 1e-5 here: use the central difference, whose error is of order "
            "eps².",
        ),
        _grad_check_mistake(
            "not-restored",
            "Put each entry back to its original value after evaluating f(θ ± eps): otherwise "
            "every later derivative is taken at a shifted point.",
        ),
        _grad_check_mistake(
            "norm-relative-error",
            "‖g − n‖ / (‖g‖ + ‖n‖) with whole-array norms is another common gradient-check "
            "measure; the course's relative error (assignment 03) is entrywise: "
            "max |g − n| / max(|g|, |n|, 1e-12), so one wrong entry cannot hide among many "
            "right ones.",
        ),
        _grad_check_mistake(
            "sum-denominator",
            "|g − n| / (|g| + |n|) (CS231n's rel_error) is another convention; the course's "
            "relative error (assignment 03) divides by max(|g|, |n|, 1e-12): "
            "max |g − n| / max(|g|, |n|, 1e-12).",
        ),
        _grad_check_mistake(
            "mean-not-max",
            "You averaged the entrywise errors; a gradient check reports the *worst* entry "
            "(np.max), since one wrong entry is enough to make the gradient wrong.",
        ),
        _grad_check_mistake(
            "absolute-error",
            "This is the absolute error max |g − n|, which depends on the scale of the "
            "gradients. Divide each |g − n| by max(|g|, |n|, 1e-12).",
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
    if kind not in ("xavier_uniform", "he_normal"):
        raise ValueError(f"unknown initialisation {kind!r}")
    fan_in, fan_out = _fans(shape)
    if kind == "xavier_uniform":
        std = torch.nn.init.calculate_gain("linear") * np.sqrt(2.0 / (fan_in + fan_out))
        return float(np.sqrt(3.0) * std)
    return float(torch.nn.init.calculate_gain("relu") / np.sqrt(fan_in))


def _init_scale_cases() -> list[Case]:
    return [
        Case("xavier_uniform, shape (300, 100)", ("xavier_uniform", (300, 100))),
        Case("he_normal, shape (64, 256)", ("he_normal", (64, 256))),
        Case("he_normal, conv kernel (32, 16, 3, 3)", ("he_normal", (32, 16, 3, 3))),
        Case("xavier_uniform, conv kernel (8, 3, 5, 5)", ("xavier_uniform", (8, 3, 5, 5))),
        Case("he_normal, shape (10, 1)", ("he_normal", (10, 1))),
        Case("kind 'lecun': must raise ValueError", ("lecun", (4, 4))),
    ]


# which kind each mistake changes, and the wrong scale it gives from (fan_in, fan_out)
_WRONG_SCALES: dict[str, tuple[str, Any]] = {
    "xavier-std": ("xavier_uniform", lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
    "xavier-fan-in-only": ("xavier_uniform", lambda fi, fo: np.sqrt(3.0 / fi)),
    "he-fan-out": ("he_normal", lambda fi, fo: np.sqrt(2.0 / fo)),
    "he-variance": ("he_normal", lambda fi, fo: 2.0 / fi),
    "he-uniform-bound": ("he_normal", lambda fi, fo: np.sqrt(6.0 / fi)),
    "he-no-gain": ("he_normal", lambda fi, fo: np.sqrt(1.0 / fi)),
}


def _init_scale_with(kind: str, shape: tuple[int, ...], mistake: str) -> float:
    """The scale with one known mistake (the right one, from torch, where it does not apply)."""
    right = _init_scale_reference(kind, shape)  # raises for an unknown kind
    if mistake == "no-receptive-field":
        fan_in, fan_out = shape[1], shape[0]
        if kind == "xavier_uniform":
            return float(np.sqrt(6.0 / (fan_in + fan_out)))
        return float(np.sqrt(2.0 / fan_in))
    changes, wrong = _WRONG_SCALES[mistake]
    return float(wrong(*_fans(shape))) if kind == changes else right


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
            "U(−a, a) has std a/√3, so the bound is a = √3 · std = √(6 / (fan_in + fan_out)).",
        ),
        _init_scale_mistake(
            "xavier-fan-in-only",
            '√(3 / fan_in) is Caffe\'s "xavier" filler, which averages nothing and uses fan_in '
            "alone; Glorot's and torch's xavier_uniform_ use both fans: "
            "a = √(6 / (fan_in + fan_out)).",
        ),
        _init_scale_mistake(
            "he-fan-out",
            "He (Kaiming) initialisation, torch's default mode, divides by fan_in, the number "
            "of inputs of each unit: shape[1] (times the kernel size). shape[0] is fan_in only "
            "for weights stored (d_in, d_out), as in Keras; here they are (d_out, d_in).",
        ),
        _init_scale_mistake(
            "he-variance",
            "2 / fan_in is the *variance*; the standard deviation is its square root, √(2 / fan_in).",
        ),
        _init_scale_mistake(
            "he-uniform-bound",
            "√(6 / fan_in) is the bound of He's *uniform* variant (kaiming_uniform_); "
            "he_normal asks for the standard deviation √(2 / fan_in) of a normal distribution.",
        ),
        _init_scale_mistake(
            "he-no-gain",
            "√(1 / fan_in) is LeCun's scale; He initialisation doubles the variance to make up "
            "for the ReLU zeroing half of its inputs: std = √(2 / fan_in) (the ReLU gain √2).",
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
    """The distribution torch.nn.init samples from, one torch sample of it, and the draw that
    the exercise specifies from the generator ``rng`` (``rng.uniform(-a, a, size=shape)`` or
    ``rng.normal(0, std, size=shape)``): the same generator state must give the same weights."""
    torch = _torch()
    scale = _init_scale_reference(kind, shape)
    specified = copy.deepcopy(rng)
    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    sample = torch.empty(shape, dtype=torch.float64)
    if kind == "xavier_uniform":
        torch.nn.init.xavier_uniform_(sample, generator=generator)
        std = scale / np.sqrt(3.0)
        draw = specified.uniform(-scale, scale, size=shape)
    else:
        torch.nn.init.kaiming_normal_(sample, nonlinearity="relu", generator=generator)
        std = scale
        draw = specified.normal(0.0, scale, size=shape)
    return {
        "kind": kind,
        "shape": tuple(shape),
        "scale": scale,
        "std": std,
        "torch": sample.numpy(),
        "draw": draw,
    }


def _init_weights_compare(got: Any, expected: dict[str, Any]) -> Mismatch | None:
    std, scale = expected["std"], expected["scale"]
    found = compare(got, expected["torch"], rtol=0.0, atol=np.inf)  # type, shape and dtype only
    if found:
        return found
    w = np.asarray(got, dtype=float)
    if compare(w, expected["draw"]) is None:
        return None
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
    call = (
        "rng.uniform(-a, a, size=shape)"
        if expected["kind"] == "xavier_uniform"
        else "rng.normal(0, std, size=shape)"
    )
    return Mismatch(
        "value",
        f"your weights have the right distribution, but they are not the ones {call} gives "
        "with the generator rng passed in: draw them from rng, in one call of the shape asked "
        "for (the same generator state must give the same weights)",
        summarize(w),
        summarize(expected["draw"]),
    )


def _init_weights_cases() -> list[Case]:
    return [
        Case(
            "xavier_uniform, shape (256, 128), seed 791", ("xavier_uniform", (256, 128), _rng(791))
        ),
        Case("he_normal, shape (64, 300), seed 792", ("he_normal", (64, 300), _rng(792))),
        Case(
            "he_normal, conv kernel (32, 16, 3, 3), seed 793",
            ("he_normal", (32, 16, 3, 3), _rng(793)),
        ),
        Case(
            "xavier_uniform, shape (100, 400), seed 794", ("xavier_uniform", (100, 400), _rng(794))
        ),
        Case(
            "he_normal, shape (64, 300), seed 792 again: the same generator state, the same weights",
            ("he_normal", (64, 300), _rng(792)),
        ),
    ]


_INIT_WEIGHTS_MISTAKES = (
    "uniform-from-zero",
    "normal-for-uniform",
    "uniform-for-normal",
    "xavier-bound-from-std",
    "variance-as-scale",
    "scale-forgotten",
)


def _init_weights_with(
    kind: str, shape: tuple[int, ...], rng: np.random.Generator, mistake: str
) -> np.ndarray:
    """The draw with one known mistake; the right scale comes from the reference."""
    if mistake not in _INIT_WEIGHTS_MISTAKES:
        raise ValueError(f"not a known mistake: {mistake!r}")
    scale = _init_scale_reference(kind, shape)
    if kind == "xavier_uniform":
        if mistake == "normal-for-uniform":
            return rng.normal(0.0, scale, size=shape)
        if mistake == "xavier-bound-from-std":
            scale = scale / np.sqrt(3.0)
        if mistake == "scale-forgotten":
            scale = 1.0
        return rng.uniform(0.0 if mistake == "uniform-from-zero" else -scale, scale, size=shape)
    if mistake == "uniform-for-normal":
        return rng.uniform(-scale, scale, size=shape)
    if mistake == "variance-as-scale":
        scale = scale**2
    if mistake == "scale-forgotten":
        scale = 1.0
    return rng.normal(0.0, scale, size=shape)


def _init_weights_mistake(name: str, hint: str) -> Misconception:
    return Misconception(
        name, hint, lambda kind, shape, rng: _init_weights_with(kind, shape, rng, name)
    )


GLOBAL_RANDOM = Forbidden(
    "the global np.random generator",
    objects=(
        "numpy.random.rand",
        "numpy.random.randn",
        "numpy.random.random",
        "numpy.random.random_sample",
        "numpy.random.uniform",
        "numpy.random.normal",
        "numpy.random.standard_normal",
        "numpy.random.seed",
        "numpy.random.default_rng",
        "numpy.random.RandomState",
    ),
    why="Draw the weights from the generator rng that the function receives: the same "
    "generator state must give the same weights.",
)


INIT_WEIGHTS = Checker(
    f"{A}/init_weights",
    title="Xavier and He initialisation: the samples",
    reference=_init_weights_reference,
    cases=_init_weights_cases,
    comparator=_init_weights_compare,
    forbidden=[GLOBAL_RANDOM],
    student_shaped_reference=False,
    misconceptions=[
        _init_weights_mistake(
            "uniform-from-zero",
            "Xavier-uniform weights are centred: sample U(−a, a), not U(0, a).",
        ),
        _init_weights_mistake(
            "normal-for-uniform",
            "xavier_uniform samples a *uniform* U(−a, a); you sampled a normal with std a.",
        ),
        _init_weights_mistake(
            "uniform-for-normal",
            "he_normal samples a *normal* N(0, std²): rng.normal(0, std, size=shape); you "
            "sampled a uniform U(−std, std).",
        ),
        _init_weights_mistake(
            "xavier-bound-from-std",
            "Your Xavier weights lie in ±√(2 / (fan_in + fan_out)), the *standard deviation* "
            "of Glorot's rule; the bound of U(−a, a) is a = √3 · std = √(6 / (fan_in + fan_out)) "
            "(check init_scale).",
        ),
        _init_weights_mistake(
            "variance-as-scale",
            "Your He weights have standard deviation 2 / fan_in, the *variance*: rng.normal's "
            "scale is the standard deviation, √(2 / fan_in) (check init_scale too).",
        ),
        _init_weights_mistake(
            "scale-forgotten",
            "Your weights have the spread of U(−1, 1) or N(0, 1): multiply by the scale of "
            "init_scale (the bound a, or the std).",
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
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    steps: int,
    threshold: float | None,
    mistake: str = "",
) -> tuple[Params, np.ndarray, bool]:
    """Full-batch gradient descent with autograd; with a threshold, stop when the loss is below
    it. ``mistake`` names a known mistake of the training loop (for the checker's hints)."""
    with _one_thread():
        tp = _torch_params(params)
        return _descend(tp, _t(X), _torch_labels(y), lr, steps, threshold, mistake)


def _descend(
    tp: dict[str, Any],
    Xt: Any,
    yt: Any,
    lr: float,
    steps: int,
    threshold: float | None,
    mistake: str,
) -> tuple[Params, np.ndarray, bool]:
    torch = _torch()
    losses: list[float] = []
    reached = False
    direction = 1.0 if mistake == "ascent" else -1.0
    for step in range(steps + (threshold is not None)):
        loss = _torch_mlp_loss(tp, Xt, yt, relu_backward=mistake != "wrong-gradient")
        losses.append(loss.item())
        if threshold is not None and losses[-1] < threshold:
            reached = True
            break
        if step == steps:
            break
        grads = torch.autograd.grad(loss, list(tp.values()))
        with torch.no_grad():
            for p, g in zip(tp.values(), grads, strict=True):
                p += direction * lr * g
    if mistake in ("loss-after-update", "final-loss-appended"):
        with torch.no_grad():
            final = _torch_mlp_loss(tp, Xt, yt).item()
        losses = [*losses[1:], final] if mistake == "loss-after-update" else [*losses, final]
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


def _train_compare(got: Any, expected: Any) -> Mismatch | None:
    if not isinstance(expected, Trained):
        # a known mistake's output (params, losses), when the checker looks for the mistake
        # that explains a student's: the same run up to round-off
        return compare(got, expected, rtol=1e-6, atol=1e-8)
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
    params: Params, X: np.ndarray, y: np.ndarray, lr: float, steps: int, mistake: str
) -> tuple[Params, list[float]]:
    """A training run with one known mistake."""
    final, losses, _ = _train_torch(params, X, y, lr, steps, None, mistake)
    return final, [float(v) for v in losses]


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
    student_shaped_reference=False,
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
        _train_mistake(
            "final-loss-appended",
            "losses holds one loss per update, each taken *before* its update: `steps` values. "
            "You also appended the loss after the last update (steps + 1 values).",
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
            "the same 5 examples with max_steps = 36: the loss goes below 0.01 after exactly "
            "36 updates",
            (_init_mlp(21, [10, 16, 4]), X1, y1, 0.5, 0.01, 36),
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
    """Overfitting with one known mistake, from the losses after 0, 1, ..., max_steps updates
    (the updates are the same whenever the loop stops)."""
    _, seen, reached = _train_torch(params, X, y, lr, max_steps, threshold)
    losses = [float(v) for v in seen]  # losses[t]: the loss after t updates
    first = len(losses) - 1 if reached else None
    if mistake == "no-early-stop" and reached:
        _, seen, _ = _train_torch(params, X, y, lr, max_steps + 1, None)
        return [float(v) for v in seen]
    if mistake == "one-update-short" and first == max_steps:
        first = None
    if first is None:
        if mistake == "no-raise":
            return losses
        raise RuntimeError(f"the loss did not go below {threshold} in {max_steps} steps")
    if mistake == "last-loss-missing":
        return losses[:first]
    return losses[: first + 1]


def _overfit_mistake(name: str, hint: str) -> Misconception:
    return Misconception(
        name, hint, lambda p, X, y, lr, th, ms: _overfit_with(p, X, y, lr, th, ms, name)
    )


OVERFIT_TINY_BATCH = Checker(
    f"{A}/overfit_tiny_batch",
    title="Overfitting a tiny batch",
    reference=_overfit_reference,
    cases=_overfit_cases,
    comparator=_overfit_compare,
    misconceptions=[
        _overfit_mistake(
            "no-early-stop",
            "Stop as soon as the loss is below the threshold: the last loss you return is the "
            "first one below it. You kept training until max_steps.",
        ),
        _overfit_mistake(
            "last-loss-missing",
            "Append the loss *before* testing it: the list you return ends with the first loss "
            "below the threshold. Yours stops one loss short.",
        ),
        _overfit_mistake(
            "one-update-short",
            "After max_steps updates the loss must be computed once more (steps t = 0, 1, ..., "
            "max_steps: max_steps + 1 losses at most). You stop after max_steps losses, so a "
            "loss that goes below the threshold after exactly max_steps updates is never seen.",
        ),
        _overfit_mistake(
            "no-raise",
            "When the loss is still at or above the threshold after max_steps updates, raise "
            "RuntimeError: a network that cannot overfit a tiny batch has a bug, and returning "
            "the losses hides it.",
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
