"""Show a :class:`Report`: terminal tables, JSON and a PNG."""

from __future__ import annotations

import os
import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from .course import RISK_RULES, CourseReport
from .items import EXPLANATIONS, ItemStats
from .model import Report


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
                **_item_json(item),
                "misconceptions": [
                    {
                        "misconception": h.misconception,
                        "hint": h.hint,
                        "count": h.count,
                        "share": report.share(h),
                    }
                    for h in report.hints
                    if h.exercise == e.exercise and h.misconception
                ],
            }
            for e, item in zip(report.exercises, report.items, strict=True)
        ],
        "explanations": list(EXPLANATIONS),
        "next_lecture": [
            {
                "exercise": h.exercise,
                "misconception": h.misconception,
                "hint": h.hint,
                "count": h.count,
                "share": report.share(h),
            }
            for h in report.lecture_mistakes()
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


def _item_json(item: ItemStats) -> dict[str, Any]:
    return {
        "facility": item.facility,
        "discrimination": item.discrimination,
        "discrimination_band": item.band,
        "not_attempted": item.not_attempted,
        "flags": item.flags,
    }


def _optional_percent(value: float | None) -> str:
    return "–" if value is None else _percent(value)


def _item_rows(report: Report) -> list[str]:
    rows = []
    for item in report.items:
        r = "–" if item.discrimination is None else f"{item.discrimination:+.2f} {item.band}"
        rows.append(
            [
                item.exercise,
                str(item.students),
                _optional_percent(item.facility),
                r,
                _optional_percent(item.not_attempted),
                ", ".join(item.flags),
            ]
        )
    headers = ["exercise", "students", "facility", "discrimination", "not attempted", "flags"]
    lines = ["", "Item analysis", *_table(headers, rows, {1, 2, 4})]
    return lines + [f"  {line}" for line in EXPLANATIONS]


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
    out += _item_rows(report)

    lecture = report.lecture_mistakes()
    if lecture:
        out += ["", f"The {len(lecture)} mistake(s) to address in the next lecture"]
        for i, h in enumerate(lecture, 1):
            out.append(
                f"  {i}. {h.misconception} in {h.exercise}: {h.count} student(s), "
                f"{_percent(report.share(h))}"
            )
            if h.hint:
                out.append(f"     hint: {h.hint}")

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


def render_course_text(report: CourseReport) -> str:
    """The course view as plain-text tables for a terminal."""
    out = [
        f"Course report ({report.course_root}): {len(report.students)} student(s)",
        "",
        "Per assignment (from the gradebook)",
    ]
    rows = []
    for a in report.assignments:
        completion = a.graded / len(report.students) if report.students else 0.0
        rows.append(
            [
                a.id,
                a.module or "",
                f"{a.max_score:g}",
                str(a.graded) if a.autograded else "not autograded",
                _percent(completion) if a.autograded else "",
                _optional_percent(a.mean),
                _optional_percent(a.median),
            ]
        )
    headers = ["assignment", "module", "points", "graded", "completion", "mean", "median"]
    out += _table(headers, rows, {2, 3, 4, 5, 6})
    if report.modules:
        out += ["", "Per module of the roadmap"]
        rows = [
            [m.id, str(len(m.assignments)), _percent(m.completion), _optional_percent(m.mean)]
            for m in report.modules
        ]
        out += _table(["module", "assignments", "completion", "mean"], rows, {1, 2, 3})
    out += ["", f"Students at risk ({len(report.at_risk)} of {len(report.students)})"]
    if not report.at_risk:
        out.append("  none")
    for risk in report.at_risk:
        out.append(f"  {risk.student}")
        out += [f"      {reason}" for reason in risk.reasons]
    out += [f"  rule: {rule}" for rule in RISK_RULES]
    for warning in report.warnings:
        out.append(f"warning: {warning}")
    return "\n".join(out)


def default_png_path(report: Report) -> Path:
    return report.course_root / "reports" / f"{report.assignment}-report.png"


def render_png(report: Report, path: Path) -> Path:
    """Write the score histogram and the per-exercise pass rates as a PNG (no display needed:
    matplotlib's Agg canvas, without pyplot)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    overview_figure(report).savefig(os.fspath(path), format="png", dpi=100)
    return path


def overview_figure(report: Report) -> Figure:
    """The score histogram beside the pass rate of each exercise."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

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
    return fig
