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

import json
import math
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from traitlets.config import Config

from .checks.result import CHECK_MIME_TYPE
from .formats import CHECK_RESULT, first_problem

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

    @property
    def submissions(self) -> int:
        return len(self.scores)

    def share(self, hint: HintCount) -> float:
        """A hint's count over the students whose autograded notebooks were read."""
        return hint.count / len(self.checked_students) if self.checked_students else 0.0


# ------------------------------------------------------------------------------ building it


def build_report(root: Path, assignment: str, config: Config) -> Report:
    """The report of ``assignment`` in the course ``root`` (nbgrader's layout and gradebook,
    configured by ``config`` as ``nbgrader_config.py`` does). Raises :class:`ReportError`."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    from .course.release import ensure_alembic_on_path

    ensure_alembic_on_path()
    root = root.resolve()
    cfg = Config(config)
    cfg.CourseDirectory.root = str(root)
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    db_url: str = coursedir.db_url
    database = _sqlite_file(db_url)
    if database is not None and not database.is_file():
        raise ReportError(
            f"no gradebook at {database}: run `nbgrader generate_assignment {assignment}` "
            f"and `mlmath-lab autograde {assignment}` first"
        )

    with Gradebook(db_url, coursedir.course_id) as gb:
        try:
            gb_assignment = gb.find_assignment(assignment)
        except MissingEntry:
            raise ReportError(f"no assignment {assignment!r} in the gradebook {db_url}") from None
        max_score = float(gb_assignment.max_score)
        cells: list[tuple[str, str, float]] = []  # (notebook, grade id, max score)
        for notebook in gb_assignment.notebooks:
            for cell in [*notebook.grade_cells, *notebook.task_cells]:
                cells.append((notebook.name, cell.name, float(cell.max_score)))
        scores: dict[str, float] = {}
        grades: dict[tuple[str, str], list[float | None]] = {}
        for submission in gb.assignment_submissions(assignment):
            scores[submission.student.id] = float(submission.score)
            for sub_notebook in submission.notebooks:
                for grade in sub_notebook.grades:
                    unscored = grade.auto_score is None and grade.manual_score is None
                    grades.setdefault((sub_notebook.name, grade.name), []).append(
                        None if unscored else float(grade.score)
                    )
    if not scores:
        raise ReportError(
            f"no graded submissions of {assignment} in the gradebook {db_url}: "
            f"run `mlmath-lab autograde {assignment}` first"
        )

    order = _cell_order(coursedir, assignment)
    cells.sort(key=lambda c: (order.get((c[0], c[1]), math.inf), c[0], c[1]))
    exercises = []
    for notebook_name, grade_id, cell_max in cells:
        stats = ExerciseStats(f"{assignment}/{grade_id}", notebook_name, grade_id, cell_max)
        for score in grades.get((notebook_name, grade_id), []):
            if score is None:
                stats.ungraded += 1
            elif score >= cell_max - SCORE_EPSILON:
                stats.full += 1
            elif score > SCORE_EPSILON:
                stats.partial += 1
            else:
                stats.zero += 1
        exercises.append(stats)

    warnings: list[str] = []
    outcomes: dict[str, dict[str, _Outcome]] = {}
    for student in sorted(scores):
        folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
        if not folder.is_dir():
            warnings.append(f"{_shown(folder, root)}: no autograded folder for {student}: skipped")
            continue
        found: dict[str, _Outcome] = {}
        read_any = False
        for path in sorted(folder.glob("*.ipynb")):
            nb, problem = _read_notebook(path)
            if nb is None:
                warnings.append(
                    f"{_shown(path, root)}: not a valid notebook ({problem}): "
                    "left out of the problem counts"
                )
                continue
            read_any = True
            found.update(_notebook_outcomes(nb, assignment))
        if read_any:
            outcomes[student] = found

    return Report(
        assignment=assignment,
        course_root=root,
        gradebook=db_url,
        max_score=max_score,
        scores=scores,
        exercises=exercises,
        hints=_count_hints(outcomes, [e.exercise for e in exercises]),
        histogram=histogram(scores.values(), max_score),
        checked_students=sorted(outcomes),
        warnings=warnings,
    )


def _read_notebook(path: Path) -> tuple[dict[str, Any] | None, str]:
    """A notebook's JSON, or None and why not (read as JSON: any nbformat version will do)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None, "invalid JSON"
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except OSError as error:
        return None, error.strerror or str(error)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "no list of cells"
    return nb, ""


