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
whose tiny singular values must be cut off, singular values below any fixed threshold.

A hint is given only when the mistake's code reproduces the student's outcome on *every* case,
so the cases that tell mistakes apart are chosen to give the same output however the mistake is
written: Läuchli's matrices (a row of ones above ε I) with ε so small that 1 + ε² rounds to 1
make classical Gram–Schmidt fail, and the normal equations raise, identically in every
implementation, where a random ill-conditioned matrix would make each variant fail differently.

The known mistakes come from public from-scratch implementations and forum questions (see each
checker); they are written here as the code that makes them. Some of them are, by nature, the
correct answer to another exercise (classical Gram–Schmidt is qr_modified's known mistake).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch
from ..rules import INV, QR, Forbidden

ASSIGNMENT = "02-decompositions"
A = ASSIGNMENT

# -- what the exercises' "Not allowed here" lines name (torch is always forbidden) ----------------
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="Solutions use NumPy only: scipy.linalg has the ready-made decomposition.",
)
SKLEARN = Forbidden(
    "scikit-learn",
    modules=("sklearn",),
    why="Write PCA in NumPy (and note that scikit-learn's PCA divides by N − 1).",
)
_EIGEN_SVD_OBJECTS = (
    "numpy.linalg.eig",
    "numpy.linalg.eigh",
    "numpy.linalg.eigvals",
    "numpy.linalg.eigvalsh",
    "numpy.linalg.svd",
    "numpy.linalg.svdvals",
)
EIGEN_SOLVERS = Forbidden(
    "np.linalg.eig / eigh / svd",
    objects=_EIGEN_SVD_OBJECTS,
    why="Power iteration is the point: find the eigenpair by repeated multiplication.",
)
QR_BY_OTHER_MEANS = Forbidden(
    "np.linalg.svd / eig",
    objects=_EIGEN_SVD_OBJECTS,
    why="Build Q and R yourself, by Gram–Schmidt.",
)
OWN_QR_CLASSICAL = Forbidden(
    "Calling your qr_classical",
    objects=("__main__.qr_classical",),
    why="Write the modified loop itself: the two algorithms differ inside the loop.",
)
LSTSQ = Forbidden(
    "np.linalg.lstsq",
    objects=("numpy.linalg.lstsq",),
    why="np.linalg.lstsq is the answer the exercise builds.",
)
MATRIX_PRODUCTS = Forbidden(
    "Building the matrices A_k",
    objects=(
        "numpy.matmul",
        "numpy.dot",
        "numpy.vdot",
        "numpy.inner",
        "numpy.outer",
        "numpy.einsum",
        "numpy.tensordot",
    ),
    methods=("dot",),
    operators=("@", "@="),
    why="The errors come from the singular values alone: no matrix products (the check is what "
    "builds each A_k).",
)
PYTHON_LOOPS = Forbidden(
    "A Python loop",
    loops=True,
    why="A reversed cumulative sum gives every k at once: np.cumsum(x[::-1])[::-1][k] is "
    "x[k:].sum().",
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


def _with_spectrum(rng: np.random.Generator, eigenvalues: list[float]) -> np.ndarray:
    """A symmetric matrix with the given eigenvalues and random orthonormal eigenvectors."""
    q = _random_orthogonal(rng, len(eigenvalues))
    return (q * np.asarray(eigenvalues)) @ q.T


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


def _compare_up_to_sign(
    got: Any, expected: tuple[Any, ...], signed: int, rtol: float, atol: float
) -> Mismatch | None:
    """Compare tuples, allowing output[``signed``] (a vector or rows of vectors) to flip sign."""
    if isinstance(got, tuple | list) and len(got) == len(expected):
        mine = _as_floats(got[signed])
        if mine is not None and mine.shape == np.shape(expected[signed]):
            got = tuple(got)
            got = (*got[:signed], _align_rows(mine, expected[signed]), *got[signed + 1 :])
    return compare(got, expected, rtol=rtol, atol=atol)


def _only(mistake: str, known: Any) -> None:
    """The helpers below write each known mistake; they have no "no mistake" setting."""
    if mistake not in get_args(known):
        raise ValueError(f"unknown mistake {mistake!r}")


def _lauchli(eps: float, n: int = 3) -> np.ndarray:
    """Läuchli's (n + 1, n) matrix: a row of ones above ε I. Its columns are nearly parallel."""
    return np.vstack([np.ones((1, n)), eps * np.eye(n)])


# -- power iteration ----------------------------------------------------------------------------
# In the wild: returning ‖A v‖ as the eigenvalue (sonudoo/IntelliC eigen.py, joshuacook/
# Eloranta_Lab, and the "power iteration sign of eigenvalue" question on math.stackexchange);
# scaling by the largest entry instead of the length (WangXueFei11/homework 04.py, the textbook
# power method of Burden & Faires and Driscoll & Braun's poweriter.m); skipping the
# normalisation (sstewart0/data_science_projects powIter.py returns the unnormalised product).
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
            "an integer (3, 3) matrix [[4, 1, 0], [1, 2, 1], [0, 1, −1]]",
            (np.array([[4, 1, 0], [1, 2, 1], [0, 1, -1]]),),
        ),
        Case(
            "λ₂/λ₁ = 0.98, num_iters=3000",
            (_with_spectrum(rng, [5.0, 4.9, 2.0, 1.0, 0.2, 0.1]),),
            {"num_iters": 3000},
        ),
    ]


