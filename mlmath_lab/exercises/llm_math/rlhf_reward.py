"""The KL-penalised reward of RLHF (11-llm-math/rlhf_reward): the checker.

``rlhf_reward(reward, logp_policy, logp_ref, mask, beta)`` returns, per sequence,
r(x, y) − β Σ_t m_t (log π(y_t) − log π_ref(y_t)): the reward model's score minus β times the
sampled estimate of KL(π ‖ π_ref), summed over the real tokens (mask True), padding excluded.
Shapes: reward (B,), log-probs and mask (B, T); the result (B,). The reference is torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED, A, _np, _t


def _kl_reward(
    reward: Any, logp: Any, logp_ref: Any, mask: Any, beta: float, *, mistake: str = ""
) -> np.ndarray:
    r, lp, lq = _t(reward), _t(logp), _t(logp_ref)
    m = _t(np.ones(np.shape(mask)) if mistake == "padding-counted" else mask)
    per_token = (lp - lq) * m
    if mistake == "mean-over-tokens":
        kl = per_token.sum(dim=-1) / m.sum(dim=-1)
    elif mistake == "mean-over-positions":  # .mean(-1) of the masked ratio: / T
        kl = per_token.mean(dim=-1)
    else:
        kl = per_token.sum(dim=-1)
    sign = -1.0 if mistake == "kl-sign" else 1.0
    return _np(r - sign * beta * kl)


def _reference(reward: Any, logp: Any, logp_ref: Any, mask: Any, beta: float) -> np.ndarray:
    return _kl_reward(reward, logp, logp_ref, mask, beta)


def _with(mistake: str) -> Any:
    def wrong(reward: Any, logp: Any, logp_ref: Any, mask: Any, beta: float) -> np.ndarray:
        return _kl_reward(reward, logp, logp_ref, mask, beta, mistake=mistake)

    return wrong


def rollout(
    rng: np.random.Generator, lengths: list[int], T: int, beta: float, *, left: bool = False
) -> tuple[Any, ...]:
    """A batch of sampled answers: per-token log-probs of the policy and the reference, and
    padding (whose log-probs are junk, as a padded batch's are)."""
    B = len(lengths)
    logp = -rng.exponential(1.0, size=(B, T))
    logp_ref = logp + rng.normal(0.0, 0.3, size=(B, T))
    positions = np.arange(T)[None, :]
    L = np.asarray(lengths)[:, None]
    mask = positions >= T - L if left else positions < L
    return rng.normal(size=B), logp, logp_ref, mask, beta


def _cases() -> list[Case]:
    rng = _rng(1108)
    notes = (
        [1.0, 0.5],
        [[-0.5, -1.0, -2.0], [-0.2, -0.7, -9.0]],
        [[-0.7, -1.5, -1.0], [-0.4, -0.6, -1.0]],
        [[True, True, True], [True, True, False]],
        0.1,
    )
    return [
        Case("the notes' example: 2 answers of 3 and 2 tokens, β = 0.1", notes),
        Case(
            "4 answers, lengths 5, 2, 7, 1 of T = 7, β = 0.05", rollout(rng, [5, 2, 7, 1], 7, 0.05)
        ),
        Case("3 answers, left padding, β = 0.2", rollout(rng, [4, 6, 3], 6, 0.2, left=True)),
        Case("no padding: 2 answers of T = 5, β = 1", rollout(rng, [5, 5], 5, 1.0)),
        Case("6 answers, T = 10, β = 0.02", rollout(rng, [10, 3, 8, 1, 6, 9], 10, 0.02)),
    ]


RLHF_REWARD = Checker(
    f"{A}/rlhf_reward",
    title="The KL-penalised reward of RLHF",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "kl-sign",
            "Your KL term has the wrong sign: you add β Σ (log π − log π_ref) — or, the same "
            "thing, subtract the ratio the wrong way round, log π_ref − log π. The penalty "
            "lowers the reward where the policy puts more mass than the reference: "
            "r − β Σ_t (log π(y_t) − log π_ref(y_t)).",
            _with("kl-sign"),
        ),
        Misconception(
            "padding-counted",
            "You summed the log-ratio over the padding too. Multiply by the mask first: only "
            "the answer's real tokens (mask True) count.",
            _with("padding-counted"),
        ),
        Misconception(
            "mean-over-tokens",
            "You averaged the log-ratio over each answer's tokens. The KL of a sequence is the "
            "sum over its tokens (the log of a product of per-token ratios): do not divide by "
            "the length.",
            _with("mean-over-tokens"),
        ),
        Misconception(
            "mean-over-positions",
            "You took the mean of the masked log-ratio over all T positions (.mean(axis=-1)), "
            "padding included. The KL of a sequence is the sum over its real tokens: do not "
            "divide at all.",
            _with("mean-over-positions"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = RLHF_REWARD
