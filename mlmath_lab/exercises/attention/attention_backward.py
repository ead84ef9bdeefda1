"""The backward pass of attention (09-attention/attention_backward): the checker.

The reference is autograd through ``softmax(Q Kᵀ / √d) V`` in float64."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def _backward_reference(
    Q: Any, K: Any, V: Any, dOut: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    torch = _torch()
    Qt, Kt, Vt = (_t(a).requires_grad_() for a in (Q, K, V))
    scale = Qt.shape[-1] ** -0.5
    out = torch.softmax(Qt @ Kt.transpose(-2, -1) * scale, dim=-1) @ Vt
    dQ, dK, dV = torch.autograd.grad(out, (Qt, Kt, Vt), _t(dOut))
    return _np(dQ), _np(dK), _np(dV)


def backward_inputs(
    rng: np.random.Generator, B: int, tq: int, tk: int, d: int, dv: int
) -> tuple[np.ndarray, ...]:
    return (
        rng.normal(size=(B, tq, d)),
        rng.normal(size=(B, tk, d)),
        rng.normal(size=(B, tk, dv)),
        rng.normal(size=(B, tq, dv)),
    )


def _cases() -> list[Case]:
    rng = _rng(95)
    return [
        Case("B = 1, T = 3, d = 2, dv = 2", backward_inputs(rng, 1, 3, 3, 2, 2)),
        Case("B = 2, Tq = 3, Tk = 5, d = 4, dv = 6", backward_inputs(rng, 2, 3, 5, 4, 6)),
        Case("B = 3, Tq = 6, Tk = 2, d = 8, dv = 3", backward_inputs(rng, 3, 6, 2, 8, 3)),
        Case("B = 2, T = 4, d = 16, dv = 5", backward_inputs(rng, 2, 4, 4, 16, 5)),
        Case(
            "one key: B = 2, Tq = 3, Tk = 1, d = 3, dv = 2 (dQ and dK are 0)",
            backward_inputs(rng, 2, 3, 1, 3, 2),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(Q: Any, K: Any, V: Any, dOut: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        torch = _torch()
        Qt, Kt, Vt, G = (_t(a) for a in (Q, K, V, dOut))
        scale = Qt.shape[-1] ** -0.5
        P = torch.softmax(Qt @ Kt.transpose(-2, -1) * scale, dim=-1)
        dP = G @ Vt.transpose(-2, -1)
        if mistake == "softmax-jacobian-dropped":
            dS = dP
        else:
            dS = P * (dP - (dP * P).sum(dim=-1, keepdim=True))
        s = 1.0 if mistake == "scale-missing-in-dQ-dK" else scale
        dQ = dS @ Kt * s
        dK = dS.transpose(-2, -1) @ Qt * s
        if mistake == "dV-uses-P-not-transposed":
            if P.shape[-1] != G.shape[-2]:
                raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension")
            dV = P @ G
        else:
            dV = P.transpose(-2, -1) @ G
        return _np(dQ), _np(dK), _np(dV)

    return wrong


ATTENTION_BACKWARD = Checker(
    f"{A}/attention_backward",
    title="The backward pass of attention",
    reference=_backward_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "softmax-jacobian-dropped",
            "You used dS = dP: the softmax's Jacobian is missing. Row by row, "
            "dS = P ⊙ (dP − Σ_j dP ⊙ P), i.e. P * (dP - (dP * P).sum(-1, keepdims=True)).",
            _with("softmax-jacobian-dropped"),
        ),
        Misconception(
            "scale-missing-in-dQ-dK",
            "Your dQ and dK lack the scale: S = Q Kᵀ · s with s = 1/√d, so dQ = (dS K)·s and "
            "dK = (dSᵀ Q)·s.",
            _with("scale-missing-in-dQ-dK"),
        ),
        Misconception(
            "dV-uses-P-not-transposed",
            "Your dV is P @ dOut. Out = P V, so dV = Pᵀ dOut (shape (B, Tk, dv), like V): "
            "P.swapaxes(-1, -2) @ dOut.",
            _with("dV-uses-P-not-transposed"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = ATTENTION_BACKWARD
