"""Batch normalisation: forward (08-convolutions/batchnorm2d_forward): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t

Out = tuple[np.ndarray, np.ndarray, np.ndarray]


def _batchnorm_reference(
    X: Any,
    gamma: Any,
    beta: Any,
    running_mean: Any,
    running_var: Any,
    momentum: float = 0.1,
    eps: float = 1e-5,
    training: bool = True,
) -> Out:
    F = _torch().nn.functional
    rm, rv = _t(running_mean), _t(running_var)  # copies, which batch_norm updates in place
    Y = F.batch_norm(_t(X), rm, rv, _t(gamma), _t(beta), training, momentum, eps)
    return _np(Y), _np(rm), _np(rv)


def _bn_inputs(
    rng: np.random.Generator, shape: tuple[int, int, int, int], momentum: float, training: bool
) -> tuple[Any, ...]:
    c = shape[1]
    return (
        rng.normal(loc=2.0, scale=3.0, size=shape),
        rng.uniform(0.5, 2.0, size=c),
        rng.normal(size=c),
        rng.normal(size=c),
        rng.uniform(0.5, 2.0, size=c),
        momentum,
        1e-5,
        training,
    )


def _cases() -> list[Case]:
    rng = _rng(86)
    return [
        Case(
            "training: X (4, 3, 5, 6), momentum 0.1 (torch's default)",
            _bn_inputs(rng, (4, 3, 5, 6), 0.1, True),
        ),
        Case(
            "training: X (2, 2, 3, 2), momentum 0.3 — few values per channel",
            _bn_inputs(rng, (2, 2, 3, 2), 0.3, True),
        ),
        Case(
            "training: X (3, 4, 2, 5), momentum 0.5",
            _bn_inputs(rng, (3, 4, 2, 5), 0.5, True),
        ),
        Case(
            "evaluation: X (3, 3, 4, 5), the running statistics, unchanged",
            _bn_inputs(rng, (3, 3, 4, 5), 0.1, False),
        ),
        Case(
            "evaluation: X (1, 2, 3, 3), one image",
            _bn_inputs(rng, (1, 2, 3, 3), 0.2, False),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        X: Any,
        gamma: Any,
        beta: Any,
        running_mean: Any,
        running_var: Any,
        momentum: float = 0.1,
        eps: float = 1e-5,
        training: bool = True,
    ) -> Out:
        Y, rm, rv = _batchnorm_reference(
            X, gamma, beta, running_mean, running_var, momentum, eps, training
        )
        X, g, b = (np.asarray(v, dtype=float) for v in (X, gamma, beta))
        rm0, rv0 = np.asarray(running_mean, float), np.asarray(running_var, float)
        shape = (1, -1, 1, 1)
        if not training:
            if mistake == "eval-uses-batch-stats":
                Y = _batchnorm_reference(X, g, b, rm0, rv0, momentum, eps, True)[0]
            return Y, rm, rv
        m = X.shape[0] * X.shape[2] * X.shape[3]
        mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
        if mistake == "unbiased-to-normalise":
            unbiased = (var * m / (m - 1)).reshape(shape)
            Y = (X - mean.reshape(shape)) / np.sqrt(unbiased + eps) * g.reshape(shape)
            Y = Y + b.reshape(shape)
        elif mistake == "biased-running-var":
            rv = (1 - momentum) * rv0 + momentum * var
        elif mistake == "momentum-reversed":
            rm = momentum * rm0 + (1 - momentum) * mean
            rv = momentum * rv0 + (1 - momentum) * var * m / (m - 1)
        elif mistake == "stats-over-batch-only":
            mean0, var0 = X.mean(axis=0), X.var(axis=0)
            Y = (X - mean0) / np.sqrt(var0 + eps) * g.reshape(shape) + b.reshape(shape)
            n = X.shape[0]
            rm = (1 - momentum) * rm0[:, None, None] + momentum * mean0
            rv = (1 - momentum) * rv0[:, None, None] + momentum * var0 * n / max(n - 1, 1)
        return Y, rm, rv

    return wrong


BATCHNORM2D_FORWARD = Checker(
    f"{A}/batchnorm2d_forward",
    title="Batch normalisation: forward",
    reference=_batchnorm_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "unbiased-to-normalise",
            "You normalised with the unbiased variance (dividing by m − 1). In training mode "
            "batch norm normalises with the *biased* batch variance (divide by m = N·H·W, "
            "np.var's default); the unbiased one goes only into the running estimate.",
            _with("unbiased-to-normalise"),
        ),
        Misconception(
            "biased-running-var",
            "Your running variance is updated with the biased batch variance. torch updates it "
            "with the *unbiased* one: running_var = (1 − momentum)·running_var + momentum·"
            "var·m/(m − 1), with m = N·H·W.",
            _with("biased-running-var"),
        ),
        Misconception(
            "momentum-reversed",
            "Your momentum is the other way round (Keras's and CS231n's convention, where it "
            "weighs the *old* value). In torch, momentum weighs the new batch: running = "
            "(1 − momentum)·running + momentum·batch statistic.",
            _with("momentum-reversed"),
        ),
        Misconception(
            "stats-over-batch-only",
            "You averaged over the batch axis only (axis=0, as a fully-connected batch norm "
            "does), so every pixel gets its own statistics. A BatchNorm2d has one mean and one "
            "variance per channel, over axes (0, 2, 3): N·H·W values each.",
            _with("stats-over-batch-only"),
        ),
        Misconception(
            "eval-uses-batch-stats",
            "In evaluation mode (training=False) normalise with the *running* mean and "
            "variance, not the batch's: the output of one image must not depend on the "
            "others in its batch. The running statistics are returned unchanged.",
            _with("eval-uses-batch-stats"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = BATCHNORM2D_FORWARD
