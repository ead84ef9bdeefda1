"""Checkers for assignment 04 — Optimization: gradient descent and the optimizers of deep learning.

Every optimizer exercise has the same interface: initial parameters ``x0`` (an array of any
shape), the gradients of every step stacked in ``grads`` (shape ``(T, *x0.shape)``) and the
hyperparameters; it returns the trajectory, shape ``(T + 1, *x0.shape)``, ``x0`` first. The
references are PyTorch's own optimizers in float64, replaying the same gradients by setting
``p.grad`` before each ``opt.step()``. Cases run several steps (an optimizer's state shows only
from the second step on) on non-square parameters, with hyperparameters large enough that each
known mistake changes the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "04-optimization"
A = ASSIGNMENT


def _replay(make_optimizer: Callable[[list[Any]], Any], x0: Any, grads: Any) -> np.ndarray:
    """The trajectory of a torch optimizer fed the given gradients, one ``step()`` per gradient."""
    torch = _torch()
    p = torch.tensor(np.asarray(x0, dtype=float), dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([p])
    trajectory = [p.detach().clone()]
    for g in np.asarray(grads, dtype=float):
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        trajectory.append(p.detach().clone())
    return torch.stack(trajectory).numpy()


def _grad_cases(seed: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Initial parameters and per-step gradients shared by the optimizer exercises."""
    rng = _rng(seed)
    return [
        ("(2, 3) parameters, 5 steps", rng.normal(size=(2, 3)), rng.normal(size=(5, 2, 3))),
        ("a vector of 4, 8 steps", rng.normal(size=4), rng.normal(size=(8, 4))),
        (
            "(3, 2) parameters, 6 steps of gradients that change scale",
            rng.normal(size=(3, 2)),
            rng.normal(size=(6, 3, 2)) * np.array([1.0, 5.0, 0.2, 3.0, 0.1, 2.0])[:, None, None],
        ),
        ("a single number, 4 steps", np.array(0.5), np.array([2.0, -1.0, 0.5, 3.0])),
    ]


# -- gradient descent on f(x) = (x - 3)^2 --------------------------------------------------------
def _gd_reference(x0: float, lr: float, n_steps: int) -> np.ndarray:
    torch = _torch()
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr)
    trajectory = [x.item()]
    for _ in range(n_steps):
        optimizer.zero_grad()
        loss = (x - 3.0) ** 2
        loss.backward()
        optimizer.step()
        trajectory.append(x.item())
    return np.array(trajectory)


def _gd_variant(x0: float, lr: float, n_steps: int, sign: float = 1.0, factor: float = 2.0) -> Any:
    xs = [float(x0)]
    for _ in range(n_steps):
        xs.append(xs[-1] - sign * lr * factor * (xs[-1] - 3.0))
    return np.array(xs)


GD_QUADRATIC = Checker(
    f"{A}/gd_quadratic",
    title="Gradient descent on (x − 3)²",
    reference=_gd_reference,
    cases=[
        Case("x0 = 0, lr = 0.1, 50 steps", (0.0, 0.1, 50)),
        Case("x0 = 10, lr = 0.9, 20 steps: overshoots and oscillates", (10.0, 0.9, 20)),
        Case("x0 = -2, lr = 1.05, 15 steps: diverges", (-2.0, 1.05, 15)),
        Case("x0 = 0, lr = 0.5, 3 steps: lands on 3 in one step", (0.0, 0.5, 3)),
        Case("x0 = 7, lr = 0.01, 5 steps", (7.0, 0.01, 5)),
        Case("x0 = 1, 0 steps: the trajectory is [x0]", (1.0, 0.3, 0)),
    ],
    misconceptions=[
        Misconception(
            "gradient-ascent",
            "Your x moves uphill: gradient descent *subtracts* the gradient, x ← x − lr · f'(x).",
            lambda x0, lr, n: _gd_variant(x0, lr, n, sign=-1.0),
        ),
        Misconception(
            "derivative-without-2",
            "The derivative of (x − 3)² is 2(x − 3), not (x − 3): you dropped the factor 2.",
            lambda x0, lr, n: _gd_variant(x0, lr, n, factor=1.0),
        ),
        Misconception(
            "trajectory-without-x0",
            "The trajectory starts with x0: n_steps steps give n_steps + 1 values.",
            lambda x0, lr, n: _gd_variant(x0, lr, n)[1:],
        ),
    ],
)