PowerIterationMistake = Literal["norm", "not-normalised", "max-entry"]


def _power_iteration_wrong(
    a: np.ndarray, num_iters: int, mistake: PowerIterationMistake
) -> tuple[float, np.ndarray]:
    _only(mistake, PowerIterationMistake)
    a = np.asarray(a, dtype=float)
    v = np.ones(a.shape[0]) / np.sqrt(a.shape[0])
    estimate = 0.0  # ‖w‖ or w's largest entry, from the last multiplication
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_iters):
            w = a @ v
            if mistake == "max-entry":  # ∞-norm scaling: v's largest entry becomes 1
                estimate = float(w[np.argmax(np.abs(w))])
            elif mistake == "norm":
                estimate = float(np.linalg.norm(w))
            v = w if mistake == "not-normalised" else w / estimate
        if mistake == "not-normalised":
            v = v / np.linalg.norm(v)
            return float(v @ a @ v), _sign_fixed(v)
    return estimate, _sign_fixed(v)


def _power_iteration_compare(got: Any, expected: Any) -> Mismatch | None:
    return _compare_up_to_sign(got, expected, signed=1, rtol=1e-7, atol=1e-8)


POWER_ITERATION = Checker(
    f"{A}/power_iteration",
    title="Power iteration",
    reference=_power_iteration_reference,
    cases=_power_iteration_cases,
    comparator=_power_iteration_compare,
    forbidden=[EIGEN_SOLVERS, SCIPY],
    misconceptions=[
        Misconception(
            "eigenvalue-as-norm",
            "‖A v‖ is |λ|: it loses the sign of a negative eigenvalue. Estimate the eigenvalue "
            "with the Rayleigh quotient λ = vᵀ A v (v of unit length).",
            lambda a, num_iters=500: _power_iteration_wrong(a, num_iters, "norm"),
        ),
        Misconception(
            "not-normalised",
            "Normalise v after every multiplication (v ← A v / ‖A v‖): without it Aᵏ v grows "
            "like |λ₁|ᵏ and overflows to inf, then nan.",
            lambda a, num_iters=500: _power_iteration_wrong(a, num_iters, "not-normalised"),
        ),
        Misconception(
            "max-entry-scaling",
            "Your v points the right way but is not of unit length: dividing by the largest "
            "entry (the ∞-norm scaling of the textbook power method) makes that entry 1. "
            "Divide by the Euclidean length instead, v ← w / np.linalg.norm(w), and take "
            "λ = vᵀ A v.",
            lambda a, num_iters=500: _power_iteration_wrong(a, num_iters, "max-entry"),
        ),
    ],
)


# -- Eckart–Young: the error of every rank-k approximation ----------------------------------------
# In the wild: forgetting the square root or taking σ_{k+1} alone (the spectral-norm error) in
# low-rank approximation tutorials; the cumulative sum of the *kept* values or a cumulative sum
# not reversed back; ‖A‖²_F − Σ_{i≤k} σᵢ², which cancels when the error is small.
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


