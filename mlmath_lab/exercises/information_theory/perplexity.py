"""Perplexity of a language model (06-information-theory/perplexity): the checker."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _NOT_ALLOWED, A, _log_softmax, _softmax_then_log, _t


# -- perplexity -----------------------------------------------------------------------------------------
def _ppl_reference(logits: np.ndarray, targets: np.ndarray, ignore_index: int = -100) -> float:
    torch = _torch()
    logits = np.asarray(logits, dtype=float)
    nll = torch.nn.functional.cross_entropy(
        _t(logits.reshape(-1, logits.shape[-1])),
        torch.from_numpy(np.asarray(targets).reshape(-1)),
        ignore_index=ignore_index,
    )
    return float(torch.exp(nll))


def _ppl_cases() -> list[Case]:
    rng = _rng(607)
    padded = rng.integers(0, 7, size=(2, 5))
    padded[0, 3:] = -100  # the first sequence is 3 tokens long
    with_zero = rng.integers(0, 5, size=6)
    with_zero[[1, 4]] = 0
    return [
        Case("5 tokens, vocabulary of 4", (rng.normal(size=(5, 4)), rng.integers(0, 4, size=5))),
        Case(
            "2 sequences of 3 tokens, vocabulary of 6: (2, 3, 6) logits",
            (rng.normal(size=(2, 3, 6)), rng.integers(0, 6, size=(2, 3))),
        ),
        Case(
            "a uniform model (all logits 0), vocabulary of 10: perplexity 10",
            (np.zeros((4, 10)), rng.integers(0, 10, size=4)),
        ),
        Case(
            "(2, 5, 7) logits, the first sequence padded with -100",
            (rng.normal(size=(2, 5, 7)), padded),
        ),
        Case(
            "logits around 1000 (3, 4)",
            (rng.normal(size=(3, 4)) + 1000.0, rng.integers(0, 4, size=3)),
        ),
        Case(
            "ignore_index=0 on (6, 5) logits",
            (rng.normal(size=(6, 5)), with_zero),
            {"ignore_index": 0},
        ),
    ]


def _ppl_with(
    logits: np.ndarray,
    targets: np.ndarray,
    ignore_index: int = -100,
    *,
    log_probs: Any = None,
    combine: str = "exp-mean",
    count_padding: bool = False,
    mask: str = "ignore_index",
    sign: float = 1.0,
) -> float:
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    lp = _log_softmax(logits) if log_probs is None else log_probs(logits)
    if mask == "none":  # every target used as an index: -100 is out of range
        nll = -np.take_along_axis(lp, targets[..., None], axis=-1)[..., 0]
        return float(np.exp(nll.mean()))
    keep = targets != (-100 if mask == "-100" else ignore_index)
    safe = np.where(keep, targets, 0)
    nll = -np.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    nll = np.where(keep, nll, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        if combine == "per-sequence" and targets.ndim >= 2:
            per_seq = np.exp(nll.sum(axis=-1) / keep.sum(axis=-1))
            return float(per_seq.mean())
        if combine == "exp-sum":
            return float(np.exp(nll.sum()))
        if combine == "mean-exp":
            return float(np.exp(nll)[keep].mean())
        mean_nll = nll.sum() / (keep.size if count_padding else keep.sum())
        return float(2.0**mean_nll if combine == "base-2" else np.exp(sign * mean_nll))


def _ppl_mistake(**how: Any) -> Any:
    def wrong(logits: np.ndarray, targets: np.ndarray, ignore_index: int = -100) -> float:
        return _ppl_with(logits, targets, ignore_index, **how)

    return wrong


def _ppl_close(got: Any, expected: Any) -> Mismatch | None:
    return compare(got, expected, rtol=1e-6, atol=1e-8)


PERPLEXITY = Checker(
    f"{A}/perplexity",
    title="Perplexity of a language model",
    reference=_ppl_reference,
    cases=_ppl_cases,
    comparator=_ppl_close,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "ppl-softmax-then-log",
            "Taking softmax and then log overflows for large logits (exp(1000) = inf). Use "
            "log-softmax: z − max z − log Σ exp(z − max z).",
            _ppl_mistake(log_probs=_softmax_then_log),
        ),
        Misconception(
            "ppl-exp-of-sum",
            "You exponentiated the *total* NLL. Perplexity is exp of the *mean* NLL per token, "
            "so that it does not grow with the length of the text.",
            _ppl_mistake(combine="exp-sum"),
        ),
        Misconception(
            "ppl-mean-of-exp",
            "You averaged exp(NLL) over the tokens; perplexity is exp(mean NLL) — average the "
            "NLL first, then exponentiate once (the two differ by Jensen's inequality).",
            _ppl_mistake(combine="mean-exp"),
        ),
        Misconception(
            "ppl-sign",
            "You exponentiated the mean *log-probability*, exp(mean log q) = 1 / perplexity. "
            "Perplexity is exp of the mean *negative* log-likelihood, and it is ≥ 1.",
            _ppl_mistake(sign=-1.0),
        ),
        Misconception(
            "ppl-base-2",
            "The NLL is in nats (natural log), so perplexity = e^NLL. 2^x is right only for "
            "an NLL in bits (NLL in nats / ln 2).",
            _ppl_mistake(combine="base-2"),
        ),
        Misconception(
            "ppl-per-sequence",
            "You averaged the perplexities of the sequences; the perplexity of a batch is "
            "exp of the mean NLL over *all* its tokens.",
            _ppl_mistake(combine="per-sequence"),
        ),
        Misconception(
            "ppl-padding-counted",
            "Padding tokens (target == ignore_index) must not count: divide the summed NLL "
            "by the number of real tokens, not by all positions.",
            _ppl_mistake(count_padding=True),
        ),
        Misconception(
            "ppl-padding-not-masked",
            "You used every target as a token index, padding too: a target equal to "
            "`ignore_index` (-100 by default) is not a token. Keep the real ones first, "
            "keep = targets != ignore_index, then log_probs[keep] and targets[keep].",
            _ppl_mistake(mask="none"),
        ),
        Misconception(
            "ppl-ignore-index-hardcoded",
            "You masked the targets equal to -100 whatever `ignore_index` is: use the "
            "argument, keep = targets != ignore_index (-100 is only its default).",
            _ppl_mistake(mask="-100"),
        ),
    ],
)


CHECKER = PERPLEXITY
