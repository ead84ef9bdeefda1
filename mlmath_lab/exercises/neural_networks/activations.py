"""ReLU, sigmoid and tanh: forward and backward (07-neural-networks/activations): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, _t


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


CHECKER = ACTIVATIONS
