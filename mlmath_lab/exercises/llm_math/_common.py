"""What several of 11-llm-math's checkers share: tensors, the "not allowed here" rules, and the
byte-pair encoding reference (training, encoding, decoding) with its known deviations."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ...checks.references import float64_tensor
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

# -- what the exercises' "Not allowed here" lines name (torch is always forbidden) ----------------
SCIPY = Forbidden(
    "scipy",
    modules=("scipy",),
    why="NumPy is enough: write the softmax and the log-sigmoid yourself.",
)
TOKENIZERS = Forbidden(
    "a tokenizer library",
    modules=("tiktoken", "tokenizers", "sentencepiece", "transformers"),
    why="Byte-pair encoding is the exercise: write the merges yourself.",
)
NOT_ALLOWED = [SCIPY]
NOT_ALLOWED_BPE = [SCIPY, TOKENIZERS]


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return float64_tensor(x)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


# -- byte-pair encoding ----------------------------------------------------------------------------
# Words: the text is cut before every space, so a word is a run of non-spaces with the one space
# before it (" cat"); pairs are counted and merged inside words only. Tokens start as the UTF-8
# bytes 0…255; merge i makes token 256 + i.

FIRST_NEW_TOKEN = 256


def words_of(text: str) -> list[str]:
    """The text cut before every space ("the cat" → ["the", " cat"]), empty pieces dropped."""
    return [w for w in re.split(r"(?= )", text) if w]


def pair_counts(
    words: list[tuple[tuple[int, ...], int]], *, overlapping: bool = False
) -> dict[tuple[int, int], int]:
    """How often each adjacent pair would be merged, by first occurrence; ``words`` are
    (tokens, how many times the word occurs). A pair counts as many times as merging it would
    replace it, left to right: (a, a) counts once in "aaa" (twice if ``overlapping``)."""
    counts: dict[tuple[int, int], int] = {}
    for tokens, times in words:
        last: dict[tuple[int, int], int] = {}
        for i in range(len(tokens) - 1):
            pair = (tokens[i], tokens[i + 1])
            if not overlapping and last.get(pair) == i - 1:
                continue  # overlaps the occurrence just counted
            last[pair] = i
            counts[pair] = counts.get(pair, 0) + times
    return counts


def merge(tokens: tuple[int, ...], pair: tuple[int, int], new: int) -> tuple[int, ...]:
    """Every occurrence of ``pair`` replaced by ``new``, left to right."""
    out: list[int] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) == pair:
            out.append(new)
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def bpe_train_by_hand(
    text: str,
    num_merges: int,
    *,
    across_words: bool = False,
    overlapping: bool = False,
    ties: str = "smallest",
    recount: bool = True,
    spaces: bool = True,
) -> list[tuple[int, int]]:
    """The merges, most frequent pair first, ties broken by the smallest pair; the switches
    are the known mistakes (pairs across words, overlapping pairs counted, ties by first
    occurrence, merges not applied before counting again, words from ``str.split()`` that lose
    their spaces)."""
    pieces = [text] if across_words else words_of(text) if spaces else text.split()
    words: dict[tuple[int, ...], int] = {}
    for piece in pieces:
        key = tuple(piece.encode("utf-8"))
        words[key] = words.get(key, 0) + 1
    merges: list[tuple[int, int]] = []
    for i in range(int(num_merges)):
        counts = pair_counts(list(words.items()), overlapping=overlapping)
        if not counts:
            break
        best = max(counts.values())
        tied = [p for p, c in counts.items() if c == best]
        pair = min(tied) if ties == "smallest" else tied[0]
        merges.append((int(pair[0]), int(pair[1])))
        if recount:
            words = {merge(w, pair, FIRST_NEW_TOKEN + i): c for w, c in words.items()}
    return merges


def bpe_encode_by_hand(text: str, merges: Any, *, choose: str = "rank") -> list[int]:
    """The tokens of ``text``: in each word, the present pair of lowest rank (learnt first) is
    merged, until none is left. ``choose="longest"`` merges the pair that makes the longest
    token instead, ``choose="leftmost"`` the leftmost pair that has a merge (known mistakes)."""
    ranks = {(int(a), int(b)): i for i, (a, b) in enumerate(merges)}
    length = vocabulary(merges)
    out: list[int] = []
    for word in words_of(text):
        tokens = tuple(word.encode("utf-8"))
        while len(tokens) > 1:
            pairs = [(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)]
            known = [p for p in pairs if p in ranks]
            if not known:
                break
            if choose == "leftmost":
                i = pairs.index(known[0])
                new = FIRST_NEW_TOKEN + ranks[known[0]]
                tokens = (*tokens[:i], new, *tokens[i + 2 :])
                continue
            if choose == "longest":
                pair = min(known, key=lambda p: (-len(length[p[0]] + length[p[1]]), ranks[p]))
            else:
                pair = min(known, key=lambda p: ranks[p])
            tokens = merge(tokens, pair, FIRST_NEW_TOKEN + ranks[pair])
        out.extend(int(t) for t in tokens)
    return out


def vocabulary(merges: Any) -> dict[int, bytes]:
    """The bytes of every token: 0…255 themselves, token 256 + i those of merge i's pair."""
    vocab = {b: bytes([b]) for b in range(FIRST_NEW_TOKEN)}
    for i, (a, b) in enumerate(merges):
        vocab[FIRST_NEW_TOKEN + i] = vocab[int(a)] + vocab[int(b)]
    return vocab


def bpe_decode_by_hand(tokens: Any, merges: Any, *, per_token: str = "") -> str:
    """The text of ``tokens``: their bytes joined, then decoded as UTF-8 (invalid bytes become
    U+FFFD). ``per_token="utf-8"`` decodes each token on its own, ``per_token="latin-1"`` reads
    every byte as a character (known mistakes)."""
    vocab = vocabulary(merges)
    if per_token == "utf-8":
        return "".join(vocab[int(t)].decode("utf-8", errors="replace") for t in tokens)
    if per_token == "latin-1":
        return "".join(vocab[int(t)].decode("latin-1") for t in tokens)
    return b"".join(vocab[int(t)] for t in tokens).decode("utf-8", errors="replace")
