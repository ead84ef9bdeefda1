"""Rotary position embeddings in both conventions (10-transformer/rotary_embedding): the checker.

The angle of pair j at position p is p·θ_j with θ_j = base^(−2j/d), j = 0 … d/2 − 1. The
reference is torch: for ``convention="half"`` (GPT-NeoX, Hugging Face Llama) pair j is the
coordinates (j, j + d/2) and x·cos + rotate_half(x)·sin rotates it; for
``convention="interleaved"`` (RoFormer, Meta's original Llama) pair j is (2j, 2j + 1), viewed
as one complex number and multiplied by e^{i p θ_j}. Both rotate (a, b) to
(a cos − b sin, a sin + b cos): counter-clockwise by p·θ_j.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def _rope(
    x: Any,
    positions: Any,
    base: float = 10000.0,
    convention: str = "half",
    *,
    exponent: str = "2j/d",
    sign: float = 1.0,
    angles_in_place: bool = False,
) -> np.ndarray:
    torch = _torch()
    xt = _t(x)
    d = xt.shape[-1]
    j = torch.arange(d // 2, dtype=torch.float64)
    theta = float(base) ** (-(j if exponent == "j/d" else 2 * j) / d)
    angles = sign * _t(positions)[:, None] * theta  # (T, d/2)
    if convention == "interleaved":
        pairs = torch.view_as_complex(xt.reshape(*xt.shape[:-1], d // 2, 2).contiguous())
        rotated = pairs * torch.polar(torch.ones_like(angles), angles)
        return _np(torch.view_as_real(rotated).reshape(xt.shape))
    if angles_in_place:  # θ0, θ0, θ1, θ1, …: the interleaved layout of the angles
        cos = angles.cos().repeat_interleave(2, dim=-1)
        sin = angles.sin().repeat_interleave(2, dim=-1)
    else:  # θ0, θ1, …, θ0, θ1, …: each angle at j and at j + d/2
        cos = torch.cat([angles.cos(), angles.cos()], dim=-1)
        sin = torch.cat([angles.sin(), angles.sin()], dim=-1)
    x1, x2 = xt[..., : d // 2], xt[..., d // 2 :]
    rotate_half = torch.cat([-x2, x1], dim=-1)
    return _np(xt * cos + rotate_half * sin)


def _reference(
    x: Any, positions: Any, base: float = 10000.0, convention: str = "half"
) -> np.ndarray:
    if convention not in ("half", "interleaved"):
        raise ValueError(f"unknown convention {convention!r}")
    return _rope(x, positions, base, convention)


def _cases() -> list[Case]:
    rng = _rng(1001)
    same = np.tile(rng.normal(size=(1, 1, 4)), (2, 6, 1))  # one vector at every position
    return [
        Case(
            "the notes' example: x (1, 2, 4), positions 0, 1, base 100, half",
            (np.array([[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]]), np.array([0, 1]), 100.0),
        ),
        Case(
            "the notes' example, interleaved",
            (np.array([[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]]), np.array([0, 1]), 100.0),
            {"convention": "interleaved"},
        ),
        Case("x (2, 5, 8), positions 0…4, half", (rng.normal(size=(2, 5, 8)), np.arange(5))),
        Case(
            "x (2, 5, 8), positions 0…4, interleaved",
            (rng.normal(size=(2, 5, 8)), np.arange(5)),
            {"convention": "interleaved"},
        ),
        Case(
            "heads: x (2, 3, 4, 16), positions 10…13, half",
            (rng.normal(size=(2, 3, 4, 16)), np.arange(10, 14)),
            {"convention": "half"},
        ),
        Case(
            "heads: x (1, 2, 6, 6), positions 3…8, base 500, interleaved",
            (rng.normal(size=(1, 2, 6, 6)), np.arange(3, 9), 500.0, "interleaved"),
        ),
        Case(
            "one vector at positions 0…5, half (the notes' offset test)",
            (same, np.arange(6), 10000.0, "half"),
        ),
        Case(
            "the same vector at positions 100…105, interleaved",
            (same, np.arange(100, 106), 10000.0, "interleaved"),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        x: Any, positions: Any, base: float = 10000.0, convention: str = "half"
    ) -> np.ndarray:
        if mistake == "always-half":
            return _rope(x, positions, base, "half")
        if mistake == "always-interleaved":
            return _rope(x, positions, base, "interleaved")
        if mistake == "conventions-swapped":
            other = "interleaved" if convention == "half" else "half"
            return _rope(x, positions, base, other)
        if mistake == "positions-ignored":  # freqs_cis[:T]: the rows' own positions unread
            T = np.shape(x)[-2]
            return _rope(x, np.arange(T), base, convention)
        if mistake == "exponent-j-over-d":
            return _rope(x, positions, base, convention, exponent="j/d")
        if mistake == "half-with-angles-repeated-in-place":
            return _rope(x, positions, base, convention, angles_in_place=True)
        return _rope(x, positions, base, convention, sign=-1.0)  # rotation-reversed

    return wrong


ROTARY_EMBEDDING = Checker(
    f"{A}/rotary_embedding",
    title="Rotary embeddings: both conventions",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "always-half",
            "Your function used the rotate-half pairing (j, j + d/2) on every call, also where "
            "the call asked for convention='interleaved'. Interleaved pairs are (2j, 2j + 1): "
            "x[..., 0::2] and x[..., 1::2] — read the argument and branch on it.",
            _with("always-half"),
        ),
        Misconception(
            "always-interleaved",
            "Your function used the interleaved pairing (2j, 2j + 1) on every call, also where "
            "the call asked for convention='half'. Rotate-half pairs coordinate j with "
            "j + d/2: x1 = x[..., :d/2], x2 = x[..., d/2:].",
            _with("always-interleaved"),
        ),
        Misconception(
            "conventions-swapped",
            "You swapped the two conventions: where the call asked for 'half' you paired "
            "(2j, 2j + 1), and where it asked for 'interleaved' you paired (j, j + d/2). "
            "'half' (GPT-NeoX, Hugging Face Llama) rotates x[..., j] with x[..., j + d/2]; "
            "'interleaved' (RoFormer, Meta's Llama) rotates x[..., 2j] with x[..., 2j + 1].",
            _with("conventions-swapped"),
        ),
        Misconception(
            "exponent-j-over-d",
            "Your frequencies are base^(−j/d). They are θ_j = base^(−2j/d) for "
            "j = 0 … d/2 − 1 (np.arange(0, d, 2) / d): the slowest pair turns almost base "
            "times slower than the fastest, not √base times.",
            _with("exponent-j-over-d"),
        ),
        Misconception(
            "positions-ignored",
            "Your rotation uses the positions 0, 1, …, T − 1 whatever `positions` says (as "
            "slicing a precomputed table with [:T] does). Row t is at position positions[t]: "
            "a key cached at step 100 turns by 100·θ_j, not by its row number — build the "
            "angles from np.asarray(positions)[:, None] * theta.",
            _with("positions-ignored"),
        ),
        Misconception(
            "rotation-reversed",
            "You rotate the wrong way (by −p·θ). A pair (a, b) becomes "
            "(a cos − b sin, a sin + b cos): rotate_half(x) is concat(−x2, x1), with the minus "
            "on the *second* half.",
            _with("rotation-reversed"),
        ),
        Misconception(
            "half-with-angles-repeated-in-place",
            "Your 'half' rotation pairs x[..., j] with x[..., j + d/2] but lays the angles out "
            "as θ0, θ0, θ1, θ1, … (np.repeat(…, 2)): coordinates j and j + d/2 then turn by "
            "different angles. With rotate-half each angle must sit at j and at j + d/2: "
            "concatenate the d/2 angles with themselves (θ0, θ1, …, θ0, θ1, …).",
            _with("half-with-angles-repeated-in-place"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = ROTARY_EMBEDDING
