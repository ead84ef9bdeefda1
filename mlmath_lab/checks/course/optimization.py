"""Checkers for assignment 04 — Optimization: gradient descent and the optimizers of deep learning.

Every optimizer exercise has the same interface: initial parameters ``x0`` (an array of any
shape), the gradients of every step stacked in ``grads`` (shape ``(T, *x0.shape)``) and the
hyperparameters; it returns the trajectory, shape ``(T + 1, *x0.shape)``, ``x0`` first. The
references are PyTorch's own optimizers in float64, replaying the same gradients by setting
``p.grad`` before each ``opt.step()``. Cases run several steps (an optimizer's state shows only
from the second step on) on non-square parameters, with hyperparameters large enough that each
known mistake changes the numbers.

The known mistakes are the ones found in public implementations, course solutions and issue
threads (the sources are named next to each group). Each is written as code that always makes
its mistake: no function here is a correct solution behind a flag. Where a mistake is "torch
with another option" (Nesterov momentum, Adam with an L2 penalty), it is written with torch.
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


def _replay(
    make_optimizer: Callable[[list[Any]], Any],
    x0: Any,
    grads: Any,
    after_step: Callable[[Any], None] | None = None,
) -> np.ndarray:
    """The trajectory of a torch optimizer fed the given gradients, one ``step()`` per gradient
    (``after_step(p)`` runs after each step, under ``no_grad``)."""
    torch = _torch()
    p = torch.tensor(np.asarray(x0, dtype=float), dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([p])
    trajectory = [p.detach().clone()]
    for g in np.asarray(grads, dtype=float):
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        if after_step is not None:
            with torch.no_grad():
                after_step(p)
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


def _check_mistake(mistake: str, known: frozenset[str]) -> None:
    if mistake not in known:
        raise ValueError(f"unknown mistake {mistake!r}: one of {sorted(known)}")


_ALIASED_HINT = (
    "Every row of your trajectory is the same: the final parameters. You appended the array "
    "`x` to the list and then changed it in place (`x -= ...`, `x[...] = ...`), so every "
    "entry is the same object. Append a copy, `trajectory.append(x.copy())`, or rebind "
    "`x = x - ...`, which makes a new array."
)


def _aliased_mistake(reference: Callable[..., np.ndarray]) -> Misconception:
    """Every row of the trajectory is the last one: the list holds one array, updated in place."""

    def wrong(*args: Any, **kwargs: Any) -> np.ndarray:
        trajectory = reference(*args, **kwargs)
        return np.broadcast_to(trajectory[-1], trajectory.shape).copy()

    return Misconception("trajectory-aliased", _ALIASED_HINT, wrong)


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


_GD_MISTAKES = frozenset({"ascent", "without-2"})


def _gd_mistake(mistake: str) -> Callable[[float, float, int], np.ndarray]:
    _check_mistake(mistake, _GD_MISTAKES)
    sign, factor = (-1.0, 2.0) if mistake == "ascent" else (1.0, 1.0)

    def wrong(x0: float, lr: float, n_steps: int) -> np.ndarray:
        xs = [float(x0)]
        for _ in range(n_steps):
            xs.append(xs[-1] - sign * lr * factor * (xs[-1] - 3.0))
        return np.array(xs)

    return wrong


GD_QUADRATIC = Checker(
    f"{A}/gd_quadratic",
    title="Gradient descent on (x − 3)²",
    reference=_gd_reference,
    cases=[
        Case("x0 = 0, lr = 0.1, 50 steps: converges", (0.0, 0.1, 50)),
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
            _gd_mistake("ascent"),
        ),
        Misconception(
            "derivative-without-2",
            "The derivative of (x − 3)² is 2(x − 3), not (x − 3): you dropped the factor 2.",
            _gd_mistake("without-2"),
        ),
        Misconception(
            "trajectory-without-x0",
            "The trajectory starts with x0: n_steps steps give n_steps + 1 values, x0 first.",
            lambda x0, lr, n: _gd_reference(x0, lr, n)[1:],
        ),
        Misconception(
            "trajectory-one-short",
            "Your trajectory stops one step early: it has x0 … x_(n−1) but not the last "
            "iterate. Appending x *before* updating it leaves the final x out of the list: "
            "n_steps steps give n_steps + 1 values.",
            lambda x0, lr, n: _gd_reference(x0, lr, n)[:-1],
        ),
        Misconception(
            "returned-final-x-only",
            "You returned only the final x. Return every iterate, x0 first: an array of "
            "n_steps + 1 values.",
            lambda x0, lr, n: float(_gd_reference(x0, lr, n)[-1]),
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


_SGD_MISTAKES = frozenset({"full-batch", "summed", "without-2", "over-n", "residual-sign"})


def _sgd_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _SGD_MISTAKES)

    def wrong(
        X: np.ndarray, y: np.ndarray, w0: np.ndarray, lr: float, batches: Sequence[np.ndarray]
    ) -> np.ndarray:
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        w = np.asarray(w0, dtype=float).copy()
        trajectory = [w.copy()]
        for batch in batches:
            index = np.arange(len(y)) if mistake == "full-batch" else np.asarray(batch)
            Xb, yb = X[index], y[index]
            residual = yb - Xb @ w if mistake == "residual-sign" else Xb @ w - yb
            factor = 1.0 if mistake == "without-2" else 2.0
            divisor = {"summed": 1, "over-n": len(y)}.get(mistake, len(index))
            w = w - lr * factor * (Xb.T @ residual) / divisor
            trajectory.append(w.copy())
        return np.array(trajectory)

    return wrong


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
            _sgd_mistake("full-batch"),
        ),
        Misconception(
            "summed-not-averaged",
            "You summed the gradient over the batch. The loss is the *mean* squared error of "
            "the batch: divide by the batch size, len(batch), which may change from step to "
            "step.",
            _sgd_mistake("summed"),
        ),
        Misconception(
            "averaged-over-all-examples",
            "You divided the batch's gradient by N, the number of all the examples. The loss "
            "of a step is the mean over *its batch*: divide by len(batch), which may change "
            "from step to step (the last batch of an epoch can be smaller).",
            _sgd_mistake("over-n"),
        ),
        Misconception(
            "mse-gradient-without-2",
            "The gradient of mean((Xw − y)²) is (2 / B) · Xᵀ(Xw − y): you dropped the factor 2.",
            _sgd_mistake("without-2"),
        ),
        Misconception(
            "residual-sign",
            "Your weights move uphill: with the residual written y − Xw the gradient is "
            "−(2 / B) · Xᵀ(y − Xw). Use the residual Xw − y, then w ← w − lr · gradient.",
            _sgd_mistake("residual-sign"),
        ),
        _aliased_mistake(_sgd_minibatch_reference),
    ],
)


# -- SGD with momentum ----------------------------------------------------------------------------
# In the wild: the averaged velocity v ← βv + (1 − β)g of deeplearning.ai's course and of
# eriklindernoren/ML-From-Scratch; the "classic" v ← μv − lr·g, x ← x + v of CS231n (the same
# trajectory as torch's when lr is constant, so a correct solution); lr kept in the buffer
# (v ← μv + lr·g) and then applied again; a velocity started at ones (np.ones_like); Nesterov's
# variant (torch's nesterov=True).
def _momentum_reference(x0: np.ndarray, grads: np.ndarray, lr: float, momentum: float) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum), x0, grads)


def _nesterov(x0: np.ndarray, grads: np.ndarray, lr: float, momentum: float) -> Any:
    torch = _torch()
    if momentum == 0:  # torch refuses nesterov without momentum; it would be plain SGD
        return _replay(lambda p: torch.optim.SGD(p, lr=lr), x0, grads)
    return _replay(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum, nesterov=True), x0, grads)


_MOMENTUM_MISTAKES = frozenset({"ema", "stale", "lr-twice", "ones", "ascent"})


def _momentum_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _MOMENTUM_MISTAKES)

    def wrong(x0: np.ndarray, grads: np.ndarray, lr: float, mu: float) -> np.ndarray:
        x = np.asarray(x0, dtype=float).copy()
        v = np.ones_like(x) if mistake == "ones" else np.zeros_like(x)
        trajectory = [x.copy()]
        for g in np.asarray(grads, dtype=float):
            if mistake == "stale":  # steps with the old velocity, then updates it
                x = x - lr * v
                v = mu * v + g
            elif mistake == "ema":
                v = mu * v + (1 - mu) * g
                x = x - lr * v
            elif mistake == "lr-twice":
                v = mu * v + lr * g
                x = x - lr * v
            elif mistake == "ascent":  # the classic form with the sign of x's update flipped
                v = mu * v - lr * g
                x = x - v
            else:  # "ones": the velocity did not start at 0
                v = mu * v + g
                x = x - lr * v
            trajectory.append(x.copy())
        return np.array(trajectory)

    return wrong


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
            "You averaged the velocity, v ← μv + (1 − μ)g (the form of some courses, close to "
            "torch's dampening = μ). PyTorch's default momentum *accumulates* the gradient, "
            "v ← μv + g (dampening = 0), so its steps grow up to 1/(1 − μ) times larger.",
            _momentum_mistake("ema"),
        ),
        Misconception(
            "stale-velocity",
            "Update the velocity first, then the parameters with the *new* velocity: "
            "v ← μv + g, then x ← x − lr · v. Yours steps with the previous velocity, so your "
            "first step does not move x.",
            _momentum_mistake("stale"),
        ),
        Misconception(
            "lr-applied-twice",
            "You multiplied by the learning rate twice: once in the velocity (v ← μv + lr · g) "
            "and again in the step (x ← x − lr · v). Either form alone is right: v ← μv + g "
            "with x ← x − lr · v (PyTorch), or v ← μv + lr · g with x ← x − v.",
            _momentum_mistake("lr-twice"),
        ),
        Misconception(
            "nesterov-momentum",
            "You wrote Nesterov's momentum, x ← x − lr · (g + μv) (torch's nesterov=True). "
            "The exercise is PyTorch's default, plain momentum: x ← x − lr · v with "
            "v ← μv + g.",
            _nesterov,
        ),
        Misconception(
            "velocity-not-started-at-zero",
            "The velocity starts at 0 (np.zeros_like(x)), not at 1: with v₀ = 0 the first "
            "step is plain SGD, x₁ = x₀ − lr · g₁.",
            _momentum_mistake("ones"),
        ),
        Misconception(
            "momentum-ascent",
            "Your x moves uphill. In the classic form the velocity already points downhill, "
            "v ← μv − lr · g, so it is *added*: x ← x + v. (In PyTorch's form, v ← μv + g and "
            "x ← x − lr · v.)",
            _momentum_mistake("ascent"),
        ),
        _aliased_mistake(_momentum_reference),
    ],
)


# -- RMSprop -------------------------------------------------------------------------------------------
# In the wild: eps inside the square root (TensorFlow, Keras 1, Lasagne, Caffe2, MXNet and
# ML-From-Scratch do it; pytorch/pytorch#23796, chainer/chainer#4754); the average of squares
# started at ones (TensorFlow 1's RMSPropOptimizer, google-deepmind/optax#49, climin#30);
# alpha and 1 − alpha exchanged; dividing by the mean square itself.
def _rmsprop_reference(
    x0: np.ndarray, grads: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=alpha, eps=eps), x0, grads)


_RMSPROP_MISTAKES = frozenset({"swapped", "no-sqrt", "eps-inside", "ones"})


def _rmsprop_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _RMSPROP_MISTAKES)

    def wrong(
        x0: np.ndarray, grads: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
    ) -> np.ndarray:
        x = np.asarray(x0, dtype=float).copy()
        s = np.ones_like(x) if mistake == "ones" else np.zeros_like(x)
        trajectory = [x.copy()]
        for g in np.asarray(grads, dtype=float):
            if mistake == "swapped":
                s = (1 - alpha) * s + alpha * g**2
            else:
                s = alpha * s + (1 - alpha) * g**2
            if mistake == "no-sqrt":
                denom = s + eps
            elif mistake == "eps-inside":
                denom = np.sqrt(s + eps)
            else:
                denom = np.sqrt(s) + eps
            x = x - lr * g / denom
            trajectory.append(x.copy())
        return np.array(trajectory)

    return wrong


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
            _rmsprop_mistake("swapped"),
        ),
        Misconception(
            "rmsprop-no-sqrt",
            "Divide by the root mean square, √s + eps, not by the mean square s itself.",
            _rmsprop_mistake("no-sqrt"),
        ),
        Misconception(
            "rmsprop-eps-inside-sqrt",
            "You added eps inside the square root, √(s + eps): that is TensorFlow's and "
            "Keras's convention. PyTorch adds it *after* the root: divide by √s + eps. The "
            "difference shows when gradients are small compared with eps.",
            _rmsprop_mistake("eps-inside"),
        ),
        Misconception(
            "rmsprop-average-started-at-one",
            "Your average of squared gradients starts at 1 (TensorFlow 1's RMSPropOptimizer "
            "does that). PyTorch starts it at 0: s₀ = np.zeros_like(x), so the first step "
            "divides g by √((1 − α) g²) + eps.",
            _rmsprop_mistake("ones"),
        ),
        _aliased_mistake(_rmsprop_reference),
    ],
)


# -- Adam and AdamW -------------------------------------------------------------------------------------
# In the wild: no bias correction (oxiglade/mlx-rs#301); a correction without the power t,
# m / (1 − β₁) (eriklindernoren/ML-From-Scratch#35); the step counted from 0 (a division by
# zero, keras-team/keras#10129) or from 2 (cs231n/cs231n.github.io#179); the corrected moments
# written back into m and v (frgfm/holocron#1); eps inside the square root; eps added to the
# uncorrected √v with the correction folded into the step size (the "ε̂" of the Adam paper's
# efficient form, TensorFlow's Adam, PennyLaneAI/pennylane#1929).
def _adam_reference(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> Any:
    torch = _torch()
    return _replay(lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps), x0, grads)


_ADAM_MISTAKES = frozenset(
    {
        "no-correction",
        "no-power",
        "t-from-0",
        "t-from-2",
        "corrected-state",
        "eps-inside",
        "eps-hat",
    }
)


def _adam_steps(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    mistake: str,
    weight_decay: float = 0.0,
) -> np.ndarray:
    """Adam with one mistake, and AdamW's decoupled decay when ``weight_decay`` is given."""
    _check_mistake(mistake, _ADAM_MISTAKES)
    beta1, beta2 = betas
    x = np.asarray(x0, dtype=float).copy()
    m, v = np.zeros_like(x), np.zeros_like(x)
    trajectory = [x.copy()]
    first = {"t-from-0": 0, "t-from-2": 2}.get(mistake, 1)
    for t, g in enumerate(np.asarray(grads, dtype=float), start=first):
        x = x * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        if mistake == "no-correction":
            c1, c2 = 1.0, 1.0
        elif mistake == "no-power":
            c1, c2 = 1 - beta1, 1 - beta2
        else:
            c1, c2 = 1 - beta1**t, 1 - beta2**t
        if mistake == "eps-hat":
            x = x - lr * math.sqrt(c2) / c1 * m / (np.sqrt(v) + eps)
        else:
            m_hat, v_hat = m / c1, v / c2
            if mistake == "corrected-state":
                m, v = m_hat, v_hat
            denom = np.sqrt(v_hat + eps) if mistake == "eps-inside" else np.sqrt(v_hat) + eps
            x = x - lr * m_hat / denom
        trajectory.append(x.copy())
    return np.array(trajectory)


