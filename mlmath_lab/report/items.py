"""Item analysis: how each exercise of an assignment works as a question, in test theory's terms.

- **Facility**: the share of students with full points on the exercise.
- **Discrimination**: the point-biserial correlation between passing the exercise (1 or 0) and
  the rest of the score (the total without this exercise), so an exercise is not correlated
  with itself. Bands as in Ebel (1965): ≥ 0.40 very good, 0.30–0.39 good, 0.20–0.29 marginal,
  < 0.20 poor; a negative value means the students who do well elsewhere fail this one more
  often: the check itself is probably wrong.
- **Not attempted**: the share of students (whose autograded notebooks were read) who left the
  stub in place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TOO_EASY = 0.90  # facility at or above: nearly everyone passes
TOO_HARD = 0.20  # facility at or below: nearly no one passes
MIN_STUDENTS = 5  # fewer: a correlation says little, so none is given

EXPLANATIONS = (
    "facility: the share of students with full points on the exercise",
    "discrimination: the point-biserial correlation of passing the exercise with the rest of "
    "the score (the exercise itself left out); Ebel's bands: ≥ 0.40 very good, 0.30–0.39 good, "
    "0.20–0.29 marginal, < 0.20 poor; negative: the check is probably wrong",
    "not attempted: the share of students who left the stub in place",
    f"flags: too easy (facility ≥ {TOO_EASY:.0%}), too hard (facility ≤ {TOO_HARD:.0%}), "
    f"discrimination not given below {MIN_STUDENTS} students or when everyone scores alike",
)


@dataclass
class ItemStats:
    exercise: str
    students: int  # graded submissions with a score on this exercise
    facility: float | None
    discrimination: float | None
    not_attempted: float | None  # None: no autograded notebook was read
    flags: list[str] = field(default_factory=list)

    @property
    def band(self) -> str | None:
        return ebel_band(self.discrimination)


def ebel_band(r: float | None) -> str | None:
    if r is None:
        return None
    if r < 0:
        return "negative"
    if r >= 0.40:
        return "very good"
    if r >= 0.30:
        return "good"
    if r >= 0.20:
        return "marginal"
    return "poor"


def point_biserial(passed: Sequence[float], rest: Sequence[float]) -> float | None:
    """Pearson's correlation of a 0/1 variable with a score; None when either is constant."""
    n = len(passed)
    if n != len(rest) or n < 2:
        return None
    mean_x, mean_y = sum(passed) / n, sum(rest) / n
    sxx = sum((x - mean_x) ** 2 for x in passed)
    syy = sum((y - mean_y) ** 2 for y in rest)
    if sxx <= 0 or syy <= 1e-12:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(passed, rest, strict=True))
    return sxy / math.sqrt(sxx * syy)


def item_statistics(
    exercise: str,
    scores: Mapping[str, float],
    totals: Mapping[str, float],
    max_score: float,
    not_implemented: int | None,
    checked: int,
    epsilon: float = 1e-9,
) -> ItemStats:
    """One exercise: ``scores`` (student → points on it, graded ones only), ``totals`` (student
    → assignment total), ``not_implemented`` of the ``checked`` students left the stub."""
    students = sorted(scores)
    passed = [1.0 if scores[s] >= max_score - epsilon else 0.0 for s in students]
    rest = [totals[s] - scores[s] for s in students]
    facility = sum(passed) / len(students) if students else None
    discrimination = point_biserial(passed, rest) if len(students) >= MIN_STUDENTS else None
    not_attempted = not_implemented / checked if not_implemented is not None and checked else None
    flags: list[str] = []
    if facility is not None and facility >= TOO_EASY:
        flags.append("too easy")
    if facility is not None and facility <= TOO_HARD:
        flags.append("too hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative discrimination: review the check")
    return ItemStats(exercise, len(students), facility, discrimination, not_attempted, flags)
