"""Student solutions for 01-linear-algebra, as people write them (rewritten by us).

Where a variant comes from is in its note: the from-scratch implementations and forum
questions where that way of writing it (right or wrong) turns up.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "01-linear-algebra"


def _dot(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/dot_loop", "dot_loop", code, expect, note)


def _mm(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/matmul_loop", "matmul_loop", code, expect, note)


def _mv(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/matmul_vectorized", "matmul_vectorized", code, expect, note)


def _bc(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/broadcast_shape", "broadcast_shape", code, expect, note)


def _pd(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/pairwise_sq_dists", "pairwise_sq_dists", code, expect, note)


def _sm(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/softmax", "softmax", code, expect, note)


def _ce(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/cross_entropy", "cross_entropy", code, expect, note)


def _kl(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/kl_divergence", "kl_divergence", code, expect, note)


def _rk(code: str, expect: str | None, note: str) -> Entry:
    return Entry(f"{A}/rank_k_approx", "rank_k_approx", code, expect, note)


_CHECK_LENGTHS = """
    if len(u) != len(v):
        raise ValueError("u and v must have the same length")
"""

DOT_LOOP = [
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    total = 0.0
    for i in range(len(u)):
        total = total + u[i] * v[i]
    return total
""",
        CORRECT,
        "index loop over range(len(u)), as in most tutorials",
    ),
    _dot(
        """import math

def dot_loop(u, v):
    if len(u) != len(v):
        raise ValueError("different lengths")
    return math.fsum(a * b for a, b in zip(u, v))
""",
        CORRECT,
        "math.fsum over a generator (compensated summation)",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    acc = 0
    for i, a in enumerate(u):
        acc += a * v[i]
    return float(acc)
""",
        CORRECT,
        "integer start, converted to float at the end",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    for i in range(len(u)):
        total = 0.0
        total += u[i] * v[i]
    return total
""",
        "last-product-only",
        "accumulator initialised inside the loop (forum question: 'sum = 0' in the wrong place)",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    total = 0.0
    for a, b in zip(u, v):
        total = a * b
    return float(total)
""",
        "last-product-only",
        "`=` instead of `+=` in the loop",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
        return total
""",
        "return-inside-loop",
        "return indented into the loop body",
    ),
    _dot(
        """def dot_loop(u, v):
    if len(u) != len(v):
        raise ValueError("lengths differ")
    i = 0
    result = 0.0
    while i < len(u):
        result += u[i] * v[i]
        i += 1
        return result
""",
        "return-inside-loop",
        "while loop with the return one level too deep",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    products = [u[i] * v[i] for i in range(len(u))]
    return np.array(products, dtype=float)
""",
        "elementwise-product-not-summed",
        "list of products returned as an array",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    out = np.zeros(len(u))
    for i in range(len(u)):
        out[i] = u[i] * v[i]
    return out
""",
        "elementwise-product-not-summed",
        "products stored, never summed",
    ),
    _dot(
        """def dot_loop(u, v):
    result = 0
    for i in range(len(u)):
        result = float(u[i] * v[i])
    return result
""",
        "last-product-only",
        "no length check and `=` instead of `+=`: the hint names the first thing to fix",
    ),
    _dot(
        """def dot_loop(u, v):
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
    return total
""",
        None,
        "no length check: zip truncates silently",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    total = 0
    for a, b in zip(u, v):
        total += a * b
    return total
""",
        None,
        "total = 0: an integer result for integer vectors",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    return float(np.dot(u, v))
""",
        None,
        "np.dot where the exercise asks for the loop (forbidden)",
    ),
    _dot(
        "def dot_loop(u, v):"
        + _CHECK_LENGTHS
        + """
    return float((np.asarray(u) * np.asarray(v)).sum())
""",
        None,
        "vectorised .sum() where the exercise asks for the loop (forbidden)",
    ),
]

