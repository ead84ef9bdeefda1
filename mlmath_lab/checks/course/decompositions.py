"""Checkers for assignment 02 — Matrix decompositions: eigen, SVD, QR, least squares, PCA.

References are torch (float64), never a copy of the expected solution: eigenvectors come from
``torch.linalg.eigh``, singular values and rank-k errors from ``torch.linalg.svd`` and an explicit
reconstruction, QR from ``torch.linalg.qr`` (signs normalised so that R has a positive diagonal),
least squares from ``torch.linalg.lstsq`` and pseudoinverses from ``torch.linalg.pinv``.

Eigenvectors and principal components are defined only up to sign, so their comparators align
the sign of the student's vector with the reference before comparing. The exercises also ask
for a sign convention (largest-magnitude entry positive) so that a student's output can be
matched exactly against the known mistakes below.

Cases are non-square wherever the exercise allows it (tall and wide matrices), and include the
matrix the exercise is about: a negative dominant eigenvalue, an ill-conditioned matrix where
classical Gram–Schmidt or the normal equations lose their accuracy, a rank-deficient matrix
whose tiny singular values must be cut off.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "02-decompositions"
A = ASSIGNMENT


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


def _with_spectrum(rng: np.random.Generator, eigenvalues: list[float]) -> np.ndarray:
    """A symmetric matrix with the given eigenvalues and random orthonormal eigenvectors."""
    q = _random_orthogonal(rng, len(eigenvalues))
    return (q * np.asarray(eigenvalues)) @ q.T


def _align_rows(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``got`` with each row's sign flipped to agree with the same row of ``expected``."""
    g2, e2 = np.atleast_2d(got), np.atleast_2d(expected)
    signs = np.where(np.sum(g2 * e2, axis=1) < 0, -1.0, 1.0)[:, None]
    return (g2 * signs).reshape(np.shape(got))


def _compare_up_to_sign(
    got: Any, expected: tuple[Any, ...], signed: int, rtol: float, atol: float
) -> Mismatch | None:
    """Compare tuples, allowing output[``signed``] (a vector or rows of vectors) to flip sign."""
    if isinstance(got, tuple | list) and len(got) == len(expected):
        item = got[signed]
        try:
            mine = np.asarray(item, dtype=float)
        except (TypeError, ValueError):
            mine = None
        if mine is not None and mine.shape == np.shape(expected[signed]):
            got = tuple(got)
            got = (*got[:signed], _align_rows(mine, expected[signed]), *got[signed + 1 :])
    return compare(got, expected, rtol=rtol, atol=atol)


# -- power iteration ----------------------------------------------------------------------------
def _power_iteration_reference(a: np.ndarray, num_iters: int = 500) -> tuple[float, np.ndarray]:
    torch = _torch()
    eigenvalues, eigenvectors = torch.linalg.eigh(_t(a))
    top = int(torch.argmax(eigenvalues.abs()))
    return float(eigenvalues[top]), _sign_fixed(eigenvectors[:, top].numpy())


def _power_iteration_cases() -> list[Case]:
    rng = _rng(21)
    x = rng.normal(size=(20, 5)) * np.array([3.0, 1.0, 1.0, 0.5, 0.5])
    data = rng.normal(size=(60, 8)) @ rng.normal(size=(8, 8))
    centred = data - data.mean(axis=0)
    return [
        Case(
            "a (3, 3) symmetric matrix",
            (np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]]),),
        ),
        Case("the Gram matrix XᵀX of a tall (20, 5) X", (x.T @ x,)),
        Case("the covariance of (60, 8) data", (centred.T @ centred / 60,)),
        Case(
            "dominant eigenvalue −5 (eigenvalues −5, 3, 1, 0.5)",
            (_with_spectrum(rng, [-5.0, 3.0, 1.0, 0.5]),),
        ),
        Case("a (1, 1) matrix [[−2.5]]", (np.array([[-2.5]]),)),
        Case(
            "λ₂/λ₁ = 0.98, num_iters=3000",
            (_with_spectrum(rng, [5.0, 4.9, 2.0, 1.0, 0.2, 0.1]),),
            {"num_iters": 3000},
        ),
    ]


