"""Student solutions for 02 — Matrix decompositions, as people write them.

The wrong ones are the mistakes found in public from-scratch code and forum threads (rewritten
here, never copied): ‖A v‖ as the eigenvalue and the textbook ∞-norm power method, cumulative
sums of the kept singular values, Q Qᵀ for QᵀQ, ‖v‖² on R's diagonal and integer arrays in
Gram–Schmidt, the classical algorithm where the modified one is asked, the normal equations and
back substitution run the wrong way, fixed pseudoinverse thresholds (1e-8, 1e-12, machine ε),
np.linalg.svd's full matrices, np.cov's N − 1 and rowvar, components as columns.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "02-decompositions"


def _entry(exercise: str, expect: str | None, note: str, code: str) -> Entry:
    return Entry(f"{A}/{exercise}", exercise, code, expect, note)


def _power(expect: str | None, note: str, code: str) -> Entry:
    return _entry("power_iteration", expect, note, code)


def _rank(expect: str | None, note: str, code: str) -> Entry:
    return _entry("rank_k_errors", expect, note, code)


def _orth(expect: str | None, note: str, code: str) -> Entry:
    return _entry("orthogonality_error", expect, note, code)


def _cgs(expect: str | None, note: str, code: str) -> Entry:
    return _entry("qr_classical", expect, note, code)


def _mgs(expect: str | None, note: str, code: str) -> Entry:
    return _entry("qr_modified", expect, note, code)


def _lstsq(expect: str | None, note: str, code: str) -> Entry:
    return _entry("lstsq_qr", expect, note, code)


def _pinv(expect: str | None, note: str, code: str) -> Entry:
    return _entry("pinv_svd", expect, note, code)


def _pca(expect: str | None, note: str, code: str) -> Entry:
    return _entry("pca", expect, note, code)


ENTRIES: list[Entry] = [
    # -- power iteration -----------------------------------------------------------------------
    _power(
        CORRECT,
        "np.dot, no sign convention (the check allows either sign)",
        """
def power_iteration(A, num_iters=500):
    n = len(A)
    v = np.ones(n) / np.sqrt(n)
    for _ in range(num_iters):
        w = np.dot(A, v)
        v = w / np.linalg.norm(w)
    return float(np.dot(v, np.dot(A, v))), v
""",
    ),
    _power(
        CORRECT,
        "unnormalised start vector, Rayleigh quotient divided by v.v",
        """
def power_iteration(A, num_iters=500):
    A = np.array(A, dtype=float)
    v = np.ones(A.shape[1])
    it = 0
    while it < num_iters:
        v = A @ v
        v /= np.sqrt(v @ v)
        it += 1
    lam = (v @ A @ v) / (v @ v)
    i = np.argmax(np.abs(v))
    return float(lam), v * np.sign(v[i])
""",
    ),
    _power(
        CORRECT,
        "eigenvalue as the ratio (Av)_i / v_i at the largest entry, v of unit length",
        """
def power_iteration(A, num_iters=500):
    n = A.shape[0]
    v = np.full(n, 1 / np.sqrt(n))
    for _ in range(num_iters):
        w = A @ v
        v = w / np.linalg.norm(w)
    i = np.argmax(np.abs(v))
    lam = (A @ v)[i] / v[i]
    if v[i] < 0:
        v = -v
    return float(lam), v
""",
    ),
    _power(
        "eigenvalue-as-norm",
        "returns the norm of the last product, as in many from-scratch repositories",
        """
def power_iteration(A, num_iters=500):
    b = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    norm = 0.0
    for _ in range(num_iters):
        b_next = A @ b
        norm = np.linalg.norm(b_next)
        b = b_next / norm
    if b[np.argmax(np.abs(b))] < 0:
        b = -b
    return float(norm), b
""",
    ),
    _power(
        "eigenvalue-as-norm",
        "eigenvalue = ||A v|| after the loop",
        """
def power_iteration(A, num_iters=500):
    v = np.ones(len(A)) / np.sqrt(len(A))
    for _ in range(num_iters):
        v = A @ v
        v = v / np.linalg.norm(v)
    return np.linalg.norm(A @ v), v