_CHECK_INNER = """
    A, B = np.asarray(A), np.asarray(B)
    if A.shape[1] != B.shape[0]:
        raise ValueError("inner dimensions differ")
    m, n = A.shape
    p = B.shape[1]
"""

MATMUL_LOOP = [
    _mm(
        """def matmul_loop(A, B):
    rows, inner, cols = len(A), len(A[0]), len(B[0])
    if inner != len(B):
        raise ValueError("shapes do not match")
    C = [[0.0 for _ in range(cols)] for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            for k in range(inner):
                C[i][j] += A[i][k] * B[k][j]
    return np.array(C, dtype=float)
""",
        CORRECT,
        "lists of lists, converted at the end (GeeksforGeeks-style)",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            s = 0.0
            for k in range(n):
                s += A[i, k] * B[k, j]
            C[i, j] = s
    return C
""",
        CORRECT,
        "scalar accumulator reset for each entry (the C/Java textbook form)",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((m, p))
    for i in range(m):
        for k in range(n):
            for j in range(p):
                C[i, j] += A[i, k] * B[k, j]
    return C
""",
        CORRECT,
        "i-k-j loop order (cache-friendly variant)",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            for k in range(n):
                C[i, j] = A[i, k] * B[k, j]
    return C
""",
        "overwrite-not-accumulate",
        "`=` instead of `+=` in the innermost loop",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((m, p))
    total = 0.0
    for i in range(m):
        for j in range(p):
            for k in range(n):
                total += A[i, k] * B[k, j]
            C[i, j] = total
    return C
""",
        "sum-not-reset",
        "sum = 0 commented out / hoisted out of the loops (C forum question)",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((p, m))
    for i in range(m):
        for j in range(p):
            for k in range(n):
                C[j, i] += A[i, k] * B[k, j]
    return C
""",
        "transposed-product",
        "result indexed C[j, i]",
    ),
    _mm(
        """def matmul_loop(A, B):
    return np.asarray(A, dtype=float) * np.asarray(B, dtype=float)
""",
        "elementwise-product",
        "A * B taken for the matrix product",
    ),
    _mm(
        """def matmul_loop(A, B):
    if len(A[0]) != len(B):
        raise ValueError("cannot multiply")
    C = [[0.0] * len(B[0]) for _ in range(len(A))]
    for i in range(len(A)):
        for j in range(len(B[0])):
            for k in range(len(B)):
                C[i][j] = A[i][k] * B[k][j]
    return np.array(C)
""",
        "overwrite-not-accumulate",
        "lists of lists, `=` instead of `+=`",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    return np.multiply(A, B).astype(float)
""",
        "elementwise-product",
        "shape check, then np.multiply",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((m, p), dtype=A.dtype)
    for i in range(m):
        for j in range(p):
            for k in range(n):
                C[i, j] += A[i, k] * B[k, j]
    return C
""",
        None,
        "dtype=A.dtype: an integer result for integer matrices",
    ),
    _mm(
        """def matmul_loop(A, B):
    A, B = np.asarray(A), np.asarray(B)
    C = np.zeros((A.shape[0], B.shape[1]))
    for i in range(len(A)):
        for j in range(len(B[0])):
            for k in range(len(B)):
                C[i, j] += A[i, k] * B[k, j]
    return C
""",
        None,
        "no shape check, k over the rows of B (Programiz-style)",
    ),
    _mm(
        "def matmul_loop(A, B):"
        + _CHECK_INNER
        + """
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            C[i, j] = A[i, :] @ B[:, j]
    return C
""",
        None,
        "@ for the inner product (forbidden)",
    ),
]

_CHECK_INNER_ND = """
    A, B = np.asarray(A), np.asarray(B)
    if A.ndim < 2 or B.ndim < 2 or A.shape[-1] != B.shape[-2]:
        raise ValueError("inner dimensions differ")
"""

MATMUL_VECTORIZED = [
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    return (np.expand_dims(A, -1) * np.expand_dims(B, -3)).sum(axis=-2)
""",
        CORRECT,
        "np.expand_dims instead of None",
    ),
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    Bt = np.swapaxes(B, -1, -2)
    return (A[..., :, None, :] * Bt[..., None, :, :]).sum(axis=-1)
""",
        CORRECT,
        "rows of A against rows of B transposed",
    ),
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    A1 = np.expand_dims(A, axis=2)
    B1 = np.expand_dims(B, axis=0)
    return np.sum(A1 * B1, axis=1)
""",
        "not-batched",
        "expand_dims(A, 2) * expand_dims(B, 0): the 2-D recipe from a course script",
    ),
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    return (A[..., :, :, None] * B[..., None, :, :]).sum(axis=1)
""",
        "sum-axis-from-front",
        "axis=1, right for 2-D only",
    ),
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    prod = A[..., :, :, None] * B[..., None, :, :]
    return prod.sum(axis=-1)
""",
        "sum-over-last-axis",
        "summed over the last axis",
    ),
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    return np.multiply(A, B)
""",
        "elementwise-product",
        "np.multiply taken for the matrix product",
    ),
    _mv(
        """def matmul_vectorized(A, B):
    return np.asarray(A) * np.asarray(B)