def _power_iteration_with(
    a: np.ndarray, num_iters: int = 500, *, norm_eigenvalue: bool = False, normalise: bool = True
) -> tuple[float, np.ndarray]:
    a = np.asarray(a, dtype=float)
    v = np.ones(a.shape[0]) / np.sqrt(a.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_iters):
            w = a @ v
            v = w / np.linalg.norm(w) if normalise else w
        v = v / np.linalg.norm(v)
        eigenvalue = np.linalg.norm(a @ v) if norm_eigenvalue else v @ a @ v
    return float(eigenvalue), _sign_fixed(v)


def _power_iteration_compare(got: Any, expected: Any) -> Mismatch | None:
    return _compare_up_to_sign(got, expected, signed=1, rtol=1e-7, atol=1e-8)


POWER_ITERATION = Checker(
    f"{A}/power_iteration",
    title="Power iteration",
    reference=_power_iteration_reference,
    cases=_power_iteration_cases,
    comparator=_power_iteration_compare,
    misconceptions=[
        Misconception(
            "eigenvalue-as-norm",
            "‖A v‖ is |λ|: it loses the sign of a negative eigenvalue. Estimate the eigenvalue "
            "with the Rayleigh quotient λ = vᵀ A v (v of unit length).",
            lambda a, num_iters=500: _power_iteration_with(a, num_iters, norm_eigenvalue=True),
        ),
        Misconception(
            "not-normalised",
            "Normalise v after every multiplication (v ← A v / ‖A v‖): without it Aᵏ v grows "
            "like |λ₁|ᵏ and overflows to inf, then nan.",
            lambda a, num_iters=500: _power_iteration_with(a, num_iters, normalise=False),
        ),
    ],
)


# -- Eckart–Young: the error of every rank-k approximation ----------------------------------------
def _rank_k_errors_reference(a: np.ndarray) -> np.ndarray:
    # Build every A_k explicitly and measure it: the exercise computes the same numbers from the
    # singular values alone, so passing this check *is* the Eckart–Young error formula.
    torch = _torch()
    at = _t(a)
    u, s, vh = torch.linalg.svd(at, full_matrices=False)
    errors = [
        torch.linalg.matrix_norm(at - (u[:, :k] * s[:k]) @ vh[:k, :]).item()
        for k in range(len(s) + 1)
    ]
    return np.array(errors)


def _rank_k_errors_cases() -> list[Case]:
    rng = _rng(22)
    return [
        Case("a tall (7, 4) matrix", (rng.normal(size=(7, 4)),)),
        Case("a wide (3, 8) matrix", (rng.normal(size=(3, 8)),)),
        Case(
            "a rank-2 (6, 5) matrix: errors are 0 from k = 2 on",
            (rng.normal(size=(6, 2)) @ rng.normal(size=(2, 5)),),
        ),
        Case("a single row (1, 5)", (rng.normal(size=(1, 5)),)),
        Case("a (5, 5) matrix scaled by 1000", (1000 * rng.normal(size=(5, 5)),)),
    ]


def _rank_k_errors_compare(got: Any, expected: Any) -> Mismatch | None:
    # errs[r] is 0 for the student and about 1e-15·‖A‖ for the reconstruction: scale atol.
    scale = max(1.0, float(np.max(np.abs(expected))))
    return compare(got, expected, rtol=1e-7, atol=1e-10 * scale)


def _singular_values(a: np.ndarray) -> np.ndarray:
    return np.linalg.svd(np.asarray(a, dtype=float), compute_uv=False)


def _tail_sums(s: np.ndarray) -> np.ndarray:
    """sum(s[k:] ** 2) for k = 0, ..., len(s)."""
    return np.append(np.cumsum((s**2)[::-1])[::-1], 0.0)


