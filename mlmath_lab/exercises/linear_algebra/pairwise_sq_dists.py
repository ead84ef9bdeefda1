"""Pairwise squared distances without loops (01-linear-algebra/pairwise_sq_dists): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import LOOPS
from ._common import SCIPY, A


# -- pairwise squared distances -----------------------------------------------------------------------
def _sq_dists_reference(x: Any, y: Any) -> np.ndarray:
    torch = _torch()
    # exact differences, not the matrix-product identity: the reference has no round-off to clip
    dists = torch.cdist(
        torch.from_numpy(np.asarray(x, float)),
        torch.from_numpy(np.asarray(y, float)),
        compute_mode="donot_use_mm_for_euclid_dist",
    )
    return (dists**2).numpy()


def _far_from_origin_with_twins(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """n points spread over a few units around (5000, …), each with a near-duplicate: ‖x‖² is
    about 1e8, so the identity's round-off (~1e-8) decides the sign of the squared distances
    that are (nearly) 0, on the diagonal and between twins."""
    points = 5000.0 + 3.0 * rng.normal(size=(n, d))
    return np.concatenate([points, points + 1e-7 * rng.normal(size=(n, d))])


def _sq_dists_cases() -> list[Case]:
    rng = _rng(4)
    twins = _far_from_origin_with_twins(rng, 8, 3)
    return [
        Case("X (5, 3) and Y (4, 3)", (rng.normal(size=(5, 3)), rng.normal(size=(4, 3)))),
        Case("one point against six, d = 2", (rng.normal(size=(1, 2)), rng.normal(size=(6, 2)))),
        Case(
            "integer coordinates X (4, 2) and Y (3, 2) (the result is float)",
            (rng.integers(-5, 6, size=(4, 2)), rng.integers(-5, 6, size=(3, 2))),
        ),
        Case(
            "X (16, 3) against itself, points far from the origin in near-duplicate pairs "
            "(round-off must not leave negative values)",
            (twins, twins.copy()),
        ),
        Case(
            "far-away points, d = 10",
            (rng.normal(size=(3, 10)) + 100.0, rng.normal(size=(2, 10)) - 100.0),
        ),
        Case(
            "high-dimensional points, d = 256",
            (rng.normal(size=(3, 256)), rng.normal(size=(4, 256))),
        ),
    ]


def _sq_dists_compare(got: Any, expected: Any) -> Mismatch | None:
    # The ‖x‖² + ‖y‖² − 2x·y identity loses about 1e-16·‖x‖² to cancellation; allow that
    # (relative to the largest distance, which is what the round-off scales with).
    mismatch = compare(got, expected, rtol=1e-7, atol=1e-8 * max(1.0, float(np.max(expected))))
    if mismatch is not None:
        return mismatch
    got_arr, exp_arr = np.asarray(got), np.asarray(expected)
    if np.any(got_arr < 0):
        if np.any(exp_arr < 0):
            return None  # two outputs that both keep the round-off (naming a known mistake)
        return Mismatch(
            "value",
            f"{int((got_arr < 0).sum())} squared distance(s) are negative (smallest "
            f"{float(got_arr.min()):.3g}): round-off in ‖x‖² + ‖y‖² − 2x·y; clip them with "
            "np.maximum(D, 0)",
            summarize(got),
            summarize(expected),
        )
    if np.any(exp_arr < 0):  # only a known mistake's output has negative values
        return Mismatch("value", "no negative values where the other has some")
    return None


def _sq_dists_identity(
    x: Any, y: Any, *, sign: float = -2.0, clip: bool = True, aligned: bool = True
) -> np.ndarray:
    x, y = np.asarray(x), np.asarray(y)
    sq_x, sq_y = (x**2).sum(axis=1), (y**2).sum(axis=1)
    if aligned:
        sq_x, sq_y = sq_x[:, None], sq_y[None, :]
    d = sq_x + sq_y + sign * (x @ y.T)
    return np.maximum(d, 0.0) if clip else d


PAIRWISE_SQ_DISTS = Checker(
    f"{A}/pairwise_sq_dists",
    title="Pairwise squared distances without loops",
    reference=_sq_dists_reference,
    cases=_sq_dists_cases,
    comparator=_sq_dists_compare,
    forbidden=[SCIPY, LOOPS],
    misconceptions=[
        Misconception(
            "not-squared",
            "These are distances, not *squared* distances: leave out the square root.",
            lambda x, y: np.sqrt(_sq_dists_identity(x, y)),
        ),
        Misconception(
            "not-squared-norm",
            "These are distances (the norms of the differences), not *squared* distances: "
            "square them, or better, leave out the square root.",
            lambda x, y: np.linalg.norm(
                np.asarray(x, float)[:, None, :] - np.asarray(y, float)[None, :, :], axis=-1
            ),
        ),
        Misconception(
            "transposed",
            "Your result is (m, n): row i must belong to X[i] and column j to Y[j].",
            lambda x, y: _sq_dists_identity(y, x),
        ),
        Misconception(
            "cross-term-sign",
            "Check the sign of the cross term: ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y.",
            lambda x, y: _sq_dists_identity(x, y, sign=2.0),
        ),
        Misconception(
            "cross-term-factor",
            "The cross term is −2 x·y, not −x·y: (x − y)·(x − y) = x·x − 2 x·y + y·y.",
            lambda x, y: _sq_dists_identity(x, y, sign=-1.0),
        ),
        Misconception(
            "norms-not-aligned",
            "‖x_i‖² must change along the rows of D and ‖y_j‖² along its columns: reshape "
            "them to (n, 1) and (1, m) (x_sq[:, None], y_sq[None, :]). Two 1-D arrays of shapes "
            "(n,) and (m,) do not broadcast to (n, m): they fail when n ≠ m, and when n = m "
            "both are added along the rows.",
            lambda x, y: _sq_dists_identity(x, y, aligned=False),
        ),
        Misconception(
            "negative-not-clipped",
            "Where two points coincide (or nearly), ‖x‖² + ‖y‖² − 2x·y subtracts almost equal "
            "large numbers, and round-off leaves tiny negative values such as −1e-11 (whose "
            "square root is nan). Clip the result with np.maximum(D, 0).",
            lambda x, y: _sq_dists_identity(x, y, clip=False),
        ),
    ],
)


CHECKER = PAIRWISE_SQ_DISTS