# -- mini-batch SGD on linear regression ------------------------------------------------------------
def _sgd_minibatch_reference(
    X: np.ndarray, y: np.ndarray, w0: np.ndarray, lr: float, batches: Sequence[np.ndarray]
) -> np.ndarray:
    torch = _torch()
    Xt, yt = torch.from_numpy(np.asarray(X, float)), torch.from_numpy(np.asarray(y, float))
    w = torch.tensor(np.asarray(w0, float), requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    trajectory = [w.detach().clone()]
    for batch in batches:
        index = torch.as_tensor(np.asarray(batch), dtype=torch.long)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(Xt[index] @ w, yt[index])
        loss.backward()
        optimizer.step()
        trajectory.append(w.detach().clone())
    return torch.stack(trajectory).numpy()


def _sgd_variant(
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    lr: float,
    batches: Sequence[np.ndarray],
    full: bool = False,
    summed: bool = False,
    factor: float = 2.0,
) -> np.ndarray:
    w = np.asarray(w0, dtype=float).copy()
    trajectory = [w.copy()]
    for batch in batches:
        index = np.arange(len(y)) if full else np.asarray(batch)
        Xb, yb = X[index], y[index]
        grad = factor * Xb.T @ (Xb @ w - yb)
        w = w - lr * (grad if summed else grad / len(index))
        trajectory.append(w.copy())
    return np.array(trajectory)


def _split(order: np.ndarray, size: int) -> list[np.ndarray]:
    return [order[i : i + size] for i in range(0, len(order), size)]


def _sgd_minibatch_cases() -> list[Case]:
    rng = _rng(42)
    cases = []
    for name, n, d, lr, size, epochs in [
        ("10 examples, 3 features, batches of 4 (the last has 2), 2 epochs", 10, 3, 0.05, 4, 2),
        ("7 examples, 2 features, batch size 1 (plain SGD), 1 epoch", 7, 2, 0.05, 1, 1),
        ("12 examples, 4 features, full batch (plain GD), 5 steps", 12, 4, 0.1, 12, 5),
        ("9 examples, 5 features, batches of 2 (the last has 1), 3 epochs", 9, 5, 0.02, 2, 3),
    ]:
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        batches = [b for _ in range(epochs) for b in _split(rng.permutation(n), size)]
        cases.append(Case(name, (X, y, rng.normal(size=d), lr, batches)))
    return cases


SGD_MINIBATCH = Checker(
    f"{A}/sgd_minibatch",
    title="Mini-batch SGD for linear regression",
    reference=_sgd_minibatch_reference,
    cases=_sgd_minibatch_cases,
    misconceptions=[
        Misconception(
            "full-batch",
            "You used all the examples at every step. Each step of mini-batch SGD uses only the "
            "rows in its batch: X[batch], y[batch].",
            lambda X, y, w0, lr, b: _sgd_variant(X, y, w0, lr, b, full=True),
        ),
        Misconception(
            "summed-not-averaged",
            "You summed the gradient over the batch. The loss is the *mean* squared error of "
            "the batch: divide by the batch size, len(batch), which may change from step to "
            "step.",
            lambda X, y, w0, lr, b: _sgd_variant(X, y, w0, lr, b, summed=True),
        ),
        Misconception(
            "mse-gradient-without-2",
            "The gradient of mean((Xw − y)²) is (2 / B) · Xᵀ(Xw − y): you dropped the factor 2.",
            lambda X, y, w0, lr, b: _sgd_variant(X, y, w0, lr, b, factor=1.0),
        ),
    ],
)


# -- SGD with momentum ----------------------------------------------------------------------------
def _momentum_reference(x0: np.ndarray, grads: np.ndarray, lr: float, momentum: float) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum), x0, grads)


def _momentum_variant(
    x0: np.ndarray, grads: np.ndarray, lr: float, mu: float, ema: bool = False, late: bool = False
) -> np.ndarray:
    x = np.asarray(x0, dtype=float).copy()
    v = np.zeros_like(x)
    trajectory = [x.copy()]
    for g in np.asarray(grads, dtype=float):
        if late:
            x = x - lr * v
        v = mu * v + ((1 - mu) * g if ema else g)
        if not late:
            x = x - lr * v
        trajectory.append(x.copy())
    return np.array(trajectory)