def _with_singular_values(rng: np.random.Generator, m: int, sigmas: list[float]) -> np.ndarray:
    """An (m, n) matrix, n = len(sigmas) ≤ m, with exactly these singular values."""
    u, _ = np.linalg.qr(rng.normal(size=(m, len(sigmas))))
    return (u * np.asarray(sigmas)) @ _random_orthogonal(rng, len(sigmas)).T


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
        Case("a (4, 4) matrix of integers", (rng.integers(-5, 6, size=(4, 4)),)),
        Case(
            "σ = 1, 1e-5, 1e-9: errs[2] = 1e-9 is lost if you subtract from ‖A‖²",
            (_with_singular_values(rng, 5, [1.0, 1e-5, 1e-9]),),
        ),
    ]


def _rank_k_errors_compare(got: Any, expected: Any) -> Mismatch | None:
    # errs[r] is 0 for the student and about 1e-15·‖A‖ for the reconstruction: scale atol.
    scale = max(1.0, float(np.max(np.abs(expected))))
    return compare(got, expected, rtol=1e-7, atol=1e-10 * scale)


def _squares(a: np.ndarray) -> np.ndarray:
    return np.linalg.svd(np.asarray(a, dtype=float), compute_uv=False) ** 2


def _tail_sums(s2: np.ndarray) -> np.ndarray:
    """sum(s2[k:]) for k = 0, ..., len(s2)."""
    return np.append(np.cumsum(s2[::-1])[::-1], 0.0)


def _total_minus_kept(a: np.ndarray) -> np.ndarray:
    s2 = _squares(a)
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.sum(s2) - np.append(0.0, np.cumsum(s2)))


RANK_K_ERRORS = Checker(
    f"{A}/rank_k_errors",
    title="Eckart–Young: the error of every rank-k approximation",
    reference=_rank_k_errors_reference,
    cases=_rank_k_errors_cases,
    comparator=_rank_k_errors_compare,
    forbidden=[MATRIX_PRODUCTS, PYTHON_LOOPS, SCIPY],
    misconceptions=[
        Misconception(
            "no-square-root",
            "These are squared errors ‖A − A_k‖²_F: take the square root of the sum of the "
            "discarded σᵢ².",
            lambda a: _tail_sums(_squares(a)),
        ),
        Misconception(
            "off-by-one",
            "Off by one: A_k keeps σ₁, …, σ_k, which is s[:k] in 0-based NumPy, so its error "
            "sums s[k:] ** 2 — and errs[0] (nothing kept) is ‖A‖_F.",
            lambda a: np.sqrt(np.append(_tail_sums(_squares(a))[1:], 0.0)),
        ),
        Misconception(
            "spectral-error",
            "σ_{k+1} alone is the error in the spectral norm (ord=2). The Frobenius error adds up "
            "*all* the discarded singular values: sqrt(σ_{k+1}² + … + σ_r²).",
            lambda a: np.append(np.sqrt(_squares(a)), 0.0),
        ),
        Misconception(
            "missing-k-zero",
            "Start at k = 0 (nothing kept, error ‖A‖_F): the result has min(m, n) + 1 entries, "
            "for k = 0, 1, …, min(m, n).",
            lambda a: np.sqrt(_tail_sums(_squares(a))[1:]),
        ),
        Misconception(
            "kept-not-discarded",
            "That is ‖A_k‖_F, the size of what you *kept* (σ₁² + … + σ_k²). The error is made "
            "of the singular values you dropped: errs[k] = sqrt(σ_{k+1}² + … + σ_r²), so "
            "errs[0] = ‖A‖_F and errs[r] = 0.",
            lambda a: np.sqrt(np.append(0.0, np.cumsum(_squares(a)))),
        ),
        Misconception(
            "cumsum-not-reversed-back",
            "Reverse the cumulative sum back: np.cumsum(x[::-1]) runs from the smallest σ, so "
            "its k-th entry sums the k + 1 *smallest* values. np.cumsum(x[::-1])[::-1][k] is "
            "x[k:].sum().",
            lambda a: np.sqrt(np.append(np.cumsum(_squares(a)[::-1]), 0.0)),
        ),
        Misconception(
            "total-minus-kept",
            "‖A‖²_F − (σ₁² + … + σ_k²) subtracts two nearly equal numbers when the error is "
            "small: the digits cancel (errs[2] = 1e-9 comes out 0, and a tiny negative "
            "difference gives nan). Sum the discarded σᵢ² themselves: a reversed cumulative sum "
            "of s ** 2.",
            _total_minus_kept,
        ),
    ],
)


