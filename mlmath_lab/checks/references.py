"""What every assignment's checkers use to build cases and references."""

from __future__ import annotations

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