def _momentum_cases() -> list[Case]:
    rates = [(0.1, 0.9), (0.05, 0.5), (0.01, 0.99), (0.2, 0.8)]
    return [
        Case(f"{name}, lr = {lr}, momentum = {mu}", (x0, grads, lr, mu))
        for (name, x0, grads), (lr, mu) in zip(_grad_cases(3), rates, strict=True)
    ] + [Case("momentum = 0 is plain SGD", (np.ones((2, 2)), np.ones((3, 2, 2)), 0.1, 0.0))]


SGD_MOMENTUM = Checker(
    f"{A}/sgd_momentum",
    title="SGD with momentum (PyTorch's form)",
    reference=_momentum_reference,
    cases=_momentum_cases,
    misconceptions=[
        Misconception(
            "ema-velocity",
            "You averaged the velocity, v ← μv + (1 − μ)g. PyTorch's momentum *accumulates* "
            "the gradient, v ← μv + g (no (1 − μ) factor), so steps grow up to 1/(1 − μ) times.",
            lambda x0, g, lr, mu: _momentum_variant(x0, g, lr, mu, ema=True),
        ),
        Misconception(
            "stale-velocity",
            "Update the velocity first, then the parameters with the *new* velocity: "
            "v ← μv + g, then x ← x − lr · v. Your first step does not move x.",
            lambda x0, g, lr, mu: _momentum_variant(x0, g, lr, mu, late=True),
        ),
    ],
)


# -- RMSprop -------------------------------------------------------------------------------------------
def _rmsprop_reference(
    x0: np.ndarray, grads: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=alpha, eps=eps), x0, grads)


def _rmsprop_variant(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    alpha: float = 0.99,
    eps: float = 1e-8,
    eps_inside: bool = False,
    swapped: bool = False,
    no_sqrt: bool = False,
) -> np.ndarray:
    x = np.asarray(x0, dtype=float).copy()
    s = np.zeros_like(x)
    trajectory = [x.copy()]
    for g in np.asarray(grads, dtype=float):
        s = (1 - alpha) * s + alpha * g**2 if swapped else alpha * s + (1 - alpha) * g**2
        root = s if no_sqrt else np.sqrt(s)
        denom = np.sqrt(s + eps) if eps_inside else root + eps
        x = x - lr * g / denom
        trajectory.append(x.copy())
    return np.array(trajectory)


def _rmsprop_cases() -> list[Case]:
    settings = [(0.01, 0.99, 1e-8), (0.05, 0.9, 1e-8), (0.001, 0.5, 1e-8), (0.1, 0.95, 1e-8)]
    cases = [
        Case(f"{name}, lr = {lr}, alpha = {alpha}", (x0, grads, lr), {"alpha": alpha, "eps": eps})
        for (name, x0, grads), (lr, alpha, eps) in zip(_grad_cases(4), settings, strict=True)
    ]
    rng = _rng(40)
    cases.append(
        Case(
            "tiny gradients (about 1e-3) with eps = 1e-4, (2, 5) parameters, 5 steps",
            (rng.normal(size=(2, 5)), 1e-3 * rng.normal(size=(5, 2, 5)), 0.01),
            {"alpha": 0.9, "eps": 1e-4},
        )
    )
    return cases


RMSPROP = Checker(
    f"{A}/rmsprop",
    title="RMSprop",
    reference=_rmsprop_reference,
    cases=_rmsprop_cases,
    misconceptions=[
        Misconception(
            "rmsprop-alpha-swapped",
            "alpha weights the *old* average: s ← α · s + (1 − α) · g². Yours gives the new g² "
            "the weight α.",
            lambda x0, g, lr, alpha=0.99, eps=1e-8: _rmsprop_variant(
                x0, g, lr, alpha, eps, swapped=True
            ),
        ),
        Misconception(
            "rmsprop-no-sqrt",
            "Divide by the root mean square, √s + eps, not by the mean square s itself.",
            lambda x0, g, lr, alpha=0.99, eps=1e-8: _rmsprop_variant(
                x0, g, lr, alpha, eps, no_sqrt=True
            ),
        ),
        Misconception(
            "rmsprop-eps-inside-sqrt",
            "PyTorch adds eps *after* the square root: divide by √s + eps, not √(s + eps). The "
            "difference shows when gradients are small compared with eps.",
            lambda x0, g, lr, alpha=0.99, eps=1e-8: _rmsprop_variant(
                x0, g, lr, alpha, eps, eps_inside=True
            ),
        ),
    ],
)