RANK_K_ERRORS = Checker(
    f"{A}/rank_k_errors",
    title="Eckart–Young: the error of every rank-k approximation",
    reference=_rank_k_errors_reference,
    cases=_rank_k_errors_cases,
    comparator=_rank_k_errors_compare,
    misconceptions=[
        Misconception(
            "no-square-root",
            "These are squared errors ‖A − A_k‖²_F: take the square root of the sum of the "
            "discarded σᵢ².",
            lambda a: _tail_sums(_singular_values(a)),
        ),
        Misconception(
            "off-by-one",
            "Off by one: A_k keeps σ₁, …, σ_k, which is s[:k] in 0-based NumPy, so its error "
            "sums s[k:] ** 2 — and errs[0] (nothing kept) is ‖A‖_F.",
            lambda a: np.sqrt(np.append(_tail_sums(_singular_values(a))[1:], 0.0)),
        ),
        Misconception(
            "spectral-error",
            "σ_{k+1} alone is the error in the spectral norm (ord=2). The Frobenius error adds up "
            "*all* the discarded singular values: sqrt(σ_{k+1}² + … + σ_r²).",
            lambda a: np.append(_singular_values(a), 0.0),
        ),
        Misconception(
            "missing-k-zero",
            "Start at k = 0 (nothing kept, error ‖A‖_F): the result has min(m, n) + 1 entries, "
            "for k = 0, 1, …, min(m, n).",
            lambda a: np.sqrt(_tail_sums(_singular_values(a))[1:]),
        ),
    ],
)


# -- loss of orthogonality ‖QᵀQ − I‖_F ---------------------------------------------------------------
def _orthogonality_reference(q: np.ndarray) -> float:
    torch = _torch()
    qt = _t(q)
    n = qt.shape[1]
    return torch.linalg.matrix_norm(qt.T @ qt - torch.eye(n, dtype=torch.float64)).item()


def _orthogonality_cases() -> list[Case]:
    rng = _rng(23)
    torch = _torch()
    orthonormal = torch.linalg.qr(_t(rng.normal(size=(6, 3)))).Q.numpy()
    nearly = orthonormal + 1e-3 * rng.normal(size=(6, 3))
    unit = np.array([1.0, 2.0, 2.0, 0.0]) / 3.0
    return [
        Case("orthonormal columns, (6, 3)", (orthonormal,)),
        Case("a random (5, 3) matrix", (rng.normal(size=(5, 3)),)),
        Case("orthonormal columns plus noise 1e-3, (6, 3)", (nearly,)),
        Case("2 × an orthogonal (4, 4) matrix", (2.0 * _random_orthogonal(rng, 4),)),
        Case("two equal unit columns, (4, 2)", (np.stack([unit, unit], axis=1),)),
        Case("a wide (2, 3) matrix", (rng.normal(size=(2, 3)),)),
    ]


ORTHOGONALITY_ERROR = Checker(
    f"{A}/orthogonality_error",
    title="Loss of orthogonality ‖QᵀQ − I‖",
    reference=_orthogonality_reference,
    cases=_orthogonality_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-10),
    misconceptions=[
        Misconception(
            "q-q-transpose",
            "For a tall Q (m > n), Q Qᵀ is the m × m projection onto the span of the columns, not "
            "the identity, even when the columns are orthonormal. Measure QᵀQ − I (n × n): "
            "entry (i, j) is q_i · q_j.",
            lambda q: float(np.linalg.norm(q @ q.T - np.eye(q.shape[0]))),
        ),
        Misconception(
            "spectral-norm",
            "Use the Frobenius norm (np.linalg.norm's default for matrices), not the spectral "
            "norm (ord=2).",
            lambda q: float(np.linalg.norm(q.T @ q - np.eye(q.shape[1]), 2)),
        ),
        Misconception(
            "squared",
            "That is ‖QᵀQ − I‖²_F: take the square root of the sum of squares.",
            lambda q: float(np.sum((q.T @ q - np.eye(q.shape[1])) ** 2)),
        ),
    ],
)


