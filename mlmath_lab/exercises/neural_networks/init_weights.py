"""Xavier and He initialisation: the samples (07-neural-networks/init_weights): the checker."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from ._common import A, _init_scale_reference


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


CHECKER = INIT_WEIGHTS
