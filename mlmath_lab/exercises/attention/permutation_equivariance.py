"""Self-attention and the order of the tokens (09-attention/permutation_equivariance): the
checker.

The student returns max |f(x[:, perm]) − f(x)[:, perm]| for f(z) = MHA(z + positions, …), the
self-attention of ``nn.MultiheadAttention(batch_first=True)``: about 0 (round-off) without
positions, a definite number with them. Every case with positions has a non-zero answer, so a
function that returns 0 cannot pass."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED, A, mha_by_hand, mha_params
from .multi_head_attention import _mha_reference


def _attend(x: Any, params: dict[str, Any], num_heads: int, positions: Any) -> np.ndarray:
    z = np.asarray(x, dtype=float)
    if positions is not None:
        z = z + np.asarray(positions, dtype=float)
    return _mha_reference(z, z, z, params, num_heads)


def _residual_reference(
    x: Any, params: dict[str, Any], num_heads: int, perm: Any, positions: Any = None
) -> float:
    perm = np.asarray(perm)
    moved = _attend(np.asarray(x)[:, perm], params, num_heads, positions)
    return float(np.abs(moved - _attend(x, params, num_heads, positions)[:, perm]).max())


def _compare(got: Any, expected: Any) -> Mismatch | None:
    # round-off of a float64 layer is ~1e-15: an absolute tolerance far above it and far
    # below any residual that positions cause
    return compare(got, expected, rtol=1e-6, atol=1e-9)


def _case(
    rng: np.random.Generator, B: int, T: int, D: int, h: int, perm: list[int], positions: bool
) -> tuple[Any, ...]:
    x = rng.normal(size=(B, T, D))
    params = mha_params(rng, D)
    pos = rng.normal(size=(T, D)) if positions else None
    return (x, params, h, np.array(perm), pos)


def _cases() -> list[Case]:
    rng = _rng(99)
    return [
        Case(
            "no positions: B = 2, T = 4, D = 4, h = 2, perm (1, 2, 3, 0) → about 0",
            _case(rng, 2, 4, 4, 2, [1, 2, 3, 0], False),
        ),
        Case(
            "with positions: B = 2, T = 4, D = 4, h = 2, perm (1, 2, 3, 0)",
            _case(rng, 2, 4, 4, 2, [1, 2, 3, 0], True),
        ),
        Case(
            "with positions: B = 1, T = 5, D = 6, h = 3, perm (2, 0, 4, 1, 3)",
            _case(rng, 1, 5, 6, 3, [2, 0, 4, 1, 3], True),
        ),
        Case(
            "no positions: B = 3, T = 6, D = 8, h = 4, perm (5, 3, 0, 1, 2, 4) → about 0",
            _case(rng, 3, 6, 8, 4, [5, 3, 0, 1, 2, 4], False),
        ),
        Case(
            "with positions: B = 2, T = 3, D = 6, h = 2, perm (2, 0, 1)",
            _case(rng, 2, 3, 6, 2, [2, 0, 1], True),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        x: Any, params: dict[str, Any], num_heads: int, perm: Any, positions: Any = None
    ) -> float:
        perm = np.asarray(perm)
        x = np.asarray(x, dtype=float)
        pos = None if positions is None else np.asarray(positions, dtype=float)

        def f(z: np.ndarray, p: Any) -> np.ndarray:
            z = z if p is None else z + p
            return mha_by_hand(z, z, z, params, num_heads)

        if mistake == "positions-moved-with-tokens":
            moved = f(x[:, perm], None if pos is None else pos[perm])
            return float(np.abs(moved - f(x, pos)[:, perm]).max())
        if mistake == "outputs-not-permuted":
            return float(np.abs(f(x[:, perm], pos) - f(x, pos)).max())
        # inverse-permutation: the outputs moved by the inverse permutation
        inverse = np.argsort(perm)
        return float(np.abs(f(x[:, perm], pos) - f(x, pos)[:, inverse]).max())

    return wrong


PERMUTATION_EQUIVARIANCE = Checker(
    f"{A}/permutation_equivariance",
    title="Self-attention and the order of the tokens",
    reference=_residual_reference,
    cases=_cases,
    comparator=_compare,
    misconceptions=[
        Misconception(
            "positions-moved-with-tokens",
            "You permuted the positional encodings together with the tokens. A position "
            "belongs to a *place* in the sequence, not to a token: the shuffled sequence "
            "x[:, perm] gets the same positions[t] at place t — that is why positions break "
            "the symmetry.",
            _with("positions-moved-with-tokens"),
        ),
        Misconception(
            "outputs-not-permuted",
            "You compared f(x[:, perm]) with f(x) as it is. Equivariance says the outputs move "
            "*with* the tokens: compare with f(x)[:, perm].",
            _with("outputs-not-permuted"),
        ),
        Misconception(
            "inverse-permutation",
            "You moved the outputs by the inverse permutation. x[:, perm] puts token perm[t] at "
            "place t, so its output at place t must be f(x)[:, perm][t]: use the same perm, "
            "not np.argsort(perm).",
            _with("inverse-permutation"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = PERMUTATION_EQUIVARIANCE
