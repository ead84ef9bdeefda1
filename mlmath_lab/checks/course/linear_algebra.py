"""Checkers for assignment 01 — NumPy and linear algebra you use every day.

References are torch or numpy, never a copy of the expected solution: a checker that agreed
with itself would teach nothing. Every case uses shapes where a bug cannot hide (non-square,
batched, a single row or column), plus the edge cases the exercise is about (huge logits,
zero probabilities, shapes that do not broadcast).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..checker import Case, Checker, Misconception
from ..compare import Mismatch, compare
from ..references import rng as _rng
from ..references import torch as _torch

ASSIGNMENT = "01-linear-algebra"
A = ASSIGNMENT


# -- dot product by loop ----------------------------------------------------------------------
def _dot_reference(u: np.ndarray, v: np.ndarray) -> float:
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
        Case("lengths 3 and 4 (must raise ValueError)", (np.ones(3), np.ones(4))),
    ]


DOT_LOOP = Checker(
    f"{A}/dot_loop",
    title="Dot product by loop",
    reference=_dot_reference,
    cases=_dot_cases,
    misconceptions=[
        Misconception(
            "elementwise-product-not-summed",
            "You returned the elementwise products u[i]·v[i]; the dot product is their sum.",
            lambda u, v: np.asarray(u) * np.asarray(v),
        ),
    ],
)


# -- matrix product by triple loop --------------------------------------------------------------
def _matmul_reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
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
            "(3, 3) @ (3, 3) of integers",
            (np.arange(9).reshape(3, 3), np.arange(9, 18).reshape(3, 3)),
        ),
        Case("(2, 3) @ (2, 3): must raise ValueError", (np.ones((2, 3)), np.ones((2, 3)))),
    ]


_TRANSPOSE_HINT = (
    "Your result is the product with one factor transposed: C[i, j] sums "
    "A[i, k] · B[k, j] over k (row i of A with column j of B)."
)

MATMUL_LOOP = Checker(
    f"{A}/matmul_loop",
    title="Matrix product by triple loop",
    reference=_matmul_reference,
    cases=_matmul_cases,
    misconceptions=[
        Misconception(
            "elementwise-product",
            "You multiplied elementwise (A * B); a matrix product sums A[i, k] · B[k, j] over k.",
            lambda a, b: np.asarray(a, float) * np.asarray(b, float),
        ),
        Misconception(
            "transposed-product",
            _TRANSPOSE_HINT,
            lambda a, b: np.asarray(b, float).T @ np.asarray(a, float).T,
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
    ]


MATMUL_VECTORIZED = Checker(
    f"{A}/matmul_vectorized",
    title="Matrix product, vectorised and batched",
    reference=_matmul_reference,
    cases=_batched_matmul_cases,
    misconceptions=[
        Misconception(
            "np-dot-on-stacks",
            "np.dot is not matmul for stacks of matrices: it pairs every matrix of A with every "
            "matrix of B. Batched products broadcast the leading dimensions, as np.matmul and "
            "torch.matmul do.",
            lambda a, b: np.dot(a, b),
        ),
        Misconception(
            "elementwise-product",
            "You multiplied elementwise; sum the products over the shared (inner) dimension.",
            lambda a, b: np.asarray(a) * np.asarray(b),
        ),
    ],
)


# -- broadcasting ----------------------------------------------------------------------------------
def _left_aligned_broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The classic mistake: pad the shorter shape on the right, aligning leading dimensions."""
    n = max(len(a), len(b))
    a2, b2 = tuple(a) + (1,) * (n - len(a)), tuple(b) + (1,) * (n - len(b))
    out = []
    for x, y in zip(a2, b2, strict=True):
        if x != y and 1 not in (x, y):
            raise ValueError("incompatible")
        out.append(max(x, y))
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
    misconceptions=[
        Misconception(
            "aligned-left",
            "Broadcasting aligns shapes at their *trailing* dimensions: (5, 4) with (4,) "
            "compares 4 with 4, then 5 with a missing dimension, which counts as 1.",
            _left_aligned_broadcast,
        ),
    ],
)


# -- pairwise squared distances -----------------------------------------------------------------------
def _sq_dists_reference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    torch = _torch()
    return (torch.cdist(torch.from_numpy(x), torch.from_numpy(y)) ** 2).numpy()