# -- QR by Gram–Schmidt, classical and modified ---------------------------------------------------------
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


def _qr_classical_cases() -> list[Case]:
    return [
        *_qr_common_cases(_rng(24)),
        Case("a wide (3, 5) matrix: must raise ValueError", (np.ones((3, 5)),)),
    ]


def _lauchli(eps: float) -> np.ndarray:
    return np.vstack([np.ones((1, 3)), eps * np.eye(3)])


def _qr_modified_cases() -> list[Case]:
    return [
        *_qr_common_cases(_rng(25)),
        Case(
            "the ill-conditioned (20, 10) Vandermonde matrix of 0, 1/19, …, 1 (κ ≈ 4e6)",
            (np.vander(np.linspace(0.0, 1.0, 20), 10, increasing=True),),
        ),
        Case("Läuchli's (4, 3) matrix [1 1 1; ε I] with ε = 1e-6 (κ ≈ 2e6)", (_lauchli(1e-6),)),
        Case("a wide (2, 4) matrix: must raise ValueError", (np.ones((2, 4)),)),
    ]


def _qr_compare(got: Any, expected: Any) -> Mismatch | None:
    # Modified Gram–Schmidt's Q is accurate to about κ(A)·ε ≈ 1e-10 on the ill-conditioned
    # cases; classical Gram–Schmidt's is off by 1e-2 there.
    return compare(got, expected, rtol=1e-7, atol=1e-8)


def _gram_schmidt(
    a: np.ndarray, *, modified: bool, normalise: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, dtype=float)
    m, n = a.shape
    if m < n:
        raise ValueError(f"{n} columns in R^{m}: they cannot all be orthonormal")
    q, r = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = a[:, j].copy()
        for i in range(j):
            r[i, j] = q[:, i] @ (v if modified else a[:, j])
            v -= r[i, j] * q[:, i]
        r[j, j] = np.linalg.norm(v)
        q[:, j] = v / r[j, j] if normalise else v
    return q, r


_R_TRANSPOSED_HINT = (
    "R must be upper triangular: R[i, j] = q_i · a_j sits in row i, column j, for i ≤ j. "
    "Yours is its transpose."
)


def _transposed_r(a: np.ndarray, modified: bool) -> tuple[np.ndarray, np.ndarray]:
    q, r = _gram_schmidt(a, modified=modified)
    return q, r.T


QR_CLASSICAL = Checker(
    f"{A}/qr_classical",
    title="QR by classical Gram–Schmidt",
    reference=_qr_reference,
    cases=_qr_classical_cases,
    comparator=_qr_compare,
    misconceptions=[
        Misconception(
            "not-normalised",
            "Divide each v_j by its length: q_j = v_j / ‖v_j‖, and ‖v_j‖ goes on R's diagonal.",
            lambda a: _gram_schmidt(a, modified=False, normalise=False),
        ),
        Misconception(
            "r-transposed", _R_TRANSPOSED_HINT, lambda a: _transposed_r(a, modified=False)
        ),
    ],
)

QR_MODIFIED = Checker(
    f"{A}/qr_modified",
    title="QR by modified Gram–Schmidt",
    reference=_qr_reference,
    cases=_qr_modified_cases,
    comparator=_qr_compare,
    misconceptions=[
        Misconception(
            "classical-gram-schmidt",
            "This is classical Gram–Schmidt: every coefficient is computed from the *original* "
            "column (q_i · a_j), and on an ill-conditioned matrix Q stops being orthogonal. "
            "Modified Gram–Schmidt projects the *updated* vector: r_ij = q_i · v, then "
            "v ← v − r_ij q_i, one i at a time.",
            lambda a: _gram_schmidt(a, modified=False),
        ),
        Misconception(
            "not-normalised",
            "Divide each v_j by its length: q_j = v_j / ‖v_j‖, and ‖v_j‖ goes on R's diagonal.",
            lambda a: _gram_schmidt(a, modified=True, normalise=False),
        ),
        Misconception("r-transposed", _R_TRANSPOSED_HINT, lambda a: _transposed_r(a, True)),
    ],
)


