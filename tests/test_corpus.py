"""The checks on the corpus of realistic student solutions (tests/corpus): correct work is
accepted, wrong work rejected, and a hint only ever names the mistake that was made."""

from __future__ import annotations

import pytest

from mlmath_lab.checks import get_checker, run_check

from .corpus import CORRECT, Entry, all_entries

ENTRIES = all_entries()


def _id(entry: Entry) -> str:
    return f"{entry.exercise}:{entry.expect}:{entry.note or entry.function}"


@pytest.mark.parametrize(
    ("index", "entry"), list(enumerate(ENTRIES)), ids=[_id(e) for e in ENTRIES]
)
def test_corpus_entry(index: int, entry: Entry) -> None:
    result = run_check(entry.exercise, entry.compile(index))
    if entry.expect == CORRECT:
        assert result.passed, result.to_text()
        return
    assert not result.passed, f"a wrong solution passes ({entry.note})"
    assert result.misconception == entry.expect, result.to_text()


def test_every_expected_mistake_is_a_known_one() -> None:
    for entry in ENTRIES:
        if entry.expect not in (CORRECT, None):
            names = {m.name for m in get_checker(entry.exercise).misconceptions}
            assert entry.expect in names, f"{entry.exercise}: no known mistake {entry.expect!r}"


def test_the_corpus_measures_the_share_of_right_hints() -> None:
    wrong = [e for e in ENTRIES if e.wrong]
    named = [e for e in wrong if e.expect is not None]
    assert len(wrong) >= 100 and len([e for e in ENTRIES if not e.wrong]) >= 50
    assert len(named) >= 0.8 * len(wrong), "the target: at least 80 % of wrong work gets its hint"
