"""What several of 02-decompositions's checkers share."""

from __future__ import annotations

from typing import Any, Literal, get_args

import numpy as np

from ...checks.checker import Case, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

# -- what the exercises' "Not allowed here" lines name (torch is always forbidden) ----------------
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="Solutions use NumPy only: scipy.linalg has the ready-made decomposition.",
)
_EIGEN_SVD_OBJECTS = (
    "numpy.linalg.eig",
    "numpy.linalg.eigh",
    "numpy.linalg.eigvals",
    "numpy.linalg.eigvalsh",
    "numpy.linalg.svd",
    "numpy.linalg.svdvals",
)
QR_BY_OTHER_MEANS = Forbidden(
    "np.linalg.svd / eig",
    objects=_EIGEN_SVD_OBJECTS,
    why="Build Q and R yourself, by Gram–Schmidt.",
)
LSTSQ = Forbidden(
    "np.linalg.lstsq",
    objects=("numpy.linalg.lstsq",),
    why="np.linalg.lstsq is the answer the exercise builds.",
)


def _t(x: Any) -> Any:
    """A float64 torch tensor of ``x``."""
    return _torch().from_numpy(np.array(x, dtype=np.float64))


def _sign_fixed(v: np.ndarray) -> np.ndarray:
    """``v`` (or each row of ``v``) flipped so that its largest-magnitude entry is positive."""
    v = np.asarray(v, dtype=float)
    rows = np.atleast_2d(v)
    pivots = rows[np.arange(len(rows)), np.argmax(np.abs(rows), axis=1)]
    signs = np.where(pivots < 0, -1.0, 1.0)[:, None]
    return (rows * signs).reshape(v.shape)