def _sqlite_file(db_url: str) -> Path | None:
    """The file of a SQLite gradebook (None for another database or an in-memory one)."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(db_url)
    except Exception:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def _shown(path: Path, root: Path) -> str:
    """A path as the instructor reads it: relative to the course root when inside it."""
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def _cell_order(coursedir: Any, assignment: str) -> dict[tuple[str, str], int]:
    """(notebook, grade id) → position in the source (else release) notebooks."""
    order: dict[tuple[str, str], int] = {}
    position = 0
    for step in (coursedir.source_directory, coursedir.release_directory):
        folder = Path(coursedir.format_path(step, ".", assignment))
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
                cells = nb.get("cells", []) if isinstance(nb, dict) else []
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            for cell in cells:
                grade_id = _nbgrader_meta(cell).get("grade_id")
                if grade_id and (path.stem, grade_id) not in order:
                    order[(path.stem, grade_id)] = position
                    position += 1
        if order:
            break
    return order


def _nbgrader_meta(cell: Any) -> dict[str, Any]:
    if not isinstance(cell, dict):
        return {}
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


@dataclass
class _Outcome:
    """One student's outcome of one exercise's check, read from an autograded notebook."""

    status: str
    misconception: str | None = None
    hint: str | None = None
    detail: str | None = None


def _notebook_outcomes(nb: dict[str, Any], assignment: str) -> dict[str, _Outcome]:
    """Exercise id → outcome. A graded test cell's result wins over a check the student ran in
    another cell; within a cell, the last result counts."""
    elsewhere: dict[str, _Outcome] = {}
    graded: dict[str, _Outcome] = {}
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = _nbgrader_meta(cell)
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        results: list[dict[str, Any]] = []
        error: dict[str, Any] | None = None
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict):
                continue
            if output.get("output_type") == "error":
                error = output
            data = output.get("data")
            payload = data.get(CHECK_MIME_TYPE) if isinstance(data, dict) else None
            if isinstance(payload, str):  # some writers keep JSON MIME data as text
                try:
                    payload = json.loads(payload)
                except json.JSONDecodeError:
                    payload = None
            # only a result as the check library writes it (formats/check-result.schema.json)
            if isinstance(payload, dict) and first_problem(CHECK_RESULT, payload) is None:
                results.append(payload)
        target = graded if is_test else elsewhere
        for payload in results:
            target[payload["exercise"]] = _outcome_of(payload)
        if not is_test or error is None:
            continue
        detail = _error_text(error)
        if results:
            last = results[-1]
            if last.get("passed") or last.get("status") == "passed":
                graded[last["exercise"]] = _Outcome(HIDDEN_TESTS_FAILED, detail=detail)
        elif meta.get("grade_id"):
            graded[f"{assignment}/{meta['grade_id']}"] = _Outcome(NO_CHECK, detail=detail)
    return {**elsewhere, **graded}


def _outcome_of(payload: dict[str, Any]) -> _Outcome:
    status = payload.get("status")
    if not isinstance(status, str):
        status = "passed" if payload.get("passed") else "failed"
    misconception = payload.get("misconception")
    hint = payload.get("hint")
    error = payload.get("error")
    return _Outcome(
        status,
        misconception if isinstance(misconception, str) else None,
        hint if isinstance(hint, str) else None,
        error.strip().splitlines()[0] if isinstance(error, str) and error.strip() else None,
    )


def _error_text(output: dict[str, Any]) -> str:
    ename, evalue = str(output.get("ename") or "Error"), str(output.get("evalue") or "")
    first = evalue.strip().splitlines()[0] if evalue.strip() else ""
    return f"{ename}: {first}" if first else ename


def _count_hints(outcomes: dict[str, dict[str, _Outcome]], exercises: list[str]) -> list[HintCount]:
    groups: dict[tuple[str, str, str | None], HintCount] = {}
    for student, found in sorted(outcomes.items()):
        for exercise, outcome in found.items():
            if outcome.status == "passed":
                continue
            key = (exercise, outcome.status, outcome.misconception)
            if key not in groups:
                groups[key] = HintCount(
                    exercise,
                    outcome.status,
                    outcome.misconception,
                    outcome.hint,
                    None if outcome.hint else outcome.detail,
                )
            groups[key].students.append(student)
    position = {exercise: i for i, exercise in enumerate(exercises)}
    return sorted(
        groups.values(),
        key=lambda h: (
            -h.count,
            h.misconception is None,  # a named mistake before a bare status
            position.get(h.exercise, len(position)),
            h.exercise,
            h.status,
            h.misconception or "",
        ),
    )


def histogram(scores: Iterable[float], max_score: float) -> list[HistogramBin]:
    """Bins of total scores from 0 to ``max_score``: one point wide up to 20 points, else
    about ten bins of a whole number of points. A bin holds its lower bound, not its upper one;
    the last bin holds the maximum (and anything above it, as the first anything below 0)."""
    values = list(scores)
    top = max([max_score, *values])
    if top <= 0:
        return [HistogramBin(0.0, 1.0, len(values), "0")]
    width = 1 if top <= 20 else math.ceil(top / 10)
    n = math.floor(top / width + SCORE_EPSILON) + 1
    counts = [0] * n
    for value in values:
        counts[min(max(math.floor(value / width + SCORE_EPSILON), 0), n - 1)] += 1
    bins = []
    for i, count in enumerate(counts):
        low, high = float(i * width), float((i + 1) * width)
        last = min(high - 1, top) if i == n - 1 else high - 1
        label = f"{low:g}" if width == 1 or last <= low else f"{low:g}–{last:g}"
        bins.append(HistogramBin(low, high, count, label))
    return bins


# ------------------------------------------------------------------------------ showing it


def report_json(report: Report, top: int = 10) -> dict[str, Any]:
    """The report as JSON-friendly data (``--json``): the ``top`` most frequent hints."""
    scores = sorted(report.scores.values())
    return {
        "assignment": report.assignment,
        "course_root": str(report.course_root),
        "gradebook": report.gradebook,
        "max_score": report.max_score,
        "submissions": report.submissions,
        "scores": dict(sorted(report.scores.items())),
        "summary": {
            "mean": statistics.fmean(scores) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "min": scores[0] if scores else None,
            "max": scores[-1] if scores else None,
        },
        "exercises": [
            {
                "exercise": e.exercise,
                "notebook": e.notebook,
                "grade_id": e.grade_id,
                "max_score": e.max_score,
                "submissions": e.submissions,
                "full": e.full,
                "partial": e.partial,
                "zero": e.zero,
                "ungraded": e.ungraded,
                "pass_rate": e.pass_rate,
            }
            for e in report.exercises
        ],
        "checked_students": report.checked_students,
        "hint_groups": len(report.hints),
        "hints": [
            {
                "exercise": h.exercise,
                "status": h.status,
                "misconception": h.misconception,
                "label": h.label,
                "hint": h.hint,
                "detail": h.detail,
                "count": h.count,
                "share": report.share(h),
                "students": h.students,
            }
            for h in report.hints[: max(top, 0)]
        ],
        "histogram": [
            {"low": b.low, "high": b.high, "label": b.label, "count": b.count}
            for b in report.histogram
        ],
        "warnings": report.warnings,
    }


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """Aligned columns; the columns in ``right`` (numbers) flush right."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    rule = ["-" * w if header else "" for header, w in zip(headers, widths, strict=True)]
    return [line(headers), line(rule), *(line(r) for r in rows)]


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _bar(count: int, most: int, width: int = 40) -> str:
    if count <= 0 or most <= 0:
        return ""
    return "#" * max(1, round(width * count / most))


