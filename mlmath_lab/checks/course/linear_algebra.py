"""Checkers for assignment 01 — NumPy and linear algebra you use every day.

References are torch or numpy, never a copy of the expected solution: a checker that agreed
with itself would teach nothing. Every case uses shapes where a bug cannot hide (non-square,
batched, a single row or column), plus the edge cases the exercise is about (huge logits,
zero probabilities, shapes that do not broadcast, integer inputs, round-off that makes a
squared distance negative).

The known mistakes are the ones people make when they write these functions from scratch
(course forums, kNN and softmax assignments, from-scratch repositories, numpy's own mailing
list for the SVD); each is written here as the code that makes it, so that a hint is only
given when that code reproduces the student's outcome on every case.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare, summarize
from ..references import rng as _rng
from ..references import torch as _torch
from ..rules import LOOPS, MATMUL, NP_DOT, Forbidden

ASSIGNMENT = "01-linear-algebra"
A = ASSIGNMENT

# What the exercises' "Not allowed here" lines name besides torch (always forbidden).
NP_SUM = Forbidden(
    "np.sum",
    objects=("numpy.sum", "numpy.tensordot"),
    methods=("sum",),
    why="Write the loop: the point is to see the sum of products.",
)
BROADCAST_HELPERS = Forbidden(
    "NumPy's own broadcasting (np.broadcast_shapes, or arrays of those shapes)",
    objects=(
        "numpy.broadcast_shapes",
        "numpy.broadcast",
        "numpy.broadcast_to",
        "numpy.broadcast_arrays",
        "numpy.empty",
        "numpy.zeros",
        "numpy.ones",
        "numpy.full",
    ),
    why="Apply the rule to the shape tuples themselves, without asking NumPy or making arrays.",
)
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="Write it in NumPy: scipy's ready-made function is what the exercise builds.",
)


def _floats(x: Any) -> np.ndarray:
    """An array of floats (float32 stays float32, integers become float64)."""
    arr = np.asarray(x)
    return arr if arr.dtype.kind in "fc" else arr.astype(np.float64)


# -- dot product by loop ----------------------------------------------------------------------
def _dot_reference(u: Any, v: Any) -> float:
    if np.shape(u) != np.shape(v):
        raise ValueError(f"lengths differ: {np.shape(u)} vs {np.shape(v)}")
    return float(np.dot(u, v))


def _dot_cases() -> list[Case]:
    rng = _rng(1)
    return [
        Case("two length-3 vectors", (np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0]))),
        Case("length-7 random vectors", (rng.normal(size=7), rng.normal(size=7))),
        Case("length-1 vectors", (np.array([2.5]), np.array([-4.0]))),
        Case("orthogonal vectors", (np.array([1.0, 1.0, 0.0]), np.array([1.0, -1.0, 5.0]))),
        Case(
            "integer vectors [3, -1, 2] and [4, 5, -2] (return a float)",
            (np.array([3, -1, 2]), np.array([4, 5, -2])),
        ),
        Case(
            "Python lists [0.5, 1.5, -2.0] and [2.0, -4.0, 0.25]",
            ([0.5, 1.5, -2.0], [2.0, -4.0, 0.25]),
        ),
        Case("lengths 3 and 4 (must raise ValueError)", (np.ones(3), np.ones(4))),
    ]


def _dot_last_product(u: Any, v: Any) -> float:
    total = 0.0
    for a, b in zip(u, v, strict=False):
        total = a * b
    return float(total)


def _dot_first_product(u: Any, v: Any) -> float:
    for a, b in zip(u, v, strict=False):
        return float(a * b)
    return 0.0


DOT_LOOP = Checker(
    f"{A}/dot_loop",
    title="Dot product by loop",
    reference=_dot_reference,
    cases=_dot_cases,
    forbidden=[NP_DOT, NP_SUM],
    misconceptions=[
        Misconception(
            "elementwise-product-not-summed",
            "You returned the elementwise products u[i]·v[i]; the dot product is their sum.",
            lambda u, v: np.array([a * b for a, b in zip(u, v, strict=False)]),
        ),
        Misconception(
            "last-product-only",
            "Only the last product u[-1]·v[-1] survives: the running total is overwritten (or "
            "reset to 0) in every iteration. Set total = 0.0 once, before the loop, and add "
            "with total += u[i] * v[i].",
            _dot_last_product,
        ),
        Misconception(
            "return-inside-loop",
            "Your function returns the first product u[0]·v[0]: the `return` is indented "
            "inside the loop, so it runs in the first iteration. Return after the loop.",
            _dot_first_product,
        ),
    ],
)


# -- matrix product by triple loop --------------------------------------------------------------
def _matmul_reference(a: Any, b: Any) -> np.ndarray:
    torch = _torch()
    if np.ndim(a) < 2 or np.ndim(b) < 2 or np.shape(a)[-1] != np.shape(b)[-2]:
        raise ValueError(f"inner dimensions differ: {np.shape(a)} @ {np.shape(b)}")
    return torch.matmul(
        torch.from_numpy(np.asarray(a, float)), torch.from_numpy(np.asarray(b, float))
    ).numpy()


def _matmul_cases() -> list[Case]:
    rng = _rng(2)
    return [
        Case("(2, 3) @ (3, 4)", (rng.normal(size=(2, 3)), rng.normal(size=(3, 4)))),
        Case(
            "(1, 5) @ (5, 1): a row times a column",
            (rng.normal(size=(1, 5)), rng.normal(size=(5, 1))),
        ),
        Case(
            "(4, 1) @ (1, 3): an outer product", (rng.normal(size=(4, 1)), rng.normal(size=(1, 3)))
        ),
        Case(
            "(3, 3) @ (3, 3) of integers (the result is float64)",
            (np.arange(9).reshape(3, 3), np.arange(9, 18).reshape(3, 3)),
        ),
        Case("(2, 3) @ (2, 3): must raise ValueError", (np.ones((2, 3)), np.ones((2, 3)))),
        Case(
            "(2, 3) @ (4, 2): must raise ValueError (the loops alone would not notice)",
            (np.ones((2, 3)), np.ones((4, 2))),
        ),
    ]


def _matmul_loop_compare(got: Any, expected: Any) -> Mismatch | None:
    """The values, and a float64 array as the exercise asks (for integer inputs too)."""
    mismatch = compare(got, expected)
    if mismatch is not None:
        return mismatch
    if not isinstance(got, np.ndarray) or got.dtype != np.float64:
        dtype = got.dtype if isinstance(got, np.ndarray) else type(got).__name__
        return Mismatch(
            "dtype",
            f"return a float64 NumPy array (start from np.zeros((m, p))); yours is {dtype}",
            summarize(got),
            summarize(expected),
        )
    return None


def _loops(a: Any, b: Any, *, overwrite: bool = False, running: bool = False) -> np.ndarray:
    """C = A @ B with three loops, written with one of the classic slips."""
    a, b = np.asarray(a), np.asarray(b)
    m, n = a.shape
    n_b, p = b.shape
    if n != n_b:
        raise ValueError("inner dimensions differ")
    c = np.zeros((m, p))
    total = 0.0
    for i in range(m):
        for j in range(p):
            for k in range(n):
                if overwrite:
                    c[i, j] = a[i, k] * b[k, j]
                elif running:
                    total += a[i, k] * b[k, j]
                    c[i, j] = total
                else:
                    c[i, j] += a[i, k] * b[k, j]
    return c


MATMUL_LOOP = Checker(
    f"{A}/matmul_loop",
    title="Matrix product by triple loop",
    reference=_matmul_reference,
    cases=_matmul_cases,
    comparator=_matmul_loop_compare,
    forbidden=[MATMUL],
    misconceptions=[
        Misconception(
            "elementwise-product",
            "You multiplied elementwise (A * B); a matrix product sums A[i, k] · B[k, j] over k.",
            lambda a, b: np.asarray(a, float) * np.asarray(b, float),
        ),
        Misconception(
            "transposed-product",
            "Your result is the transpose of A @ B (rows and columns swapped): C[i, j] sums "
            "A[i, k] · B[k, j] over k, row i of A with column j of B, and C has shape (m, p).",
            lambda a, b: np.asarray(b, float).T @ np.asarray(a, float).T,
        ),
        Misconception(
            "overwrite-not-accumulate",
            "Each C[i, j] holds only its last term A[i, n-1] · B[n-1, j]: you assigned with `=` "
            "inside the k loop. Accumulate with C[i, j] += A[i, k] * B[k, j].",
            lambda a, b: _loops(a, b, overwrite=True),
        ),
        Misconception(
            "sum-not-reset",
            "Your entries keep growing along the result: the running sum is set to 0 once, "
            "before all the loops, so C[i, j] also contains the sums of the entries before it. "
            "Start each entry's sum at 0 (inside the j loop), or add into C[i, j] itself.",
            lambda a, b: _loops(a, b, running=True),
        ),
    ],
)


# -- matrix product, vectorised and batched -------------------------------------------------------
def _batched_matmul_cases() -> list[Case]:
    rng = _rng(3)
    return [
        Case("(3, 4) @ (4, 2)", (rng.normal(size=(3, 4)), rng.normal(size=(4, 2)))),
        Case(
            "batch (2, 3, 4) @ (2, 4, 5)", (rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5)))
        ),
        Case(
            "broadcast batch (3, 4) @ (2, 4, 5)",
            (rng.normal(size=(3, 4)), rng.normal(size=(2, 4, 5))),
        ),
        Case(
            "batch (2, 1, 2, 3) @ (4, 3, 1)",
            (rng.normal(size=(2, 1, 2, 3)), rng.normal(size=(4, 3, 1))),
        ),
        Case(
            "(2, 3) @ (1, 4): inner dimensions 3 and 1, must raise ValueError "
            "(broadcasting would stretch the 1)",
            (rng.normal(size=(2, 3)), rng.normal(size=(1, 4))),
        ),
    ]


def _broadcast_product(a: Any, b: Any) -> np.ndarray:
    """Every A[..., i, k] · B[..., k, j], shape (..., m, n, p)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("inner dimensions differ")
    return a[..., :, :, None] * b[..., None, :, :]


