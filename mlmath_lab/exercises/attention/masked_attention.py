"""Masked and causal attention (09-attention/masked_attention): the checker.

Convention (torch's ``F.scaled_dot_product_attention`` gives the same output): ``mask`` is
boolean, True where a query may attend to a key; ``causal=True`` lets query i attend to keys
j ≤ i (torch's ``is_causal``, aligned top-left); a query with no key left gets zero weights and
a zero output.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _scores, _softmax, _t
from .scaled_dot_product_attention import qkv


def _allowed(Q: Any, K: Any, mask: Any, causal: bool, diagonal: int = 0) -> Any:
    torch = _torch()
    tq, tk = np.shape(Q)[-2], np.shape(K)[-2]
    allowed = torch.ones((tq, tk), dtype=torch.bool)
    if causal:
        allowed = allowed.tril(diagonal)
    if mask is not None:
        allowed = allowed & torch.tensor(np.asarray(mask, dtype=bool))
    return allowed


def _weights(S: Any, allowed: Any) -> Any:
    torch = _torch()
    P = _softmax(S.masked_fill(~allowed, float("-inf")))
    return torch.nan_to_num(P, nan=0.0)


def _masked_reference(
    Q: Any, K: Any, V: Any, mask: Any = None, causal: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    F = _torch().nn.functional
    allowed = _allowed(Q, K, mask, causal)
    out = F.scaled_dot_product_attention(_t(Q), _t(K), _t(V), attn_mask=allowed)
    S = _scores(Q, K)
    return _np(out), _np(_weights(S, allowed.expand(S.shape)))


def _cases() -> list[Case]:
    rng = _rng(92)
    lengths = np.array([5, 3])
    padding = np.arange(5)[None, None, :] < lengths[:, None, None]  # (2, 1, 5): keys kept
    own = rng.random(size=(2, 4, 6)) < 0.6
    own[0, 2] = False  # query 2 of the first sequence may attend to no key
    own[1, 1] = True
    return [
        Case(
            "the notes' example: causal, T = 3 (Q, K, V (1, 3, 2))",
            (*qkv(rng, (1,), 3, 3, 2, 2), None, True),
        ),
        Case("causal, B = 2, T = 5, d = 4, dv = 3", (*qkv(rng, (2,), 5, 5, 4, 3), None, True)),
        Case(
            "causal with fewer queries than keys: Tq = 3, Tk = 6 (aligned top-left)",
            (*qkv(rng, (2,), 3, 6, 4, 2), None, True),
        ),
        Case(
            "padding mask (2, 1, 5): lengths 5 and 3, not causal",
            (*qkv(rng, (2,), 4, 5, 3, 2), padding, False),
        ),
        Case(
            "padding mask and causal: T = 5, lengths 5 and 3",
            (*qkv(rng, (2,), 5, 5, 3, 4), padding, True),
        ),
        Case(
            "a mask (2, 4, 6) with a query that may attend to no key (zeros)",
            (*qkv(rng, (2,), 4, 6, 5, 3), own, False),
        ),
        Case("no mask, not causal: plain attention", (*qkv(rng, (2,), 3, 4, 2, 2), None, False)),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        Q: Any, K: Any, V: Any, mask: Any = None, causal: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        torch = _torch()
        S = _scores(Q, K)
        if mistake == "causal-upper-triangle":
            allowed = _allowed(Q, K, mask, False)
            if causal:
                allowed = allowed & torch.ones(allowed.shape[-2:], dtype=torch.bool).triu()
        elif mistake == "causal-bottom-right":
            tq, tk = np.shape(Q)[-2], np.shape(K)[-2]
            allowed = _allowed(Q, K, mask, causal, tk - tq)
        elif mistake == "mask-inverted":
            inverted = None if mask is None else ~np.asarray(mask, dtype=bool)
            allowed = _allowed(Q, K, inverted, causal)
        else:
            allowed = _allowed(Q, K, mask, causal)
        allowed = allowed.expand(S.shape)
        if mistake == "mask-after-softmax":
            P = _softmax(S) * allowed
        elif mistake == "mask-added-as-0-1":
            P = _softmax(S + allowed.to(S.dtype))
        elif mistake == "fully-masked-row-nan":
            P = _softmax(S.masked_fill(~allowed, float("-inf")))
        elif mistake == "fully-masked-row-uniform":
            P = _softmax(S.masked_fill(~allowed, -1e9))
        else:
            P = _weights(S, allowed)
        return _np(P @ _t(V)), _np(P)

    return wrong


MASKED_ATTENTION = Checker(
    f"{A}/masked_attention",
    title="Masked and causal attention",
    reference=_masked_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "mask-after-softmax",
            "You masked the weights after the softmax: the rows no longer sum to 1. Mask the "
            "scores before it — set S[i, j] = −∞ where the mask is False — so that the softmax "
            "spreads each query's weight over the keys it may see.",
            _with("mask-after-softmax"),
        ),
        Misconception(
            "mask-added-as-0-1",
            "You added the boolean mask to the scores as 0/1 numbers: adding 1 to the allowed "
            "scores changes nothing after the softmax (it cancels). A masked score must become "
            "−∞ (np.where(mask, S, -np.inf)), so that its weight is exactly 0.",
            _with("mask-added-as-0-1"),
        ),
        Misconception(
            "causal-upper-triangle",
            "Your causal mask is the upper triangle: query i sees the future keys j ≥ i. "
            "Causal means j ≤ i — the lower triangle, np.tril(np.ones((Tq, Tk), bool)).",
            _with("causal-upper-triangle"),
        ),
        Misconception(
            "causal-bottom-right",
            "Your causal mask is aligned bottom-right (query i sees keys j ≤ i + Tk − Tq, as "
            "when the queries are the *last* Tq positions). torch's is_causal — and this "
            "exercise — align it top-left: query i sees keys j ≤ i, np.tril(ones((Tq, Tk))).",
            _with("causal-bottom-right"),
        ),
        Misconception(
            "fully-masked-row-nan",
            "Where a query may attend to no key, the softmax of a row of −∞ is 0/0 = NaN. The "
            "convention here (torch's scaled_dot_product_attention gives the same) is weights "
            "0 and output 0 for such a row: replace those rows' NaN by 0.",
            _with("fully-masked-row-nan"),
        ),
        Misconception(
            "fully-masked-row-uniform",
            "Where a query may attend to no key, your weights are uniform (1/Tk on every key): "
            "a large negative number such as −1e9 in place of −∞ makes a row of equal scores. "
            "The convention here (torch's scaled_dot_product_attention gives the same) is "
            "weights 0 and output 0 for such a row: set those rows to 0.",
            _with("fully-masked-row-uniform"),
        ),
        Misconception(
            "mask-inverted",
            "You read the mask the other way round: here True means the query *may* attend "
            "to the key (torch's boolean attn_mask), not that the key is blocked (that is "
            "key_padding_mask's convention). Keep the scores where the mask is True: "
            "np.where(mask, S, -np.inf).",
            _with("mask-inverted"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = MASKED_ATTENTION
