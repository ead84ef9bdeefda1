"""Gradient check (07-neural-networks/gradient_check): the checker."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import relative_error
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A, Params, _init_mlp, _n_layers, _t, _torch_labels, _torch_params


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


CHECKER = GRADIENT_CHECK
