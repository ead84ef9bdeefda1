"""What several of 06-information-theory's checkers share."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

LN2 = math.log(2.0)

# "Unless an exercise says otherwise, you may use any NumPy function, but not SciPy,
# scikit-learn or PyTorch": each has the ready-made function the exercise builds
# (scipy.stats.entropy, scipy.special.rel_entr, scipy.spatial.distance.jensenshannon,
# sklearn.metrics.mutual_info_score, sklearn.metrics.log_loss).
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="Write the formula in NumPy: scipy's ready-made function is what the exercise builds.",
)
SKLEARN = Forbidden(
    "scikit-learn",
    modules=("sklearn",),
    why="Write the formula in NumPy: scikit-learn's metric is what the exercise builds.",
)
_NOT_ALLOWED = (SCIPY, SKLEARN)


def _t(x: Any) -> Any:
    return _torch().from_numpy(np.asarray(x, dtype=float))


def _out(value: Any) -> np.ndarray | float:
    """A 0-d tensor as a Python float, anything else as a numpy array."""
    return float(value) if value.ndim == 0 else value.numpy()


def _with_zeros(p: np.ndarray, rng: np.random.Generator, frac: float = 0.3) -> np.ndarray:
    """Set some probabilities of each distribution (along the last axis) to 0, renormalise."""
    zeros = rng.random(size=p.shape) < frac
    zeros[..., 0] = False  # keep every distribution non-empty
    p = np.where(zeros, 0.0, p)
    return p / p.sum(axis=-1, keepdims=True)


def _xlogx(p: np.ndarray) -> np.ndarray:
    """p · log p with 0 · log 0 = 0 (for the wrong variants, which must be right elsewhere)."""
    p = np.asarray(p, dtype=float)
    return np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)


def _xlogy(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """p · log(p / q) with 0 · log(0 / q) = 0."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        ratio = np.where(p > 0, p / np.where(p > 0, q, 1.0), 1.0)
    return np.where(p > 0, p * np.log(ratio), 0.0)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _scalar_or_array(x: np.ndarray) -> np.ndarray | float:
    return float(x) if np.ndim(x) == 0 else x


def _softmax_then_log(logits: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        e = np.exp(logits)
        return np.log(e / e.sum(axis=-1, keepdims=True))
