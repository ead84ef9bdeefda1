"""int8 and int4 quantisation (11-llm-math/quantize): the checker.

``quantize(x, bits, scheme, per_row)`` returns ``(codes, dequantised, max_error)`` for a 2-D
array x. ``scheme="absmax"`` (symmetric): q = 2^(bits−1) − 1 (127, 7), scale = max|x| / q,
codes = clip(round(x / scale), −q, q), dequantised = codes · scale. ``scheme="zeropoint"``
(asymmetric): L = 2^bits − 1 (255, 15), lo = min(min x, 0), hi = max(max x, 0) (so that 0 is
exact), scale = (hi − lo) / L, zero point z = round(−lo / scale), codes = clip(round(x / scale)
+ z, 0, L), dequantised = (codes − z) · scale. A scale of 0 (all zeros) is replaced by 1.
``per_row`` takes max and min over each row (one scale per row) instead of the whole array.
round is half to even (``torch.round``); max_error = max |x − dequantised|. Reference: torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def quantize_torch(
    x: Any, bits: int, scheme: str, per_row: bool, *, mistake: str = ""
) -> tuple[np.ndarray, np.ndarray, float]:
    torch = _torch()
    xt = _t(x)
    row = per_row and mistake != "per-tensor-scale"

    def reduce(t: Any, how: str) -> Any:
        if row:
            return getattr(t, how)(dim=-1, keepdim=True)
        return getattr(t, how)()

    def rnd(t: Any) -> Any:
        if mistake == "round-half-away":
            return torch.sign(t) * torch.floor(t.abs() + 0.5)
        if mistake == "round-half-up":
            return torch.floor(t + 0.5)
        return torch.round(t)

    def clip(t: Any, low: float, high: float) -> Any:
        return t if mistake == "no-clip" else t.clamp(low, high)

    if scheme == "absmax":
        q = 2 ** (bits - 1) - 1
        if mistake == "absmax-128":
            q += 1
        amax = reduce(xt.abs(), "amax")
        scale = torch.where(amax == 0, torch.ones_like(amax), amax / q)
        low = -q
        high = q - 1 if mistake == "absmax-128" else q
        codes = clip(rnd(xt / scale), low, high)
        deq = codes * scale
    else:
        L = 2**bits - 1
        lo, hi = reduce(xt, "amin"), reduce(xt, "amax")
        if mistake != "range-without-zero":
            lo, hi = torch.clamp(lo, max=0.0), torch.clamp(hi, min=0.0)
        scale = torch.where(hi == lo, torch.ones_like(hi), (hi - lo) / L)
        if mistake == "zero-point-not-rounded":
            z = -lo / scale
            codes = clip(rnd(xt / scale + z), 0, L)
        else:
            z = rnd(-lo / scale)
            codes = clip(rnd(xt / scale) + z, 0, L)
        deq = (codes - z) * scale
    error = (xt - deq).abs().max()
    return _np(codes).astype(np.int64), _np(deq), float(error)


def _reference(
    x: Any, bits: int, scheme: str, per_row: bool
) -> tuple[np.ndarray, np.ndarray, float]:
    return quantize_torch(x, bits, scheme, per_row)


def _with(mistake: str) -> Any:
    def wrong(
        x: Any, bits: int, scheme: str, per_row: bool
    ) -> tuple[np.ndarray, np.ndarray, float]:
        return quantize_torch(x, bits, scheme, per_row, mistake=mistake)

    return wrong


NOTES_X = [[127.0, 2.5, -3.5, 0.5, -127.0, 64.2]]


def _cases() -> list[Case]:
    rng = _rng(1106)
    halves = [[7.0, 0.5, 1.5, 2.5, -2.5, -6.5], [3.5, -0.5, 1.0, -7.0, 4.5, 5.5]]
    return [
        Case("the notes' example: int8 absmax, exact halves", (NOTES_X, 8, "absmax", False)),
        Case("int4 absmax per row, exact halves", (halves, 4, "absmax", True)),
        Case("int8 absmax per row, (4, 6)", (rng.normal(size=(4, 6)), 8, "absmax", True)),
        Case(
            "int8 zero-point per tensor, (3, 5), skewed",
            (rng.normal(1.0, 2.0, size=(3, 5)), 8, "zeropoint", False),
        ),
        Case(
            "int4 zero-point, x in [-1.5, 13.5]: a code to clip",
            ([[-1.5, 0.0, 2.5, 12.5, 13.5], [4.5, 6.5, -0.5, 1.0, 8.5]], 4, "zeropoint", False),
        ),
        Case(
            "int4 zero-point per row, a row of zeros, a positive row",
            (
                [[0.0, 0.0, 0.0, 0.0], [0.3, 1.7, 2.2, 0.9], [-1.1, 0.4, -2.6, 0.05]],
                4,
                "zeropoint",
                True,
            ),
        ),
        Case(
            "int4 absmax per tensor, (5, 4)",
            (rng.normal(size=(5, 4)), 4, "absmax", False),
        ),
    ]


QUANTIZE = Checker(
    f"{A}/quantize",
    title="int8 and int4 quantisation",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "round-half-away",
            "You rounded halves away from zero (2.5 → 3, −3.5 → −4). Round half to even, as "
            "np.round and torch.round do (2.5 → 2, −3.5 → −4): it does not bias the codes "
            "upwards in magnitude.",
            _with("round-half-away"),
        ),
        Misconception(
            "round-half-up",
            "You rounded with floor(x + 0.5): halves go up (2.5 → 3, −3.5 → −3), which biases "
            "the codes upwards. Round half to even, as np.round does (2.5 → 2, −3.5 → −4).",
            _with("round-half-up"),
        ),
        Misconception(
            "absmax-128",
            "Your absmax scale divides by 2^(bits−1) (128 for int8, 8 for int4). The symmetric "
            "codes run from −127 to 127 (−7 to 7): scale = max|x| / 127, so that max|x| gets "
            "the code 127 and no code is clipped.",
            _with("absmax-128"),
        ),
        Misconception(
            "zero-point-not-rounded",
            "Your zero point is not an integer. It must be a code itself: z = round(−lo / "
            "scale), so that 0.0 is represented exactly; then codes = clip(round(x / scale) "
            "+ z, 0, L).",
            _with("zero-point-not-rounded"),
        ),
        Misconception(
            "no-clip",
            "A code fell outside 0 … 2^bits − 1: you did not clip. Rounding x/scale and the "
            "zero point separately can overshoot by one (13.5 → 14, z = 2: code 16 for int4). "
            "np.clip the codes to the range.",
            _with("no-clip"),
        ),
        Misconception(
            "per-tensor-scale",
            "With per_row=True you used one scale for the whole array. Take the max (and min) "
            "over each row: axis=-1, keepdims=True — one scale per row.",
            _with("per-tensor-scale"),
        ),
        Misconception(
            "range-without-zero",
            "Your zero-point range is the plain [min x, max x]: when x is all positive (or all "
            "negative) it does not contain 0, and 0.0 gets no exact code. Stretch the range to "
            "include 0: lo = min(min x, 0), hi = max(max x, 0), then scale = (hi − lo) / L.",
            _with("range-without-zero"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = QUANTIZE