def render_text(report: Report, top: int = 10) -> str:
    """The report as plain-text tables for a terminal."""
    data = report_json(report, top)
    summary = data["summary"]
    out = [
        f"Report of {report.assignment} ({report.course_root})",
        f"{report.submissions} graded submission(s), out of {report.max_score:g} points: "
        f"mean {summary['mean']:.1f}, median {summary['median']:g}, "
        f"min {summary['min']:g}, max {summary['max']:g}",
        "",
        "Per exercise (from the gradebook)",
    ]
    has_ungraded = any(e.ungraded for e in report.exercises)
    headers = ["exercise", "points", "full", "partial", "zero"]
    headers += ["ungraded"] if has_ungraded else []
    headers += ["pass rate", ""]
    rows = []
    for e in report.exercises:
        row = [e.exercise, f"{e.max_score:g}", str(e.full), str(e.partial), str(e.zero)]
        row += [str(e.ungraded)] if has_ungraded else []
        row += [_percent(e.pass_rate), _bar(e.full, e.submissions, 20)]
        rows.append(row)
    out += _table(headers, rows, set(range(1, len(headers) - 1)))

    shown = report.hints[: max(top, 0)]
    out += [
        "",
        f"Most frequent problems (top {len(shown)} of {len(report.hints)}, read from "
        f"{len(report.checked_students)} students' autograded notebooks)",
    ]
    if not shown:
        out.append("  none: every check passed")
    else:
        rows = [
            [
                str(i),
                str(h.count),
                _percent(report.share(h)),
                h.exercise,
                h.status,
                h.label,
            ]
            for i, h in enumerate(shown, 1)
        ]
        table = _table(["#", "students", "share", "exercise", "status", "problem"], rows, {0, 1, 2})
        out += table[:2]
        indent = " " * (len(table[0]) - len(table[0].lstrip()) + 4)
        for line, h in zip(table[2:], shown, strict=True):
            out.append(line)
            if h.hint:
                out.append(f"{indent}hint: {h.hint}")
            elif h.detail:
                out.append(f"{indent}e.g. {h.detail}")

    out += ["", "Total scores"]
    most = max((b.count for b in report.histogram), default=0)
    rows = [[b.label, str(b.count), _bar(b.count, most)] for b in report.histogram]
    out += _table(["score", "students", ""], rows, {1})
    for warning in report.warnings:
        out.append(f"warning: {warning}")
    return "\n".join(out)


