"""JVP and VJP of a tanh layer (03-matrix-calculus/tanh_layer_jvp_vjp): the checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NUMPY_ONLY, A, _t


# -- JVP and VJP of a tanh layer -------------------------------------------------------------------
def _jvp_vjp_reference(W: Any, b: Any, x: Any, v: Any, u: Any) -> tuple[np.ndarray, np.ndarray]:
    torch = _torch()
    wt, bt = _t(W), _t(b)

    def layer(inputs: Any) -> Any:
        return torch.tanh(wt @ inputs + bt)

    # torch.autograd.functional, not torch.func (nor forward-mode duals, whose matmul goes
    # through a compiled decomposition): those import torch._dynamo, about 1 s of a student's
    # first check, for the same numbers
    functional = torch.autograd.functional
    _, jvp = functional.jvp(layer, _t(x), _t(v))
    _, vjp = functional.vjp(layer, _t(x), _t(u))
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


CHECKER = TANH_LAYER_JVP_VJP
