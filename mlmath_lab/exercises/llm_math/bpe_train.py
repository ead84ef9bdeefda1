"""Byte-pair encoding: learning the merges (11-llm-math/bpe_train): the checker.

``bpe_train(text, num_merges)`` returns the merges, in order, as a list of pairs of token ids:
tokens start as the UTF-8 bytes of the text (0…255), the text is cut into words before every
space (" cat" is a word), pairs are counted inside words only and as often as merging would
replace them (left to right: (a, a) once in "aaa"), the most frequent pair is merged into the
new token 256 + i, ties go to the smallest pair (compared as tuples), and training stops early
when no word has two tokens left. torch has no byte-pair encoding: the reference is
``_common.bpe_train_by_hand``, and each known mistake is the same code with one switch turned.
"""

from __future__ import annotations

from typing import Any

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import NOT_ALLOWED_BPE, A, bpe_train_by_hand


def _reference(text: str, num_merges: int) -> list[tuple[int, int]]:
    return bpe_train_by_hand(text, num_merges)


def _with(**switch: Any) -> Any:
    def wrong(text: str, num_merges: int) -> list[tuple[int, int]]:
        return bpe_train_by_hand(text, num_merges, **switch)

    return wrong


NOTES_TEXT = "low lower lowest slow slower"


def random_text(seed: int, n_words: int) -> str:
    """Words made of a few syllables, so that pairs repeat and counts tie."""
    rng = _rng(seed)
    syllables = ["ka", "to", "ri", "ma", "ne", "so", "aa", "ll", "é"]
    words = ["".join(rng.choice(syllables, size=int(rng.integers(1, 4)))) for _ in range(n_words)]
    return " ".join(words)


def _cases() -> list[Case]:
    return [
        Case(f"the notes' example: {NOTES_TEXT!r}, 6 merges", (NOTES_TEXT, 6)),
        Case("'aaa aaaa baaab', 4 merges (runs of one letter)", ("aaa aaaa baaab", 4)),
        Case("'the cat sat on the mat', 8 merges", ("the cat sat on the mat", 8)),
        Case("60 random words, 25 merges", (random_text(1102, 60), 25)),
        Case("'ab ab', 5 merges: stops after 2", ("ab ab", 5)),
        Case("'café crème brûlée', 10 merges (UTF-8 bytes)", ("café crème brûlée", 10)),
        Case("'x  y xy  yx' (double spaces), 3 merges", ("x  y xy  yx", 3)),
    ]


BPE_TRAIN = Checker(
    f"{A}/bpe_train",
    title="Byte-pair encoding: learning the merges",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "pairs-across-words",
            "You counted pairs across word boundaries (the last byte of a word with the space "
            "that starts the next one). Cut the text before every space and count pairs inside "
            "each word only.",
            _with(across_words=True),
        ),
        Misconception(
            "overlapping-pairs",
            "You counted overlapping occurrences: (a, a) twice in 'aaa'. Count a pair as often "
            "as merging would replace it, left to right: once in 'aaa', twice in 'aaaa'. "
            "(minbpe and Sennrich's code count every position; this exercise counts "
            "replacements.)",
            _with(overlapping=True),
        ),
        Misconception(
            "ties-by-first-occurrence",
            "Your ties go to the pair seen first in the text (what max() over a dict in "
            "insertion order gives). This exercise breaks ties by the smallest pair: "
            "min() over the tied pairs, compared as tuples of ids.",
            _with(ties="first"),
        ),
        Misconception(
            "merges-not-applied",
            "Every merge is the same pair: the words were not rewritten with the new token "
            "before the pairs were counted again. After choosing a pair, replace it by "
            "256 + i in every word, then count again.",
            _with(recount=False),
        ),
        Misconception(
            "words-without-spaces",
            "You cut the words with str.split(), which drops the spaces, so no merge ever "
            "contains one. Cut the text before every space (split_words): the space belongs "
            'to the word after it (" cat"), and its pairs are counted and merged too.',
            _with(spaces=False),
        ),
    ],
    forbidden=NOT_ALLOWED_BPE,
)


CHECKER = BPE_TRAIN
