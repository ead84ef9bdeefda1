"""Xavier and He initialisation: the scale (07-neural-networks/init_scale): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ._common import A, _fans, _init_scale_reference


def _init_scale_cases() -> list[Case]:
    return [
        Case("xavier_uniform, shape (300, 100)", ("xavier_uniform", (300, 100))),
        Case("he_normal, shape (64, 256)", ("he_normal", (64, 256))),
        Case("he_normal, conv kernel (32, 16, 3, 3)", ("he_normal", (32, 16, 3, 3))),
        Case("xavier_uniform, conv kernel (8, 3, 5, 5)", ("xavier_uniform", (8, 3, 5, 5))),
        Case("he_normal, shape (10, 1)", ("he_normal", (10, 1))),
        Case("kind 'lecun': must raise ValueError", ("lecun", (4, 4))),
    ]


# which kind each mistake changes, and the wrong scale it gives from (fan_in, fan_out)
_WRONG_SCALES: dict[str, tuple[str, Any]] = {
    "xavier-std": ("xavier_uniform", lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
    "xavier-fan-in-only": ("xavier_uniform", lambda fi, fo: np.sqrt(3.0 / fi)),
    "he-fan-out": ("he_normal", lambda fi, fo: np.sqrt(2.0 / fo)),
    "he-variance": ("he_normal", lambda fi, fo: 2.0 / fi),
    "he-uniform-bound": ("he_normal", lambda fi, fo: np.sqrt(6.0 / fi)),
    "he-no-gain": ("he_normal", lambda fi, fo: np.sqrt(1.0 / fi)),
}


def _init_scale_with(kind: str, shape: tuple[int, ...], mistake: str) -> float:
    """The scale with one known mistake (the right one, from torch, where it does not apply)."""
    right = _init_scale_reference(kind, shape)  # raises for an unknown kind
    if mistake == "no-receptive-field":
        fan_in, fan_out = shape[1], shape[0]
        if kind == "xavier_uniform":
            return float(np.sqrt(6.0 / (fan_in + fan_out)))
        return float(np.sqrt(2.0 / fan_in))
    changes, wrong = _WRONG_SCALES[mistake]
    return float(wrong(*_fans(shape))) if kind == changes else right


def _init_scale_mistake(name: str, hint: str) -> Misconception:
    return Misconception(name, hint, lambda kind, shape: _init_scale_with(kind, shape, name))


def _scale_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-9, atol=0.0)


INIT_SCALE = Checker(
    f"{A}/init_scale",
    title="Xavier and He initialisation: the scale",
    reference=_init_scale_reference,
    cases=_init_scale_cases,
    comparator=_scale_close,
    misconceptions=[
        _init_scale_mistake(
            "xavier-std",
            "√(2 / (fan_in + fan_out)) is the *standard deviation* Glorot asks for; a uniform "
            "U(−a, a) has std a/√3, so the bound is a = √3 · std = √(6 / (fan_in + fan_out)).",
        ),
        _init_scale_mistake(
            "xavier-fan-in-only",
            '√(3 / fan_in) is Caffe\'s "xavier" filler, which averages nothing and uses fan_in '
            "alone; Glorot's and torch's xavier_uniform_ use both fans: "
            "a = √(6 / (fan_in + fan_out)).",
        ),
        _init_scale_mistake(
            "he-fan-out",
            "He (Kaiming) initialisation, torch's default mode, divides by fan_in, the number "
            "of inputs of each unit: shape[1] (times the kernel size). shape[0] is fan_in only "
            "for weights stored (d_in, d_out), as in Keras; here they are (d_out, d_in).",
        ),
        _init_scale_mistake(
            "he-variance",
            "2 / fan_in is the *variance*; the standard deviation is its square root, √(2 / fan_in).",
        ),
        _init_scale_mistake(
            "he-uniform-bound",
            "√(6 / fan_in) is the bound of He's *uniform* variant (kaiming_uniform_); "
            "he_normal asks for the standard deviation √(2 / fan_in) of a normal distribution.",
        ),
        _init_scale_mistake(
            "he-no-gain",
            "√(1 / fan_in) is LeCun's scale; He initialisation doubles the variance to make up "
            "for the ReLU zeroing half of its inputs: std = √(2 / fan_in) (the ReLU gain √2).",
        ),
        _init_scale_mistake(
            "no-receptive-field",
            "For a conv kernel (out, in, k1, k2) every unit sees in·k1·k2 inputs: fan_in = "
            "shape[1] · k1 · k2 and fan_out = shape[0] · k1 · k2.",
        ),
    ],
)


CHECKER = INIT_SCALE