# -- loss of orthogonality ‖QᵀQ − I‖_F ---------------------------------------------------------------
# In the wild: Q Qᵀ in place of Qᵀ Q (the two are confused in many Gram–Schmidt checks that print
# Q @ Q.T), np.eye of the wrong size, "QᵀQ − 1" (broadcasting subtracts 1 from every entry),
# ord=2, and the sum of squares without its square root.
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
        Case("an integer (3, 2) matrix", (np.array([[1, 0], [0, 1], [1, 1]]),)),
    ]


def _gram(q: Any) -> np.ndarray:
    q = np.asarray(q, dtype=float)
    return q.T @ q


ORTHOGONALITY_ERROR = Checker(
    f"{A}/orthogonality_error",
    title="Loss of orthogonality ‖QᵀQ − I‖",
    reference=_orthogonality_reference,
    cases=_orthogonality_cases,
    comparator=lambda got, expected: compare(got, expected, rtol=1e-7, atol=1e-10),
    forbidden=[SCIPY],
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
            lambda q: float(np.linalg.norm(_gram(q) - np.eye(q.shape[1]), 2)),
        ),
        Misconception(
            "squared",
            "That is ‖QᵀQ − I‖²_F: take the square root of the sum of squares.",
            lambda q: float(np.sum((_gram(q) - np.eye(q.shape[1])) ** 2)),
        ),
        Misconception(
            "minus-one",
            "QᵀQ − 1 subtracts 1 from *every* entry (broadcasting). Subtract the identity: "
            "QᵀQ − np.eye(n), which has ones only on the diagonal.",
            lambda q: float(np.linalg.norm(_gram(q) - 1.0)),
        ),
        Misconception(
            "identity-size",
            "QᵀQ is n × n for a Q of shape (m, n): the identity must be np.eye(Q.shape[1]) (the "
            "number of columns), not np.eye(Q.shape[0]). It only works for a square Q.",
            lambda q: float(np.linalg.norm(_gram(q) - np.eye(np.shape(q)[0]))),
        ),
    ],
)


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


# Wide matrices whose first columns are unit vectors: without the ValueError, Gram–Schmidt
# meets an exactly zero v (0/0 = nan) the same way in every implementation.
_WIDE_3_5 = np.array([[1, 0, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 1]], dtype=float)
_WIDE_2_4 = np.array([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=float)


def _qr_classical_cases() -> list[Case]:
    return [
        *_qr_common_cases(_rng(24)),
        Case("a wide (3, 5) matrix: must raise ValueError", (_WIDE_3_5.copy(),)),
    ]


def _qr_modified_cases() -> list[Case]:
    return [
        *_qr_common_cases(_rng(25)),
        Case("Läuchli's (4, 3) matrix [1 1 1; ε I] with ε = 1e-6 (κ ≈ 2e6)", (_lauchli(1e-6),)),
        Case(
            "Läuchli's (6, 5) matrix with ε = 1e-8: 1 + ε² rounds to 1 (κ ≈ 2e8)",
            (_lauchli(1e-8, 5),),
        ),
        Case("a wide (2, 4) matrix: must raise ValueError", (_WIDE_2_4.copy(),)),
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


QR_CLASSICAL = Checker(
    f"{A}/qr_classical",
    title="QR by classical Gram–Schmidt",
    reference=_qr_reference,
    cases=_qr_classical_cases,
    comparator=_qr_compare,
    forbidden=[QR, QR_BY_OTHER_MEANS, SCIPY],
    misconceptions=_gram_schmidt_misconceptions(modified=False),
)

QR_MODIFIED = Checker(
    f"{A}/qr_modified",
    title="QR by modified Gram–Schmidt",
    reference=_qr_reference,
    cases=_qr_modified_cases,
    comparator=_qr_compare,
    forbidden=[QR, QR_BY_OTHER_MEANS, SCIPY, OWN_QR_CLASSICAL],
    misconceptions=[
        Misconception(
            "classical-gram-schmidt",
            "This is classical Gram–Schmidt: every coefficient is computed from the *original* "
            "column (q_i · a_j), and on an ill-conditioned matrix Q stops being orthogonal. "
            "Modified Gram–Schmidt projects the *updated* vector: r_ij = q_i · v, then "
            "v ← v − r_ij q_i, one i at a time.",
            lambda a: _gram_schmidt_wrong(a, modified=False, mistake="classical"),
        ),
        *_gram_schmidt_misconceptions(modified=True),
    ],
)


# -- least squares via QR -------------------------------------------------------------------------------
# In the wild: the normal equations (the textbook formula), Qᵀb taken as x, mode="complete",
# Q b for Qᵀ b, back substitution run from the top or written for one right-hand side (x =
# np.zeros(n)), and the Q of one's own Gram–Schmidt, which is not orthogonal enough.
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
    lauchli = _lauchli(1e-8)
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
            "Läuchli's (4, 3) matrix, ε = 1e-8 (κ ≈ 2e8): AᵀA rounds to a singular matrix",
            (lauchli, lauchli @ np.array([1.0, 2.0, 3.0]) + np.array([0.0, 1e-9, -2e-9, 1e-9])),
        ),
    ]