""",
    ),
    _power(
        "max-entry-scaling",
        "textbook power method: scale by the largest entry, eigenvalue = that entry",
        """
def power_iteration(A, num_iters=500):
    x = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    mu = 0.0
    for _ in range(num_iters):
        y = A @ x
        mu = y[np.argmax(np.abs(y))]
        x = y / mu
    return float(mu), x
""",
    ),
    _power(
        "max-entry-scaling",
        "divides by max |w|, Rayleigh quotient over v.v (right eigenvalue, v not unit)",
        """
def power_iteration(A, num_iters=500):
    v = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(num_iters):
        w = A @ v
        v = w / np.max(np.abs(w))
    lam = v @ A @ v / (v @ v)
    return float(lam), v
""",
    ),
    _power(
        "not-normalised",
        "multiplies without normalising, normalises once at the end",
        """
def power_iteration(A, num_iters=500):
    v = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(num_iters):
        v = A @ v
    v = v / np.linalg.norm(v)
    return float(v @ A @ v), v
""",
    ),
    _power(
        None,
        "ignores num_iters: a fixed 100 iterations",
        """
def power_iteration(A, num_iters=500):
    v = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(100):
        w = A @ v
        v = w / np.linalg.norm(w)
    return float(v @ A @ v), v
""",
    ),
    _power(
        None,
        "returns (v, eigenvalue): the outputs swapped",
        """
def power_iteration(A, num_iters=500):
    v = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(num_iters):
        w = A @ v
        v = w / np.linalg.norm(w)
    return v, float(v @ A @ v)
""",
    ),
    _power(
        None,
        "np.linalg.eigh: not allowed",
        """
def power_iteration(A, num_iters=500):
    vals, vecs = np.linalg.eigh(A)
    i = np.argmax(np.abs(vals))
    return float(vals[i]), vecs[:, i]
