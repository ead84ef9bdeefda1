"""Batch normalisation: backward (08-convolutions/batchnorm2d_backward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t

Grads = tuple[np.ndarray, np.ndarray, np.ndarray]


def _bn_grads(
    X: Any, gamma: Any, dY: Any, eps: float, *, keep_mean: bool = True, keep_var: bool = True
) -> Grads:
    """Autograd through training-mode batch norm; ``keep_mean=False`` / ``keep_var=False``
    treat the batch mean / variance as constants (known mistakes)."""
    torch = _torch()
    Xt, gt = _t(X).requires_grad_(), _t(gamma).requires_grad_()
    bt = torch.zeros_like(gt, requires_grad=True)
    mean = Xt.mean(dim=(0, 2, 3), keepdim=True)
    var = Xt.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    mean = mean if keep_mean else mean.detach()
    var = var if keep_var else var.detach()
    xhat = (Xt - mean) / torch.sqrt(var + eps)
    (xhat * gt.reshape(1, -1, 1, 1) + bt.reshape(1, -1, 1, 1)).backward(_t(dY))
    return _np(Xt.grad), _np(gt.grad), _np(bt.grad)


def _batchnorm_backward_reference(X: Any, gamma: Any, dY: Any, eps: float = 1e-5) -> Grads:
    torch = _torch()
    F = torch.nn.functional
    Xt, gt = _t(X).requires_grad_(), _t(gamma).requires_grad_()
    bt = torch.zeros_like(gt, requires_grad=True)
    F.batch_norm(Xt, None, None, gt, bt, training=True, eps=eps).backward(_t(dY))
    return _np(Xt.grad), _np(gt.grad), _np(bt.grad)


def _inputs(rng: np.random.Generator, shape: tuple[int, int, int, int]) -> tuple[Any, ...]:
    return (
        rng.normal(loc=1.0, scale=2.0, size=shape),
        rng.uniform(0.5, 2.0, size=shape[1]),
        rng.normal(size=shape),
    )


def _cases() -> list[Case]:
    rng = _rng(87)
    return [
        Case("X (4, 3, 5, 6)", _inputs(rng, (4, 3, 5, 6))),
        Case("X (2, 2, 3, 2): few values per channel", _inputs(rng, (2, 2, 3, 2))),
        Case("X (3, 4, 2, 5)", _inputs(rng, (3, 4, 2, 5))),
        Case("X (1, 2, 4, 3): one image", _inputs(rng, (1, 2, 4, 3))),
        Case("X (5, 1, 3, 4), eps = 0.1", (*_inputs(rng, (5, 1, 3, 4)), 0.1)),
    ]


def _with(mistake: str) -> Any:
    def wrong(X: Any, gamma: Any, dY: Any, eps: float = 1e-5) -> Grads:
        dX, dgamma, dbeta = _batchnorm_backward_reference(X, gamma, dY, eps)
        if mistake == "stats-treated-as-constants":
            dX = _bn_grads(X, gamma, dY, eps, keep_mean=False, keep_var=False)[0]
        elif mistake == "mean-treated-as-constant":
            dX = _bn_grads(X, gamma, dY, eps, keep_mean=False)[0]
        elif mistake == "variance-treated-as-constant":
            dX = _bn_grads(X, gamma, dY, eps, keep_var=False)[0]
        elif mistake == "dgamma-with-x-not-xhat":
            dgamma = (np.asarray(dY, float) * np.asarray(X, float)).sum(axis=(0, 2, 3))
        elif mistake == "params-summed-over-batch-only":
            dY = np.asarray(dY, dtype=float)
            X = np.asarray(X, dtype=float)
            dbeta = dY.sum(axis=0)
            # xhat from the per-pixel gradient: dgamma·γ = Σ dY·x̂, here without the sum over H, W
            mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
            xhat = (X - mean.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + eps)
            dgamma = (dY * xhat).sum(axis=0)
        return dX, dgamma, dbeta

    return wrong


BATCHNORM2D_BACKWARD = Checker(
    f"{A}/batchnorm2d_backward",
    title="Batch normalisation: backward",
    reference=_batchnorm_backward_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "stats-treated-as-constants",
            "Your dX = dY·γ/√(σ² + ε) treats the batch mean and variance as constants. In "
            "training mode both depend on every x of the channel, so dX has two more terms: "
            "dX = γ/√(σ² + ε) · (dY − mean(dY) − x̂·mean(dY·x̂)), the means over (N, H, W).",
            _with("stats-treated-as-constants"),
        ),
        Misconception(
            "mean-treated-as-constant",
            "Your dX misses the path through the batch mean: subtract mean(dY) (over N, H, W "
            "of the channel) too: dX = γ/√(σ² + ε) · (dY − mean(dY) − x̂·mean(dY·x̂)).",
            _with("mean-treated-as-constant"),
        ),
        Misconception(
            "variance-treated-as-constant",
            "Your dX misses the path through the batch variance: subtract x̂·mean(dY·x̂) too: "
            "dX = γ/√(σ² + ε) · (dY − mean(dY) − x̂·mean(dY·x̂)).",
            _with("variance-treated-as-constant"),
        ),
        Misconception(
            "dgamma-with-x-not-xhat",
            "dγ multiplies dY by the *normalised* input: dγ = Σ dY·x̂ over (N, H, W), with "
            "x̂ = (x − mean)/√(σ² + ε), not by the raw x.",
            _with("dgamma-with-x-not-xhat"),
        ),
        Misconception(
            "params-summed-over-batch-only",
            "Your dγ and dβ have shape (C, H, W): γ and β are shared by every pixel of a "
            "channel, so sum over axes (0, 2, 3): dβ = dY.sum(axis=(0, 2, 3)), shape (C,).",
            _with("params-summed-over-batch-only"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = BATCHNORM2D_BACKWARD
