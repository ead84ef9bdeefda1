"""How long the course view of ``mlmath-lab report`` takes on a large class, next to nbgrader's
own class-wide read of the same gradebook (``nbgrader export``), measured in the same run.

    python benchmarks/report_benchmark.py [--students 1000] [--assignments 12] [--exercises 8]
                                          [--runs 3] [--anchor-runs 1]

A gradebook is generated in a temporary course root: the assignments and their grade cells
through nbgrader's API, the students and their graded submissions (5 % of them missing, scores
drawn from a seeded generator) with bulk inserts into nbgrader's own tables. Then, each timed
as the command a user runs (a fresh process, the median of three):

- ours: ``mlmath-lab report --course-dir=ROOT --json`` (the course view, its HTML file too);
- the anchor: ``nbgrader export`` (grades.csv: every student × assignment), once by default:
  it takes about six minutes for 1,000 × 12 here (one ORM query per student and assignment).

It prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

MISSING = 0.05


def make_gradebook(root: Path, students: int, assignments: int, exercises: int) -> None:
    import sqlalchemy
    from nbgrader.api import (
        Grade,
        Gradebook,
        GradeCell,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    names = [f"a{i + 1:02d}" for i in range(assignments)]
    ids = [f"s{i:05d}" for i in range(students)]
    rng = random.Random(16)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for name in names:
            gb.add_assignment(name)
            gb.add_notebook("nb", name)
            for e in range(exercises):
                gb.add_grade_cell(f"ex{e}", "nb", name, max_score=2, cell_type="code")
        cells = {
            name: [
                (c.id, c.max_score)
                for c in gb.db.query(GradeCell).all()
                if c.notebook.assignment.name == name
            ]
            for name in names
        }
        notebooks = {name: gb.find_notebook("nb", name).id for name in names}
        assignment_ids = {name: gb.find_assignment(name).id for name in names}
        with gb.engine.begin() as connection:
            connection.execute(sqlalchemy.insert(Student.__table__), [{"id": s} for s in ids])
            for name in names:
                submissions, notebook_rows, grades = [], [], []
                for student in ids:
                    if rng.random() < MISSING:
                        continue
                    ability = rng.random()
                    submission, notebook = uuid.uuid4().hex, uuid.uuid4().hex
                    submissions.append(
                        {
                            "id": submission,
                            "assignment_id": assignment_ids[name],
                            "student_id": student,
                            "timestamp": None,
                        }
                    )
                    notebook_rows.append(
                        {
                            "id": notebook,
                            "assignment_id": submission,
                            "notebook_id": notebooks[name],
                            "flagged": False,
                        }
                    )
                    for cell, top in cells[name]:
                        grades.append(
                            {
                                "id": uuid.uuid4().hex,
                                "notebook_id": notebook,
                                "cell_id": cell,
                                "auto_score": top if rng.random() < ability else 0.0,
                                "needs_manual_grade": False,
                            }
                        )
                connection.execute(sqlalchemy.insert(SubmittedAssignment.__table__), submissions)
                connection.execute(sqlalchemy.insert(SubmittedNotebook.__table__), notebook_rows)
                connection.execute(sqlalchemy.insert(Grade.__table__), grades)


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--assignments", type=int, default=12)
    parser.add_argument("--exercises", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="runs of ours")
    parser.add_argument("--anchor-runs", type=int, default=1, help="runs of nbgrader export")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="mlmath-lab-report-bench-") as scratch:
        root = Path(scratch)
        start = time.perf_counter()
        make_gradebook(root, args.students, args.assignments, args.exercises)
        print(
            f"gradebook: {args.students} students x {args.assignments} assignments x "
            f"{args.exercises} exercises, made in {time.perf_counter() - start:.1f} s"
        )
        ours_cmd = [str(bin_dir / "mlmath-lab"), "report", f"--course-dir={root}", "--json"]
        anchor_cmd = [str(bin_dir / "nbgrader"), "export", "--to", str(root / "grades.csv")]
        ours, anchor = [], []
        for run in range(max(args.runs, args.anchor_runs)):  # alternated: a busy moment
            if run < args.runs:  # touches both
                ours.append(timed(ours_cmd, root))
            if run < args.anchor_runs:
                anchor.append(timed(anchor_cmd, root))
        lines = (root / "grades.csv").read_text().count("\n") - 1
    ours_median, anchor_median = statistics.median(ours), statistics.median(anchor)
    print(f"mlmath-lab report (course view): {ours_median:.2f} s  (runs: {_list(ours)})")
    print(f"anchor: nbgrader export ({lines} rows): {anchor_median:.2f} s  (runs: {_list(anchor)})")
    print(f"ratio report/export: {ours_median / anchor_median:.3f}")


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