""",
        "elementwise-product",
        "A * B taken for the matrix product",
    ),
    _mv(
        """def matmul_vectorized(A, B):
    A, B = np.asarray(A), np.asarray(B)
    return (A[..., :, :, None] * B[..., None, :, :]).sum(axis=-2)
""",
        None,
        "no inner-dimension check: broadcasting stretches a 1",
    ),
    _mv(
        "def matmul_vectorized(A, B):"
        + _CHECK_INNER_ND
        + """
    return np.einsum("...ik,...kj->...ij", A, B)
""",
        None,
        "np.einsum (forbidden)",
    ),
]

BROADCAST_SHAPE = [
    _bc(
        """import itertools

def broadcast_shape(shape_a, shape_b):
    pairs = itertools.zip_longest(reversed(shape_a), reversed(shape_b), fillvalue=1)
    out = []
    for a, b in pairs:
        if a != b and a != 1 and b != 1:
            raise ValueError(f"cannot broadcast {shape_a} with {shape_b}")
        out.append(b if a == 1 else a)
    return tuple(reversed(out))
""",
        CORRECT,
        "itertools.zip_longest from the end, fill value 1",
    ),
    _bc(
        """def broadcast_shape(shape_a, shape_b):
    result = []
    i = 1
    while i <= max(len(shape_a), len(shape_b)):
        a = shape_a[-i] if i <= len(shape_a) else 1
        b = shape_b[-i] if i <= len(shape_b) else 1
        if a == 1:
            result.insert(0, b)
        elif b == 1 or a == b:
            result.insert(0, a)
        else:
            raise ValueError("shapes do not broadcast")
        i += 1
    return tuple(result)
""",
        CORRECT,
        "negative indices, the array-API spec's pseudocode",
    ),
    _bc(
        """import itertools

def broadcast_shape(shape_a, shape_b):
    it = itertools.zip_longest(shape_a[::-1], shape_b[::-1], fillvalue=1)
    res = []
    for a, b in it:
        if a == 1 or b == 1 or a == b:
            res.append(max(a, b))
        else:
            raise ValueError("operands could not be broadcast")
    return tuple(res[::-1])
""",
        "max-of-sizes",
        "max(a, b) after the check (a public snippet; wrong for 0 against 1)",
    ),
    _bc(
        """def broadcast_shape(shape_a, shape_b):
    n = max(len(shape_a), len(shape_b))
    a = tuple(shape_a) + (1,) * (n - len(shape_a))
    b = tuple(shape_b) + (1,) * (n - len(shape_b))
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError("incompatible")
        out.append(y if x == 1 else x)
    return tuple(out)
