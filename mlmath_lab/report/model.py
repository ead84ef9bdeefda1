"""What a report holds: per-exercise statistics, the mistakes counted, the score histogram."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .items import ItemStats

SCORE_EPSILON = 1e-9

HIDDEN_TESTS_FAILED = "hidden_tests_failed"
"""Status of an exercise whose visible check passed but whose test cell then failed (the
hidden tests), as read from the autograded notebook."""

NO_CHECK = "no_check"
"""Status of a graded test cell that raised before its check showed a result (for instance a
``NameError`` when the student's solution cell failed)."""


class ReportError(RuntimeError):
    """The report cannot be made: no gradebook, unknown assignment, nothing graded."""


# ------------------------------------------------------------------------------ the data


@dataclass
class ExerciseStats:
    """One grade cell across the graded submissions (scores from the gradebook)."""

    exercise: str  # "<assignment>/<grade_id>"
    notebook: str
    grade_id: str
    max_score: float
    full: int = 0
    partial: int = 0
    zero: int = 0
    ungraded: int = 0  # no score yet (waits for manual grading)

    @property
    def submissions(self) -> int:
        return self.full + self.partial + self.zero + self.ungraded

    @property
    def pass_rate(self) -> float:
        """The share of submissions with full points."""
        return self.full / self.submissions if self.submissions else 0.0


@dataclass
class HintCount:
    """How many students got one outcome (other than passing) of one exercise's check."""

    exercise: str
    status: str  # a check status (failed, error, not_implemented) or HIDDEN_TESTS_FAILED, NO_CHECK
    misconception: str | None
    hint: str | None
    detail: str | None  # the first student's error, when there is no hint
    students: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.students)

    @property
    def label(self) -> str:
        """What went wrong, in a few words."""
        if self.misconception:
            return self.misconception
        return {
            "not_implemented": "not implemented",
            "error": "raised an error",
            "failed": "wrong result (no known mistake)",
            HIDDEN_TESTS_FAILED: "hidden tests failed",
            NO_CHECK: "test cell failed before its check",
        }.get(self.status, self.status)


@dataclass
class HistogramBin:
    low: float  # included
    high: float  # excluded
    count: int
    label: str


@dataclass
class Report:
    assignment: str
    course_root: Path
    gradebook: str  # nbgrader's db_url
    max_score: float
    scores: dict[str, float]  # total score of every graded submission, by student
    exercises: list[ExerciseStats]
    hints: list[HintCount]  # most frequent first
    histogram: list[HistogramBin]
    checked_students: list[str]  # students whose autograded notebooks were read
    warnings: list[str] = field(default_factory=list)
    items: list[ItemStats] = field(default_factory=list)  # as ``exercises``, item analysis

    @property
    def submissions(self) -> int:
        return len(self.scores)

    def lecture_mistakes(self, count: int = 3) -> list[HintCount]:
        """The recognised mistakes most students made: what to address in the next lecture."""
        return [h for h in self.hints if h.misconception][:count]

    def share(self, hint: HintCount) -> float:
        """A hint's count over the students whose autograded notebooks were read."""
        return hint.count / len(self.checked_students) if self.checked_students else 0.0
