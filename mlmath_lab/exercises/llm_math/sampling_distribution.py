"""Temperature, top-k and top-p sampling (11-llm-math/sampling_distribution): the checker.

``sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None)`` returns the exact
distribution a sampler draws from, shape (…, V): the logits divided by the temperature; then
top-k keeps the k largest (exactly k: equal logits in index order, as a stable sort in
descending order lists them); then top-p, on the softmax of what top-k kept, keeps the smallest
prefix of that order whose mass reaches top_p — a token is kept when the mass of the tokens
before it is < top_p, so the token that crosses the threshold is kept; then a softmax over the
kept tokens, 0 elsewhere. The order (temperature, top-k, top-p) is Hugging Face's. The
reference is torch: ``torch.sort(stable=True)``, ``torch.cumsum``, ``torch.softmax``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def filtered(
    logits: Any,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    *,
    mistake: str = "",
) -> np.ndarray:
    """The sampled distribution in torch; ``mistake`` turns one step wrong."""
    torch = _torch()
    T = 1.0 if mistake == "temperature-cancelled" else float(temperature)
    z = _t(logits) * T if mistake == "temperature-multiplied" else _t(logits) / T
    values, order = torch.sort(z, dim=-1, descending=True, stable=True)
    keep = torch.ones_like(values, dtype=torch.bool)
    if top_k is not None:
        if mistake == "top-k-keeps-ties":
            kth = values[..., min(int(top_k), values.shape[-1]) - 1 : int(top_k)]
            keep = values >= kth
        else:
            k = int(top_k) + (1 if mistake == "top-k-off-by-one" else 0)
            keep[..., k:] = False
    if top_p is not None:
        base = values if mistake == "top-p-before-top-k" else values.masked_fill(~keep, -np.inf)
        p = torch.softmax(base, dim=-1)
        cumulative = torch.cumsum(p, dim=-1)
        if mistake == "top-p-drops-crossing-token":
            nucleus = cumulative <= top_p
            nucleus[..., 0] = True
        elif mistake == "top-p-keeps-nothing":  # the same, without keeping the first token
            nucleus = cumulative <= top_p
        else:
            nucleus = (cumulative - p) < top_p  # the mass before the token
        keep = keep & nucleus
    if mistake == "not-renormalised":
        kept = torch.softmax(values, dim=-1) * keep
    else:
        kept = torch.softmax(values.masked_fill(~keep, -np.inf), dim=-1)
    return _np(torch.zeros_like(z).scatter(-1, order, kept))


def _reference(
    logits: Any, temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None
) -> np.ndarray:
    return filtered(logits, temperature, top_k, top_p)


def _with(mistake: str) -> Any:
    def wrong(
        logits: Any,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> np.ndarray:
        return filtered(logits, temperature, top_k, top_p, mistake=mistake)

    return wrong


NOTES_LOGITS = [2.0, 1.0, 0.5, 0.0, -1.0]


def _cases() -> list[Case]:
    rng = _rng(1104)
    tied = [1.0, 3.0, 3.0, 2.0, 3.0, 0.0]
    return [
        Case("the notes' example: top_p = 0.8", (NOTES_LOGITS,), {"top_p": 0.8}),
        Case("the notes' example: T = 0.5, top_k = 3", (NOTES_LOGITS, 0.5, 3)),
        Case(
            "(3, 7) logits, T = 0.7, top_k = 4, top_p = 0.75",
            (rng.normal(size=(3, 7)), 0.7, 4, 0.75),
        ),
        Case("(4, 6) logits, T = 2, top_p = 0.6", (2 * rng.normal(size=(4, 6)), 2.0, None, 0.6)),
        Case(f"ties: {tied}, top_k = 2", (tied,), {"top_k": 2}),
        Case(f"ties: {tied}, T = 1.5, top_k = 4, top_p = 0.5", (tied, 1.5, 4, 0.5)),
        Case("(2, 2, 5) logits, T = 1.3, no filter", (rng.normal(size=(2, 2, 5)), 1.3)),
        Case(
            "a -inf logit (a banned token), T = 0.8, top_k = 3",
            ([0.5, -np.inf, 1.5, 0.2, -0.3], 0.8, 3),
        ),
        Case("one token above top_p = 0.3 on its own", ([4.0, 1.0, 0.0, -1.0],), {"top_p": 0.3}),
    ]


SAMPLING_DISTRIBUTION = Checker(
    f"{A}/sampling_distribution",
    title="Temperature, top-k and top-p sampling",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "temperature-cancelled",
            "Your distribution is the one for T = 1: the temperature had no effect. It divides "
            "the logits before the softmax, softmax(z / T); dividing the probabilities by T is "
            "undone by the normalisation.",
            _with("temperature-cancelled"),
        ),
        Misconception(
            "temperature-multiplied",
            "You multiplied the logits by the temperature. Divide them: softmax(z / T), so "
            "that T < 1 sharpens the distribution and T > 1 flattens it.",
            _with("temperature-multiplied"),
        ),
        Misconception(
            "not-renormalised",
            "Your probabilities do not sum to 1 after filtering: you zeroed the removed tokens "
            "of the full softmax. Take the softmax over the kept tokens only (set the others' "
            "logits to -inf, or divide by the kept mass).",
            _with("not-renormalised"),
        ),
        Misconception(
            "top-p-drops-crossing-token",
            "Your top-p drops the token that crosses the threshold (you kept cumulative mass "
            "≤ top_p). Keep the smallest set whose mass reaches top_p: a token stays when the "
            "mass of the tokens before it is < top_p (Hugging Face's TopPLogitsWarper keeps it "
            "too).",
            _with("top-p-drops-crossing-token"),
        ),
        Misconception(
            "top-p-keeps-nothing",
            "Your top-p kept only the tokens whose cumulative mass is ≤ top_p: that drops the "
            "token that crosses the threshold, and when the most probable token alone exceeds "
            "top_p it keeps nothing (a row of NaN). Keep a token when the mass of the tokens "
            "before it is < top_p: the first token is then always kept.",
            _with("top-p-keeps-nothing"),
        ),
        Misconception(
            "top-k-keeps-ties",
            "Your top-k keeps every token tied with the k-th largest logit (logits ≥ the k-th "
            "value, as GPT-2's sample.py and Hugging Face's TopKLogitsWarper do). This exercise "
            "keeps exactly k: sort with a stable sort in descending order and keep the first k.",
            _with("top-k-keeps-ties"),
        ),
        Misconception(
            "top-k-off-by-one",
            "Your top-k keeps k + 1 tokens. Keep the first k of the descending order: "
            "order[..., :k].",
            _with("top-k-off-by-one"),
        ),
        Misconception(
            "top-p-before-top-k",
            "Your top-p measured the mass with the softmax of all the tokens. It acts after "
            "top-k: take the softmax of the logits top-k kept (renormalised), then the "
            "cumulative sum.",
            _with("top-p-before-top-k"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = SAMPLING_DISTRIBUTION
