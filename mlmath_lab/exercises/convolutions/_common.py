"""What several of 08-convolutions's checkers share."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.references import float64_tensor
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

# -- what the exercises' "Not allowed here" lines name (torch is always forbidden) ----------------
CONV_SHORTCUTS = Forbidden(
    "a ready-made convolution or window view",
    objects=(
        "numpy.convolve",
        "numpy.correlate",
        "numpy.lib.stride_tricks.sliding_window_view",
        "numpy.lib.stride_tricks.as_strided",
    ),
    modules=("scipy",),
    why="Slide the kernel yourself: loops over the kernel's offsets (kH·kW of them) and "
    "slicing with a step are enough.",
)
NOT_ALLOWED = [CONV_SHORTCUTS]


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return float64_tensor(x)


def _pair(v: Any) -> tuple[int, int]:
    """An int or a pair as a pair of ints (torch's convention for kernel, stride, padding)."""
    if isinstance(v, tuple | list):
        a, b = v
        return int(a), int(b)
    return int(v), int(v)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def _conv(X: Any, W: Any, b: Any, stride: Any, padding: Any) -> Any:
    F = _torch().nn.functional
    return F.conv2d(_t(X), _t(W), _t(b), stride=_pair(stride), padding=_pair(padding))