""",
        "aligned-left",
        "padded on the right",
    ),
    _bc(
        """def broadcast_shape(shape_a, shape_b):
    n = max(len(shape_a), len(shape_b))
    a = (1,) * (n - len(shape_a)) + tuple(shape_a)
    b = (1,) * (n - len(shape_b)) + tuple(shape_b)
    return tuple(y if x == 1 else x for x, y in zip(a, b))
""",
        "no-compatibility-check",
        "padding right, compatibility never checked",
    ),
    _bc(
        """def broadcast_shape(shape_a, shape_b):
    out = []
    for x, y in zip(reversed(shape_a), reversed(shape_b)):
        if x != y and x != 1 and y != 1:
            raise ValueError("incompatible")
        out.append(y if x == 1 else x)
    return tuple(reversed(out))
""",
        "leading-dimensions-dropped",
        "zip from the end without padding",
    ),
    _bc(
        """import itertools

def broadcast_shape(shape_a, shape_b):
    out = []
    for a, b in itertools.zip_longest(shape_a, shape_b, fillvalue=1):
        if a != b and a != 1 and b != 1:
            raise ValueError("incompatible shapes")
        out.append(b if a == 1 else a)
    return tuple(out)
""",
        "aligned-left",
        "zip_longest from the front (shapes not reversed)",
    ),
    _bc(
        """def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in (shape_a, shape_b)]
    return tuple(max(d) for d in zip(*padded))
""",
        None,
        "max of the padded sizes, no check (two mistakes at once)",
    ),
    _bc(
        """def broadcast_shape(shape_a, shape_b):
    return tuple(np.broadcast_shapes(shape_a, shape_b))
""",
        None,
        "np.broadcast_shapes (forbidden)",
    ),
]

PAIRWISE_SQ_DISTS = [
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    diff = X[:, None, :] - Y[None, :, :]
    return (diff ** 2).sum(axis=-1)
""",
        CORRECT,
        "differences by broadcasting, (n, m, d) memory",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    dists = -2 * np.matmul(X, Y.T)
    dists += np.sum(X ** 2, axis=1)[:, np.newaxis]
    dists += np.sum(Y ** 2, axis=1)
    return np.clip(dists, 0, None)
""",
        CORRECT,
        "in-place accumulation, clipped (after a fix to a public course)",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    xx = np.einsum("ij,ij->i", X, X)[:, None]
    yy = np.einsum("ij,ij->i", Y, Y)[None, :]
    return np.maximum(xx + yy - 2.0 * (X @ Y.T), 0.0)
""",
        CORRECT,
        "einsum for the squared norms",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.sqrt(np.maximum(
        np.sum(X ** 2, axis=1)[:, np.newaxis] - 2 * X.dot(Y.T) + np.sum(Y ** 2, axis=1), 0))
""",
        "not-squared",
        "CS231n compute_distances_no_loops returns distances",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.sum(X * X, axis=1, keepdims=True) + np.sum(Y * Y, axis=1) - 2 * np.dot(X, Y.T)
""",
        "negative-not-clipped",
        "no clipping (rsokl/Learning_Python#164, scikit-learn#15683)",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    sq_x = np.diag(X @ X.T)[:, None]
    sq_y = np.diag(Y @ Y.T)[None, :]
    return sq_x + sq_y - 2 * X @ Y.T
""",
        "negative-not-clipped",
        "norms from the diagonal of X X^T, not clipped (a public snippet)",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    x2 = (X ** 2).sum(axis=1)[:, None]
    y2 = (Y ** 2).sum(axis=1)[None, :]
    return np.maximum(x2 + y2 - X @ Y.T, 0)
""",
        "cross-term-factor",
        "forgot the 2 of the cross term",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    D = np.sum(X ** 2, axis=1) + np.sum(Y ** 2, axis=1) - 2 * X @ Y.T
    return np.maximum(D, 0)
