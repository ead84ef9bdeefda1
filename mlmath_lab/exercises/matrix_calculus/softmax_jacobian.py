"""Jacobian of softmax (03-matrix-calculus/softmax_jacobian): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NUMPY_ONLY, A, _t


# -- softmax Jacobian ------------------------------------------------------------------------------
def _softmax_jacobian_reference(z: Any) -> np.ndarray:
    # autograd row by row: torch.func's jacrev/vmap would import torch._dynamo (about 1 s of
    # a student's first check) for the same numbers
    torch = _torch()

    def jacobian(v: Any) -> Any:
        return torch.autograd.functional.jacobian(lambda u: torch.softmax(u, dim=-1), v)

    zt = _t(z)
    rows = zt.reshape(-1, zt.shape[-1])
    jacobians = [jacobian(row) for row in rows]
    n = zt.shape[-1]
    stacked = torch.stack(jacobians) if jacobians else torch.zeros(0, n, n, dtype=zt.dtype)
    return stacked.reshape(*zt.shape, n).numpy()


def _softmax_jacobian_cases() -> list[Case]:
    rng = _rng(34)
    return [
        Case("a vector of 4 logits", (np.array([0.5, -1.0, 2.0, 0.0]),)),
        Case("a batch of 3 rows of 5 logits: shape (3, 5, 5)", (rng.normal(size=(3, 5)),)),
        Case("huge logits [1000, 1001, 1002]", (np.array([1000.0, 1001.0, 1002.0]),)),
        Case("a single logit: the Jacobian is [[0]]", (np.array([0.7]),)),
        Case("a batch of one row of 3 logits: shape (1, 3, 3)", (np.array([[0.2, -0.4, 1.1]]),)),
        Case("a batch of 2 rows of 6 logits scaled by 10", (10 * rng.normal(size=(2, 6)),)),
    ]


ROW_SUM_TOLERANCE = 1e-12


def _softmax_jacobian_close(got: Any, expected: Any) -> Mismatch | None:
    """The values, then the rows' sums: adding a constant to every logit does not change the
    softmax, so each row of J sums to 0 (to round-off, 1e-12)."""
    found = compare(got, expected)
    if found is not None:
        return found
    sums = np.abs(np.asarray(got, dtype=float).sum(axis=-1))
    if sums.size and np.max(sums) > ROW_SUM_TOLERANCE:
        return Mismatch(
            "value",
            f"each row of a softmax Jacobian sums to 0 (to {ROW_SUM_TOLERANCE:g}); one of "
            f"yours sums to {np.max(sums):.3g}",
            summarize(got),
            summarize(expected),
        )
    return None


def _stable_softmax(z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _diag(s: np.ndarray) -> np.ndarray:
    return s[..., :, None] * np.eye(s.shape[-1])


def _jacobian_from(s: np.ndarray) -> np.ndarray:
    return _diag(s) - s[..., :, None] * s[..., None, :]


def _softmax_jacobian_overflow(z: Any) -> np.ndarray:
    e = np.exp(np.asarray(z, dtype=float))
    return _jacobian_from(e / e.sum(axis=-1, keepdims=True))


def _softmax_jacobian_diagonal_only(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return _diag(s) * (1 - s[..., :, None])


def _softmax_jacobian_no_diagonal(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return -s[..., :, None] * s[..., None, :]


def _softmax_jacobian_inner(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    # s @ s.T on a 1-D s is the number sᵀs (.T does nothing to a vector), not the matrix s sᵀ
    return _diag(s) - (s * s).sum(axis=-1)[..., None, None]


def _softmax_jacobian_logits(z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    s = _stable_softmax(z)
    return _diag(s) - s[..., :, None] * z[..., None, :]


def _softmax_jacobian_one_vector(z: Any) -> np.ndarray:
    s = _stable_softmax(z)
    return np.diag(s) - np.outer(s, s)  # for a batch, np.diag and np.outer misread s


SOFTMAX_JACOBIAN = Checker(
    f"{A}/softmax_jacobian",
    title="Jacobian of softmax",
    reference=_softmax_jacobian_reference,
    cases=_softmax_jacobian_cases,
    comparator=_softmax_jacobian_close,
    forbidden=NUMPY_ONLY,
    misconceptions=[
        Misconception(
            "diagonal-only",
            "Only your diagonal s_i(1 − s_i) is right: every output depends on every logit, so "
            "the off-diagonal entries are ∂s_i/∂z_j = −s_i s_j. J = diag(s) − s sᵀ.",
            _softmax_jacobian_diagonal_only,
        ),
        Misconception(
            "missing-diagonal",
            "You left out the diagonal term: ∂s_i/∂z_j = s_i(δ_ij − s_j), and δ_ij adds s_i on "
            "the diagonal. J = diag(s) − s sᵀ, not −s sᵀ.",
            _softmax_jacobian_no_diagonal,
        ),
        Misconception(
            "inner-not-outer",
            "You subtracted the number sᵀs from every entry: for a 1-D array s, s.T is s "
            "itself, so s @ s.T (or np.dot(s, s.T)) is the inner product. The outer product "
            "s sᵀ is np.outer(s, s), or s[:, None] * s[None, :].",
            _softmax_jacobian_inner,
        ),
        Misconception(
            "logits-instead-of-softmax",
            "You used the logits z where the softmax s belongs: ∂s_i/∂z_j = s_i(δ_ij − s_j), "
            "with s on both sides, not s_i(δ_ij − z_j).",
            _softmax_jacobian_logits,
        ),
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Compute the "
            "softmax stably, subtracting the maximum logit first, then build diag(s) − s sᵀ.",
            _softmax_jacobian_overflow,
        ),
        Misconception(
            "diag-outer-on-a-batch",
            "np.diag and np.outer handle one vector only: on a (N, K) batch np.diag extracts a "
            "diagonal and np.outer flattens. Build (N, K, K) with broadcasting: "
            "s[..., :, None] * np.eye(K) − s[..., :, None] * s[..., None, :].",
            _softmax_jacobian_one_vector,
        ),
    ],
)


CHECKER = SOFTMAX_JACOBIAN
