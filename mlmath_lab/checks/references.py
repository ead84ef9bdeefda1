"""What every assignment's checkers use to build cases and references."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


def rng(seed: int) -> np.random.Generator:
    """A seeded generator: the same cases in every kernel, so results can be compared."""
    return np.random.default_rng(seed)


def torch() -> Any:
    """torch, imported on first use: a kernel checking an exercise whose reference is numpy
    never pays for importing it."""
    import torch

    return torch


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run torch on one thread inside the block. For the course's tensors (tens of numbers)
    more threads only wait for each other: on a loaded two-core machine a 300-step training
    loop ran 20 times slower, and proving every checker spent a fifth more CPU."""
    torch_ = torch()
    threads = torch_.get_num_threads()
    torch_.set_num_threads(1)
    try:
        yield
    finally:
        torch_.set_num_threads(threads)


def float64_tensor(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x`` (an array, a number, a nested list)."""
    torch_ = torch()
    return torch_.tensor(np.asarray(x, dtype=np.float64), dtype=torch_.float64)


def relative_error(a: Any, b: Any, tiny: float = 1e-12) -> float:
    """The course's one relative error (assignment 03 teaches it, 07 uses it):
    max over entries of |a − b| / max(|a|, |b|, tiny); 0 for two zero arrays; symmetric."""
    torch_ = torch()
    at, bt = float64_tensor(a), float64_tensor(b)
    scale = torch_.clamp(torch_.maximum(at.abs(), bt.abs()), min=tiny)
    return float(torch_.max((at - bt).abs() / scale))
