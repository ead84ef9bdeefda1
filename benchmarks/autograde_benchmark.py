"""``nbgrader autograde`` against ``mlmath-lab autograde`` on the same N submissions.

Two identical course copies (assignment 01, whose checks import torch) get the same N
submissions, a mix of correct, partial and stub answers. Each is graded by one command; the
script prints both wall times, the ratio and whether every grade cell's score is identical.

    .venv/bin/python benchmarks/autograde_benchmark.py --n 100
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "assignments"
ASSIGNMENT = "01-linear-algebra"
NOTEBOOK = "linear_algebra.ipynb"


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_PREFER_ENV_PATH": "1",
    }


def run(argv: list[str], cwd: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(argv, cwd=cwd, env=env(), capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return elapsed


def make_course(root: Path) -> None:
    root.mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copy(COURSE / "course.yaml", root)
    shutil.copytree(COURSE / "source", root / "source")
    run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"], root)


def submissions(course: Path, n: int) -> dict[str, nbformat.NotebookNode]:
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    solutions = {
        c.metadata.nbgrader["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    ids = list(solutions)
    result = {}
    for i in range(n):
        nb = copy.deepcopy(release)
        solved = set(ids[: i % (len(ids) + 1)])  # 0..9 exercises solved, cycling
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in solved:
                cell.source = solutions[grade_id]
        result[f"student{i:04d}"] = nb
    return result


def submit(course: Path, notebooks: dict[str, nbformat.NotebookNode]) -> None:
    for student, nb in notebooks.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / NOTEBOOK)


def scores(course: Path) -> dict[tuple[str, str], float | None]:
    from nbgrader.api import Gradebook

    out: dict[tuple[str, str], float | None] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            for notebook in sub.notebooks:
                for grade in notebook.grades:
                    out[(sub.student.id, f"{notebook.name}/{grade.name}")] = grade.auto_score
            out[(sub.student.id, "TOTAL")] = sub.score
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="submissions (default 100)")
    parser.add_argument("--workers", type=int, default=0, help="mlmath-lab workers (0: CPUs)")
    parser.add_argument(
        "--ours", type=int, default=3, help="runs of mlmath-lab autograde (median; default 3)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="autograde-benchmark-") as tmp:
        a = Path(tmp) / "nbgrader"
        ours_copies = [Path(tmp) / f"mlmath-{i + 1}" for i in range(max(1, args.ours))]
        make_course(a)
        for copy_ in ours_copies:
            shutil.copytree(a, copy_)
        notebooks = submissions(a, args.n)
        for course in (a, *ours_copies):
            submit(course, notebooks)

        ours_argv = [sys.executable, "-m", "mlmath_lab.app", "autograde", ASSIGNMENT]
        if args.workers:
            ours_argv.append(f"--workers={args.workers}")
        ours_times = [run(ours_argv, ours_copies[0])]
        theirs = run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], a)
        ours_times += [run(ours_argv, course) for course in ours_copies[1:]]
        ours = statistics.median(ours_times)

        expected = scores(a)
        differences: list[tuple[str, str]] = []
        for course in ours_copies:
            got = scores(course)
            if len({s for s, _ in got}) != args.n:
                differences.append((str(course.name), "not every student graded"))
            differences += sorted(
                k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k)
            )
        each = ", ".join(f"{t:.1f}" for t in ours_times)
        print(f"submissions:          {args.n} (cpus: {os.cpu_count()})")
        print(f"nbgrader autograde:   {theirs:8.1f} s  ({theirs / args.n:.2f} s/submission)")
        print(f"mlmath-lab autograde: {ours:8.1f} s  ({ours / args.n:.2f} s/submission)")
        print(f"  (median of {len(ours_times)} runs: {each} s; the first before nbgrader)")
        print(f"speed-up:             {theirs / ours:8.1f}x")
        print(f"scores identical:     {not differences}")
        if differences:
            print(f"differences ({len(differences)}): {differences[:10]}")
            sys.exit(1)


if __name__ == "__main__":
    main()