""",
        "norms-not-aligned",
        "two 1-D norm vectors added without [:, None]",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    sx = (X ** 2).sum(axis=1)[:, None]
    sy = (Y ** 2).sum(axis=1)[None, :]
    return np.maximum(sx + sy + 2 * X @ Y.T, 0)
""",
        "cross-term-sign",
        "+2xy instead of -2xy",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    sy = (Y ** 2).sum(axis=1)[:, None]
    sx = (X ** 2).sum(axis=1)[None, :]
    return np.maximum(sy + sx - 2 * Y @ X.T, 0)
""",
        "transposed",
        "distances from Y's point of view: (m, n)",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=-1)
""",
        "not-squared-norm",
        "np.linalg.norm of the differences (the one-loop kNN version, vectorised)",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return ((Y[:, None, :] - X[None, :, :]) ** 2).sum(axis=-1)
""",
        "transposed",
        "differences taken Y against X",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return -2 * X @ Y.T + (X ** 2).sum(axis=1)[:, None] + (Y ** 2).sum(axis=1)
""",
        "negative-not-clipped",
        "cross term first, no clipping",
    ),
    _pd(
        """def pairwise_sq_dists(X, Y):
    sx = (X ** 2).sum(axis=1)[:, None]
    sy = (Y ** 2).sum(axis=1)[None, :]
    return np.maximum(sx + sy - 2 * X @ Y.T, 0)
""",
        None,
        "integer coordinates give an integer result",
    ),
]

SOFTMAX = [
    _sm(
        """def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    log_p = z - m - np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.exp(log_p)
""",
        CORRECT,
        "exp of log-softmax",
    ),
    _sm(
        """def softmax(z, axis=-1):
    moved = np.moveaxis(np.asarray(z), axis, -1)
    e = np.exp(moved - moved.max(axis=-1)[..., None])
    out = e / e.sum(axis=-1)[..., None]
    return np.moveaxis(out, -1, axis)
""",
        CORRECT,
        "axis moved last, [..., None] instead of keepdims",
    ),
    _sm(
        """def softmax(z, axis=-1):
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)
""",
        "softmax-overflow",
        "the textbook formula (jaykmody.com's naive version)",
    ),
    _sm(
        """def softmax(z, axis=-1):
    return np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
""",
        "softmax-overflow",
        "one-liner without the max",
    ),
    _sm(
        """def softmax(z, axis=-1):
    e_x = np.exp(z - np.max(z))
    return e_x / e_x.sum(axis=axis, keepdims=True)
""",
        "softmax-global-max",
        "np.max(z) without axis (a public snippet; Stack Overflow question on 2-D softmax)",
    ),
    _sm(
        """def softmax(z, axis=-1):
    y = np.exp(z - np.max(z))
    return y / np.sum(y)
""",
        "softmax-whole-array",
        "the 1-D tutorial version applied to any shape",
    ),
    _sm(
        """def softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis))
    return e / np.sum(e, axis=axis)
""",
        "softmax-no-keepdims",
        "reductions without keepdims",
    ),
    _sm(
        """def softmax(z, axis=-1):
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)
""",
        "softmax-no-keepdims",
        "keepdims on the max but not on the sum",
    ),
    _sm(
        """def softmax(z, axis=-1):
    x = z - np.max(z, axis=0)
    return np.exp(x) / np.sum(np.exp(x), axis=0)
""",
        "softmax-wrong-axis",
        "axis=0 as in the Udacity quiz's suggested solution",
    ),
    _sm(
        """def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
""",
        "softmax-ignores-axis",
        "axis=-1 hard-coded",
    ),
    _sm(
        """def softmax(z, axis=-1):
    z -= z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
""",
        None,
        "computed in place: the caller's logits change",
    ),
]

CROSS_ENTROPY = [
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    rows = np.arange(len(targets))
    return float(np.mean(lse - z[rows, targets]))
""",
        CORRECT,
        "LSE minus the target logit",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    n, c = z.shape
    one_hot = np.eye(c)[targets]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(one_hot * log_probs) / n)
""",
        CORRECT,
        "targets one-hot encoded first (Keras-style categorical cross-entropy)",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    total = 0.0
    for row, t in zip(np.asarray(logits, dtype=float), targets):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m))) - row[t]
    return float(total / len(targets))