def _lstsq_compare(got: Any, expected: Any) -> Mismatch | None:
    # Householder QR is accurate to about κ(A)·ε; the normal equations to κ(A)²·ε, and on
    # Läuchli's matrix AᵀA is exactly singular in floating point.
    return compare(got, expected, rtol=1e-7, atol=1e-8)


LstsqMistake = Literal[
    "forgot-r", "complete-qr", "q-not-transposed", "back-substitution-order", "one-rhs-only"
]


def _lstsq_wrong(a: np.ndarray, b: np.ndarray, mistake: LstsqMistake) -> np.ndarray:
    _only(mistake, LstsqMistake)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    q, r = np.linalg.qr(a, mode="complete" if mistake == "complete-qr" else "reduced")
    if mistake == "forgot-r":
        return q.T @ b
    if mistake in ("complete-qr", "q-not-transposed"):
        return np.linalg.solve(r, (q if mistake == "q-not-transposed" else q.T) @ b)
    y = q.T @ b
    n = r.shape[0]
    x = np.zeros(n) if mistake == "one-rhs-only" else np.zeros((n, *b.shape[1:]))
    rows = range(n) if mistake == "back-substitution-order" else range(n - 1, -1, -1)
    for i in rows:
        x[i] = (y[i] - r[i, i + 1 :] @ x[i + 1 :]) / r[i, i]
    return x


def _lstsq_by_gram_schmidt(a: np.ndarray, b: np.ndarray, modified: bool) -> np.ndarray:
    q, r = _gram_schmidt_wrong(a, modified=modified, mistake="classical")
    return np.linalg.solve(r, q.T @ np.asarray(b, dtype=float))


_OWN_GRAM_SCHMIDT_HINT = (
    "Your Q looks like Gram–Schmidt's: on an ill-conditioned A its columns are not orthogonal "
    "to working precision (‖QᵀQ − I‖ ≈ κ(A)·ε for the modified algorithm, worse for the "
    "classical one), so R x = Qᵀb no longer gives the least-squares x. Use np.linalg.qr "
    "(Householder reflections), whose Q is orthogonal to machine precision."
)

