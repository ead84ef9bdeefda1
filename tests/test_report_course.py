"""The course view of `mlmath-lab report` (no assignment): per assignment, per module, and the
students at risk with the reason, on a gradebook built by hand through nbgrader's API."""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from mlmath_lab.report.course import AssignmentSummary, CourseReport, StudentRisk
from mlmath_lab.report.html import render_course_html

from .conftest import COURSE, mlmath_lab
from .support.chromium import rendered_dom

# four autograded assignments of the real roadmap, 10 points each, and one never autograded
GRADED = ["01-linear-algebra", "02-decompositions", "03-matrix-calculus", "04-optimization"]
NOT_AUTOGRADED = "05-probability-statistics"
SCORES: dict[str, list[float | None]] = {  # student → points per GRADED (None: no submission)
    "ada": [10, 9, 9.5, 10],  # fine
    "bob": [8, None, 7, 9],  # missed 02
    "cyd": [3, 2, 4, 3.5],  # low throughout
    "dee": [9, 9.5, 8.5, 3],  # falling at the end
    "eve": [7, 8, 6, 7],  # fine
    "fay": [None, None, None, None],  # enrolled, nothing handed in
}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("course-view")
    shutil.copy(COURSE / "course.yaml", root)
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for assignment in [*GRADED, NOT_AUTOGRADED]:
            gb.add_assignment(assignment)
            gb.add_notebook("nb", assignment)
            gb.add_grade_cell("answer", "nb", assignment, max_score=10, cell_type="code")
            gb.add_solution_cell("answer", "nb", assignment)
        for student, points in SCORES.items():
            gb.add_student(student)
            for assignment, score in zip(GRADED, points, strict=True):
                if score is None:
                    continue
                gb.add_submission(assignment, student)
                grade = gb.find_grade("answer", "nb", assignment, student)
                grade.auto_score = score
                gb.db.commit()
    return root


def test_the_course_view_per_assignment_module_and_student_at_risk(course: Path) -> None:
    done = mlmath_lab("report", f"--course-dir={course}", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout)
    assert data["students"] == len(SCORES)

    rows = {a["assignment"]: a for a in data["assignments"]}
    assert list(rows) == [*GRADED, NOT_AUTOGRADED]  # in the roadmap's order
    for i, assignment in enumerate(GRADED):
        got = [p[i] for p in SCORES.values() if p[i] is not None]
        row = rows[assignment]
        assert row["graded"] == len(got) and row["missing"] == len(SCORES) - len(got)
        assert row["mean"] == pytest.approx(sum(got) / len(got) / 10)
        assert row["completion"] == pytest.approx(len(got) / len(SCORES))
    assert rows["01-linear-algebra"]["module"] == "linear-algebra"
    assert rows[NOT_AUTOGRADED]["autograded"] is False and rows[NOT_AUTOGRADED]["mean"] is None
    assert any(NOT_AUTOGRADED in w and "not autograded" in w for w in data["warnings"])

    modules = {m["module"]: m for m in data["modules"]}
    assert modules["decompositions"]["assignments"] == ["02-decompositions"]
    assert modules["decompositions"]["completion"] == pytest.approx(4 / 6)
    assert "probability-statistics" not in modules  # nothing autograded there

    risks = {r["student"]: r["reasons"] for r in data["at_risk"]}
    assert set(risks) == {"bob", "cyd", "dee", "fay"}
    assert risks["bob"] == ["missing: no graded work for 02-decompositions"]
    [low] = risks["cyd"]
    assert low.startswith("low: 31% on average over 4 assignment(s)")
    [falling] = risks["dee"]
    assert falling == "falling: 30% on 04-optimization, after 90% on average before"
    assert risks["fay"] == [f"missing: no graded work for {', '.join(GRADED)}"]
    assert len(data["risk_rules"]) == 3


def test_the_course_view_as_tables(course: Path) -> None:
    done = mlmath_lab("report", f"--course-dir={course}")
    assert done.returncode == 0, done.stderr[-3000:]
    text = done.stdout
    assert "Per assignment (from the gradebook)" in text
    assert "Per module of the roadmap" in text
    assert "Students at risk (4 of 6)" in text
    assert "      falling: 30% on 04-optimization" in text
    assert "not autograded" in text


def test_two_assignments_are_refused_naming_the_usage(course: Path) -> None:
    done = mlmath_lab("report", "a", "b", f"--course-dir={course}")
    assert done.returncode != 0
    assert "or none for the course view" in done.stderr


def test_a_course_without_a_gradebook_says_what_to_run(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    done = mlmath_lab("report", f"--course-dir={tmp_path}")
    assert done.returncode != 0
    assert "no gradebook at" in done.stderr and "mlmath-lab autograde" in done.stderr
    assert not (tmp_path / "gradebook.db").exists()  # not created by asking


@pytest.mark.parametrize(
    ("revision", "says"),
    [
        ("724cde206c17", "is older than this nbgrader's"),  # a known, earlier revision
        ("ffff0000aaaa", "written by a newer nbgrader"),
    ],
)
def test_a_gradebook_of_another_nbgrader_schema_is_named_not_opened(
    course: Path, tmp_path: Path, revision: str, says: str
) -> None:
    other = tmp_path / "course"
    shutil.copytree(course, other)
    with sqlite3.connect(other / "gradebook.db") as db:
        db.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    before = (other / "gradebook.db").read_bytes()
    for args in ([], ["01-linear-algebra"]):
        done = mlmath_lab("report", *args, f"--course-dir={other}")
        assert done.returncode != 0
        assert f"its schema (revision {revision})" in done.stderr and says in done.stderr
    assert (other / "gradebook.db").read_bytes() == before  # left as it was


def test_the_course_view_as_one_html_file_rendered_in_chromium(
    course: Path, tmp_path: Path
) -> None:
    done = mlmath_lab("report", f"--course-dir={course}", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout)
    page = Path(data["html"])
    assert page == course / "reports" / "course-report.html"
    dom = rendered_dom(page, tmp_path)
    [width] = [int(w) for w in re.findall(r'data-natural-width="(\d+)"', dom)]
    assert width > 100  # the chart, decoded
    assert "Students at risk (4 of 6)" in dom
    assert "falling: 30% on 04-optimization, after 90% on average before" in dom
    for row in data["assignments"][:4]:
        assert f"<td>{row['assignment']}</td>" in dom


def test_ids_and_texts_from_the_gradebook_are_escaped_in_the_html() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    report = CourseReport(
        course_root=Path("/c"),
        gradebook="sqlite:///g.db",
        students=[hostile],
        assignments=[AssignmentSummary("a1", None, 10.0, {})],
        modules=[],
        at_risk=[StudentRisk(hostile, ["missing: no graded work for a1"])],
        warnings=[f"{hostile} warned"],
    )
    page = render_course_html(report)
    assert hostile not in page
    assert html.escape(hostile, quote=True) in page


def test_the_one_query_totals_are_nbgraders_submission_totals(course: Path) -> None:
    from nbgrader.api import Gradebook

    from mlmath_lab.report.course import submission_scores

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        ours = submission_scores(gb)
        for assignment in GRADED:
            theirs = {d["student"]: d["score"] for d in gb.submission_dicts(assignment)}
            assert ours[assignment] == pytest.approx(theirs), assignment
            expected = {
                s: p[GRADED.index(assignment)]
                for s, p in SCORES.items()
                if p[GRADED.index(assignment)] is not None
            }
            assert ours[assignment] == pytest.approx(expected)
