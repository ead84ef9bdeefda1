"""The causal language-model loss (10-transformer/causal_lm_loss): the checker.

The logits at position t predict the token at t + 1. The reference is
``F.cross_entropy(logits[:, :-1].reshape(-1, V), tokens[:, 1:].reshape(-1),
ignore_index=ignore_index)``: the mean over the B·(T − 1) predictions whose target is not
``ignore_index`` (None: every target counts) of −log softmax(logits[:, t])[tokens[:, t + 1]].
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _t


def _loss(
    logits: Any,
    tokens: Any,
    ignore_index: int | None = None,
    *,
    shift: str = "right",
    reduction: str = "mean",
    naive: bool = False,
) -> float:
    torch = _torch()
    z = _t(logits)
    y = torch.as_tensor(np.asarray(tokens, dtype=np.int64))
    V = z.shape[-1]
    if shift == "none":
        pred, target = z, y
    elif shift == "backwards":
        pred, target = z[:, 1:], y[:, :-1]
    else:
        pred, target = z[:, :-1], y[:, 1:]
    pred, target = pred.reshape(-1, V), target.reshape(-1)
    keep = torch.ones_like(target, dtype=torch.bool)
    if ignore_index is not None and reduction != "padding-counted":
        keep = target != int(ignore_index)
    if naive:  # log of a softmax computed without subtracting the maximum
        e = torch.exp(pred)
        logp = torch.log(e / e.sum(dim=-1, keepdim=True))
    else:
        logp = torch.log_softmax(pred, dim=-1)
    nll = -logp.gather(1, target[:, None].clamp(0, V - 1))[:, 0]
    if reduction == "padding-zeroed":  # the ignored losses set to 0, the mean over all
        return float(torch.where(keep, nll, torch.zeros_like(nll)).mean())
    nll = nll[keep]
    return float(nll.sum() if reduction == "sum" else nll.mean())


def _reference(logits: Any, tokens: Any, ignore_index: int | None = None) -> float:
    torch = _torch()
    z = _t(logits)
    y = torch.as_tensor(np.asarray(tokens, dtype=np.int64))
    V = z.shape[-1]
    return float(
        torch.nn.functional.cross_entropy(
            z[:, :-1].reshape(-1, V),
            y[:, 1:].reshape(-1),
            ignore_index=-100 if ignore_index is None else int(ignore_index),
        )
    )


def _case(rng: np.random.Generator, B: int, T: int, V: int, scale: float = 1.0) -> tuple[Any, ...]:
    return (scale * rng.normal(size=(B, T, V)), rng.integers(0, V, size=(B, T)))


def _cases() -> list[Case]:
    rng = _rng(1007)
    padded = _case(rng, 3, 6, 7)
    tokens = padded[1].copy()
    tokens[tokens == 0] = 1
    tokens[0, 4:] = 0  # padding id 0 at the end of two sequences
    tokens[2, 2:] = 0
    return [
        Case(
            "the notes' example: B = 1, T = 3, V = 2",
            (np.array([[[2.0, 0.0], [0.0, 1.0], [5.0, 5.0]]]), np.array([[0, 1, 1]])),
        ),
        Case("B = 2, T = 5, V = 11", _case(rng, 2, 5, 11)),
        Case("B = 4, T = 2, V = 3", _case(rng, 4, 2, 3)),
        Case("large logits (about ±1000): B = 2, T = 4, V = 5", _case(rng, 2, 4, 5, 1000.0)),
        Case("padding id 0 ignored: B = 3, T = 6, V = 7", (padded[0], tokens, 0)),
        Case("B = 1, T = 9, V = 50", _case(rng, 1, 9, 50)),
    ]


def _with(mistake: str) -> Any:
    def wrong(logits: Any, tokens: Any, ignore_index: int | None = None) -> float:
        if mistake == "not-shifted":
            return _loss(logits, tokens, ignore_index, shift="none")
        if mistake == "shifted-backwards":
            return _loss(logits, tokens, ignore_index, shift="backwards")
        if mistake == "sum-not-mean":
            return _loss(logits, tokens, ignore_index, reduction="sum")
        if mistake == "padding-counted":
            return _loss(logits, tokens, ignore_index, reduction="padding-counted")
        if mistake == "padding-zeroed-but-counted":
            return _loss(logits, tokens, ignore_index, reduction="padding-zeroed")
        return _loss(logits, tokens, ignore_index, naive=True)  # softmax-overflow

    return wrong


CAUSAL_LM_LOSS = Checker(
    f"{A}/causal_lm_loss",
    title="The causal language-model loss",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "not-shifted",
            "You scored logits[:, t] against tokens[:, t]: the model then only has to copy its "
            "input. The logits at t predict the *next* token: pair logits[:, :-1] with "
            "tokens[:, 1:].",
            _with("not-shifted"),
        ),
        Misconception(
            "shifted-backwards",
            "You shifted the wrong way: logits[:, 1:] against tokens[:, :-1] predicts each token "
            "from the one after it. Pair logits[:, :-1] with tokens[:, 1:].",
            _with("shifted-backwards"),
        ),
        Misconception(
            "sum-not-mean",
            "You returned the sum of the negative log-probabilities. The loss is their *mean* "
            "over the B·(T − 1) predictions (those not ignored), so it does not grow with the "
            "batch or the length.",
            _with("sum-not-mean"),
        ),
        Misconception(
            "padding-counted",
            "You counted the predictions whose target is the ignore_index (padding). Leave them "
            "out of both the sum and the count: the mean is over the targets that are not "
            "ignore_index.",
            _with("padding-counted"),
        ),
        Misconception(
            "padding-zeroed-but-counted",
            "You set the losses of the ignored targets to 0 but still divided by all "
            "B·(T − 1) predictions, so padding pulls the loss down. Divide by the number of "
            "targets that are not ignore_index: loss[keep].mean(), or "
            "(loss * keep).sum() / keep.sum().",
            _with("padding-zeroed-but-counted"),
        ),
        Misconception(
            "softmax-overflow",
            "Your loss is not finite on large logits: you took the log of a softmax computed "
            "from exp(logits) directly, and exp(1000) overflows. Use the log-sum-exp: "
            "log softmax(z)_k = z_k − m − log Σ exp(z − m) with m = max z.",
            _with("softmax-overflow"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = CAUSAL_LM_LOSS
