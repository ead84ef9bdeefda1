"""``mlmath-lab report``: how a class did on an assignment, after autograding.

Two sources, both written by autograding (``mlmath-lab autograde`` or ``nbgrader autograde``):

* nbgrader's gradebook: every graded submission's score on each grade cell, hence the
  per-exercise pass rates (full points, partial, zero) and the histogram of total scores;
* the autograded notebooks (``autograded/<student>/<assignment>/*.ipynb``): the check
  library's results (``application/vnd.mlmath-lab.check+json``) in their outputs, hence the
  mistakes the class makes: each (exercise, status, misconception) counted once per student.

:func:`build_report` gathers a :class:`Report`; :func:`render_text`, :func:`report_json` and
:func:`render_png` show it.
"""

from __future__ import annotations

from .build import build_report, histogram
from .course import CourseReport, build_course_report, course_json
from .model import (
    HIDDEN_TESTS_FAILED,
    NO_CHECK,
    SCORE_EPSILON,
    ExerciseStats,
    HintCount,
    HistogramBin,
    Report,
    ReportError,
)
from .render import (
    default_png_path,
    render_course_text,
    render_png,
    render_text,
    report_json,
)

__all__ = [
    "HIDDEN_TESTS_FAILED",
    "NO_CHECK",
    "SCORE_EPSILON",
    "CourseReport",
    "ExerciseStats",
    "HintCount",
    "HistogramBin",
    "Report",
    "ReportError",
    "build_course_report",
    "build_report",
    "course_json",
    "default_png_path",
    "histogram",
    "render_course_text",
    "render_png",
    "render_text",
    "report_json",
]
