"""Pseudoinverse via SVD (02-decompositions/pinv_svd): the checker."""

from __future__ import annotations

from typing import Literal

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import INV
from ._common import LSTSQ, SCIPY, A, _only, _random_orthogonal, _t


# -- pseudoinverse via SVD ---------------------------------------------------------------------------------
# In the wild: no cutoff (robahulme/Python-Test-Programs SVD.py: d = 1.0 / s), a fixed absolute
# threshold (mljs/matrix pseudoInverse.js: Number.EPSILON; data-cleaning/deductive pinv.R:
# 1e-8; 1e-12 in from-scratch graph code), rtol used as an absolute threshold, U and V swapped,
# and np.linalg.svd's default full_matrices=True.
def _pinv_reference(a: np.ndarray, rtol: float | None = None) -> np.ndarray:
    torch = _torch()
    return torch.linalg.pinv(_t(a), rtol=rtol).numpy()


def _pinv_cases() -> list[Case]:
    rng = _rng(27)
    u, _ = np.linalg.qr(rng.normal(size=(5, 3)))
    v = _random_orthogonal(rng, 3)
    graded = (u * np.array([1e-4, 5e-5, 2e-8])) @ v.T  # σ = 1e-4, 5e-5, 2e-8
    return [
        Case("a tall (6, 3) matrix of full rank", (rng.normal(size=(6, 3)),)),
        Case("a wide (2, 5) matrix of full rank", (rng.normal(size=(2, 5)),)),
        Case("a square (4, 4) matrix", (rng.normal(size=(4, 4)),)),
        Case(
            "a rank-2 (6, 4) matrix, entries about 0.05: two singular values are round-off",
            (0.05 * rng.normal(size=(6, 2)) @ rng.normal(size=(2, 4)),),
        ),
        Case(
            "σ = 1e-4, 5e-5, 2e-8 with rtol=1e-3: the last one is cut off",
            (graded,),
            {"rtol": 1e-3},
        ),
        Case(
            "a (4, 3) matrix scaled by 1e-18: no σ is cut off, A⁺ is of order 1e18",
            (1e-18 * rng.normal(size=(4, 3)),),
        ),
        Case("the zero (3, 2) matrix", (np.zeros((3, 2)),)),
    ]


PinvMistake = Literal["no-cutoff", "absolute", "fixed", "transposed", "full-matrices"]


def _pinv_wrong(a: np.ndarray, rtol: float | None, mistake: PinvMistake) -> np.ndarray:
    _only(mistake, PinvMistake)
    a = np.asarray(a, dtype=float)
    u, s, vt = np.linalg.svd(a, full_matrices=mistake == "full-matrices")
    if rtol is None:
        rtol = max(a.shape) * np.finfo(float).eps
    threshold = {"absolute": rtol, "fixed": 1e-10}.get(mistake, rtol * s.max(initial=0.0))
    with np.errstate(divide="ignore"):
        if mistake == "no-cutoff":
            s_inv = 1.0 / s
        else:
            s_inv = np.where(s > threshold, 1.0 / np.where(s > threshold, s, 1.0), 0.0)
    if mistake == "transposed":
        return (u * s_inv) @ vt
    return (vt.T * s_inv) @ u.T


PINV_SVD = Checker(
    f"{A}/pinv_svd",
    title="Pseudoinverse via SVD",
    reference=_pinv_reference,
    cases=_pinv_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-9),
    forbidden=[INV, LSTSQ, SCIPY],
    misconceptions=[
        Misconception(
            "no-cutoff",
            "The reciprocal of a singular value that is only round-off (about 1e-16 · σ_max) "
            "is huge, and 1/0 is inf: set 1/σᵢ to 0 wherever σᵢ ≤ rtol · σ_max.",
            lambda a, rtol=None: _pinv_wrong(a, rtol, "no-cutoff"),
        ),
        Misconception(
            "absolute-cutoff",
            "The cutoff is relative to the largest singular value: compare σᵢ with "
            "rtol · σ_max, not with rtol itself: scaling A by 1e-4 must scale A⁺ by 1e4, not "
            "change which σᵢ count.",
            lambda a, rtol=None: _pinv_wrong(a, rtol, "absolute"),
        ),
        Misconception(
            "fixed-threshold",
            "A fixed threshold (1e-10, 1e-12, machine ε…) ignores both rtol and the scale of A: "
            "a matrix scaled by 1e-18 loses every singular value, and rtol=1e-3 cuts nothing. "
            "Cut σᵢ ≤ rtol · σ_max, with rtol = max(m, n) · ε when it is None.",
            lambda a, rtol=None: _pinv_wrong(a, rtol, "fixed"),
        ),
        Misconception(
            "transposed-factors",
            "A⁺ = V Σ⁺ Uᵀ has shape (n, m) for an (m, n) A: the roles of U and V swap. "
            "With U, s, Vt = np.linalg.svd(A, full_matrices=False), use Vt.T and U.T.",
            lambda a, rtol=None: _pinv_wrong(a, rtol, "transposed"),
        ),
        Misconception(
            "full-matrices",
            "np.linalg.svd returns the *full* U (m, m) and Vt (n, n) by default, which do not "
            "fit the min(m, n) singular values of a non-square A: pass full_matrices=False.",
            lambda a, rtol=None: _pinv_wrong(a, rtol, "full-matrices"),
        ),
    ],
)


CHECKER = PINV_SVD