""",
    ),
    # -- rank-k errors -------------------------------------------------------------------------
    _rank(
        CORRECT,
        "np.flip and np.cumsum, then append the 0",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    tail = np.flip(np.cumsum(np.flip(s ** 2)))
    return np.sqrt(np.concatenate([tail, [0.0]]))
""",
    ),
    _rank(
        CORRECT,
        "full np.linalg.svd, the singular values are its second output",
        """
def rank_k_errors(A):
    _, s, _ = np.linalg.svd(np.asarray(A, dtype=float))
    sq = s * s
    errs = np.zeros(len(s) + 1)
    errs[:-1] = np.sqrt(sq[::-1].cumsum()[::-1])
    return errs
""",
    ),
    _rank(
        "no-square-root",
        "squared errors",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.append(np.cumsum((s ** 2)[::-1])[::-1], 0.0)
""",
    ),
    _rank(
        "spectral-error",
        "sigma_{k+1} as the error",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.concatenate([s, [0.0]])
""",
    ),
    _rank(
        "off-by-one",
        "drops s[k+1:] instead of s[k:]",
        """
def rank_k_errors(A):
    s2 = np.linalg.svd(A, compute_uv=False) ** 2
    tail = np.cumsum(s2[::-1])[::-1]
    return np.sqrt(np.concatenate([tail[1:], [0.0, 0.0]]))
""",
    ),
    _rank(
        "missing-k-zero",
        "starts at k = 1",
        """
def rank_k_errors(A):
    s2 = np.linalg.svd(A, compute_uv=False) ** 2
    tail = np.cumsum(s2[::-1])[::-1]
    return np.sqrt(np.append(tail[1:], 0.0))
""",
    ),
    _rank(
        "kept-not-discarded",
        "cumulative sum of the kept singular values",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.sqrt(np.concatenate(([0.0], np.cumsum(s ** 2))))
""",
    ),
    _rank(
        "cumsum-not-reversed-back",
        "reverses before the cumulative sum but not after",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.sqrt(np.append(np.cumsum(s[::-1] ** 2), 0))
""",
    ),
    _rank(
        "total-minus-kept",
        "||A||^2 minus the kept energy",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    total = np.sum(s ** 2)
    kept = np.concatenate(([0.0], np.cumsum(s ** 2)))
    return np.sqrt(total - kept)
""",
    ),
    _rank(
        None,
        "a list comprehension over k: a Python loop, not allowed",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.array([np.sqrt(np.sum(s[k:] ** 2)) for k in range(len(s) + 1)])
""",
    ),
    _rank(
        None,
        "normalised by ||A||_F (the demo's relative error)",
        """
def rank_k_errors(A):
    s = np.linalg.svd(A, compute_uv=False)
    errs = np.sqrt(np.append(np.cumsum((s ** 2)[::-1])[::-1], 0.0))
    return errs / errs[0]
""",
    ),
    # -- orthogonality error -------------------------------------------------------------------
    _orth(
        CORRECT,
        "sum of squares by hand, .dot method",
        """
def orthogonality_error(Q):
    Q = np.asarray(Q, dtype=float)
    D = Q.T.dot(Q) - np.identity(Q.shape[1])
    return float(np.sqrt((D ** 2).sum()))
""",
    ),
    _orth(
        CORRECT,
        "loops over pairs of columns",
        """
def orthogonality_error(Q):
    n = Q.shape[1]
    total = 0.0
    for i in range(n):
        for j in range(n):
            d = float(np.dot(Q[:, i], Q[:, j])) - (1.0 if i == j else 0.0)
            total += d * d
    return total ** 0.5
""",
    ),
    _orth(
        "q-q-transpose",
        "Q Q^T - I",
        """
def orthogonality_error(Q):
    return float(np.linalg.norm(Q @ Q.T - np.eye(len(Q))))
""",
    ),
    _orth(
        "spectral-norm",
        "ord=2",
        """
def orthogonality_error(Q):
    return float(np.linalg.norm(Q.T @ Q - np.eye(Q.shape[1]), ord=2))
""",
    ),
    _orth(
        "squared",
        "no square root",
        """
def orthogonality_error(Q):
    return float(((Q.T @ Q - np.eye(Q.shape[1])) ** 2).sum())
""",
    ),
    _orth(
        "minus-one",
        "Q^T Q - 1",
        """
def orthogonality_error(Q):
    return float(np.linalg.norm(Q.T @ Q - 1))
""",
    ),
    _orth(
        "identity-size",
        "np.identity(len(Q)): the number of rows",
        """
def orthogonality_error(Q):
    return float(np.linalg.norm(Q.T @ Q - np.identity(len(Q))))
""",
    ),
    _orth(
        None,
        "the largest entry of |Q^T Q - I|",
        """
def orthogonality_error(Q):
    return float(np.max(np.abs(Q.T @ Q - np.eye(Q.shape[1]))))
""",
    ),
    # -- QR, classical Gram–Schmidt ---------------------------------------------------------------
    _cgs(
        CORRECT,
        "loop over i, coefficients from the original column",
        """
def qr_classical(A):
    A = np.array(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("need m >= n")
    Q = np.zeros((m, n))
    R = np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = np.dot(Q[:, i], A[:, j])
            v = v - R[i, j] * Q[:, i]
        R[j, j] = np.sqrt(np.dot(v, v))
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _cgs(
        CORRECT,
        "builds Q column by column, R = Q^T A at the end",
        """
def qr_classical(A):
    A = A.astype(float)
    m, n = A.shape
    if n > m:
        raise ValueError("wide matrix")
    Q = np.zeros((m, 0))
    for j in range(n):
        v = A[:, j] - Q @ (Q.T @ A[:, j])
        Q = np.column_stack([Q, v / np.linalg.norm(v)])
    return Q, np.triu(Q.T @ A)
""",
    ),
    _cgs(
        "not-normalised",
        "orthogonal but not orthonormal columns",
        """
def qr_classical(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ A[:, j]
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v
    return Q, R
""",
    ),
    _cgs(
        "squared-norm",
        "R[j, j] = v . v, as in a GramSchmidt class found in the wild",
        """
def qr_classical(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = np.dot(Q[:, i], A[:, j])
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.dot(v, v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _cgs(
        "r-transposed",
        "R[j, i] for the coefficients",
        """
def qr_classical(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[j, i] = Q[:, i] @ A[:, j]
            v -= R[j, i] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _cgs(
        "no-shape-check",
        "forgets the ValueError for a wide A",
        """
def qr_classical(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        R[:j, j] = Q[:, :j].T @ A[:, j]
        v = A[:, j] - Q[:, :j] @ R[:j, j]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _cgs(
        "integer-in-place",
        "no float conversion, in-place update of a copy of an integer column",
        """
def qr_classical(A):
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ A[:, j]
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _cgs(
        "integer-q",
        "Q = np.zeros_like(A) on integer input",
        """
def qr_classical(A):
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q = np.zeros_like(A)
    R = np.zeros((n, n))
    for j in range(n):
        R[:j, j] = Q[:, :j].T @ A[:, j]
        v = A[:, j] - Q[:, :j] @ R[:j, j]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _cgs(
        "negative-diagonal",
        "Householder reflections, signs left as they come",
        """
def qr_classical(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    R = A.copy()
    Q = np.eye(m)
    for j in range(n):
        x = R[j:, j]
        e = np.zeros_like(x)
        e[0] = np.linalg.norm(x) * (1.0 if x[0] >= 0 else -1.0)
        u = x + e
        u = u / np.linalg.norm(u)
        R[j:, :] -= 2.0 * np.outer(u, u @ R[j:, :])
        Q[:, j:] -= 2.0 * np.outer(Q[:, j:] @ u, u)
    return Q[:, :n], np.triu(R[:n, :])
""",
    ),
    _cgs(
        None,
        "orthogonalises the rows of A instead of its columns",
        """
def qr_classical(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for i in range(n):
        y = A[i].copy()
        for j in range(i):
            y -= (Q[j] @ A[i]) * Q[j]
        Q[i] = y / np.linalg.norm(y)
    for i in range(n):
        for j in range(i, n):
            R[i, j] = Q[i] @ A[j] if i < j else np.linalg.norm(Q[i])
    return Q, R
""",
    ),
    # -- QR, modified Gram–Schmidt -----------------------------------------------------------------
    _mgs(
        CORRECT,
        "row-oriented MGS: each new q_k is removed from all later columns at once",
        """
def qr_modified(A):
    V = np.array(A, dtype=float)
    m, n = V.shape
    if m < n:
        raise ValueError("more columns than rows")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for k in range(n):
        R[k, k] = np.linalg.norm(V[:, k])
        Q[:, k] = V[:, k] / R[k, k]
        R[k, k + 1:] = Q[:, k] @ V[:, k + 1:]
        V[:, k + 1:] -= np.outer(Q[:, k], R[k, k + 1:])
    return Q, R
""",
    ),
    _mgs(
        CORRECT,
        "MGS with np.dot and a fresh vector each step",
        """
def qr_modified(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q = np.zeros((m, n))
    R = np.zeros((n, n))
    for j in range(n):
        v = A[:, j]
        for i in range(j):
            R[i, j] = np.dot(Q[:, i], v)
            v = v - R[i, j] * Q[:, i]
        R[j, j] = np.sqrt(np.sum(v * v))
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _mgs(
        CORRECT,
        "classical Gram-Schmidt run twice (reorthogonalised, 'CGS2')",
        """
def qr_modified(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for _ in range(2):
            c = Q[:, :j].T @ v
            v = v - Q[:, :j] @ c
            R[:j, j] += c
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _mgs(
        "classical-gram-schmidt",
        "the notebook's vectorised classical loop",
        """
def qr_modified(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        R[:j, j] = Q[:, :j].T @ A[:, j]
        v = A[:, j] - Q[:, :j] @ R[:j, j]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _mgs(
        "classical-gram-schmidt",
        "projects the original column inside the loop",
        """
def qr_modified(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = np.dot(Q[:, i], A[:, j])
        for i in range(j):
            v = v - R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _mgs(
        "not-normalised",
        "q_j = v",
        """
def qr_modified(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ v
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v
    return Q, R
""",
    ),
    _mgs(
        "integer-in-place",
        "v = A[:, j].copy() on an integer A, then v -= ...",
        """
def qr_modified(A):
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ v
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _mgs(
        "no-shape-check",
        "row-oriented MGS without the ValueError",
        """
def qr_modified(A):
    V = np.array(A, dtype=float)
    m, n = V.shape
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for k in range(n):
        R[k, k] = np.linalg.norm(V[:, k])
        Q[:, k] = V[:, k] / R[k, k]
        for j in range(k + 1, n):
            R[k, j] = Q[:, k] @ V[:, j]
            V[:, j] -= R[k, j] * Q[:, k]
    return Q, R
""",
    ),
    _mgs(
        "r-transposed",
        "stores the coefficients below the diagonal",
        """
def qr_modified(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        raise ValueError("m < n")
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[j, i] = Q[:, i] @ v
            v -= R[j, i] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R
""",
    ),
    _mgs(
        None,
        "np.linalg.qr: not allowed",
        """
def qr_modified(A):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    s = np.sign(np.diag(R))
    return Q * s, R * s[:, None]
""",
    ),
    # -- least squares via QR -----------------------------------------------------------------------
    _lstsq(
        CORRECT,
        "np.linalg.solve on the triangular system",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(A)
    return np.linalg.solve(R, Q.T @ b)
""",
    ),
    _lstsq(
        CORRECT,
        "complete QR, then the top n rows",
        """
def lstsq_qr(A, b):
    A = np.asarray(A, dtype=float)
    n = A.shape[1]
    Q, R = np.linalg.qr(A, mode="complete")
    y = (Q.T @ b)[:n]
    return np.linalg.solve(R[:n, :n], y)
""",
    ),
    _lstsq(
        CORRECT,
        "back substitution one right-hand side at a time",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    Y = Q.T @ np.asarray(b, dtype=float)
    Y2 = Y.reshape(len(Y), -1)
    n = R.shape[0]
    X = np.zeros_like(Y2)
    for c in range(Y2.shape[1]):
        for i in reversed(range(n)):
            X[i, c] = (Y2[i, c] - np.dot(R[i, i + 1:], X[i + 1:, c])) / R[i, i]
    return X.reshape(Y.shape)
""",
    ),
    _lstsq(
        "normal-equations",
        "the textbook formula",
        """
def lstsq_qr(A, b):
    return np.linalg.solve(A.T @ A, A.T @ b)
""",
    ),
    _lstsq(
        "normal-equations",
        "normal equations through a Cholesky factor",
        """
def lstsq_qr(A, b):
    L = np.linalg.cholesky(A.T @ A)
    y = np.linalg.solve(L, A.T @ b)
    return np.linalg.solve(L.T, y)
""",
    ),
    _lstsq(
        "forgot-r",
        "Q^T b as the answer",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(A)
    return Q.T @ b
""",
    ),
    _lstsq(
        "complete-qr",
        "mode='complete' and solve",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(A, mode="complete")
    return np.linalg.solve(R, Q.T @ b)
""",
    ),
    _lstsq(
        "q-not-transposed",
        "Q @ b",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(A)
    return np.linalg.solve(R, Q @ b)
""",
    ),
    _lstsq(
        "back-substitution-order",
        "back substitution from the first row",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    y = Q.T @ b
    n = R.shape[0]
    x = np.zeros((n,) + np.shape(b)[1:])
    for i in range(n):
        x[i] = (y[i] - R[i, i + 1:] @ x[i + 1:]) / R[i, i]
    return x
""",
    ),
    _lstsq(
        "one-rhs-only",
        "back substitution written for a vector b",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(A)
    y = Q.T @ b
    n = len(y)
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (y[i] - R[i, i + 1:] @ x[i + 1:]) / R[i, i]
    return x
""",
    ),
    _lstsq(
        "modified-gram-schmidt-q",
        "reuses modified Gram-Schmidt for Q and R",
        """
def lstsq_qr(A, b):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ v
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return np.linalg.solve(R, Q.T @ b)
""",
    ),
    _lstsq(
        "classical-gram-schmidt-q",
        "reuses classical Gram-Schmidt for Q and R",
        """
def lstsq_qr(A, b):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    Q, R = np.zeros((m, n)), np.zeros((n, n))
    for j in range(n):
        R[:j, j] = Q[:, :j].T @ A[:, j]
        v = A[:, j] - Q[:, :j] @ R[:j, j]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return np.linalg.solve(R, Q.T @ b)
""",
    ),
    _lstsq(
        None,
        "np.linalg.inv(R): not allowed",
        """
def lstsq_qr(A, b):
    Q, R = np.linalg.qr(A)
    return np.linalg.inv(R) @ Q.T @ b
""",
    ),
    # -- pseudoinverse via SVD -------------------------------------------------------------------------
    _pinv(
        CORRECT,
        "np.diag of the reciprocals",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    if rtol is None:
        rtol = max(A.shape) * np.finfo(float).eps
    cutoff = rtol * (s[0] if len(s) else 0.0)
    s_inv = np.array([1.0 / x if x > cutoff else 0.0 for x in s])
    return Vt.T @ np.diag(s_inv) @ U.T
""",
    ),
    _pinv(
        CORRECT,
        "full SVD with an (n, m) Sigma-plus",
        """
def pinv_svd(A, rtol=None):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A)
    tol = (max(m, n) * np.finfo(float).eps if rtol is None else rtol) * s.max()
    S_plus = np.zeros((n, m))
    for i, x in enumerate(s):
        if x > tol:
            S_plus[i, i] = 1.0 / x
    return Vt.T @ S_plus @ U.T
""",
    ),
    _pinv(
        "no-cutoff",
        "1 / s for every singular value",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return Vt.T @ np.diag(1.0 / s) @ U.T
""",
    ),
    _pinv(
        "absolute-cutoff",
        "rtol used as an absolute threshold",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    if rtol is None:
        rtol = max(A.shape) * np.finfo(float).eps
    s_inv = np.zeros_like(s)
    s_inv[s > rtol] = 1.0 / s[s > rtol]
    return (Vt.T * s_inv) @ U.T
""",
    ),
    _pinv(
        "fixed-threshold",
        "tol = 1e-12, whatever rtol says",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    s_inv = np.zeros_like(s)
    for i, x in enumerate(s):
        if x > 1e-12:
            s_inv[i] = 1.0 / x
    return (Vt.T * s_inv) @ U.T
""",
    ),
    _pinv(
        "fixed-threshold",
        "eps = 1e-8, as in an R pinv found in the wild",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = np.abs(s) > 1e-8
    d = s.copy()
    d[keep] = 1 / d[keep]
    d[~keep] = 0
    return Vt.T @ np.diag(d) @ U.T
""",
    ),
    _pinv(
        "fixed-threshold",
        "machine epsilon as an absolute threshold",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    eps = np.finfo(float).eps
    s_inv = np.where(s > eps, 1 / np.maximum(s, eps), 0.0)
    return (Vt.T * s_inv) @ U.T
""",
    ),
    _pinv(
        "transposed-factors",
        "U Sigma+ V^T",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    if rtol is None:
        rtol = max(A.shape) * np.finfo(float).eps
    s_inv = np.where(s > rtol * s.max(), 1 / np.where(s > 0, s, 1), 0)
    return U @ np.diag(s_inv) @ Vt
""",
    ),
    _pinv(
        "full-matrices",
        "np.linalg.svd's default full_matrices=True",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A)
    if rtol is None:
        rtol = max(A.shape) * np.finfo(float).eps
    s_inv = np.where(s > rtol * s.max(), 1 / np.where(s > 0, s, 1), 0)
    return Vt.T @ np.diag(s_inv) @ U.T
""",
    ),
    _pinv(
        None,
        "cutoff relative to the smallest singular value",
        """
def pinv_svd(A, rtol=None):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    if rtol is None:
        rtol = max(A.shape) * np.finfo(float).eps
    s_inv = np.where(s > rtol * s.min(), 1 / np.where(s > 0, s, 1), 0)
    return (Vt.T * s_inv) @ U.T
""",
    ),
    # -- PCA -----------------------------------------------------------------------------------------------
    _pca(
        CORRECT,
        "SVD of the centred data, sigma^2 / N",
        """
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    var = s ** 2 / X.shape[0]
    return Vt[:k], var[:k], var[:k] / var.sum()
""",
    ),
    _pca(
        CORRECT,
        "np.cov with rowvar=False and bias=True",
        """
def pca(X, k):
    C = np.cov(X, rowvar=False, bias=True)
    vals, vecs = np.linalg.eigh(C)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    comps = vecs[:, :k].T
    for row in comps:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    return comps, vals[:k], vals[:k] / np.trace(C)
""",
    ),
    _pca(
        CORRECT,
        "np.linalg.eig and a sort (eigenvalues real for a symmetric matrix)",
        """
def pca(X, k):
    Xc = X - np.mean(X, axis=0)
    C = Xc.T @ Xc / len(Xc)
    vals, vecs = np.linalg.eig(C)
    vals, vecs = vals.real, vecs.real
    idx = np.argsort(-vals)[:k]
    return vecs[:, idx].T, vals[idx], vals[idx] / vals.sum()
""",
    ),
    _pca(
        "np-cov-unbiased",
        "np.cov(X, rowvar=False): N - 1",
        """
def pca(X, k):
    C = np.cov(X, rowvar=False)
    vals, vecs = np.linalg.eigh(C)
    idx = np.argsort(vals)[::-1][:k]
    return vecs[:, idx].T, vals[idx], vals[idx] / vals.sum()
""",
    ),
    _pca(
        "np-cov-unbiased",
        "scikit-learn's convention: sigma^2 / (N - 1)",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    ev = s ** 2 / (len(X) - 1)
    return Vt[:k], ev[:k], ev[:k] / ev.sum()
""",
    ),
    _pca(
        "np-cov-rowvar",
        "centres, then np.cov with its defaults",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    C = np.cov(Xc)
    vals, vecs = np.linalg.eigh(C)
    idx = np.argsort(vals)[::-1][:k]
    return vecs[:, idx].T, vals[idx], vals[idx] / vals.sum()
""",
    ),
    _pca(
        "np-cov-rowvar-raw",
        "np.cov(X)",
        """
def pca(X, k):
    C = np.cov(X)
    vals, vecs = np.linalg.eigh(C)
    idx = np.argsort(vals)[::-1][:k]
    return vecs[:, idx].T, vals[idx], vals[idx] / vals.sum()
""",
    ),
    _pca(
        "not-centred",
        "SVD of the raw data",
        """
def pca(X, k):
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    var = s ** 2 / len(X)
    return Vt[:k], var[:k], var[:k] / var.sum()
""",
    ),
    _pca(
        "standardised",
        "standardises the features first (StandardScaler habit)",
        """
def pca(X, k):
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    C = Z.T @ Z / len(Z)
    vals, vecs = np.linalg.eigh(C)
    idx = np.argsort(vals)[::-1][:k]
    return vecs[:, idx].T, vals[idx], vals[idx] / vals.sum()
""",
    ),
    _pca(
        "eigh-ascending",
        "takes the first k of eigh's output",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    vals, vecs = np.linalg.eigh(Xc.T @ Xc / len(X))
    return vecs[:, :k].T, vals[:k], vals[:k] / vals.sum()
""",
    ),
    _pca(
        "eigenvectors-not-sorted",
        "sorts the eigenvalues, keeps eigh's eigenvector order",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / len(X)
    vals, vecs = np.linalg.eigh(C)
    vals = np.sort(vals)[::-1]
    return vecs[:, :k].T, vals[:k], vals[:k] / vals.sum()
""",
    ),
    _pca(
        "eigenvector-rows",
        "rows of the sorted eigenvector matrix",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / len(X)
    vals, vecs = np.linalg.eigh(C)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    return vecs[:k], vals[:k], vals[:k] / vals.sum()
""",
    ),
    _pca(
        "components-as-columns",
        "components_ = eigenvectors[:, :k], as in from-scratch PCA classes",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / X.shape[0]
    eigenvalues, eigenvectors = np.linalg.eigh(C)
    idx = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[idx], eigenvectors[:, idx]
    ratio = eigenvalues[:k] / np.sum(eigenvalues)
    return eigenvectors[:, :k], eigenvalues[:k], ratio
""",
    ),
    _pca(
        "ratio-of-top-k",
        "ratio over the kept variances",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    var = s[:k] ** 2 / len(X)
    return Vt[:k], var, var / var.sum()
""",
    ),
    _pca(
        None,
        "singular values instead of variances",
        """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k], s[:k] / s.sum()
""",
    ),
]
