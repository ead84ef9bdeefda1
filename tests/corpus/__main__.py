"""``python -m tests.corpus``: how the checks do on the corpus of student solutions."""

from __future__ import annotations

from collections import Counter

from mlmath_lab.checks import run_check

from . import CORRECT, all_entries


def main() -> None:
    counts: Counter[str] = Counter()
    for index, entry in enumerate(all_entries()):
        result = run_check(entry.exercise, entry.compile(index))
        if entry.expect == CORRECT:
            counts["correct"] += 1
            counts["correct accepted"] += result.passed
            if not result.passed:
                print(f"REJECTED {entry.exercise} #{index} ({entry.note}): {result.summary}")
            continue
        counts["wrong"] += 1
        counts["wrong rejected"] += not result.passed
        if entry.expect is not None:
            counts["wrong with a known mistake"] += 1
            counts["right hint"] += result.misconception == entry.expect
        if result.misconception is not None and result.misconception != entry.expect:
            counts["wrong hint"] += 1
            print(
                f"WRONG HINT {entry.exercise} #{index} ({entry.note}): "
                f"{result.misconception} (expected {entry.expect})"
            )
        if result.passed:
            print(f"ACCEPTED WRONG {entry.exercise} #{index} ({entry.note})")
    wrong = counts["wrong"] or 1
    print(
        f"correct accepted: {counts['correct accepted']}/{counts['correct']}\n"
        f"wrong rejected: {counts['wrong rejected']}/{counts['wrong']}\n"
        f"wrong with the right hint: {counts['right hint']}/{counts['wrong']} "
        f"({100 * counts['right hint'] / wrong:.0f} %)\n"
        f"wrong hints: {counts['wrong hint']}"
    )


if __name__ == "__main__":
    main()