""",
        CORRECT,
        "one example at a time",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    exps = np.exp(logits)
    probs = exps / np.sum(exps, axis=1, keepdims=True)
    N = len(targets)
    return float(np.sum(-np.log(probs[range(N), targets])) / N)
""",
        "softmax-then-log",
        "probs[range(N), y] from a from-scratch repository",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    rows = np.arange(len(targets))
    p_true = np.exp(z[rows, targets]) / np.exp(z).sum(axis=1)
    return float(-np.log(p_true).mean())
""",
        "softmax-then-log",
        "probability of the true class only, then log",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))
""",
        "log-of-stable-softmax",
        "stable softmax, then log (the 'log of softmax' trap)",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(targets)), targets].mean())
""",
        "log-sum-exp-without-max",
        "log-softmax without the max shift",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    s = z - z.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-lp[np.arange(len(targets)), targets].sum())
""",
        "summed-not-averaged",
        "sum over the batch",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    s = z - z.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.sum(targets * lp) / z.shape[0])
""",
        "one-hot-targets",
        "formula for one-hot labels used with class indices",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    s = z - z.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-lp[:, targets].mean())
""",
        "targets-index-columns",
        "log_probs[:, targets]",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    s = z - z.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(lp[np.arange(len(targets)), targets].mean())
""",
        "sign",
        "log-likelihood instead of its negative",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    s = z - z.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-lp.mean())
""",
        "all-classes",
        "mean over every class",
    ),
    _ce(
        """def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets] + 1e-12)))
""",
        None,
        "epsilon inside the log: the loss is capped at about 27.6",
    ),
]

KL_DIVERGENCE = [
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p != 0, p * np.log(p / q), 0.0)
    return np.sum(terms, axis=-1)
""",
        CORRECT,
        "np.where(p != 0, ...) with errstate (numba/NDB code), summed over the last axis",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    safe_p = np.where(p > 0, p, 1.0)
    return (p * (np.log(safe_p) - np.log(q))).sum(axis=-1)
""",
        CORRECT,
        "log p - log q with the zeros of p replaced by 1",
    ),
    _kl(
        """def kl_divergence(p, q):
    return np.sum(p * np.log(p / q), axis=-1)
""",
        "log-zero",
        "the formula as written",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return np.sum(p * np.log(p) - p * np.log(q), axis=-1)
""",
        "log-zero",
        "p log p - p log q, with 0 log 0 = nan",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.where(p != 0, p * np.log(p / q), 0))
""",
        "kl-summed-over-batch",
        "np.sum without axis (public implementations written for 1-D)",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    mask = p > 0
    return np.sum(p[mask] * np.log(p[mask] / q[mask]))
""",
        "kl-summed-over-batch",
        "boolean selection p[p > 0], which flattens a batch",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    terms = np.zeros_like(p)
    nz = p > 0
    terms[nz] = p[nz] * np.log2(p[nz] / q[nz])
    return terms.sum(axis=-1)
""",
        "kl-log2",
        "np.log2 (bits), as in several public KL functions",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bits = np.where(p > 0, p * np.log(p / q) / np.log(2), 0.0)
    return bits.sum(axis=-1)
""",
        "kl-log2",
        "converted to bits by dividing by log 2",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.where(q > 0, q * np.log(q / p), 0.0), axis=-1)
""",
        "kl-arguments-swapped",
        "KL(q || p)",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(np.where(p > 0, p * np.log(p / q), 0.0), axis=-1)
""",
        "kl-mean-not-sum",
        "np.mean instead of np.sum",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(p > 0, p * np.log(q), 0.0), axis=-1)
""",
        "kl-cross-entropy",
        "cross-entropy taken for KL",
    ),
    _kl(
        """def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.where(p > 0, p * np.log(q / p), 0.0), axis=-1)
""",
        "kl-sign",
        "log(q / p)",
    ),
    _kl(
        """def kl_divergence(p, q):
    epsilon = 1e-6
    p = np.asarray(p, dtype=float) + epsilon
    q = np.asarray(q, dtype=float) + epsilon
    return np.sum(p * np.log(p / q), axis=-1)
""",
        None,
        "epsilon added to both distributions (a public snippet)",
    ),
]