def default_png_path(report: Report) -> Path:
    return report.course_root / "reports" / f"{report.assignment}-report.png"


def render_png(report: Report, path: Path) -> Path:
    """Write the score histogram and the per-exercise pass rates as a PNG (no display needed:
    matplotlib's Agg canvas, without pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path.parent.mkdir(parents=True, exist_ok=True)
    height = max(4.5, 1.5 + 0.35 * len(report.exercises))
    fig = Figure(figsize=(13, height), layout="constrained")
    FigureCanvasAgg(fig)
    hist_ax, rate_ax = fig.subplots(1, 2, width_ratios=[1, 1.3])

    bins = report.histogram
    unit = all(b.high - b.low == 1 for b in bins)  # one bar per score, centred on it
    hist_ax.bar(
        [b.low if unit else (b.low + b.high) / 2 for b in bins],
        [b.count for b in bins],
        width=[(b.high - b.low) * 0.85 for b in bins],
        color="#3b6ea5",
    )
    hist_ax.set_xlabel(f"total score (out of {report.max_score:g})")
    hist_ax.set_ylabel("students")
    hist_ax.set_title("Score histogram")
    hist_ax.yaxis.get_major_locator().set_params(integer=True)

    exercises = report.exercises[::-1]  # the first exercise on top
    labels = [e.grade_id for e in exercises]
    y = list(range(len(exercises)))
    left = [0.0] * len(exercises)
    parts = [("full", "#2e7d32"), ("partial", "#f9a825"), ("zero", "#c62828")]
    if any(e.ungraded for e in exercises):
        parts.append(("ungraded", "#9e9e9e"))
    for name, colour in parts:
        shares = [getattr(e, name) / e.submissions if e.submissions else 0.0 for e in exercises]
        rate_ax.barh(y, shares, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    rate_ax.set_yticks(y, labels)
    rate_ax.set_xlim(0, 1)
    rate_ax.xaxis.set_major_formatter(lambda value, _: f"{100 * value:.0f}%")
    rate_ax.set_xlabel("share of graded submissions")
    rate_ax.set_title("Pass rate per exercise")
    rate_ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=len(parts), fontsize="small"
    )

    fig.suptitle(f"{report.assignment}: {report.submissions} graded submission(s)")
    fig.savefig(os.fspath(path), format="png", dpi=100)
    return path