# -- Adam and AdamW -------------------------------------------------------------------------------------
def _adam_reference(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps), x0, grads)


def _adamw_reference(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    torch = _torch()
    return _replay(
        lambda p: torch.optim.AdamW(p, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay),
        x0,
        grads,
    )


def _adam_variant(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    *,
    bias_correction: bool = True,
    eps_inside: bool = False,
    decay: str = "decoupled",
) -> np.ndarray:
    """Adam and AdamW, right or with one mistake: ``decay`` is decoupled, l2 or no-lr."""
    beta1, beta2 = betas
    x = np.asarray(x0, dtype=float).copy()
    m, v = np.zeros_like(x), np.zeros_like(x)
    trajectory = [x.copy()]
    for t, g in enumerate(np.asarray(grads, dtype=float), start=1):
        if decay == "l2":
            g = g + weight_decay * x
        elif decay == "no-lr":
            x = x * (1 - weight_decay)
        else:
            x = x * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = m, v
        if bias_correction:
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        x = x - lr * m_hat / denom
        trajectory.append(x.copy())
    return np.array(trajectory)


def _adam_cases() -> list[Case]:
    settings: list[tuple[float, tuple[float, float]]] = [
        (0.01, (0.9, 0.999)),
        (0.1, (0.9, 0.99)),
        (0.05, (0.8, 0.999)),
        (0.001, (0.5, 0.9)),
    ]
    cases = [
        Case(f"{name}, lr = {lr}, betas = {betas}", (x0, grads, lr), {"betas": betas})
        for (name, x0, grads), (lr, betas) in zip(_grad_cases(5), settings, strict=True)
    ]
    rng = _rng(50)
    cases.append(
        Case(
            "tiny gradients (about 1e-3) with eps = 1e-3, (4, 2) parameters, 4 steps",
            (rng.normal(size=(4, 2)), 1e-3 * rng.normal(size=(4, 4, 2)), 0.01),
            {"eps": 1e-3},
        )
    )
    return cases


ADAM = Checker(
    f"{A}/adam",
    title="Adam with bias correction",
    reference=_adam_reference,
    cases=_adam_cases,
    misconceptions=[
        Misconception(
            "adam-no-bias-correction",
            "You left out the bias correction. m and v start at 0, so early on they are "
            "too small: divide by (1 − β₁ᵗ) and (1 − β₂ᵗ), with t = 1 at the first step.",
            lambda x0, g, lr, betas=(0.9, 0.999), eps=1e-8: _adam_variant(
                x0, g, lr, betas, eps, bias_correction=False
            ),
        ),
        Misconception(
            "adam-eps-inside-sqrt",
            "PyTorch adds eps *after* the square root: divide by √v̂ + eps, not √(v̂ + eps). "
            "The difference shows when gradients are small compared with eps.",
            lambda x0, g, lr, betas=(0.9, 0.999), eps=1e-8: _adam_variant(
                x0, g, lr, betas, eps, eps_inside=True
            ),
        ),
    ],
)


def _adamw_cases() -> list[Case]:
    settings: list[tuple[float, tuple[float, float], float]] = [
        (0.01, (0.9, 0.999), 0.1),
        (0.1, (0.9, 0.99), 0.05),
        (0.05, (0.8, 0.999), 0.5),
        (0.2, (0.5, 0.9), 0.3),
    ]
    cases = [
        Case(
            f"{name}, lr = {lr}, weight_decay = {wd}",
            (x0, grads, lr),
            {"betas": betas, "weight_decay": wd},
        )
        for (name, x0, grads), (lr, betas, wd) in zip(_grad_cases(6), settings, strict=True)
    ]
    cases.append(
        Case(
            "zero gradients: only the weight decay acts, 3 steps",
            (np.array([[1.0, -2.0, 4.0]]), np.zeros((3, 1, 3)), 0.1),
            {"weight_decay": 0.5},
        )
    )
    return cases


ADAMW = Checker(
    f"{A}/adamw",
    title="AdamW: decoupled weight decay",
    reference=_adamw_reference,
    cases=_adamw_cases,
    misconceptions=[
        Misconception(
            "adamw-coupled-l2",
            "You added weight_decay · x to the gradient (Adam with an L2 penalty): then the "
            "decay is rescaled by 1/√v̂ like the gradient. AdamW *decouples* it: shrink the "
            "parameters, x ← x − lr · weight_decay · x, apart from the Adam step.",
            lambda x0, g, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01: _adam_variant(
                x0, g, lr, betas, eps, weight_decay, decay="l2"
            ),
        ),
        Misconception(
            "adamw-decay-without-lr",
            "The decoupled decay is scaled by the learning rate too: x ← x · (1 − lr · "
            "weight_decay), not x · (1 − weight_decay).",
            lambda x0, g, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01: _adam_variant(
                x0, g, lr, betas, eps, weight_decay, decay="no-lr"
            ),
        ),
        Misconception(
            "adamw-no-bias-correction",
            "You left out Adam's bias correction: divide m and v by (1 − β₁ᵗ) and (1 − β₂ᵗ), "
            "with t = 1 at the first step.",
            lambda x0, g, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01: _adam_variant(
                x0, g, lr, betas, eps, weight_decay, bias_correction=False
            ),
        ),
    ],
)


# -- warmup + cosine learning-rate schedule -------------------------------------------------------------
def _schedule_reference(
    base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0
) -> np.ndarray:
    """The learning rate of steps 0 .. total_steps - 1, read from torch's LambdaLR."""
    torch = _torch()
    floor = min_lr / base_lr
    decay_steps = max(1, total_steps - warmup_steps)

    def factor(step: int) -> float:
        if step < warmup_steps:
            return step / warmup_steps
        progress = (step - warmup_steps) / decay_steps
        return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))

    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=base_lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    rates = []
    for _ in range(total_steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradient: nothing moves, but the scheduler wants a step first
        scheduler.step()
    return np.array(rates, dtype=float)


def _schedule_variant(
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
    mistake: str = "",
) -> np.ndarray:
    t = np.arange(total_steps, dtype=float)
    if mistake == "warmup-plus-one":
        warm = base_lr * (t + 1) / max(warmup_steps, 1)
    else:
        warm = base_lr * t / max(warmup_steps, 1)
    if mistake == "progress-over-total":
        progress = t / total_steps
    else:
        progress = (t - warmup_steps) / max(1, total_steps - warmup_steps)
    low = 0.0 if mistake == "no-min-lr" else min_lr
    if mistake == "unshifted-cosine":
        cosine = low + (base_lr - low) * np.cos(np.pi * progress)
    else:
        cosine = low + (base_lr - low) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(t < warmup_steps, warm, cosine)


def _schedule_mistake(mistake: str) -> Callable[..., np.ndarray]:
    def wrong(base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0) -> Any:
        return _schedule_variant(base_lr, warmup_steps, total_steps, min_lr, mistake)

    return wrong


WARMUP_COSINE = Checker(
    f"{A}/warmup_cosine",
    title="Linear warmup, then cosine decay",
    reference=_schedule_reference,
    cases=[
        Case("base_lr = 1e-3, 10 warmup steps of 100", (1e-3, 10, 100)),
        Case("base_lr = 0.1, 5 warmup steps of 20, min_lr = 0.01", (0.1, 5, 20), {"min_lr": 0.01}),
        Case("no warmup: 0 warmup steps of 12", (0.5, 0, 12)),
        Case("base_lr = 3e-4, 3 warmup steps of 7", (3e-4, 3, 7)),
        Case("base_lr = 1.0, 4 warmup steps of 30, min_lr = 0.1", (1.0, 4, 30), {"min_lr": 0.1}),
    ],
    misconceptions=[
        Misconception(
            "warmup-off-by-one",
            "Warmup starts from 0: at step t < warmup_steps the rate is base_lr · t / "
            "warmup_steps (0 at step 0), reaching base_lr exactly at t = warmup_steps.",
            _schedule_mistake("warmup-plus-one"),
        ),
        Misconception(
            "cosine-progress-over-total",
            "The cosine phase starts after the warmup: measure its progress as (t − "
            "warmup_steps) / (total_steps − warmup_steps), not t / total_steps.",
            _schedule_mistake("progress-over-total"),
        ),
        Misconception(
            "cosine-not-shifted",
            "cos(π · progress) goes from 1 to −1: use (1 + cos(π · progress)) / 2, which goes "
            "from 1 to 0, so the rate decays from base_lr to min_lr and never goes negative.",
            _schedule_mistake("unshifted-cosine"),
        ),
        Misconception(
            "cosine-ignores-min-lr",
            "The cosine decays to min_lr, not to 0: min_lr + (base_lr − min_lr) · (1 + cos(π · "
            "progress)) / 2.",
            _schedule_mistake("no-min-lr"),
        ),
    ],
)


# -- gradient-norm clipping --------------------------------------------------------------------------
def _clip_reference(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[Any], float]:
    torch = _torch()
    params = []
    for g in grads:
        p = torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(np.asarray(g, dtype=float), dtype=torch.float64)
        params.append(p)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad.numpy() for p in params], float(total)