# -- least squares via QR -------------------------------------------------------------------------------
def _lstsq_reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    torch = _torch()
    b = np.asarray(b, dtype=float)
    rhs = _t(b[:, None] if b.ndim == 1 else b)
    x = torch.linalg.lstsq(_t(a), rhs).solution
    return x[:, 0].numpy() if b.ndim == 1 else x.numpy()


def _lstsq_cases() -> list[Case]:
    rng = _rng(26)
    t = np.linspace(0.0, 5.0, 6)
    line = np.stack([np.ones_like(t), t], axis=1)
    vander = np.vander(np.linspace(0.0, 1.0, 40), 10, increasing=True)
    return [
        Case(
            "fit a line to 6 points: A (6, 2), b (6,)",
            (line, 1.5 - 0.7 * t + 0.3 * rng.normal(size=6)),
        ),
        Case("A = ones (5, 1): the answer is the mean of b", (np.ones((5, 1)), rng.normal(size=5))),
        Case(
            "three right-hand sides: A (8, 3), b (8, 3)",
            (rng.normal(size=(8, 3)), rng.normal(size=(8, 3))),
        ),
        Case(
            "a square (4, 4) system: the exact solution",
            (rng.normal(size=(4, 4)), rng.normal(size=4)),
        ),
        Case(
            "an ill-conditioned (40, 10) Vandermonde matrix (κ ≈ 4e6), b = A x",
            (vander, vander @ rng.normal(size=10)),
        ),
    ]


def _lstsq_compare(got: Any, expected: Any) -> Mismatch | None:
    # QR is accurate to about κ(A)·ε ≈ 1e-9 on the Vandermonde case; the normal equations to
    # κ(A)²·ε ≈ 1e-4.
    return compare(got, expected, rtol=1e-7, atol=1e-8)


def _qr_solve(
    a: np.ndarray, b: np.ndarray, mode: Literal["reduced", "complete"] = "reduced"
) -> np.ndarray:
    q, r = np.linalg.qr(np.asarray(a, dtype=float), mode=mode)
    return np.linalg.solve(r, q.T @ np.asarray(b, dtype=float))


LSTSQ_QR = Checker(
    f"{A}/lstsq_qr",
    title="Least squares via QR",
    reference=_lstsq_reference,
    cases=_lstsq_cases,
    comparator=_lstsq_compare,
    misconceptions=[
        Misconception(
            "normal-equations",
            "Solving the normal equations AᵀA x = Aᵀb squares the condition number "
            "(κ(AᵀA) = κ(A)²) and loses about half of the digits on an ill-conditioned A. "
            "Factor A = QR and solve R x = Qᵀ b instead.",
            lambda a, b: np.linalg.solve(a.T @ a, a.T @ b),
        ),
        Misconception(
            "forgot-r",
            "Qᵀb is R x, not x: solve the triangular system R x = Qᵀ b as well.",
            lambda a, b: np.linalg.qr(np.asarray(a, dtype=float))[0].T @ b,
        ),
        Misconception(
            "complete-qr",
            "With mode='complete', Q is (m, m) and R is (m, n), not square: use the reduced "
            "QR (np.linalg.qr's default), whose R is (n, n).",
            lambda a, b: _qr_solve(a, b, mode="complete"),
        ),
    ],
)


# -- pseudoinverse via SVD ---------------------------------------------------------------------------------
def _pinv_reference(a: np.ndarray, rtol: float | None = None) -> np.ndarray:
    torch = _torch()
    return torch.linalg.pinv(_t(a), rtol=rtol).numpy()