def _adam_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _ADAM_MISTAKES)

    def wrong(
        x0: np.ndarray,
        grads: np.ndarray,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> np.ndarray:
        return _adam_steps(x0, grads, lr, betas, eps, mistake)

    return wrong


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


_CORRECTION = "divide m by (1 − β₁ᵗ) and v by (1 − β₂ᵗ), with t = 1 at the first step"

ADAM = Checker(
    f"{A}/adam",
    title="Adam with bias correction",
    reference=_adam_reference,
    cases=_adam_cases,
    misconceptions=[
        Misconception(
            "adam-no-bias-correction",
            "You left out the bias correction. m and v start at 0, so early on they are "
            f"too small: {_CORRECTION}.",
            _adam_mistake("no-correction"),
        ),
        Misconception(
            "adam-correction-without-power",
            "Your bias correction divides by (1 − β₁) and (1 − β₂), the same at every step. "
            "It is (1 − β₁ᵗ) and (1 − β₂ᵗ), with t the step number (1, 2, 3, …): the "
            "correction fades as βᵗ → 0.",
            _adam_mistake("no-power"),
        ),
        Misconception(
            "adam-step-counted-from-0",
            "Your first step uses t = 0, so 1 − β⁰ = 0 and the correction divides by zero "
            "(inf and nan). Count the steps from 1: enumerate(grads, start=1), or add 1 to t "
            "*before* using it.",
            _adam_mistake("t-from-0"),
        ),
        Misconception(
            "adam-step-counted-from-2",
            "Your bias correction is one step ahead: your first step uses t = 2. The first "
            "step has t = 1, so m̂₁ = m₁ / (1 − β₁) = g₁ (increment t once per step, before "
            "using it, starting from t = 0).",
            _adam_mistake("t-from-2"),
        ),
        Misconception(
            "adam-corrected-moments-kept",
            "You stored the bias-corrected m̂ and v̂ back into m and v, so the correction "
            "piles up from step to step. Keep m and v *uncorrected*; compute m̂ = m / (1 − β₁ᵗ) "
            "and v̂ = v / (1 − β₂ᵗ) in new variables, only for the step.",
            _adam_mistake("corrected-state"),
        ),
        Misconception(
            "adam-eps-inside-sqrt",
            "PyTorch adds eps *after* the square root: divide by √v̂ + eps, not √(v̂ + eps). "
            "The difference shows when gradients are small compared with eps.",
            _adam_mistake("eps-inside"),
        ),
        Misconception(
            "adam-eps-on-uncorrected-v",
            "You folded the bias correction into the step size, lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ), "
            "and divided by √v + eps with the *uncorrected* v (the ε̂ form of the Adam paper and "
            "TensorFlow). PyTorch adds eps to the corrected root: m̂ / (√v̂ + eps). The "
            "difference shows when gradients are small compared with eps.",
            _adam_mistake("eps-hat"),
        ),
        _aliased_mistake(_adam_reference),
    ],
)


# In the wild: Adam with an L2 penalty for AdamW (torch.optim.Adam's weight_decay); the decay
# applied after the Adam step, to the updated weights (the "fixed" AdamW of Hugging Face
# transformers and the many copies of it in CS224n-style minBERT assignments); the decay
# without the learning rate (the AdamW paper writes the schedule multiplier η_t apart from α).
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


def _adamw_coupled_l2(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    torch = _torch()
    return _replay(
        lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay),
        x0,
        grads,
    )


def _adamw_decay_without_lr(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    # torch shrinks by (1 − lr · wd): a decay of wd / lr shrinks by (1 − wd)
    return _adamw_reference(x0, grads, lr, betas, eps, weight_decay / lr)


def _adamw_decay_after_step(
    x0: np.ndarray,
    grads: np.ndarray,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> Any:
    torch = _torch()
    return _replay(
        lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps),
        x0,
        grads,
        after_step=lambda p: p.mul_(1 - lr * weight_decay),
    )


def _adamw_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _ADAM_MISTAKES)

    def wrong(
        x0: np.ndarray,
        grads: np.ndarray,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> np.ndarray:
        return _adam_steps(x0, grads, lr, betas, eps, mistake, weight_decay)

    return wrong


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
    rng = _rng(60)
    cases += [
        Case(
            "zero gradients: only the weight decay acts, 3 steps",
            (np.array([[1.0, -2.0, 4.0]]), np.zeros((3, 1, 3)), 0.1),
            {"weight_decay": 0.5},
        ),
        Case(
            "tiny gradients (about 1e-3) with eps = 1e-3, weight_decay = 0.1, 4 steps",
            (rng.normal(size=(2, 3)), 1e-3 * rng.normal(size=(4, 2, 3)), 0.05),
            {"eps": 1e-3, "weight_decay": 0.1},
        ),
    ]
    return cases


ADAMW = Checker(
    f"{A}/adamw",
    title="AdamW: decoupled weight decay",
    reference=_adamw_reference,
    cases=_adamw_cases,
    misconceptions=[
        Misconception(
            "adamw-coupled-l2",
            "You added weight_decay · x to the gradient (Adam with an L2 penalty, what "
            "torch.optim.Adam's weight_decay does): then the decay goes through m and v and is "
            "rescaled by 1/√v̂ like the gradient. AdamW *decouples* it: shrink the parameters, "
            "x ← x · (1 − lr · weight_decay), apart from the Adam step of g alone.",
            _adamw_coupled_l2,
        ),
        Misconception(
            "adamw-decay-without-lr",
            "The decoupled decay is scaled by the learning rate too: x ← x · (1 − lr · "
            "weight_decay), not x · (1 − weight_decay) (the AdamW paper writes a separate "
            "schedule factor; torch.optim.AdamW multiplies by lr).",
            _adamw_decay_without_lr,
        ),
        Misconception(
            "adamw-decay-after-step",
            "You shrank the parameters *after* the Adam step (as Hugging Face's old AdamW "
            "did), so the decay acts on the updated x. torch.optim.AdamW shrinks first: "
            "x ← x · (1 − lr · weight_decay), then x ← x − lr · m̂ / (√v̂ + eps).",
            _adamw_decay_after_step,
        ),
        Misconception(
            "adamw-no-bias-correction",
            f"You left out Adam's bias correction: {_CORRECTION}.",
            _adamw_mistake("no-correction"),
        ),
        Misconception(
            "adamw-eps-inside-sqrt",
            "PyTorch adds eps *after* the square root: divide by √v̂ + eps, not √(v̂ + eps). "
            "The difference shows when gradients are small compared with eps.",
            _adamw_mistake("eps-inside"),
        ),
        _aliased_mistake(_adamw_reference),
    ],
)


# -- warmup + cosine learning-rate schedule -------------------------------------------------------------
# In the wild: warmup to (t + 1) / W (Karpathy's build-nanogpt and its many copies) or
# (t + 1) / (W + 1) (nanoGPT's train.py); np.linspace(0, base_lr, W), which reaches base_lr one
# step early; a cosine over the whole run, t / T (the UvA deep-learning tutorials' scheduler);
# np.linspace for the cosine phase too, which ends on min_lr at the last step; cos without
# the (1 + ·) / 2; min_lr left out.
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


_SCHEDULE_MISTAKES = frozenset(
    {
        "warmup-plus-one",
        "warmup-over-w-plus-one",
        "warmup-linspace",
        "over-total",
        "ends-at-last-step",
        "unshifted",
    }
)


def _schedule_mistake(mistake: str) -> Callable[..., np.ndarray]:
    _check_mistake(mistake, _SCHEDULE_MISTAKES)

    def wrong(base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0) -> Any:
        t = np.arange(total_steps, dtype=float)
        w = max(warmup_steps, 1)
        if mistake == "warmup-plus-one":
            warm = base_lr * (t + 1) / w
        elif mistake == "warmup-over-w-plus-one":
            warm = base_lr * (t + 1) / (warmup_steps + 1)
        elif mistake == "warmup-linspace":
            ramp = np.linspace(0.0, base_lr, warmup_steps)
            warm = np.concatenate([ramp, np.zeros(max(0, total_steps - warmup_steps))])
            warm = warm[:total_steps]
        else:
            warm = base_lr * t / w
        decay = max(1, total_steps - warmup_steps)
        if mistake == "over-total":
            progress = t / total_steps
        elif mistake == "ends-at-last-step":
            progress = (t - warmup_steps) / max(1, decay - 1)
        else:
            progress = (t - warmup_steps) / decay
        if mistake == "unshifted":
            shape = np.cos(np.pi * progress)
        else:
            shape = 0.5 * (1 + np.cos(np.pi * progress))
        return np.where(t < warmup_steps, warm, min_lr + (base_lr - min_lr) * shape)

    return wrong


def _schedule_without_floor(
    base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0
) -> np.ndarray:
    return _schedule_reference(base_lr, warmup_steps, total_steps, 0.0)


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
            "Your warmup is one step ahead, base_lr · (t + 1) / warmup_steps (the convention "
            "of some GPT training scripts). Here, as in Hugging Face's schedules, step t of "
            "the warmup has base_lr · t / warmup_steps: 0 at step 0, base_lr at t = "
            "warmup_steps.",
            _schedule_mistake("warmup-plus-one"),
        ),
        Misconception(
            "warmup-over-warmup-plus-one",
            "Your warmup is base_lr · (t + 1) / (warmup_steps + 1) (nanoGPT's convention). "
            "Here step t of the warmup has base_lr · t / warmup_steps: 0 at step 0, base_lr "
            "at t = warmup_steps.",
            _schedule_mistake("warmup-over-w-plus-one"),
        ),
        Misconception(
            "warmup-reaches-peak-early",
            "Your warmup reaches base_lr one step early, at t = warmup_steps − 1 "
            "(np.linspace(0, base_lr, warmup_steps) includes its end point). The warmup rate "
            "is base_lr · t / warmup_steps, and base_lr is reached at t = warmup_steps, the "
            "first step of the cosine.",
            _schedule_mistake("warmup-linspace"),
        ),
        Misconception(
            "cosine-progress-over-total",
            "The cosine phase starts after the warmup: measure its progress as (t − "
            "warmup_steps) / (total_steps − warmup_steps), not t / total_steps.",
            _schedule_mistake("over-total"),
        ),
        Misconception(
            "cosine-ends-at-last-step",
            "Your cosine reaches min_lr at the last step, t = total_steps − 1 (a progress of "
            "(t − warmup_steps) / (total_steps − warmup_steps − 1), or np.linspace(0, 1, n)). "
            "Divide by total_steps − warmup_steps: min_lr would be reached at t = total_steps, "
            "just after the schedule ends.",
            _schedule_mistake("ends-at-last-step"),
        ),
        Misconception(
            "cosine-not-shifted",
            "cos(π · progress) goes from 1 to −1: use (1 + cos(π · progress)) / 2, which goes "
            "from 1 to 0, so the rate decays from base_lr to min_lr and never goes negative.",
            _schedule_mistake("unshifted"),
        ),
        Misconception(
            "cosine-ignores-min-lr",
            "The cosine decays to min_lr, not to 0: min_lr + (base_lr − min_lr) · (1 + cos(π · "
            "progress)) / 2.",
            _schedule_without_floor,
        ),
    ],
)


