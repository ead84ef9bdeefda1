"""Byte-pair encoding: encode and decode (11-llm-math/bpe_encode_decode): the checker.

The student writes ``bpe_encode(text, merges)`` → list of token ids and ``bpe_decode(tokens,
merges)`` → str; the check calls ``bpe_round_trip(text, merges)``, which returns
``(tokens, bpe_decode(tokens, merges))``. Encoding cuts the text into words as training does
and, inside each word, merges the present pair of lowest rank (learnt first) until none is left
— the same as applying the merges one after another in the order learnt. Decoding joins the
tokens' bytes and decodes them as UTF-8 once (``errors="replace"``). The reference is
``_common``'s (no torch equivalent); the merges of the cases are learnt by ``bpe_train``'s
reference on a training text.
"""

from __future__ import annotations

from typing import Any

from ...checks.checker import Case, Checker, Misconception
from ._common import (
    NOT_ALLOWED_BPE,
    A,
    bpe_decode_by_hand,
    bpe_encode_by_hand,
    bpe_train_by_hand,
)
from .bpe_train import NOTES_TEXT, random_text


def _reference(text: str, merges: Any) -> tuple[list[int], str]:
    tokens = bpe_encode_by_hand(text, merges)
    return tokens, bpe_decode_by_hand(tokens, merges)


def _encode_with(choose: str) -> Any:
    def wrong(text: str, merges: Any) -> tuple[list[int], str]:
        tokens = bpe_encode_by_hand(text, merges, choose=choose)
        return tokens, bpe_decode_by_hand(tokens, merges)

    return wrong


def _decode_with(per_token: str) -> Any:
    def wrong(text: str, merges: Any) -> tuple[list[int], str]:
        tokens = bpe_encode_by_hand(text, merges)
        return tokens, bpe_decode_by_hand(tokens, merges, per_token=per_token)

    return wrong


FRENCH = "café crème brûlée, thé glacé et pâté: déjà réglé à côté"


def _cases() -> list[Case]:
    notes = bpe_train_by_hand(NOTES_TEXT, 6)
    french = bpe_train_by_hand(FRENCH, 30)
    syllables = bpe_train_by_hand(random_text(1103, 80), 40)
    return [
        Case(
            "the notes' example: 'lowest slower' with the merges of the notes",
            ("lowest slower", notes),
        ),
        Case("a new text with the merges learnt on French", ("la fée a été élevée", french)),
        Case("the training text itself, 30 merges", (FRENCH, french)),
        Case("syllables: 40 merges, a new text", (random_text(1104, 30), syllables)),
        Case(
            "merges that overlap: ab, bc, then (a, bc) and (ab, c)",
            ("abc abcabc bcab", [(97, 98), (98, 99), (97, 257), (256, 99)]),
        ),
        Case("no merges: the bytes themselves", ("naïve ☃", [])),
        Case("empty text", ("", notes)),
    ]


BPE_ENCODE_DECODE = Checker(
    f"{A}/bpe_encode_decode",
    title="Byte-pair encoding: encode and decode",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "longest-first",
            "Your encoder merges the pair that makes the longest token first. BPE applies the "
            "merges by rank: among the pairs present, merge the one learnt first (lowest "
            "index), everywhere in the word, then look again.",
            _encode_with("longest"),
        ),
        Misconception(
            "leftmost-first",
            "Your encoder merges the leftmost pair that has a merge. Order by rank, not by "
            "position: among the pairs present, merge the one learnt first (lowest index), "
            "then look again.",
            _encode_with("leftmost"),
        ),
        Misconception(
            "decode-per-token",
            "Your decode turns each token into text on its own, so a character whose UTF-8 "
            "bytes are split between two tokens becomes '\\ufffd'. Join all the tokens' bytes "
            "first, then decode them once: b''.join(...).decode('utf-8', errors='replace').",
            _decode_with("utf-8"),
        ),
        Misconception(
            "decode-bytes-as-characters",
            "Your decode reads each byte as one character (chr(b), Latin-1), so 'é' (two UTF-8 "
            "bytes) comes back as 'Ã©'. Join the bytes, then decode them as UTF-8.",
            _decode_with("latin-1"),
        ),
    ],
    forbidden=NOT_ALLOWED_BPE,
)


CHECKER = BPE_ENCODE_DECODE