def _pinv_cases() -> list[Case]:
    rng = _rng(27)
    u, _ = np.linalg.qr(rng.normal(size=(5, 3)))
    v = _random_orthogonal(rng, 3)
    graded = (u * np.array([1e-4, 5e-5, 1e-9])) @ v.T  # σ = 1e-4, 5e-5, 1e-9
    return [
        Case("a tall (6, 3) matrix of full rank", (rng.normal(size=(6, 3)),)),
        Case("a wide (2, 5) matrix of full rank", (rng.normal(size=(2, 5)),)),
        Case(
            "a rank-2 (6, 4) matrix, entries about 0.05: two singular values are round-off",
            (0.05 * rng.normal(size=(6, 2)) @ rng.normal(size=(2, 4)),),
        ),
        Case(
            "σ = 1e-4, 5e-5, 1e-9 with rtol=1e-3: the last one is cut off",
            (graded,),
            {"rtol": 1e-3},
        ),
        Case("the zero (3, 2) matrix", (np.zeros((3, 2)),)),
    ]


def _pinv_with(
    a: np.ndarray, rtol: float | None = None, *, cutoff: str = "relative", transposed: bool = False
) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    if rtol is None:
        rtol = max(a.shape) * np.finfo(float).eps
    with np.errstate(divide="ignore"):
        if cutoff == "none":
            s_inv = 1.0 / s
        else:
            threshold = rtol * (s.max() if cutoff == "relative" else 1.0)
            s_inv = np.where(s > threshold, 1.0 / np.where(s > threshold, s, 1.0), 0.0)
    if transposed:
        return (u * s_inv) @ vt
    return (vt.T * s_inv) @ u.T


PINV_SVD = Checker(
    f"{A}/pinv_svd",
    title="Pseudoinverse via SVD",
    reference=_pinv_reference,
    cases=_pinv_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-9),
    misconceptions=[
        Misconception(
            "no-cutoff",
            "The reciprocal of a singular value that is only round-off (about 1e-16 · σ_max) "
            "is huge, and 1/0 is inf: set 1/σᵢ to 0 wherever σᵢ ≤ rtol · σ_max.",
            lambda a, rtol=None: _pinv_with(a, rtol, cutoff="none"),
        ),
        Misconception(
            "absolute-cutoff",
            "The cutoff is relative to the largest singular value: compare σᵢ with "
            "rtol · σ_max, not with rtol itself: scaling A by 1e-4 must scale A⁺ by 1e4, not "
            "change which σᵢ count.",
            lambda a, rtol=None: _pinv_with(a, rtol, cutoff="absolute"),
        ),
        Misconception(
            "transposed-factors",
            "A⁺ = V Σ⁺ Uᵀ has shape (n, m) for an (m, n) A: the roles of U and V swap. "
            "With U, s, Vt = np.linalg.svd(A, full_matrices=False), use Vt.T and U.T.",
            lambda a, rtol=None: _pinv_with(a, rtol, transposed=True),
        ),
    ],
)


# -- PCA ------------------------------------------------------------------------------------------------------
def _pca_reference(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Through the SVD of the centred data: σᵢ² / N are the eigenvalues of the biased covariance.
    torch = _torch()
    xt = _t(x)
    centred = xt - xt.mean(dim=0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    variances = s**2 / xt.shape[0]
    return (
        _sign_fixed(vh[:k].numpy()),
        variances[:k].numpy(),
        (variances[:k] / variances.sum()).numpy(),
    )


def _pca_cases() -> list[Case]:
    rng = _rng(28)
    mixing = np.array([[3.0, 1.0, 0.5], [0.0, 1.0, 0.3], [0.0, 0.0, 0.2]])
    return [
        Case(
            "(50, 3) correlated data with mean (5, −2, 1), k = 2",
            (rng.normal(size=(50, 3)) @ mixing + np.array([5.0, -2.0, 1.0]), 2),
        ),
        Case(
            "(200, 5) data, k = 1",
            (rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5)) + 3.0, 1),
        ),
        Case(
            "(40, 4) data, all k = 4 components: the ratios sum to 1",
            (rng.normal(size=(40, 4)) * np.array([4.0, 2.0, 1.0, 0.5]) - 1.0, 4),
        ),
        Case(
            "wide data: N = 6 samples of d = 10 features, k = 3",
            (rng.normal(size=(6, 10)) * np.linspace(3.0, 1.0, 10), 3),
        ),
        Case(
            "(30, 2) data far from the origin (mean 100), k = 1",
            (rng.normal(size=(30, 2)) @ np.array([[1.0, 0.2], [0.0, 0.5]]) + 100.0, 1),
        ),
    ]


