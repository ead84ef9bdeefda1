"""Seeded draws by the inverse CDF (11-llm-math/seeded_sampling): the checker.

The check calls the notebook's given ``seeded_sampling(probs, u, logits, n, seed, temperature,
top_k, top_p)``, which returns the pair ``(sample_tokens(probs, u), generate_draws(logits, n,
seed, temperature, top_k, top_p))``: plain arrays in, two int64 arrays out.

``sample_tokens(probs, u)`` draws one token per uniform number by the inverse CDF: the smallest
index i with cumsum(probs)[i] > u (a token of probability 0 is never drawn, also when u lands
exactly on a boundary); when round-off leaves u ≥ cumsum[-1], the last token of nonzero
probability. ``generate_draws`` takes ``u = np.random.default_rng(seed).random(n)`` and draws
from ``sampling_distribution(logits, temperature, top_k, top_p)`` (Exercise 4).

The reference is torch: ``torch.searchsorted(torch.cumsum(p, -1), u, right=True)`` with the
guard; the uniforms are NumPy's Generator's, as the exercise states.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t
from .sampling_distribution import NOTES_LOGITS, filtered


def inverse_cdf(probs: Any, u: Any, *, mistake: str = "") -> np.ndarray:
    """The tokens drawn by the uniforms ``u`` (…, n) from ``probs`` (…, V), in torch;
    ``mistake`` turns one step wrong."""
    torch = _torch()
    p = _t(probs)
    uu = _t(u)
    order = None
    if mistake == "descending-cdf":
        p, order = torch.sort(p, dim=-1, descending=True, stable=True)
    cdf = torch.cumsum(p, dim=-1).contiguous()
    tokens = torch.searchsorted(cdf, uu.contiguous(), right=mistake != "boundary-left")
    V = p.shape[-1]
    if mistake == "guard-clips-to-last":
        tokens = torch.clamp(tokens, max=V - 1)
    else:  # round-off: u ≥ cdf[-1] gives the last token of nonzero probability
        last = (V - 1) - (p > 0).flip(-1).to(torch.int64).argmax(dim=-1, keepdim=True)
        tokens = torch.minimum(tokens, last)
    if order is not None:
        tokens = torch.gather(order, -1, tokens)
    return _np(tokens).astype(np.int64)


def draws(
    logits: Any,
    n: int,
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    *,
    mistake: str = "",
) -> np.ndarray:
    """``n`` seeded draws from the sampled distribution; ``mistake`` turns one step wrong."""
    torch = _torch()
    if mistake == "unfiltered-cdf":
        q = _np(torch.softmax(_t(logits) / float(temperature), dim=-1))
    else:
        q = filtered(logits, temperature, top_k, top_p)
    if mistake == "greedy-argmax":
        return np.full(int(n), int(torch.argmax(_t(q))), dtype=np.int64)
    if mistake == "legacy-global-rng":  # np.random.seed(seed); np.random.choice(V, n, p=q)
        u = np.random.RandomState(int(seed)).random_sample(int(n))
    else:
        u = np.random.default_rng(int(seed)).random(int(n))
    return inverse_cdf(q, u, mistake=mistake)


def _reference(
    probs: Any,
    u: Any,
    logits: Any,
    n: int,
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    return inverse_cdf(probs, u), draws(logits, n, seed, temperature, top_k, top_p)


def _with(mistake: str) -> Any:
    def wrong(
        probs: Any,
        u: Any,
        logits: Any,
        n: int,
        seed: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        given = "" if mistake in ("unfiltered-cdf", "greedy-argmax") else mistake
        return (
            inverse_cdf(probs, u, mistake=given),
            draws(logits, n, seed, temperature, top_k, top_p, mistake=mistake),
        )

    return wrong


NOTES_PROBS = [0.0, 0.25, 0.25, 0.0, 0.5]
NOTES_U = [0.0, 0.25, 0.5, 0.1, 0.75, 0.9]


def _cases() -> list[Case]:
    rng = _rng(1105)
    below_one = float(np.nextafter(1.0, 0.0))
    batch_logits = rng.normal(size=(2, 3, 7))
    batch_probs = filtered(batch_logits, 1.0, 4, None)
    batch_u = rng.random(size=(2, 3, 5))
    batch_u[0, 0, 0] = 0.0
    return [
        Case(
            "the notes' example: boundaries u = 0, 0.25, 0.5; 10 draws, top_p = 0.8, seed 0",
            (NOTES_PROBS, NOTES_U, NOTES_LOGITS, 10, 0),
            {"top_p": 0.8},
        ),
        Case(
            "batched (2, 3, 7) top-4 probabilities, u (2, 3, 5); 40 draws, T = 0.7, top_k = 3",
            (batch_probs, batch_u, rng.normal(size=8), 40, 7, 0.7, 3),
        ),
        Case(
            "one-token distributions; top_k = 1: every draw the same token",
            (
                [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]],
                [[0.0, 0.5, 0.99], [0.0, 0.3, 0.9]],
                [0.3, 1.2, -0.5, 1.1],
                6,
                3,
            ),
            {"top_k": 1},
        ),
        Case(
            "u just below 1 and cumsum[-1] < 1 by round-off; 30 draws, T = 1.5, top_p = 0.5",
            (
                [*[0.1] * 10, 0.0],
                [below_one, 0.95, 0.05, 0.3],
                rng.normal(size=9),
                *(30, 2024, 1.5, None, 0.5),
            ),
        ),
        Case(
            "ties and a -inf logit; 25 draws, T = 1.2, top_k = 4, top_p = 0.7",
            (
                [0.5, 0.0, 0.125, 0.375],
                [0.5, 0.625, 0.875, 0.0, 0.99],
                [1.0, 2.0, 2.0, -np.inf, 2.0, 0.5],
                *(25, 11, 1.2, 4, 0.7),
            ),
        ),
    ]


SEEDED_SAMPLING = Checker(
    f"{A}/seeded_sampling",
    title="Seeded draws: sampling by the inverse CDF",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "boundary-left",
            "When u lands exactly on a boundary of the cumulative sum, you drew the token "
            "before it — a token of probability 0 when u = 0 and p_0 = 0 (you searched with "
            "side='left', or kept cumsum ≥ u). The token is the smallest i with "
            "cumsum[i] > u, strictly: np.searchsorted(cdf, u, side='right').",
            _with("boundary-left"),
        ),
        Misconception(
            "legacy-global-rng",
            "Your seeded draws are other tokens: you drew with the legacy global generator "
            "(np.random.seed and np.random.choice, the Mersenne Twister), which produces other "
            "numbers. Use the stated uniforms, u = np.random.default_rng(seed).random(n), and "
            "draw each token by the inverse CDF with sample_tokens.",
            _with("legacy-global-rng"),
        ),
        Misconception(
            "unfiltered-cdf",
            "Your seeded draws include tokens that top-k or top-p removed: you took the "
            "cumulative sum of softmax(logits / T), the unfiltered distribution. Draw from "
            "sampling_distribution(logits, temperature, top_k, top_p): its removed tokens "
            "have probability 0 and are never drawn.",
            _with("unfiltered-cdf"),
        ),
        Misconception(
            "greedy-argmax",
            "Every one of your draws is the most probable token: that is greedy decoding "
            "(argmax), not sampling. Draw each token by the inverse CDF of the distribution "
            "with its own uniform number u.",
            _with("greedy-argmax"),
        ),
        Misconception(
            "descending-cdf",
            "You took the cumulative sum in descending order of probability. That is a valid "
            "sampler (each token still has probability p_i), but not the stated one: the same "
            "u gives another token. Reproducible draws need one fixed map from u to a token, "
            "so that the same seed gives the same tokens in every implementation: take the "
            "cumulative sum in token order 0, 1, …, V − 1 (a sort's order depends on the "
            "probabilities and on how it breaks ties).",
            _with("descending-cdf"),
        ),
        Misconception(
            "guard-clips-to-last",
            "When round-off leaves u ≥ cumsum[-1] (the sum is 0.9999999999999999, u just "
            "below 1), you returned the last index V − 1, a token of probability 0 here. "
            "Return the last token of nonzero probability instead.",
            _with("guard-clips-to-last"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = SEEDED_SAMPLING