def _matmul_2d_only(a: Any, b: Any) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("inner dimensions differ")
    return (a[:, :, None] * b[None, :, :]).sum(axis=1)


MATMUL_VECTORIZED = Checker(
    f"{A}/matmul_vectorized",
    title="Matrix product, vectorised and batched",
    reference=_matmul_reference,
    cases=_batched_matmul_cases,
    forbidden=[MATMUL, LOOPS],
    misconceptions=[
        Misconception(
            "elementwise-product",
            "You multiplied elementwise; sum the products over the shared (inner) dimension.",
            lambda a, b: np.asarray(a) * np.asarray(b),
        ),
        Misconception(
            "not-batched",
            "Your product works for 2-D inputs only: A[:, :, None] puts the new axis after the "
            "first dimension, which is a batch dimension when A has more than two. Index from "
            "the end with an ellipsis, A[..., :, :, None] * B[..., None, :, :], so the batch "
            "dimensions stay in front and broadcast.",
            _matmul_2d_only,
        ),
        Misconception(
            "sum-axis-from-front",
            "You summed over axis 1, which is the shared index k only for 2-D inputs. In the "
            "(..., m, n, p) product, k is axis -2: count from the end so batch dimensions do "
            "not shift it.",
            lambda a, b: _broadcast_product(a, b).sum(axis=1),
        ),
        Misconception(
            "sum-over-last-axis",
            "You summed over the last axis (the column index j of B); the index to sum is the "
            "shared one, k, which is axis -2 of the (..., m, n, p) product.",
            lambda a, b: _broadcast_product(a, b).sum(axis=-1),
        ),
    ],
)


