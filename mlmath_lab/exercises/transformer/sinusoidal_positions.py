"""Sinusoidal positional encodings (10-transformer/sinusoidal_positions): the checker.

The reference is written in torch: column j of row t holds sin(t·ω) for even j and cos(t·ω)
for odd j, with ω = 10000^(−2⌊j/2⌋/D) — the interleaved layout of "Attention Is All You Need".
Positions start at 0. For an odd D the last column is a sine (⌈D/2⌉ sines, ⌊D/2⌋ cosines), so
the encoding is the first D columns of the one of width D + 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np


def _encoding(
    T: int,
    D: int,
    *,
    exponent: str = "2i/D",
    layout: str = "interleaved",
    first: str = "sin",
    start: int = 0,
) -> np.ndarray:
    torch = _torch()
    T, D = int(T), int(D)
    t = torch.arange(start, start + T, dtype=torch.float64)[:, None]
    half = (D + 1) // 2
    i = torch.arange(half, dtype=torch.float64)
    omega = 10000.0 ** (-(i if exponent == "i/D" else 2 * i) / D)
    angles = t * omega  # (T, ⌈D/2⌉)
    one, two = (torch.sin, torch.cos) if first == "sin" else (torch.cos, torch.sin)
    if layout == "halves":
        pe = torch.cat([one(angles), two(angles)], dim=1)[:, :D]
    else:
        pe = torch.zeros(T, 2 * half, dtype=torch.float64)
        pe[:, 0::2] = one(angles)
        pe[:, 1::2] = two(angles)
        pe = pe[:, :D]
    if exponent == "j/D":  # every column its own frequency 10000^(−j/D)
        j = torch.arange(D, dtype=torch.float64)
        ang = t * 10000.0 ** (-j / D)
        pe = torch.where(j.long() % 2 == 0, torch.sin(ang), torch.cos(ang))
    return _np(pe)


def _reference(T: int, D: int) -> np.ndarray:
    return _encoding(T, D)


def _cases() -> list[Case]:
    return [
        Case("the notes' example: T = 3, D = 4", (3, 4)),
        Case("T = 10, D = 16", (10, 16)),
        Case("T = 50, D = 64", (50, 64)),
        Case("odd width: T = 6, D = 5", (6, 5)),
        Case("one position: T = 1, D = 8", (1, 8)),
        Case("width 2: T = 7, D = 2", (7, 2)),
    ]


def _with(mistake: str) -> Any:
    def wrong(T: int, D: int) -> np.ndarray:
        if mistake == "exponent-i-over-D":
            return _encoding(T, D, exponent="i/D")
        if mistake == "exponent-by-column":
            return _encoding(T, D, exponent="j/D")
        if mistake == "halves-not-interleaved":
            return _encoding(T, D, layout="halves")
        if mistake == "sin-cos-swapped":
            return _encoding(T, D, first="cos")
        if mistake == "odd-width-unhandled":
            if int(D) % 2:
                # pe[:, 1::2] = cos(t · ω) with ⌈D/2⌉ frequencies for ⌊D/2⌋ columns
                raise ValueError("could not broadcast the cosines into the odd columns")
            return _encoding(T, D)
        return _encoding(T, D, start=1)  # positions-from-one

    return wrong


SINUSOIDAL_POSITIONS = Checker(
    f"{A}/sinusoidal_positions",
    title="Sinusoidal positional encodings",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "exponent-i-over-D",
            "Your frequencies are 10000^(−i/D) for the pair i. The exponent is 2i/D: pair i "
            "owns columns 2i and 2i + 1, so the exponent runs over the *column* of the sine, "
            "0, 2/D, 4/D, … up to nearly 1 — the slowest wavelength is about 10000·2π.",
            _with("exponent-i-over-D"),
        ),
        Misconception(
            "exponent-by-column",
            "You gave every column its own frequency 10000^(−j/D). A sine and its cosine "
            "share one frequency: columns 2i and 2i + 1 both use 10000^(−2i/D) (use ⌊j/2⌋·2, "
            "not j, in the exponent).",
            _with("exponent-by-column"),
        ),
        Misconception(
            "halves-not-interleaved",
            "You put all the sines in the first half of the columns and all the cosines in the "
            "second (the layout of some libraries). This exercise uses the paper's interleaved "
            "layout: PE[t, 2i] = sin, PE[t, 2i + 1] = cos — fill pe[:, 0::2] and pe[:, 1::2].",
            _with("halves-not-interleaved"),
        ),
        Misconception(
            "sin-cos-swapped",
            "You put the cosines in the even columns and the sines in the odd ones. "
            "PE[t, 2i] = sin(t·ω_i) and PE[t, 2i + 1] = cos(t·ω_i): row 0 is 0, 1, 0, 1, ….",
            _with("sin-cos-swapped"),
        ),
        Misconception(
            "positions-from-one",
            "Your positions start at 1. The first token has position t = 0, so row 0 is "
            "sin 0 = 0 and cos 0 = 1 alternating: use np.arange(T).",
            _with("positions-from-one"),
        ),
        Misconception(
            "odd-width-unhandled",
            "Your function fails for an odd width D: there are ⌈D/2⌉ sine columns but only "
            "⌊D/2⌋ cosine columns, so the cosines of all ⌈D/2⌉ frequencies do not fit. Give the "
            "cosines the first ⌊D/2⌋ frequencies (or build the encoding of width D + 1 and keep "
            "D columns).",
            _with("odd-width-unhandled"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = SINUSOIDAL_POSITIONS