LSTSQ_QR = Checker(
    f"{A}/lstsq_qr",
    title="Least squares via QR",
    reference=_lstsq_reference,
    cases=_lstsq_cases,
    comparator=_lstsq_compare,
    forbidden=[INV, LSTSQ, SCIPY],
    misconceptions=[
        Misconception(
            "normal-equations",
            "Solving the normal equations AᵀA x = Aᵀb squares the condition number "
            "(κ(AᵀA) = κ(A)²): on Läuchli's matrix AᵀA rounds to an exactly singular matrix "
            "although A has full rank. Factor A = QR and solve R x = Qᵀ b instead.",
            lambda a, b: np.linalg.solve(a.T @ a, a.T @ b),
        ),
        Misconception(
            "forgot-r",
            "Qᵀb is R x, not x: solve the triangular system R x = Qᵀ b as well.",
            lambda a, b: _lstsq_wrong(a, b, "forgot-r"),
        ),
        Misconception(
            "complete-qr",
            "With mode='complete', Q is (m, m) and R is (m, n), not square: use the reduced "
            "QR (np.linalg.qr's default), whose R is (n, n).",
            lambda a, b: _lstsq_wrong(a, b, "complete-qr"),
        ),
        Misconception(
            "q-not-transposed",
            "The right-hand side is Qᵀ b (Q.T @ b, shape (n,)), not Q b: Q is (m, n) and b has "
            "m entries.",
            lambda a, b: _lstsq_wrong(a, b, "q-not-transposed"),
        ),
        Misconception(
            "back-substitution-order",
            "Back substitution starts from the *last* row: x_n = y_n / R_nn, then "
            "i = n − 1, …, 1 (range(n - 1, -1, -1)). Going forward, each x_i uses x_j (j > i) "
            "that are still 0, which gives x_i = y_i / R_ii.",
            lambda a, b: _lstsq_wrong(a, b, "back-substitution-order"),
        ),
        Misconception(
            "one-rhs-only",
            "b may have k columns (k right-hand sides): make x of shape (n,) + b.shape[1:], "
            "e.g. np.zeros((n, *b.shape[1:])), or use np.linalg.solve(R, Q.T @ b), which "
            "handles both.",
            lambda a, b: _lstsq_wrong(a, b, "one-rhs-only"),
        ),
        Misconception(
            "modified-gram-schmidt-q",
            _OWN_GRAM_SCHMIDT_HINT,
            lambda a, b: _lstsq_by_gram_schmidt(a, b, modified=True),
        ),
        Misconception(
            "classical-gram-schmidt-q",
            _OWN_GRAM_SCHMIDT_HINT,
            lambda a, b: _lstsq_by_gram_schmidt(a, b, modified=False),
        ),
    ],
)


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


# -- PCA ------------------------------------------------------------------------------------------------------
# In the wild: np.cov's N − 1 (and scikit-learn's PCA, whose explained_variance_ is
# S² / (n_samples − 1) since scikit-learn PR #9105; issue #13753 is the N vs N − 1 confusion),
# np.cov without rowvar=False (Vikkiechauhan/Internship-Task PCA.py uses np.cov(C.T)),
# components returned as the columns of eigh's output (PanjiSri/Graphical_and_AI_Laboratory
# pca.py, zyboyoung/ExerciseGit pca.py), eigh's ascending order, eigenvalues sorted but the
# eigenvectors not, standardising the features (StandardScaler before PCA), no centring, and
# ratios over the kept k only.
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


PcaMistake = Literal[
    "unbiased",
    "rowvar",
    "rowvar-raw",
    "not-centred",
    "standardised",
    "ascending",
    "rows",
    "columns",
    "vectors-not-sorted",
    "ratio-of-top-k",
]


