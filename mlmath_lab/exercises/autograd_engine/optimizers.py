"""SGD and Adam (12-autograd-engine/optimizers): the checker.

The checked function is the notebook's ``run_optimizer(name, params, grads_sequence, hyper)``:
it wraps each array of ``params`` in a Tensor, makes the student's ``SGD`` or ``Adam`` over
them with ``hyper``, and for each dict of ``grads_sequence`` calls ``zero_grad()``, adds the
gradients to ``.grad`` (as backward() would) and calls ``step()``; it returns the parameters
after every step. The reference is ``torch.optim.SGD`` (momentum, weight decay) and
``torch.optim.Adam`` on the same gradients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import one_torch_thread
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t

History = list[dict[str, np.ndarray]]


def _run(
    name: str,
    params: Mapping[str, Any],
    grads_sequence: Sequence[Mapping[str, Any]],
    hyper: Mapping[str, Any],
    mistake: str = "",
) -> History:
    torch = _torch()
    with one_torch_thread(), torch.no_grad():
        tp = {k: _t(v).requires_grad_() for k, v in params.items()}
        if name == "sgd":
            opt = torch.optim.SGD(
                list(tp.values()),
                lr=hyper["lr"],
                momentum=0.0 if mistake == "sgd-velocity-not-kept" else hyper.get("momentum", 0.0),
                weight_decay=hyper.get("weight_decay", 0.0),
            )
        else:
            opt = torch.optim.Adam(
                list(tp.values()),
                lr=hyper["lr"],
                betas=tuple(hyper.get("betas", (0.9, 0.999))),
                eps=hyper.get("eps", 1e-8),
            )
        state = {k: (torch.zeros_like(p), torch.zeros_like(p)) for k, p in tp.items()}
        total = {k: torch.zeros_like(p) for k, p in tp.items()}
        history: History = []
        for t, grads in enumerate(grads_sequence, start=1):
            for k, p in tp.items():
                total[k] += _t(grads[k])
                p.grad = total[k].clone() if mistake == "zero-grad-forgotten" else _t(grads[k])
            if (
                mistake in ("", "zero-grad-forgotten", "sgd-velocity-not-kept")
                or (name == "sgd" and mistake.startswith("adam"))
                or (name != "sgd" and mistake.startswith("sgd"))
            ):
                opt.step()
            else:
                for k, p in tp.items():
                    g, (m, v) = p.grad, state[k]
                    if name == "sgd":  # sgd-momentum-dampened: an EMA of the gradients
                        mu = hyper.get("momentum", 0.0)
                        g = g + hyper.get("weight_decay", 0.0) * p
                        m.mul_(mu).add_((1 - mu) * g)
                        p -= hyper["lr"] * m
                        continue
                    b1, b2 = hyper.get("betas", (0.9, 0.999))
                    eps = hyper.get("eps", 1e-8)
                    m.mul_(b1).add_((1 - b1) * g)
                    v.mul_(b2).add_((1 - b2) * g * g)
                    if mistake == "adam-no-bias-correction":
                        p -= hyper["lr"] * m / (v.sqrt() + eps)
                    else:  # adam-eps-inside-sqrt
                        mh, vh = m / (1 - b1**t), v / (1 - b2**t)
                        p -= hyper["lr"] * mh / (vh + eps).sqrt()
            history.append({k: _np(p) for k, p in tp.items()})
    return history


def _reference(name: str, params: Any, grads_sequence: Any, hyper: Any) -> History:
    return _run(name, params, grads_sequence, hyper)


def optimizer_case(
    rng: np.random.Generator, name: str, steps: int, hyper: dict[str, Any], scale: float = 1.0
) -> tuple:
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = [{k: scale * rng.normal(size=v.shape) for k, v in params.items()} for _ in range(steps)]
    return (name, params, grads, hyper)


def _cases() -> list[Case]:
    rng = _rng(127)
    return [
        Case(
            "the notes' example: SGD, lr 0.1, momentum 0.9, 3 steps",
            optimizer_case(rng, "sgd", 3, {"lr": 0.1, "momentum": 0.9}),
        ),
        Case("plain SGD, lr 0.5, 4 steps", optimizer_case(rng, "sgd", 4, {"lr": 0.5})),
        Case(
            "SGD, lr 0.05, momentum 0.5, weight decay 0.1, 6 steps",
            optimizer_case(rng, "sgd", 6, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
        ),
        Case(
            "Adam, lr 0.01, betas (0.9, 0.999), 5 steps",
            optimizer_case(rng, "adam", 5, {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8}),
        ),
        Case(
            "Adam, lr 0.1, betas (0.8, 0.99), eps 1e-3, small gradients, 8 steps",
            optimizer_case(
                rng, "adam", 8, {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-3}, scale=1e-3
            ),
        ),
        Case(
            "Adam, one step (the update is ±lr where |g| ≫ eps)",
            optimizer_case(rng, "adam", 1, {"lr": 0.2, "betas": (0.9, 0.999), "eps": 1e-8}),
        ),
    ]


def _mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda n, p, g, h: _run(n, p, g, h, name))


OPTIMIZERS = Checker(
    f"{A}/optimizers",
    title="SGD and Adam",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        _mistake(
            "zero-grad-forgotten",
            "Your parameters move by the *sum* of all gradients so far: zero_grad() leaves "
            ".grad as it is, and backward() adds to it. zero_grad() must set every parameter's "
            ".grad back to zeros.",
        ),
        _mistake(
            "sgd-momentum-dampened",
            "Your momentum is an average, v = μv + (1 − μ)g. torch's SGD (and this exercise) "
            "adds the whole gradient: v = μv + g (v = g at the first step), then p −= lr·v.",
        ),
        _mistake(
            "sgd-velocity-not-kept",
            "Your SGD steps are plain p −= lr·g: the momentum never builds up. "
            "v = self.momentum * v + g makes a new array and leaves the buffer in "
            "self.velocity at zero; update it in place, v[...] = self.momentum * v + g, "
            "then p −= lr·v.",
        ),
        _mistake(
            "adam-no-bias-correction",
            "Your Adam has no bias correction: m and v start at 0, so in the first steps they "
            "are too small. Divide by (1 − β₁ᵗ) and (1 − β₂ᵗ), t the step count from 1: "
            "p −= lr · m̂ / (√v̂ + ε).",
        ),
        _mistake(
            "adam-eps-inside-sqrt",
            "Your Adam adds ε inside the square root. torch's Adam adds it outside: "
            "p −= lr · m̂ / (√v̂ + ε).",
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = OPTIMIZERS