def _sq_dists_cases() -> list[Case]:
    rng = _rng(4)
    x = rng.normal(size=(4, 3))
    return [
        Case("X (5, 3) and Y (4, 3)", (rng.normal(size=(5, 3)), rng.normal(size=(4, 3)))),
        Case("one point against six, d = 2", (rng.normal(size=(1, 2)), rng.normal(size=(6, 2)))),
        Case("X against itself (the diagonal must be 0)", (x, x.copy())),
        Case(
            "far-away points, d = 10",
            (rng.normal(size=(3, 10)) + 100.0, rng.normal(size=(2, 10)) - 100.0),
        ),
    ]


def _sq_dists_compare(got: Any, expected: Any) -> Mismatch | None:
    # The ‖x‖² + ‖y‖² − 2x·y identity loses about 1e-13·‖x‖² to cancellation; allow that.
    mismatch = compare(got, expected, rtol=1e-7, atol=1e-8 * max(1.0, float(np.max(expected))))
    if mismatch is None and np.any(np.asarray(got) < 0):
        return Mismatch(
            "value",
            "some squared distances are negative (round-off): clip them with np.maximum(..., 0)",
        )
    return mismatch


PAIRWISE_SQ_DISTS = Checker(
    f"{A}/pairwise_sq_dists",
    title="Pairwise squared distances without loops",
    reference=_sq_dists_reference,
    cases=_sq_dists_cases,
    comparator=_sq_dists_compare,
    misconceptions=[
        Misconception(
            "not-squared",
            "These are distances, not *squared* distances: leave out the square root.",
            lambda x, y: np.sqrt(
                np.maximum((x**2).sum(1)[:, None] + (y**2).sum(1)[None, :] - 2 * x @ y.T, 0)
            ),
        ),
        Misconception(
            "transposed",
            "Your result is (m, n): row i must belong to X[i] and column j to Y[j].",
            lambda x, y: ((y[:, None, :] - x[None, :, :]) ** 2).sum(-1),
        ),
        Misconception(
            "cross-term-sign",
            "Check the sign of the cross term: ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y.",
            lambda x, y: (x**2).sum(1)[:, None] + (y**2).sum(1)[None, :] + 2 * x @ y.T,
        ),
    ],
)


# -- softmax ----------------------------------------------------------------------------------------
def _softmax_reference(z: np.ndarray, axis: int = -1) -> np.ndarray:
    torch = _torch()
    return torch.softmax(torch.from_numpy(np.asarray(z)), dim=axis).numpy()


def _softmax_cases() -> list[Case]:
    rng = _rng(5)
    return [
        Case("a vector of 4 logits", (np.array([1.0, 2.0, 3.0, 4.0]),)),
        Case("(3, 5) logits, rows sum to 1", (rng.normal(size=(3, 5)),)),
        Case("huge logits [1000, 1001, 1002]", (np.array([1000.0, 1001.0, 1002.0]),)),
        Case(
            "very negative logits [-1000, -1001, -1002]", (np.array([-1000.0, -1001.0, -1002.0]),)
        ),
        Case("(2, 3, 4) logits scaled by 100", (100 * rng.normal(size=(2, 3, 4)),)),
        Case("(4, 3) logits with axis=0", (rng.normal(size=(4, 3)),), {"axis": 0}),
        Case("float32 logits (5, 2)", (rng.normal(size=(5, 2)).astype(np.float32),)),
    ]


def _naive_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_other_axis(z: np.ndarray, axis: int = -1) -> np.ndarray:
    other = 0 if (axis % np.ndim(z)) != 0 else -1
    e = np.exp(z - z.max(axis=other, keepdims=True))
    return e / e.sum(axis=other, keepdims=True)


