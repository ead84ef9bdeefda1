"""What several of 05-probability-statistics's checkers share."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...checks.references import torch as _torch
from . import ASSIGNMENT

A = ASSIGNMENT

_LOG_2PI = math.log(2.0 * math.pi)


def _t(value: Any) -> Any:
    """A float64 tensor of ``value``."""
    return _torch().as_tensor(np.asarray(value, dtype=float))


def _np(tensor: Any) -> np.ndarray | float:
    """A tensor as a numpy array, or a Python float when it is 0-d."""
    out = tensor.detach().numpy()
    return float(out) if out.ndim == 0 else out


def _f(*values: Any) -> tuple[np.ndarray, ...]:
    """The values as float64 arrays."""
    return tuple(np.asarray(v, dtype=float) for v in values)