RANK_K_APPROX = [
    _rk(
        """def rank_k_approx(A, k):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = np.zeros((m, n))
    for i in range(k):
        A_k += s[i] * np.outer(U[:, i], Vt[i])
    rel = float(np.sqrt(np.sum(s[k:] ** 2) / np.sum(s ** 2)))
    return A_k, k * (m + n + 1), rel
""",
        CORRECT,
        "sum of k outer products; error from the dropped singular values (Eckart-Young)",
    ),
    _rk(
        """def rank_k_approx(A, k):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    A_k = U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]
    m, n = A.shape
    err = np.linalg.norm(A - A_k, "fro") / np.linalg.norm(A, "fro")
    return A_k, k * (m + n + 1), float(err)
""",
        CORRECT,
        "full_matrices=True (the default), sliced",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = (U[:, :k] * s[:k]) @ Vt[:k]
    m, n = A.shape
    return A_k, k * (m + n), float(np.linalg.norm(A - A_k) / np.linalg.norm(A))
""",
        "params-without-singular-values",
        "k(m + n): the singular values not counted",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = (U[:, :k] * s[:k]) @ Vt[:k]
    return A_k, A.size, float(np.linalg.norm(A - A_k) / np.linalg.norm(A))
""",
        "params-full-matrix",
        "the size of A as the parameter count",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = U[:, -k:] @ np.diag(s[-k:]) @ Vt[-k:, :]
    m, n = A.shape
    return A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k) / np.linalg.norm(A))
""",
        "smallest-singular-values",
        "the last k singular values",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = np.argsort(s)[:k]
    A_k = U[:, keep] @ np.diag(s[keep]) @ Vt[keep, :]
    m, n = A.shape
    return A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k) / np.linalg.norm(A))
""",
        "smallest-singular-values",
        "np.argsort(s)[:k]: ascending order, the smallest k",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = (U[:, :k] * s[:k]) @ Vt[:k]
    m, n = A.shape
    return A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k, 2) / np.linalg.norm(A, 2))
""",
        "spectral-norm",
        "ord=2",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = (U[:, :k] * s[:k]) @ Vt[:k]
    m, n = A.shape
    return A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k))
""",
        "absolute-error",
        "not divided by the norm of A",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, S, V = np.linalg.svd(A, full_matrices=False)
    A_k = U[:, :k] @ np.diag(S[:k]) @ V[:, :k].T
    m, n = A.shape
    return A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k) / np.linalg.norm(A))
""",
        "vt-taken-for-v",
        "the third output read as V, as in MATLAB (numpy-discussion thread)",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = U[:k] @ np.diag(s[:k]) @ Vt[:k]
    m, n = A.shape
    return A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k) / np.linalg.norm(A))
""",
        "u-rows-not-columns",
        "U[:k] for the first k singular vectors",
    ),
    _rk(
        """def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    A_k = (U[:, :k] * s[:k]) @ Vt[:k]
    m, n = A.shape
    return [A_k, k * (m + n + 1), float(np.linalg.norm(A - A_k) / np.linalg.norm(A))]
""",
        None,
        "a list instead of a tuple",
    ),
]

ENTRIES: list[Entry] = [
    *DOT_LOOP,
    *MATMUL_LOOP,
    *MATMUL_VECTORIZED,
    *BROADCAST_SHAPE,
    *PAIRWISE_SQ_DISTS,
    *SOFTMAX,
    *CROSS_ENTROPY,
    *KL_DIVERGENCE,
    *RANK_K_APPROX,
]