def _random_orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def _align_rows(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``got`` with each row's sign flipped to agree with the same row of ``expected``."""
    g2, e2 = np.atleast_2d(got), np.atleast_2d(expected)
    signs = np.where(np.sum(g2 * e2, axis=1) < 0, -1.0, 1.0)[:, None]
    return (g2 * signs).reshape(np.shape(got))


def _as_floats(value: Any) -> np.ndarray | None:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _only(mistake: str, known: Any) -> None:
    """The helpers below write each known mistake; they have no "no mistake" setting."""
    if mistake not in get_args(known):
        raise ValueError(f"unknown mistake {mistake!r}")


def _lauchli(eps: float, n: int = 3) -> np.ndarray:
    """Läuchli's (n + 1, n) matrix: a row of ones above ε I. Its columns are nearly parallel."""
    return np.vstack([np.ones((1, n)), eps * np.eye(n)])


# -- QR by Gram–Schmidt, classical and modified ---------------------------------------------------------
# In the wild: ‖v‖² on R's diagonal (a GramSchmidt class whose R[j, j] is v · v, with an int32
# R), not normalising, R transposed, no check for m < n, integer inputs stored in an integer Q or
# updated in place, Householder or np.linalg.qr signs (the SciPy-User thread "qr decomposition
# gives negative q, r?"), and for the modified algorithm, the classical one.
def _qr_reference(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    torch = _torch()
    m, n = np.shape(a)
    if m < n:
        raise ValueError(f"{n} columns in R^{m}: they cannot all be orthonormal")
    q, r = torch.linalg.qr(_t(a), mode="reduced")
    signs = torch.sign(torch.diagonal(r))  # R's diagonal positive, as Gram–Schmidt makes it
    return (q * signs).numpy(), (r * signs[:, None]).numpy()


def _qr_common_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case("a tall (5, 3) matrix", (rng.normal(size=(5, 3)),)),
        Case("a square (4, 4) matrix", (rng.normal(size=(4, 4)),)),
        Case("a single column (6, 1)", (rng.normal(size=(6, 1)),)),
        Case("a tall (8, 5) matrix of integers", (rng.integers(-4, 5, size=(8, 5)),)),
    ]


def _qr_compare(got: Any, expected: Any) -> Mismatch | None:
    # Modified Gram–Schmidt's Q is accurate to about κ(A)·ε ≤ 1e-8 on the ill-conditioned
    # cases; classical Gram–Schmidt's is off by 1e-5 to 0.5 there.
    return compare(got, expected, rtol=1e-7, atol=1e-8)


GramSchmidtMistake = Literal[
    "classical",  # qr_modified's mistake; for qr_classical this is the algorithm itself
    "not-normalised",
    "squared-norm",
    "r-transposed",
    "no-shape-check",
    "integer-q",
    "integer-in-place",
]


def _gram_schmidt_wrong(
    a: np.ndarray, *, modified: bool, mistake: GramSchmidtMistake
) -> tuple[np.ndarray, np.ndarray]:
    """Gram–Schmidt as a student writes it with ``mistake`` (coefficients from the updated
    vector when ``modified``)."""
    _only(mistake, GramSchmidtMistake)
    if mistake not in ("integer-q", "integer-in-place"):
        a = np.asarray(a, dtype=float)  # those two forget this line
    m, n = a.shape
    if m < n and mistake != "no-shape-check":
        raise ValueError(f"{n} columns in R^{m}: they cannot all be orthonormal")
    q = np.zeros_like(a) if mistake == "integer-q" else np.zeros((m, n))
    r = np.zeros((n, n))
    for j in range(n):
        if mistake == "integer-q":  # the vectorised classical loop, into an integer Q
            r[:j, j] = q[:, :j].T @ a[:, j]
            v = a[:, j] - q[:, :j] @ r[:j, j]
        else:
            v = a[:, j].copy()
            for i in range(j):
                r[i, j] = q[:, i] @ (v if modified else a[:, j])
                v -= r[i, j] * q[:, i]  # in place: fails on an integer v
        if mistake == "squared-norm":
            r[j, j] = v @ v
        else:
            r[j, j] = np.linalg.norm(v)
        q[:, j] = v if mistake == "not-normalised" else v / r[j, j]
    return q, (r.T if mistake == "r-transposed" else r)


def _householder_signs(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Householder QR as the textbook writes it (Trefethen & Bau, algorithm 10.1): every column,
    the last one of a square A included, is reflected onto −sign(x₁)‖x‖ e₁, so R's diagonal
    keeps the signs the reflections give it."""
    a = np.asarray(a, dtype=float)
    m, n = a.shape
    if m < n:
        raise ValueError(f"{n} columns in R^{m}: they cannot all be orthonormal")
    r, q = a.copy(), np.eye(m)
    for j in range(n):
        x = r[j:, j]
        u = x.copy()
        u[0] += np.linalg.norm(x) * (1.0 if x[0] >= 0 else -1.0)
        u /= np.linalg.norm(u)
        r[j:, :] -= 2.0 * np.outer(u, u @ r[j:, :])
        q[:, j:] -= 2.0 * np.outer(q[:, j:] @ u, u)
    return q[:, :n], np.triu(r[:n, :])


_INTEGER_HINT = (
    "A holds integers here: convert it first, A = np.asarray(A, dtype=float). An integer "
    "array (np.zeros_like(A), A.copy(), A[:, j].copy()) truncates v / ‖v‖ to whole numbers, "
    "and `v -= r * q` on it raises a casting error."
)
_R_TRANSPOSED_HINT = (
    "R must be upper triangular: R[i, j] = q_i · a_j sits in row i, column j, for i ≤ j. "
    "Yours is its transpose."
)
_NOT_NORMALISED_HINT = (
    "Divide each v_j by its length: q_j = v_j / ‖v_j‖, and ‖v_j‖ goes on R's diagonal."
)
_SQUARED_NORM_HINT = (
    "r_jj is the length ‖v_j‖ = sqrt(v_j · v_j), not v_j · v_j: with the squared length, "
    "q_j = v_j / (v_j · v_j) is not a unit vector and Q R ≠ A."
)
_NO_SHAPE_CHECK_HINT = (
    "Raise ValueError when A has more columns than rows (m < n): n vectors in R^m cannot all "
    "be orthonormal, and Gram–Schmidt then divides 0 by 0."
)
_SIGNS_HINT = (
    "Some diagonal entries of your R are negative, as Householder reflections leave them "
    "(np.linalg.qr's too). QR is unique once R's diagonal is positive, as Gram–Schmidt "
    "makes it: flip the sign of column j of Q and of row j of R wherever R[j, j] < 0."
)


def _gram_schmidt_misconceptions(modified: bool) -> list[Misconception]:
    def wrong(mistake: GramSchmidtMistake) -> Any:
        return lambda a: _gram_schmidt_wrong(a, modified=modified, mistake=mistake)

    mistakes = [
        Misconception("not-normalised", _NOT_NORMALISED_HINT, wrong("not-normalised")),
        Misconception("squared-norm", _SQUARED_NORM_HINT, wrong("squared-norm")),
        Misconception("r-transposed", _R_TRANSPOSED_HINT, wrong("r-transposed")),
        Misconception("no-shape-check", _NO_SHAPE_CHECK_HINT, wrong("no-shape-check")),
        Misconception("integer-in-place", _INTEGER_HINT, wrong("integer-in-place")),
        Misconception("negative-diagonal", _SIGNS_HINT, _householder_signs),
    ]
    if not modified:
        mistakes.append(Misconception("integer-q", _INTEGER_HINT, wrong("integer-q")))
    return mistakes