# -- gradient-norm clipping --------------------------------------------------------------------------
# In the wild: clipping each tensor by its own norm (tensorflow/tensorflow's clip_by_norm is
# per tensor, clip_by_global_norm is not; PyTorch forum questions); the sum of the norms; a
# rescale also when the norm is below the threshold; clipping by value; the norm returned
# after clipping; the sum of squares without its root; `for g in grads: g = g * scale`, which
# changes nothing in the list.
def _clip_reference(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[Any], float]:
    torch = _torch()
    params = []
    for g in grads:
        p = torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(np.asarray(g, dtype=float), dtype=torch.float64)
        params.append(p)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad.numpy() for p in params], float(total)


_CLIP_MISTAKES = frozenset({"sum-of-norms", "always-rescale", "by-value", "squared-norm"})


def _clip_mistake(mistake: str) -> Callable[..., tuple[list[np.ndarray], float]]:
    _check_mistake(mistake, _CLIP_MISTAKES)

    def wrong(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
        arrays = [np.asarray(g, dtype=float) for g in grads]
        norms = [float(np.linalg.norm(g)) for g in arrays]
        total = float(np.sqrt(sum(n**2 for n in norms)))
        if mistake == "by-value":
            return [np.clip(g, -max_norm, max_norm) for g in arrays], total
        if mistake == "sum-of-norms":
            total = float(sum(norms))
        elif mistake == "squared-norm":
            total = float(sum(n**2 for n in norms))
        scale = max_norm / (total + 1e-6)
        if mistake != "always-rescale":
            scale = min(1.0, scale)
        return [g * scale for g in arrays], total

    return wrong


def _clip_each_array(grads: Sequence[np.ndarray], max_norm: float) -> Any:
    clipped = [_clip_reference([g], max_norm)[0][0] for g in grads]
    return clipped, _clip_reference(grads, max_norm)[1]


def _clip_norm_after(grads: Sequence[np.ndarray], max_norm: float) -> Any:
    clipped, _ = _clip_reference(grads, max_norm)
    return clipped, float(np.sqrt(sum(np.sum(g**2) for g in clipped)))


def _clip_not_applied(grads: Sequence[np.ndarray], max_norm: float) -> Any:
    return [np.asarray(g) for g in grads], _clip_reference(grads, max_norm)[1]


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
    """The clipped arrays within rtol = 1e-5 (torch divides by total_norm + 1e-6; a solution
    without that 1e-6 passes), the norm before clipping, which no 1e-6 touches, within 1e-6
    (not tighter: the norm *after* clipping, a known mistake, differs by about 1e-6 / ‖g‖
    between students who add the 1e-6 and students who do not)."""
    mismatch = compare(got, expected, rtol=1e-5, atol=1e-9)
    if mismatch is not None:
        return mismatch
    norm = compare(got[1], expected[1], rtol=1e-6, atol=1e-9)
    return None if norm is None else norm.at("output[1] (total_norm)")


CLIP_GRAD_NORM = Checker(
    f"{A}/clip_grad_norm",
    title="Gradient clipping by global norm",
    reference=_clip_reference,
    cases=_clip_cases,
    comparator=_clip_compare,
    misconceptions=[
        Misconception(
            "clip-each-array",
            "You clipped each array by its own norm (TensorFlow's clip_by_norm). "
            "clip_grad_norm_ uses one *global* norm, √(Σ ‖gᵢ‖²) over all the arrays, and "
            "scales every array by the same factor, so the direction of the whole gradient "
            "is kept.",
            _clip_each_array,
        ),
        Misconception(
            "sum-of-norms",
            "The global norm is √(Σ ‖gᵢ‖²), the norm of all the numbers put together, not the "
            "sum Σ ‖gᵢ‖ of the arrays' norms.",
            _clip_mistake("sum-of-norms"),
        ),
        Misconception(
            "norm-without-sqrt",
            "Your total norm is the sum of squares Σ ‖gᵢ‖²: take its square root, "
            "‖g‖ = √(Σ ‖gᵢ‖²), both to scale and to return.",
            _clip_mistake("squared-norm"),
        ),
        Misconception(
            "always-rescale",
            "Only scale *down*: when the total norm is already ≤ max_norm the gradients stay "
            "as they are (scale = min(1, max_norm / total_norm)).",
            _clip_mistake("always-rescale"),
        ),
        Misconception(
            "clip-by-value",
            "You clipped each number to [−max_norm, max_norm] (that is clip_grad_value_). "
            "Clipping by norm rescales the whole gradient, keeping its direction.",
            _clip_mistake("by-value"),
        ),
        Misconception(
            "norm-after-clipping",
            "Your arrays are right, but the norm you return is the norm *after* clipping. "
            "Return the global norm of the gradients as they came in, before clipping (what "
            "clip_grad_norm_ returns, worth logging).",
            _clip_norm_after,
        ),
        Misconception(
            "clip-not-applied",
            "Your arrays come back unscaled although the norm is above max_norm. Assigning to "
            "the loop variable (`for g in grads: g = g * scale`) changes nothing in the list: "
            "build a new list, `[g * scale for g in grads]`.",
            _clip_not_applied,
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
