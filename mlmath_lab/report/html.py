"""The report as one HTML file an instructor opens in a browser: self-contained (the charts are
PNGs embedded as data URLs, the style inline), nothing fetched from the network.

Every text that comes from the course or the students (ids, hints, errors) is escaped.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .course import RISK_RULES, CourseReport
from .items import EXPLANATIONS
from .model import Report
from .render import overview_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_HEATMAP_STUDENTS = 100  # rows of the heat-map: the students with the most mistakes first

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.75em; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: #b71c1c; } .note { color: #555; font-size: 0.9em; }
img { max-width: 100%; } .hint { color: #333; font-style: italic; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/png;base64,{data}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    def cell(tag: str, index: int, text: str) -> str:
        kind = ' class="n"' if index in numeric else ""
        return f"<{tag}{kind}>{_e(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, parts: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )


def heatmap_figure(report: Report) -> Figure | None:
    """Students × recognised mistakes (a filled cell: that student made that mistake)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    mistakes = [h for h in report.hints if h.misconception]
    if not mistakes:
        return None
    made: dict[str, set[int]] = {}
    for column, hint in enumerate(mistakes):
        for student in hint.students:
            made.setdefault(student, set()).add(column)
    students = sorted(made, key=lambda s: (-len(made[s]), s))[:MAX_HEATMAP_STUDENTS]
    matrix = [[1.0 if c in made[s] else 0.0 for c in range(len(mistakes))] for s in students]
    fig = Figure(
        figsize=(max(6, 0.5 * len(mistakes) + 3), max(3, 0.25 * len(students) + 2.5)),
        layout="constrained",
    )
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.imshow(matrix, cmap="Reds", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xticks(
        range(len(mistakes)),
        [f"{h.exercise.split('/')[-1]}: {h.misconception}" for h in mistakes],
        rotation=60,
        ha="right",
        fontsize="small",
    )
    ax.set_yticks(range(len(students)), students, fontsize="small")
    ax.set_title("Who made which recognised mistake")
    return fig


def render_html(report: Report, top: int = 10) -> str:
    """One assignment's report as a self-contained HTML page."""
    scores = sorted(report.scores.values())
    parts = [
        f"<h1>Report of {_e(report.assignment)}</h1>",
        f'<p class="note">{len(scores)} graded submission(s), out of {report.max_score:g} '
        f"points; gradebook {_e(report.gradebook)}</p>",
        f'<img alt="Score histogram and pass rate per exercise" src="{_png(overview_figure(report))}">',
        "<h2>Per exercise</h2>",
    ]
    rows = []
    for e, item in zip(report.exercises, report.items, strict=True):
        discrimination = (
            "–" if item.discrimination is None else f"{item.discrimination:+.2f} {item.band}"
        )
        rows.append(
            [
                e.exercise,
                f"{e.max_score:g}",
                str(e.full),
                str(e.partial),
                str(e.zero),
                _percent(item.facility),
                discrimination,
                _percent(item.not_attempted),
                ", ".join(item.flags),
            ]
        )
    headers = ["exercise", "points", "full", "partial", "zero", "facility"]
    headers += ["discrimination", "not attempted", "flags"]
    parts.append(_table(headers, rows, {1, 2, 3, 4, 5, 7}))
    parts.append("<ul class='note'>" + "".join(f"<li>{_e(x)}</li>" for x in EXPLANATIONS) + "</ul>")

    lecture = report.lecture_mistakes()
    parts.append("<h2>To address in the next lecture</h2>")
    if lecture:
        items = "".join(
            f"<li><b>{_e(h.misconception)}</b> in {_e(h.exercise)}: {h.count} student(s), "
            f"{_percent(report.share(h))}"
            + (f'<div class="hint">hint: {_e(h.hint)}</div>' if h.hint else "")
            + "</li>"
            for h in lecture
        )
        parts.append(f"<ol>{items}</ol>")
    else:
        parts.append("<p>No recognised mistake.</p>")
    heatmap = heatmap_figure(report)
    if heatmap is not None:
        parts.append(f'<img alt="Students and the mistakes they made" src="{_png(heatmap)}">')

    shown = report.hints[: max(top, 0)]
    parts.append(
        f"<h2>Most frequent problems</h2><p class='note'>top {len(shown)} of "
        f"{len(report.hints)}, read from {len(report.checked_students)} students' autograded "
        "notebooks</p>"
    )
    rows = [
        [str(h.count), _percent(report.share(h)), h.exercise, h.label, h.hint or h.detail or ""]
        for h in shown
    ]
    parts.append(_table(["students", "share", "exercise", "problem", "hint"], rows, {0, 1}))
    if report.warnings:
        parts.append("<h2>Warnings</h2><ul>")
        parts += [f'<li class="flag">{_e(w)}</li>' for w in report.warnings]
        parts.append("</ul>")
    return _page(f"Report of {report.assignment}", parts)


def course_figure(report: CourseReport) -> Figure:
    """Mean score and completion per autograded assignment."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    done = [a for a in report.assignments if a.autograded]
    fig = Figure(figsize=(max(6, 0.9 * len(done) + 2), 4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    x = range(len(done))
    students = max(len(report.students), 1)
    ax.bar([i - 0.2 for i in x], [a.mean or 0.0 for a in done], 0.4, label="mean score")
    ax.bar([i + 0.2 for i in x], [a.graded / students for a in done], 0.4, label="completion")
    ax.set_xticks(list(x), [a.id for a in done], rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda value, _: f"{100 * value:.0f}%")
    ax.legend(loc="lower right")
    ax.set_title("Per assignment")
    return fig


def render_course_html(report: CourseReport) -> str:
    """The course view as a self-contained HTML page."""
    parts = [
        "<h1>Course report</h1>",
        f'<p class="note">{len(report.students)} student(s); course {_e(report.course_root)}; '
        f"gradebook {_e(report.gradebook)}</p>",
    ]
    if any(a.autograded for a in report.assignments):
        parts.append(
            f'<img alt="Mean score and completion per assignment" src="{_png(course_figure(report))}">'
        )
    students = max(len(report.students), 1)
    rows = [
        [
            a.id,
            a.module or "",
            f"{a.max_score:g}",
            str(a.graded) if a.autograded else "not autograded",
            _percent(a.graded / students) if a.autograded else "",
            _percent(a.mean),
            _percent(a.median),
        ]
        for a in report.assignments
    ]
    parts.append("<h2>Per assignment</h2>")
    headers = ["assignment", "module", "points", "graded", "completion", "mean", "median"]
    parts.append(_table(headers, rows, {2, 3, 4, 5, 6}))
    if report.modules:
        parts.append("<h2>Per module of the roadmap</h2>")
        rows = [
            [m.id, str(len(m.assignments)), _percent(m.completion), _percent(m.mean)]
            for m in report.modules
        ]
        parts.append(_table(["module", "assignments", "completion", "mean"], rows, {1, 2, 3}))
    parts.append(f"<h2>Students at risk ({len(report.at_risk)} of {len(report.students)})</h2>")
    rows = [[r.student, "; ".join(r.reasons)] for r in report.at_risk]
    parts.append(_table(["student", "why"], rows, set()) if rows else "<p>None.</p>")
    parts.append("<ul class='note'>" + "".join(f"<li>{_e(x)}</li>" for x in RISK_RULES) + "</ul>")
    if report.warnings:
        parts.append("<h2>Warnings</h2><ul>")
        parts += [f'<li class="flag">{_e(w)}</li>' for w in report.warnings]
        parts.append("</ul>")
    return _page("Course report", parts)