def _softmax_no_keepdims(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum()


SOFTMAX = Checker(
    f"{A}/softmax",
    title="Numerically stable softmax",
    reference=_softmax_reference,
    cases=_softmax_cases,
    misconceptions=[
        Misconception(
            "softmax-overflow",
            "exp overflows for large logits (exp(1000) = inf, and inf/inf = nan). Subtract the "
            "maximum along the axis first: softmax(z) = softmax(z − max z).",
            _naive_softmax,
        ),
        Misconception(
            "softmax-wrong-axis",
            "You normalised along the wrong axis: the values must sum to 1 along `axis` (the "
            "last one by default). Use axis=axis and keepdims=True in max and sum.",
            _softmax_other_axis,
        ),
        Misconception(
            "softmax-whole-array",
            "You normalised over the whole array: each slice along `axis` must sum to 1 on its "
            "own. Pass axis=axis, keepdims=True to max and sum.",
            _softmax_no_keepdims,
        ),
    ],
)


# -- cross-entropy from logits --------------------------------------------------------------------------
def _cross_entropy_reference(logits: np.ndarray, targets: np.ndarray) -> float:
    torch = _torch()
    return float(
        torch.nn.functional.cross_entropy(
            torch.from_numpy(np.asarray(logits)), torch.from_numpy(np.asarray(targets))
        )
    )


def _cross_entropy_cases() -> list[Case]:
    rng = _rng(6)
    return [
        Case("4 examples, 3 classes", (rng.normal(size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("1 example, 5 classes", (rng.normal(size=(1, 5)), np.array([3]))),
        Case(
            "huge logits (2, 3)",
            (np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 1000.0]]), np.array([2, 0])),
        ),
        Case("6 examples, 10 classes", (3 * rng.normal(size=(6, 10)), rng.integers(0, 10, size=6))),
    ]


def _ce_softmax_then_log(logits: np.ndarray, targets: np.ndarray) -> float:
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))


def _ce_stable_parts(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return log_probs, log_probs[np.arange(len(targets)), targets]


def _ce_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-5, atol=1e-5)


CROSS_ENTROPY = Checker(
    f"{A}/cross_entropy",
    title="Cross-entropy from logits",
    reference=_cross_entropy_reference,
    cases=_cross_entropy_cases,
    comparator=_ce_close,
    misconceptions=[
        Misconception(
            "softmax-then-log",
            "Taking softmax and then log overflows or hits log(0) = −inf for large logits. "
            "Use log-softmax: z − max z − log Σ exp(z − max z).",
            _ce_softmax_then_log,
        ),
        Misconception(
            "summed-not-averaged",
            "You summed over the batch; cross-entropy here is the *mean* over the N examples.",
            lambda lg, t: float(-_ce_stable_parts(lg, t)[1].sum()),
        ),
        Misconception(
            "sign",
            "The loss is the *negative* log-likelihood: it must be ≥ 0.",
            lambda lg, t: float(_ce_stable_parts(lg, t)[1].mean()),
        ),
        Misconception(
            "all-classes",
            "Only the log-probability of each example's target class "
            "counts: index with log_probs[np.arange(N), targets].",
            lambda lg, t: float(-_ce_stable_parts(lg, t)[0].mean()),
        ),
    ],
)


# -- KL divergence ------------------------------------------------------------------------------------
def _kl_reference(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
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
        Case("p = q gives 0", (batch_p[0], batch_p[0].copy())),
    ]


def _kl_naive(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.sum(p * np.log(p / q), axis=-1)


def _kl_where(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    ratio = np.where(p > 0, p / q, 1.0)
    return np.sum(np.where(p > 0, p * np.log(ratio), 0.0), axis=-1)


KL_DIVERGENCE = Checker(
    f"{A}/kl_divergence",
    title="KL divergence",
    reference=_kl_reference,
    cases=_kl_cases,
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
            "Sum over the last axis only: each row of a batch "
            "is its own distribution with its own KL.",
            lambda p, q: np.sum(_kl_where(p, q)),
        ),
    ],
)


# -- rank-k approximation by SVD ------------------------------------------------------------------------
def _rank_k_reference(a: np.ndarray, k: int) -> tuple[np.ndarray, int, float]:
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


def _rank_k_with(
    a: np.ndarray, k: int, params: int | None = None, smallest: bool = False, spectral: bool = False
) -> tuple[np.ndarray, int, float]:
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    keep = slice(len(s) - k, len(s)) if smallest else slice(0, k)
    approx = u[:, keep] @ np.diag(s[keep]) @ vh[keep, :]
    m, n = a.shape
    order: float | Literal["fro"] = 2 if spectral else "fro"
    rel = float(np.linalg.norm(a - approx, order) / np.linalg.norm(a, order))
    return approx, (k * (m + n + 1) if params is None else params), rel


RANK_K_APPROX = Checker(
    f"{A}/rank_k_approx",
    title="Rank-k approximation by SVD",
    reference=_rank_k_reference,
    cases=_rank_k_cases,
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