def _clip_variant(
    grads: Sequence[np.ndarray], max_norm: float, mistake: str
) -> tuple[list[np.ndarray], float]:
    arrays = [np.asarray(g, dtype=float) for g in grads]
    norms = [float(np.linalg.norm(g)) for g in arrays]
    total = float(np.sqrt(sum(n**2 for n in norms)))
    if mistake == "per-array":
        return [g * min(1.0, max_norm / (n + 1e-6)) for g, n in zip(arrays, norms, strict=True)], (
            total
        )
    if mistake == "sum-of-norms":
        total = float(sum(norms))
    if mistake == "by-value":
        return [np.clip(g, -max_norm, max_norm) for g in arrays], total
    scale = max_norm / (total + 1e-6)
    if mistake != "always-rescale":
        scale = min(1.0, scale)
    return [g * scale for g in arrays], total


def _clip_cases() -> list[Case]:
    rng = _rng(8)
    return [
        Case(
            "weights (3, 4) and bias (4,), total norm about 7, max_norm = 1",
            ([2 * rng.normal(size=(3, 4)), 2 * rng.normal(size=4)], 1.0),
        ),
        Case(
            "three arrays (2, 3), (5,), (1, 2, 2) with one large, max_norm = 2",
            (
                [
                    0.1 * rng.normal(size=(2, 3)),
                    10 * rng.normal(size=5),
                    rng.normal(size=(1, 2, 2)),
                ],
                2.0,
            ),
        ),
        Case(
            "a small gradient (norm below max_norm = 5) is left as it is",
            ([0.5 * rng.normal(size=(2, 2)), 0.5 * rng.normal(size=3)], 5.0),
        ),
        Case("one array (6,), max_norm = 0.5", ([rng.normal(size=6)], 0.5)),
        Case(
            "two arrays of norm 3 and 4 (total 5), max_norm = 2.5",
            ([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 2.5),
        ),
    ]


def _clip_compare(got: Any, expected: Any) -> Mismatch | None:
    # torch divides by (total_norm + 1e-6); allow a solution without that 1e-6
    return compare(got, expected, rtol=1e-5, atol=1e-9)


CLIP_GRAD_NORM = Checker(
    f"{A}/clip_grad_norm",
    title="Gradient clipping by global norm",
    reference=_clip_reference,
    cases=_clip_cases,
    comparator=_clip_compare,
    misconceptions=[
        Misconception(
            "clip-each-array",
            "You clipped each array by its own norm. clip_grad_norm_ uses one *global* norm, "
            "√(Σ ‖gᵢ‖²) over all the arrays, and scales every array by the same factor, so "
            "the direction of the whole gradient is kept.",
            lambda grads, max_norm: _clip_variant(grads, max_norm, "per-array"),
        ),
        Misconception(
            "sum-of-norms",
            "The global norm is √(Σ ‖gᵢ‖²), the norm of all the numbers put together, not the "
            "sum Σ ‖gᵢ‖ of the arrays' norms.",
            lambda grads, max_norm: _clip_variant(grads, max_norm, "sum-of-norms"),
        ),
        Misconception(
            "always-rescale",
            "Only scale *down*: when the total norm is already ≤ max_norm the gradients stay "
            "as they are (scale = min(1, max_norm / total_norm)).",
            lambda grads, max_norm: _clip_variant(grads, max_norm, "always-rescale"),
        ),
        Misconception(
            "clip-by-value",
            "You clipped each number to [−max_norm, max_norm] (that is clip_grad_value_). "
            "Clipping by norm rescales the whole gradient, keeping its direction.",
            lambda grads, max_norm: _clip_variant(grads, max_norm, "by-value"),
        ),
    ],
)


CHECKERS = [
    GD_QUADRATIC,
    SGD_MINIBATCH,
    SGD_MOMENTUM,
    RMSPROP,
    ADAM,
    ADAMW,
    WARMUP_COSINE,
    CLIP_GRAD_NORM,
]
