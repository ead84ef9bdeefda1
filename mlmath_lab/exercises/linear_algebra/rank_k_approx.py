"""Rank-k approximation by SVD (01-linear-algebra/rank_k_approx): the checker."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import A


# -- rank-k approximation by SVD ------------------------------------------------------------------------
def _rank_k_reference(a: Any, k: int) -> tuple[np.ndarray, int, float]:
    torch = _torch()
    at = torch.from_numpy(np.asarray(a, float))
    u, s, vh = torch.linalg.svd(at, full_matrices=False)
    approx = u[:, :k] @ torch.diag(s[:k]) @ vh[:k, :]
    m, n = a.shape
    rel = torch.linalg.matrix_norm(at - approx) / torch.linalg.matrix_norm(at)
    return approx.numpy(), k * (m + n + 1), float(rel)


def _rank_k_cases() -> list[Case]:
    rng = _rng(8)
    low_rank = rng.normal(size=(8, 2)) @ rng.normal(size=(2, 5))
    return [
        Case("(6, 4) matrix, k = 2", (rng.normal(size=(6, 4)), 2)),
        Case("(3, 7) matrix, k = 1", (rng.normal(size=(3, 7)), 1)),
        Case("a rank-2 (8, 5) matrix, k = 2: the error is 0", (low_rank, 2)),
        Case("(5, 5) matrix, k = 5: exact", (rng.normal(size=(5, 5)), 5)),
    ]


def _rank_k_compare(got: Any, expected: Any) -> Mismatch | None:
    """A tuple (A_k, n_params, rel_error), rel_error a Python float, then the values."""
    if not isinstance(got, tuple):
        return Mismatch(
            "type",
            f"return a tuple (A_k, n_params, rel_error); yours is {summarize(got)}",
            summarize(got),
            summarize(expected),
        )
    mismatch = compare(got, expected)
    if mismatch is not None:
        return mismatch
    if not isinstance(got[2], float):
        return Mismatch(
            "type",
            f"output[2]: rel_error must be a Python float (use float(...)); yours is "
            f"{summarize(got[2])}",
            summarize(got[2]),
            summarize(expected[2]),
        )
    return None


def _rank_k_with(
    a: Any,
    k: int,
    *,
    params: int | None = None,
    smallest: bool = False,
    spectral: bool = False,
    relative: bool = True,
    v_convention: bool = False,
    u_rows: bool = False,
) -> tuple[np.ndarray, int, float]:
    a = np.asarray(a, dtype=float)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    keep = slice(len(s) - k, len(s)) if smallest else slice(0, k)
    u_k = u[keep, :] if u_rows else u[:, keep]
    # the MATLAB convention: the third output taken for V, so V_k = V[:, :k] and V_kᵀ its .T
    vt_k = vh[:, keep].T if v_convention else vh[keep, :]
    approx = u_k @ np.diag(s[keep]) @ vt_k
    m, n = a.shape
    order: float | Literal["fro"] = 2 if spectral else "fro"
    error = float(np.linalg.norm(a - approx, order))
    if relative:
        error /= float(np.linalg.norm(a, order))
    return approx, (k * (m + n + 1) if params is None else params), error


RANK_K_APPROX = Checker(
    f"{A}/rank_k_approx",
    title="Rank-k approximation by SVD",
    reference=_rank_k_reference,
    cases=_rank_k_cases,
    comparator=_rank_k_compare,
    misconceptions=[
        Misconception(
            "params-without-singular-values",
            "Count the k singular values too: "
            "U_k has m·k numbers, V_k has n·k and Σ_k has k, so k(m + n + 1).",
            lambda a, k: _rank_k_with(a, k, params=k * (a.shape[0] + a.shape[1])),
        ),
        Misconception(
            "params-full-matrix",
            "The parameter count is what the rank-k factors "
            "store, k(m + n + 1), not the m·n entries of the full matrix.",
            lambda a, k: _rank_k_with(a, k, params=a.shape[0] * a.shape[1]),
        ),
        Misconception(
            "smallest-singular-values",
            "np.linalg.svd sorts singular values in "
            "decreasing order: keep the first k, not the last k.",
            lambda a, k: _rank_k_with(a, k, smallest=True),
        ),
        Misconception(
            "spectral-norm",
            "Use the Frobenius norm (np.linalg.norm's default for "
            "matrices), not the spectral norm (ord=2).",
            lambda a, k: _rank_k_with(a, k, spectral=True),
        ),
        Misconception(
            "absolute-error",
            "rel_error is relative: divide ‖A − A_k‖_F by ‖A‖_F.",
            lambda a, k: _rank_k_with(a, k, relative=False),
        ),
        Misconception(
            "vt-taken-for-v",
            "np.linalg.svd returns Vᵀ (often named Vt or vh), not V as MATLAB does: the right "
            "singular vectors are its *rows*. Keep its first k rows as they are, Vt[:k, :], "
            "with no extra transpose.",
            lambda a, k: _rank_k_with(a, k, v_convention=True),
        ),
        Misconception(
            "u-rows-not-columns",
            "The left singular vectors are the *columns* of U: keep U[:, :k] (all rows, the "
            "first k columns), not U[:k].",
            lambda a, k: _rank_k_with(a, k, u_rows=True),
        ),
    ],
)


CHECKER = RANK_K_APPROX
