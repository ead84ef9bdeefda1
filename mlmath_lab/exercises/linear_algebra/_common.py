"""What several of 01-linear-algebra's checkers share."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="Write it in NumPy: scipy's ready-made function is what the exercise builds.",
)


def _floats(x: Any) -> np.ndarray:
    """An array of floats (float32 stays float32, integers become float64)."""
    arr = np.asarray(x)
    return arr if arr.dtype.kind in "fc" else arr.astype(np.float64)


# -- matrix product by triple loop --------------------------------------------------------------
def _matmul_reference(a: Any, b: Any) -> np.ndarray:
    torch = _torch()
    if np.ndim(a) < 2 or np.ndim(b) < 2 or np.shape(a)[-1] != np.shape(b)[-2]:
        raise ValueError(f"inner dimensions differ: {np.shape(a)} @ {np.shape(b)}")
    return torch.matmul(
        torch.from_numpy(np.asarray(a, float)), torch.from_numpy(np.asarray(b, float))
    ).numpy()