def _pca_wrong(
    x: np.ndarray, k: int, mistake: PcaMistake
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _only(mistake, PcaMistake)
    x = np.asarray(x, dtype=float)
    xc = x - x.mean(axis=0)
    if mistake == "unbiased":
        c = np.cov(x, rowvar=False)
    elif mistake == "rowvar":
        c = np.cov(xc)  # centred first, then np.cov with its defaults
    elif mistake == "rowvar-raw":
        c = np.cov(x)
    elif mistake == "not-centred":
        c = x.T @ x / len(x)
    elif mistake == "standardised":
        z = xc / x.std(axis=0)
        c = z.T @ z / len(x)
    else:
        c = xc.T @ xc / len(x)
    eigenvalues, eigenvectors = np.linalg.eigh(c)  # ascending
    descending = np.argsort(eigenvalues)[::-1]
    values = eigenvalues if mistake == "ascending" else eigenvalues[descending]
    if mistake in ("ascending", "vectors-not-sorted"):
        vectors = eigenvectors
    else:
        vectors = eigenvectors[:, descending]
    if mistake == "rows":
        components = _sign_fixed(vectors[:k])
    elif mistake == "columns":
        components = vectors[:, :k]  # as returned, one component per column
    else:
        components = _sign_fixed(vectors[:, :k].T)
    variances = values[:k]
    total = variances.sum() if mistake == "ratio-of-top-k" else eigenvalues.sum()
    return components, variances, variances / total


def _pca_compare(got: Any, expected: Any) -> Mismatch | None:
    """Components may flip sign, one at a time; a component whose variance is 0 (beyond the
    rank of the data) is any unit vector of the null space, so it is not compared."""
    if isinstance(got, tuple | list) and len(got) == 3 and len(expected) == 3:
        mine, theirs = _as_floats(got[0]), np.asarray(expected[0], dtype=float)
        ratio = _as_floats(expected[2])
        if mine is not None and mine.shape == theirs.shape and mine.ndim == 2:
            k = np.size(expected[1])
            # the component vectors are the rows (k, d); a (d, k) output has them in columns
            by_columns = theirs.shape[0] != k and theirs.shape[1] == k
            mine, theirs = (mine.T, theirs.T) if by_columns else (mine, theirs)
            mine = _align_rows(mine, theirs)
            if ratio is not None and ratio.shape == (mine.shape[0],):
                undetermined = np.abs(ratio) <= 1e-9
                mine = np.where(undetermined[:, None], theirs, mine)
            got = (mine.T if by_columns else mine, *got[1:])
    return compare(got, expected, rtol=1e-7, atol=1e-8)


PCA = Checker(
    f"{A}/pca",
    title="PCA: components and explained variance",
    reference=_pca_reference,
    cases=_pca_cases,
    comparator=_pca_compare,
    forbidden=[SKLEARN, SCIPY],
    misconceptions=[
        Misconception(
            "np-cov-unbiased",
            "You divided by N − 1: that is the unbiased estimate, np.cov's default and "
            "scikit-learn's convention (PCA.explained_variance_ is σᵢ² / (N − 1)). This "
            "exercise uses the biased covariance, which divides by N: np.cov(X, rowvar=False, "
            "bias=True), Xcᵀ Xc / N, or σᵢ² / N from the SVD of Xc.",
            lambda x, k: _pca_wrong(x, k, "unbiased"),
        ),
        Misconception(
            "np-cov-rowvar",
            "np.cov treats each *row* as a variable by default, but here each row is a sample: "
            "pass rowvar=False (the covariance must be d × d, not N × N), and bias=True to "
            "divide by N.",
            lambda x, k: _pca_wrong(x, k, "rowvar"),
        ),
        Misconception(
            "np-cov-rowvar-raw",
            "np.cov treats each *row* as a variable by default, but here each row is a sample: "
            "pass rowvar=False (the covariance must be d × d, not N × N), and bias=True to "
            "divide by N.",
            lambda x, k: _pca_wrong(x, k, "rowvar-raw"),
        ),
        Misconception(
            "not-centred",
            "Subtract the mean of each feature first (Xc = X − X.mean(axis=0)): otherwise the "
            "first 'component' points at the mean of the data, not along its spread.",
            lambda x, k: _pca_wrong(x, k, "not-centred"),
        ),
        Misconception(
            "standardised",
            "Only centre the data: dividing each feature by its standard deviation (what "
            "StandardScaler does before PCA) gives the PCA of the *correlation* matrix, with "
            "other components and variances.",
            lambda x, k: _pca_wrong(x, k, "standardised"),
        ),
        Misconception(
            "eigh-ascending",
            "np.linalg.eigh returns eigenvalues in *increasing* order: the top k components "
            "are the last k, largest first.",
            lambda x, k: _pca_wrong(x, k, "ascending"),
        ),
        Misconception(
            "eigenvectors-not-sorted",
            "You sorted the eigenvalues but not the eigenvectors: reorder the columns with the "
            "same indices, order = np.argsort(vals)[::-1]; vecs[:, order].",
            lambda x, k: _pca_wrong(x, k, "vectors-not-sorted"),
        ),
        Misconception(
            "eigenvector-rows",
            "np.linalg.eigh returns the eigenvectors as *columns* (vecs[:, i] goes with "
            "vals[i]); the components are those columns, transposed into rows.",
            lambda x, k: _pca_wrong(x, k, "rows"),
        ),
        Misconception(
            "components-as-columns",
            "Return the components as the *rows* of a (k, d) array (like scikit-learn's "
            "components_): eigh gives them as columns, so transpose vecs[:, order[:k]].",
            lambda x, k: _pca_wrong(x, k, "columns"),
        ),
        Misconception(
            "ratio-of-top-k",
            "Divide by the total variance — the sum of *all* eigenvalues, the trace of the "
            "covariance — not by the sum of the k you kept.",
            lambda x, k: _pca_wrong(x, k, "ratio-of-top-k"),
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