def _pca_with(
    x: np.ndarray,
    k: int,
    *,
    cov: str = "biased",
    centre: bool = True,
    ascending: bool = False,
    rows: bool = False,
    ratio_of_top: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    if cov == "unbiased":
        c = np.cov(x, rowvar=False)
    elif cov == "rowvar":
        c = np.cov(x, bias=True)
    else:
        xc = x - x.mean(axis=0) if centre else x
        c = xc.T @ xc / len(x)
    eigenvalues, eigenvectors = np.linalg.eigh(c)  # ascending
    order = np.arange(len(eigenvalues)) if ascending else np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    components = eigenvectors[:k] if rows else eigenvectors[:, :k].T
    variances = eigenvalues[:k]
    total = variances.sum() if ratio_of_top else eigenvalues.sum()
    return _sign_fixed(components), variances, variances / total


def _pca_compare(got: Any, expected: Any) -> Mismatch | None:
    return _compare_up_to_sign(got, expected, signed=0, rtol=1e-7, atol=1e-8)


PCA = Checker(
    f"{A}/pca",
    title="PCA: components and explained variance",
    reference=_pca_reference,
    cases=_pca_cases,
    comparator=_pca_compare,
    misconceptions=[
        Misconception(
            "np-cov-unbiased",
            "np.cov divides by N − 1 by default (the unbiased estimate). This exercise asks for "
            "the biased covariance, which divides by N: pass bias=True, or compute "
            "Xcᵀ Xc / N yourself.",
            lambda x, k: _pca_with(x, k, cov="unbiased"),
        ),
        Misconception(
            "np-cov-rowvar",
            "np.cov treats each *row* as a variable by default, but here each row is a sample: "
            "pass rowvar=False (the covariance must be d × d, not N × N).",
            lambda x, k: _pca_with(x, k, cov="rowvar"),
        ),
        Misconception(
            "not-centred",
            "Subtract the mean of each feature first (Xc = X − X.mean(axis=0)): otherwise the "
            "first 'component' points at the mean of the data, not along its spread.",
            lambda x, k: _pca_with(x, k, centre=False),
        ),
        Misconception(
            "eigh-ascending",
            "np.linalg.eigh returns eigenvalues in *increasing* order: the top k components "
            "are the last k, largest first.",
            lambda x, k: _pca_with(x, k, ascending=True),
        ),
        Misconception(
            "eigenvector-rows",
            "np.linalg.eigh returns the eigenvectors as *columns* (vecs[:, i] goes with "
            "vals[i]); the components are those columns, transposed into rows.",
            lambda x, k: _pca_with(x, k, rows=True),
        ),
        Misconception(
            "ratio-of-top-k",
            "Divide by the total variance — the sum of *all* eigenvalues, the trace of the "
            "covariance — not by the sum of the k you kept.",
            lambda x, k: _pca_with(x, k, ratio_of_top=True),
        ),
    ],
)


CHECKERS = [
    POWER_ITERATION,
    RANK_K_ERRORS,
    ORTHOGONALITY_ERROR,
    QR_CLASSICAL,
    QR_MODIFIED,
    LSTSQ_QR,
    PINV_SVD,
    PCA,
]