# -- broadcasting ----------------------------------------------------------------------------------
def _broadcast_with(
    a: tuple[int, ...],
    b: tuple[int, ...],
    *,
    pad: Literal["left", "right", "none"] = "left",
    larger: bool = False,
    check: bool = True,
) -> tuple[int, ...]:
    """The broadcasting rule written with one of the classic slips: shapes padded on the
    wrong side (or not at all), the larger size taken (wrong for 0 against 1), no check."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    if pad == "left":
        a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    elif pad == "right":
        a, b = a + (1,) * (n - len(a)), b + (1,) * (n - len(b))
    else:  # zip drops the leading dimensions of the longer shape
        pairs = list(zip(reversed(a), reversed(b), strict=False))[::-1]
        a, b = tuple(x for x, _ in pairs), tuple(y for _, y in pairs)
    out = []
    for x, y in zip(a, b, strict=True):
        if check and x != y and 1 not in (x, y):
            raise ValueError("incompatible")
        out.append(max(x, y) if larger else (y if x == 1 else x))
    return tuple(out)


BROADCAST_SHAPE = Checker(
    f"{A}/broadcast_shape",
    title="Broadcasting: predict the result shape",
    reference=lambda a, b: tuple(int(d) for d in np.broadcast_shapes(tuple(a), tuple(b))),
    cases=[
        Case("(3, 1) with (1, 4)", ((3, 1), (1, 4))),
        Case("(5, 4) with (4,)", ((5, 4), (4,))),
        Case("(2, 1, 3) with (4, 1)", ((2, 1, 3), (4, 1))),
        Case("(8, 1, 6, 1) with (7, 1, 5)", ((8, 1, 6, 1), (7, 1, 5))),
        Case("() with (2, 3)", ((), (2, 3))),
        Case("(0, 3) with (1, 3): an empty batch", ((0, 3), (1, 3))),
        Case("(3,) with (4,): must raise ValueError", ((3,), (4,))),
        Case("(2, 3) with (3, 2): must raise ValueError", ((2, 3), (3, 2))),
    ],
    forbidden=[BROADCAST_HELPERS],
    misconceptions=[
        Misconception(
            "aligned-left",
            "Broadcasting aligns shapes at their *trailing* dimensions: (5, 4) with (4,) "
            "compares 4 with 4, then 5 with a missing dimension, which counts as 1.",
            lambda a, b: _broadcast_with(a, b, pad="right"),
        ),
        Misconception(
            "max-of-sizes",
            "A size-1 dimension stretches to the other size, even to 0: (0, 3) with (1, 3) "
            "is (0, 3). Taking max(x, y) gets that case wrong: when one size is 1, take the "
            "other one.",
            lambda a, b: _broadcast_with(a, b, larger=True),
        ),
        Misconception(
            "no-compatibility-check",
            "Two sizes broadcast only if they are equal or one of them is 1; otherwise raise "
            "ValueError. Yours returned a shape for (3,) with (4,).",
            lambda a, b: _broadcast_with(a, b, check=False),
        ),
        Misconception(
            "leading-dimensions-dropped",
            "Your shape lost the leading dimensions of the longer shape: zip stops at the "
            "shorter tuple. Pad the shorter shape on the left with 1s first, so (5, 4) with "
            "(4,) gives (5, 4).",
            lambda a, b: _broadcast_with(a, b, pad="none"),
        ),
    ],
)


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


# -- softmax ----------------------------------------------------------------------------------------
def _softmax_reference(z: Any, axis: int = -1) -> np.ndarray:
    torch = _torch()
    return torch.softmax(torch.from_numpy(_floats(z)), dim=axis).numpy()


def _softmax_cases() -> list[Case]:
    rng = _rng(5)
    return [
        Case("a vector of 4 logits", (np.array([1.0, 2.0, 3.0, 4.0]),)),
        Case("(3, 5) logits, rows sum to 1", (rng.normal(size=(3, 5)),)),
        Case("huge logits [1000, 1001, 1002]", (np.array([1000.0, 1001.0, 1002.0]),)),
        Case(
            "very negative logits [-1000, -1001, -1002]", (np.array([-1000.0, -1001.0, -1002.0]),)
        ),
        Case(
            "(2, 3) logits [[1000, 0, -1000], [-5, 0, 5]]: a large spread within a row, "
            "rows far apart",
            (np.array([[1000.0, 0.0, -1000.0], [-5.0, 0.0, 5.0]]),),
        ),
        Case("(2, 3, 4) logits scaled by 100", (100 * rng.normal(size=(2, 3, 4)),)),
        Case("(4, 3) logits with axis=0", (rng.normal(size=(4, 3)),), {"axis": 0}),
        Case("float32 logits (5, 2)", (rng.normal(size=(5, 2)).astype(np.float32),)),
        Case("integer logits [[1, 2, 3], [4, 4, 4]]", (np.array([[1, 2, 3], [4, 4, 4]]),)),
    ]


def _naive_softmax(z: Any, axis: int = -1) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_along(z: Any, fixed_axis: int) -> np.ndarray:
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=fixed_axis, keepdims=True))
    return e / e.sum(axis=fixed_axis, keepdims=True)


def _softmax_whole_array(z: Any, axis: int = -1) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum()


def _softmax_global_max(z: Any, axis: int = -1) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_no_keepdims(z: Any, axis: int = -1) -> np.ndarray:
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis))
    return e / e.sum(axis=axis)


SOFTMAX = Checker(
    f"{A}/softmax",
    title="Numerically stable softmax",
    reference=_softmax_reference,
    cases=_softmax_cases,
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Subtract the "
            "maximum along the axis first: softmax(z) = softmax(z − max z).",
            _naive_softmax,
        ),
        Misconception(
            "softmax-wrong-axis",
            "You normalised along axis 0 (down the columns): the values must sum to 1 along "
            "`axis`, the last one by default, so each row of (N, K) logits is a distribution. "
            "Use axis=axis and keepdims=True in max and sum.",
            lambda z, axis=-1: _softmax_along(z, 0),
        ),
        Misconception(
            "softmax-ignores-axis",
            "Your function ignores its `axis` argument: it always normalises along the last "
            "axis, so softmax(z, axis=0) is wrong. Pass axis=axis to max and sum.",
            lambda z, axis=-1: _softmax_along(z, -1),
        ),
        Misconception(
            "softmax-whole-array",
            "You normalised over the whole array: each slice along `axis` must sum to 1 on its "
            "own. Pass axis=axis, keepdims=True to max and sum.",
            _softmax_whole_array,
        ),
        Misconception(
            "softmax-global-max",
            "You subtracted the maximum of the whole array, not of each row. A row whose "
            "logits all lie far below that maximum underflows to exp(…) = 0 everywhere, and "
            "0/0 = nan. Take the max along `axis`: z.max(axis=axis, keepdims=True).",
            _softmax_global_max,
        ),
        Misconception(
            "softmax-no-keepdims",
            "z.max(axis=axis) and e.sum(axis=axis) drop the reduced axis, so for a 2-D "
            "input the (N,) result lines up with the wrong axis of the (N, K) array: it fails "
            "to broadcast (or, for a square input, silently divides by the wrong sums). Pass "
            "keepdims=True to both.",
            _softmax_no_keepdims,
        ),
    ],
)


# -- cross-entropy from logits --------------------------------------------------------------------------
def _cross_entropy_reference(logits: Any, targets: Any) -> float:
    torch = _torch()
    return float(
        torch.nn.functional.cross_entropy(
            torch.from_numpy(_floats(logits)),
            torch.from_numpy(np.asarray(targets, dtype=np.int64)),
        )
    )


def _cross_entropy_cases() -> list[Case]:
    rng = _rng(6)
    return [
        Case("4 examples, 3 classes", (rng.normal(size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("1 example, 5 classes", (rng.normal(size=(1, 5)), np.array([3]))),
        Case("3 examples, 3 classes", (rng.normal(size=(3, 3)), np.array([2, 0, 2]))),
        Case(
            "huge logits, each target the largest: [[1000, 1001, 999], [1002, 1000, 1001]]",
            (np.array([[1000.0, 1001.0, 999.0], [1002.0, 1000.0, 1001.0]]), np.array([1, 0])),
        ),
        Case(
            "very negative logits [[-1000, -1002, -1001]], target 0",
            (np.array([[-1000.0, -1002.0, -1001.0]]), np.array([0])),
        ),
        Case(
            "a large spread within each row: [[1000, 0, -1000], [5, 1005, 1000]], targets [2, 0]",
            (np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 1000.0]]), np.array([2, 0])),
        ),
        Case("6 examples, 10 classes", (3 * rng.normal(size=(6, 10)), rng.integers(0, 10, size=6))),
        Case(
            "integer logits (2, 4)",
            (np.array([[2, -1, 0, 3], [0, 0, 5, 1]]), np.array([3, 1])),
        ),
    ]


def _ce_log_probs(logits: Any) -> np.ndarray:
    logits = np.asarray(logits, dtype=float)
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _ce_picked(logits: Any, targets: Any) -> np.ndarray:
    targets = np.asarray(targets)
    return _ce_log_probs(logits)[np.arange(len(targets)), targets]


def _ce_softmax_then_log(logits: Any, targets: Any) -> float:
    logits = np.asarray(logits, dtype=float)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))


def _ce_stable_softmax_then_log(logits: Any, targets: Any) -> float:
    logits = np.asarray(logits, dtype=float)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))


def _ce_lse_without_max(logits: Any, targets: Any) -> float:
    logits = np.asarray(logits, dtype=float)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(len(targets)), targets]))


def _ce_one_hot(logits: Any, targets: Any) -> float:
    targets = np.asarray(targets)
    return float(-(targets * _ce_log_probs(logits)).sum() / len(targets))


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-5, atol=1e-5)


CROSS_ENTROPY = Checker(
    f"{A}/cross_entropy",
    title="Cross-entropy from logits",
    reference=_cross_entropy_reference,
    cases=_cross_entropy_cases,
    comparator=_ce_close,
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "softmax-then-log",
            "Taking softmax and then log overflows or hits log(0) = −inf for large logits. "
            "Use log-softmax: z − max z − log Σ exp(z − max z).",
            _ce_softmax_then_log,
        ),
        Misconception(
            "log-of-stable-softmax",
            "Your softmax is stable, but its log is not: when a target's logit lies ~750 or "
            "more below its row's maximum, its probability underflows to 0 and log(0) = −inf, "
            "so the loss is inf. Compute log-probabilities directly: "
            "log_probs = shifted − log Σ exp(shifted), with shifted = z − max z.",
            _ce_stable_softmax_then_log,
        ),
        Misconception(
            "log-sum-exp-without-max",
            "log Σ exp(z) overflows when a logit is large (exp(1000) = inf) and is log(0) "
            "when all are very negative. Subtract the row maximum m first: "
            "LSE(z) = m + log Σ exp(z − m).",
            _ce_lse_without_max,
        ),
        Misconception(
            "summed-not-averaged",
            "You summed over the batch; cross-entropy here is the *mean* over the N examples.",
            lambda lg, t: float(-_ce_picked(lg, t).sum()),
        ),
        Misconception(
            "sign",
            "The loss is the *negative* log-likelihood: it must be ≥ 0.",
            lambda lg, t: float(_ce_picked(lg, t).mean()),
        ),
        Misconception(
            "all-classes",
            "Only the log-probability of each example's target class "
            "counts: index with log_probs[np.arange(N), targets].",
            lambda lg, t: float(-_ce_log_probs(lg).mean()),
        ),
        Misconception(
            "one-hot-targets",
            "targets holds class *indices* (shape (N,)), not one-hot rows: multiplying it with "
            "the (N, C) log-probabilities broadcasts it along the classes. Pick each row's "
            "target entry instead: log_probs[np.arange(N), targets].",
            _ce_one_hot,
        ),
        Misconception(
            "targets-index-columns",
            "log_probs[:, targets] takes the target columns for *every* row (an (N, N) "
            "array); each row needs only its own target: log_probs[np.arange(N), targets].",
            lambda lg, t: float(-_ce_log_probs(lg)[:, np.asarray(t)].mean()),
        ),
    ],
)


# -- KL divergence ------------------------------------------------------------------------------------
def _kl_reference(p: Any, q: Any) -> np.ndarray | float:
    torch = _torch()
    pt, qt = torch.from_numpy(np.asarray(p, float)), torch.from_numpy(np.asarray(q, float))
    kl = torch.nn.functional.kl_div(qt.log(), pt, reduction="none").sum(-1)
    return float(kl) if kl.ndim == 0 else kl.numpy()


def _kl_cases() -> list[Case]:
    rng = _rng(7)
    batch_p = rng.dirichlet(np.ones(4), size=3)
    batch_q = rng.dirichlet(np.ones(4), size=3)
    return [
        Case("a 90/10 coin against a fair coin", (np.array([0.9, 0.1]), np.array([0.5, 0.5]))),
        Case(
            "p with a zero: [0.5, 0.5, 0] vs [0.25, 0.25, 0.5]",
            (np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])),
        ),
        Case(
            "five outcomes",
            (np.array([0.1, 0.2, 0.3, 0.25, 0.15]), np.array([0.3, 0.3, 0.1, 0.2, 0.1])),
        ),
        Case("a batch of 3 distributions over 4 outcomes", (batch_p, batch_q)),
        Case(
            "a batch of 2 with zeros in p: [[0.5, 0.5, 0], [0, 0.2, 0.8]]",
            (
                np.array([[0.5, 0.5, 0.0], [0.0, 0.2, 0.8]]),
                np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
            ),
        ),
        Case("p = q gives 0", (batch_p[0], batch_p[0].copy())),
    ]


def _kl_terms(p: Any, q: Any) -> np.ndarray:
    p, q = np.asarray(p, float), np.asarray(q, float)
    ratio = np.where(p > 0, p / np.where(p > 0, q, 1.0), 1.0)
    return np.where(p > 0, p * np.log(ratio), 0.0)


def _kl_where(p: Any, q: Any) -> np.ndarray:
    return np.sum(_kl_terms(p, q), axis=-1)


def _kl_naive(p: Any, q: Any) -> np.ndarray:
    p, q = np.asarray(p, float), np.asarray(q, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(p * np.log(p / q), axis=-1)


def _kl_cross_entropy(p: Any, q: Any) -> np.ndarray:
    p, q = np.asarray(p, float), np.asarray(q, float)
    return np.sum(np.where(p > 0, -p * np.log(np.where(p > 0, q, 1.0)), 0.0), axis=-1)


KL_DIVERGENCE = Checker(
    f"{A}/kl_divergence",
    title="KL divergence",
    reference=_kl_reference,
    cases=_kl_cases,
    forbidden=[SCIPY],
    misconceptions=[
        Misconception(
            "log-zero",
            "A zero in p gives 0 · log 0 = 0 · (−inf) = nan. By convention 0 · log 0 = 0: "
            "add up only the terms where p > 0 (np.where).",
            _kl_naive,
        ),
        Misconception(
            "kl-arguments-swapped",
            "You computed KL(q ‖ p). KL is not symmetric: KL(p ‖ q) = Σ p · log(p / q), "
            "weighted by p.",
            lambda p, q: _kl_where(q, p),
        ),
        Misconception(
            "kl-log2",
            "You used log base 2 (bits); this exercise uses the natural log (nats), as torch does.",
            lambda p, q: _kl_where(p, q) / np.log(2),
        ),
        Misconception(
            "kl-summed-over-batch",
            "Sum over the last axis only: each row of a batch is its own distribution with its "
            "own KL. (Selecting p[p > 0] flattens a batch into one 1-D array: mask with "
            "np.where instead, which keeps the shape.)",
            lambda p, q: np.sum(_kl_where(p, q)),
        ),
        Misconception(
            "kl-sign",
            "Your KL is negative: the ratio is upside down. KL(p ‖ q) = Σ p · log(p / q), "
            "which is ≥ 0.",
            lambda p, q: -_kl_where(p, q),
        ),
        Misconception(
            "kl-cross-entropy",
            "You computed the cross-entropy −Σ p · log q. KL subtracts the entropy of p from "
            "it: KL(p ‖ q) = Σ p · log p − Σ p · log q = Σ p · log(p / q).",
            _kl_cross_entropy,
        ),
        Misconception(
            "kl-mean-not-sum",
            "KL is a *sum* over the K outcomes, not a mean: use np.sum(..., axis=-1), not np.mean.",
            lambda p, q: np.mean(_kl_terms(p, q), axis=-1),
        ),
    ],
)


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


CHECKERS = [
    DOT_LOOP,
    MATMUL_LOOP,
    MATMUL_VECTORIZED,
    BROADCAST_SHAPE,
    PAIRWISE_SQ_DISTS,
    SOFTMAX,
    CROSS_ENTROPY,
    KL_DIVERGENCE,
    RANK_K_APPROX,
]
