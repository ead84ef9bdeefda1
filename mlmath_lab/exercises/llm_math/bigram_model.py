"""A bigram model: smoothing, NLL and perplexity (11-llm-math/bigram_model): the checker.

``bigram_model(sequences, V, k, heldout)`` returns ``(P, nll, perplexity)``: the (V, V) matrix
P[a, b] = P(next = b | previous = a) = (C[a, b] + k) / (Σ_b' C[a, b'] + kV) from the counts C of
the adjacent pairs inside each training sequence, the mean negative log-likelihood (natural log)
of the held-out sequence's transitions, and its perplexity exp(nll). The reference counts in
NumPy and smooths, normalises and scores with torch (``F.nll_loss`` on log P).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _np, _t


def _counts(sequences: Any, V: int, *, across: bool = False, once: bool = False) -> np.ndarray:
    C = np.zeros((int(V), int(V)))
    seqs = [np.concatenate([np.asarray(s, dtype=int) for s in sequences])] if across else sequences
    for seq in seqs:
        s = np.asarray(seq, dtype=int)
        if once:  # fancy-index +=: a pair repeated in the sequence is written once
            C[s[:-1], s[1:]] += 1.0
        else:
            np.add.at(C, (s[:-1], s[1:]), 1.0)
    return C


def _bigram(
    sequences: Any, V: int, k: float, heldout: Any, *, mistake: str = ""
) -> tuple[np.ndarray, float, float]:
    torch = _torch()
    C = _t(
        _counts(
            sequences,
            V,
            across=mistake == "pairs-across-sequences",
            once=mistake == "repeated-pairs-counted-once",
        )
    )
    if mistake == "smoothing-after-normalising":
        P = C / C.sum(dim=1, keepdim=True) + k
    elif mistake == "row-sums-broadcast":  # .sum(dim=1) without keepdim: divides column b
        P = (C + k) / (C + k).sum(dim=1)
    elif mistake == "normalised-over-columns":
        P = (C + k) / (C + k).sum(dim=0, keepdim=True)
    else:
        P = (C + k) / (C + k).sum(dim=1, keepdim=True)
    h = torch.as_tensor(np.asarray(heldout, dtype=np.int64))
    logP = torch.log(P[h[:-1]])
    if mistake == "log2-with-exp":
        logP = logP / np.log(2.0)
    nll = torch.nn.functional.nll_loss(logP, h[1:], reduction="none")
    mean = nll.mean()
    ppl = torch.exp(nll.sum() if mistake == "perplexity-of-total" else mean)
    return _np(P), float(mean), float(ppl)


def _reference(sequences: Any, V: int, k: float, heldout: Any) -> tuple[np.ndarray, float, float]:
    return _bigram(sequences, V, k, heldout)


def _with(mistake: str) -> Any:
    def wrong(sequences: Any, V: int, k: float, heldout: Any) -> tuple[np.ndarray, float, float]:
        return _bigram(sequences, V, k, heldout, mistake=mistake)

    return wrong


def _ids(text: str) -> list[int]:
    """The notes' example: a=0, b=1, c=2."""
    return ["abc".index(ch) for ch in text]


def _cases() -> list[Case]:
    rng = _rng(1101)

    def random_seqs(n: int, V: int, low: int, high: int) -> list[list[int]]:
        return [rng.integers(0, V, size=int(rng.integers(low, high))).tolist() for _ in range(n)]

    return [
        Case(
            "the notes' example: 'abab', 'abc', V = 3, k = 1, held out 'abca'",
            ([_ids("abab"), _ids("abc")], 3, 1.0, _ids("abca")),
        ),
        Case(
            "4 sequences, V = 6, k = 0.5 (token 5 never seen: a uniform row)",
            (random_seqs(4, 5, 3, 9), 6, 0.5, rng.integers(0, 6, size=12).tolist()),
        ),
        Case(
            "10 sequences, V = 8, k = 0.1",
            (random_seqs(10, 8, 2, 15), 8, 0.1, rng.integers(0, 8, size=20).tolist()),
        ),
        Case(
            "k = 0, every held-out bigram seen",
            ([[0, 1, 2, 0, 2, 1, 0], [2, 2, 1, 1, 0]], 3, 0.0, [0, 1, 1, 0, 2, 2]),
        ),
        Case(
            "k = 0, an unseen held-out bigram: probability 0, perplexity inf",
            ([[0, 1, 2, 0, 1], [2, 0, 1, 2]], 3, 0.0, [0, 1, 0, 2]),
        ),
        Case(
            "V = 5, k = 2, one long sequence, held out of length 2",
            ([rng.integers(0, 5, size=40).tolist()], 5, 2.0, [3, 1]),
        ),
    ]


BIGRAM_MODEL = Checker(
    f"{A}/bigram_model",
    title="A bigram model: smoothing, NLL and perplexity",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "smoothing-after-normalising",
            "You added k after normalising the counts (C[a]/Σ C[a] + k): the rows no longer sum "
            "to 1, and a row never seen is 0/0. Add k to every count first, then divide by the "
            "row's new total Σ_b C[a, b] + kV.",
            _with("smoothing-after-normalising"),
        ),
        Misconception(
            "normalised-over-columns",
            "Your columns sum to 1, not your rows. P[a, b] is the probability of the next token "
            "b given the previous token a: divide each row by its own total (axis=1).",
            _with("normalised-over-columns"),
        ),
        Misconception(
            "row-sums-broadcast",
            "You divided by the row totals without keepdims=True: the (V,) vector of totals "
            "broadcasts along the last axis, so P[a, b] was divided by the total of row b, not "
            "of row a, and the rows do not sum to 1 (makemore's broadcasting trap). Use "
            ".sum(axis=1, keepdims=True).",
            _with("row-sums-broadcast"),
        ),
        Misconception(
            "perplexity-of-total",
            "Your perplexity is exp of the total negative log-likelihood. Perplexity is per "
            "token: exp of the mean NLL over the held-out transitions.",
            _with("perplexity-of-total"),
        ),
        Misconception(
            "log2-with-exp",
            "Your NLL is in bits (log base 2), and your perplexity is e to that power. Use the "
            "natural log for the NLL (nats) and exp for the perplexity — or 2**bits, never "
            "mixed.",
            _with("log2-with-exp"),
        ),
        Misconception(
            "pairs-across-sequences",
            "You counted a pair across the end of one training sequence and the start of the "
            "next (the sequences joined into one). Count the adjacent pairs inside each "
            "sequence only.",
            _with("pairs-across-sequences"),
        ),
        Misconception(
            "repeated-pairs-counted-once",
            "A pair that occurs more than once in a sequence was counted once: with fancy "
            "indexing, C[s[:-1], s[1:]] += 1 writes each repeated index a single time. Count "
            "with np.add.at(C, (s[:-1], s[1:]), 1), or a loop over the pairs.",
            _with("repeated-pairs-counted-once"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = BIGRAM_MODEL
