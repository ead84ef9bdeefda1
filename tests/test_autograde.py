"""``mlmath-lab autograde``: nbgrader's scores, parallel, all-or-nothing per student.

The parity test grades the same submissions with ``nbgrader autograde`` and with
``mlmath-lab autograde`` and compares the gradebooks cell by cell.
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from traitlets.config import Config

from mlmath_lab.autograde.grader import Autograder
from mlmath_lab.autograde.limits import Limits
from mlmath_lab.autograde.submissions import notebook_digest
from mlmath_lab.autograde.summary import Progress, Summary

from .conftest import COURSE, cli_env, mlmath_lab

ASSIGNMENT = "01-linear-algebra"
NOTEBOOK = "linear_algebra.ipynb"
CELL_TIMEOUT = 5


# ---------------------------------------------------------------- an executor stand-in


@dataclass
class _Result:
    notebook: NotebookNode
    problem: str | None
    duration_s: float


class NbclientExecutor:
    """``PrewarmedExecutor``'s interface over nbgrader's own ``Execute`` (a kernel per run)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def __enter__(self) -> NbclientExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def wait_ready(self) -> None:
        return None  # a kernel per run: nothing to warm up

    def run(self, nb: NotebookNode, workdir: Path, verdicts: object = None) -> _Result:
        # nbgrader's way: every cell, the graded ones too, runs in the kernel
        from nbgrader.preprocessors import Execute

        started = time.monotonic()
        execute = Execute(timeout=int(self.limits.cell_timeout))
        nb, _ = execute.preprocess(nb, {"metadata": {"path": str(workdir)}})
        return _Result(nb, None, time.monotonic() - started)


def _real_executor_available() -> bool:
    try:
        from mlmath_lab.autograde.executor import PrewarmedExecutor  # noqa: F401
    except ImportError:
        return False
    return True


def executor_factory():  # type: ignore[no-untyped-def]
    """The pre-warmed executor once it exists; nbgrader's kernel-per-notebook before that."""
    if _real_executor_available():
        return None  # the grader's default: PrewarmedExecutor
    return NbclientExecutor


# ---------------------------------------------------------------- a course with submissions


def _nbgrader(course: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        check=False,
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course copy where nbgrader generated the assignment (gradebook in the course root)."""
    root = tmp_path_factory.mktemp("released") / "course"
    root.mkdir()
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copy(COURSE / "course.yaml", root)
    shutil.copytree(COURSE / "source", root / "source")
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(
            f"\nc.Execute.timeout = {CELL_TIMEOUT}\nc.Autograder.cell_timeout = {CELL_TIMEOUT}\n"
        )
    done = _nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stderr
    return root


def _solutions() -> dict[str, str]:
    nb = nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return {
        c.metadata.nbgrader["grade_id"]: c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def _release(course: Path) -> NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)


def _with(nb: NotebookNode, sources: dict[str, str]) -> NotebookNode:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source = sources[grade_id]
    return nb


def _hidden_test_lines() -> list[str]:
    """Distinctive lines of the source notebook's hidden tests (HTML-escaped as rendered)."""
    import html

    nb = nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    lines: list[str] = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 25 and "import" not in line:
                lines.append(html.escape(line.strip(), quote=False))
    assert len(lines) > 10
    return lines


def batch(course: Path) -> dict[str, NotebookNode]:
    release = _release(course)
    solutions = _solutions()
    correct = _with(release, solutions)
    first3 = dict(list(solutions.items())[:3])
    tests = [
        c.metadata.nbgrader["grade_id"]
        for c in release.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]
    return {
        "correct": correct,
        "stub": release,
        "partial": _with(release, first3),
        "raising": _with(correct, {"softmax_solution": 'raise RuntimeError("student bug")'}),
        "looping": _with(correct, {"dot_loop_solution": "while True:\n    pass"}),
        "tampered": _with(release, {tests[0]: "assert True", tests[1]: "assert True"}),
    }


def submit(course: Path, notebooks: dict[str, NotebookNode | str]) -> None:
    for student, nb in notebooks.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, str):
            (folder / NOTEBOOK).write_text(nb)
        else:
            nbformat.write(nb, folder / NOTEBOOK)
        (folder / "timestamp.txt").write_text("2024-01-01 12:00:00.000000 UTC")


@pytest.fixture
def course(released: Path, tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(released, root)
    return root


def _config(course: Path) -> Config:
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def grade(course: Path, **kwargs: object) -> tuple[Summary, str]:
    config = _config(course)
    grader = Autograder(config=config)
    stream = io.StringIO()
    summary = grader.autograde(
        course,
        ASSIGNMENT,
        config,
        executor_factory=executor_factory(),
        progress_stream=stream,
        **kwargs,  # type: ignore[arg-type]
    )
    return summary, stream.getvalue()


def gradebook_scores(course: Path) -> dict[str, dict[str, float | None]]:
    """Per student: each grade cell's auto_score, and the total under ``"TOTAL"``."""
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(ASSIGNMENT):
            cells: dict[str, float | None] = {}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    cells[f"{notebook.name}/{g.name}"] = g.auto_score
            cells["TOTAL"] = submission.score
            scores[submission.student.id] = cells
    return scores


def gradebook_rows(course: Path) -> dict[str, dict[str, object]]:
    """Per student: every grade row (scores, review flag) and comment row nbgrader writes."""
    from nbgrader.api import Gradebook

    rows: dict[str, dict[str, object]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(ASSIGNMENT):
            cells: dict[str, object] = {}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    cells[f"grade {notebook.name}/{g.name}"] = (
                        g.auto_score,
                        g.manual_score,
                        g.needs_manual_grade,
                    )
                for c in notebook.comments:
                    cells[f"comment {notebook.name}/{c.name}"] = (c.auto_comment, c.manual_comment)
            rows[submission.student.id] = cells
    return rows


# ---------------------------------------------------------------- fast tests


def test_notebook_digest_sees_sources_only() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    other = copy.deepcopy(nb)
    other.cells[0].outputs = [nbformat.v4.new_output("stream", text="1")]
    assert notebook_digest(nb) == notebook_digest(other)
    other.cells[0].source = "x = 2"
    assert notebook_digest(nb) != notebook_digest(other)


def test_limits_come_from_config() -> None:
    config = Config()
    config.Autograder.cell_timeout = 7.0
    config.Autograder.memory_mb = 512
    config.Autograder.workers = 3
    grader = Autograder(config=config)
    limits = grader.limits()
    assert (limits.cell_timeout, limits.memory_mb, grader.workers) == (7.0, 512, 3)


def test_summary_lists_failures_and_scores() -> None:
    summary = Summary(
        ASSIGNMENT,
        graded=["a", "b", "c"],
        failed={"d": "linear_algebra.ipynb: not a valid notebook (invalid JSON)"},
        scores={"a": 15.0, "b": 3.0, "c": 7.0},
        max_score=15.0,
        wall_s=1.0,
    )
    text = "\n".join(summary.lines())
    assert "3 graded" in text and "1 failed" in text
    assert "FAILED d: linear_algebra.ipynb: not a valid notebook (invalid JSON)" in text
    assert "min 3, median 7, max 15" in text


def test_progress_plain_lines_without_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(2, stream)
    progress.advance("graded a")
    progress.advance("FAILED b: boom", important=True)
    assert stream.getvalue().splitlines() == ["[1/2] graded a", "[2/2] FAILED b: boom"]


def test_unreleased_assignment_is_reported(course_copy: Path) -> None:
    from mlmath_lab.autograde.submissions import SubmissionProblem

    with pytest.raises(SubmissionProblem, match="generate_assignment"):
        grade(course_copy)


# ---------------------------------------------------------------- notebooks run


@pytest.mark.slow
def test_parity_with_nbgrader_autograde(released: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(released, a)
    shutil.copytree(released, b)
    notebooks = batch(a)
    submit(a, notebooks)  # type: ignore[arg-type]
    submit(b, notebooks)  # type: ignore[arg-type]

    done = _nbgrader(a, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]
    if _real_executor_available():
        ours = mlmath_lab("autograde", ASSIGNMENT, f"--course-dir={b}")
        assert ours.returncode == 0, ours.stderr[-3000:]
        assert "6 graded" in ours.stdout
    else:
        summary, _ = grade(b)
        assert sorted(summary.graded) == sorted(notebooks)

    expected, got = gradebook_scores(a), gradebook_scores(b)
    assert set(got) == set(notebooks)
    for student in notebooks:
        assert got[student] == expected[student], student
    expected_rows, got_rows = gradebook_rows(a), gradebook_rows(b)
    for student in notebooks:
        assert got_rows[student] == expected_rows[student], student
    assert any(
        value == ("No response.", None) for value in got_rows["stub"].values()
    )  # nbgrader's comment for an unchanged solution cell
    totals = {s: cells["TOTAL"] for s, cells in got.items()}
    assert totals["correct"] == 15 and totals["stub"] == 0 and totals["tampered"] == 0
    assert 0 < totals["partial"] < 15
    assert totals["raising"] == 13 and totals["looping"] == 14
    # the autograded notebooks carry outputs, and the tampered test cell was restored
    tampered = nbformat.read(b / "autograded" / "tampered" / ASSIGNMENT / NOTEBOOK, 4)
    assert not any(c.source == "assert True" for c in tampered.cells)
    correct = nbformat.read(b / "autograded" / "correct" / ASSIGNMENT / NOTEBOOK, 4)
    assert any(c.get("outputs") for c in correct.cells if c.cell_type == "code")
    assert not (b / ".mlmath-lab-autograde-staging").exists()

    # Feedback, as students get it: scores and check messages, never the hidden tests' code.
    done = _nbgrader(b, "generate_feedback", ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]
    hidden = _hidden_test_lines()
    for student in ("correct", "raising", "partial"):
        html = (b / "feedback" / student / ASSIGNMENT / "linear_algebra.html").read_text()
        assert "Score:" in html or "score" in html
        leaked = [line for line in hidden if line in html]
        assert not leaked, (student, leaked[:3])
    raising = (b / "feedback" / "raising" / ASSIGNMENT / "linear_algebra.html").read_text()
    assert "student bug" in raising  # the student's own error and the check's message stay


@pytest.mark.slow
def test_rerun_skips_force_regrades_and_bad_json_is_named(course: Path) -> None:
    notebooks: dict[str, NotebookNode | str] = {
        "correct": batch(course)["correct"],
        "stub": _release(course),
        "broken": '{"cells": [',
    }
    submit(course, notebooks)

    summary, progress = grade(course)
    assert sorted(summary.graded) == ["correct", "stub"]
    reason = summary.failed["broken"]
    assert f"submitted/broken/{ASSIGNMENT}/{NOTEBOOK}" in reason and "invalid JSON" in reason
    assert "FAILED broken" in "\n".join(summary.lines())
    assert "FAILED broken" in progress
    assert not (course / "autograded" / "broken").exists()
    assert "broken" not in gradebook_scores(course)
    assert summary.scores == {"correct": 15.0, "stub": 0.0}

    graded_file = course / "autograded" / "correct" / ASSIGNMENT / NOTEBOOK
    mtime = graded_file.stat().st_mtime_ns
    again, _ = grade(course)
    assert again.graded == [] and sorted(again.skipped) == ["correct", "stub"]
    assert graded_file.stat().st_mtime_ns == mtime

    forced, _ = grade(course, force=True, students=["correct"])
    assert forced.graded == ["correct"]
    assert graded_file.stat().st_mtime_ns != mtime
    assert gradebook_scores(course)["correct"]["TOTAL"] == 15


@pytest.mark.slow
def test_failed_student_leaves_no_rows_or_folder(course: Path) -> None:
    """An executor problem fails that student only; the gradebook gets no partial rows."""
    submit(course, {"ok": _release(course), "crash": _release(course)})

    class Crashing(NbclientExecutor):
        def run(self, nb: NotebookNode, workdir: Path, verdicts: object = None) -> _Result:
            if (workdir / "marker-crash").exists():  # the submission's own file, copied in
                return _Result(nb, "the kernel died (memory limit)", 0.0)
            return super().run(nb, workdir)

    (course / "submitted" / "crash" / ASSIGNMENT / "marker-crash").write_text("x")

    config = _config(course)
    summary = Autograder(config=config).autograde(
        course, ASSIGNMENT, config, executor_factory=Crashing, progress_stream=io.StringIO()
    )
    assert summary.graded == ["ok"]
    assert summary.failed == {"crash": "linear_algebra.ipynb: the kernel died (memory limit)"}
    assert not (course / "autograded" / "crash").exists()
    assert "crash" not in gradebook_scores(course)


@pytest.mark.slow
def test_a_submission_changed_during_the_run_is_graded_as_it_is_at_the_end(
    course: Path,
) -> None:
    """Pass 2 reuses pass 1's work only for the same bytes: a submission replaced while it
    ran is sanitized and run again, and its score is that of the file nbgrader reads."""
    submitted = course / "submitted" / "late-fix" / ASSIGNMENT / NOTEBOOK
    submit(course, {"late-fix": _release(course)})  # the stub: 0 points as executed first
    runs: list[str] = []

    class Replacing(NbclientExecutor):
        def run(self, nb: NotebookNode, workdir: Path, verdicts: object = None) -> _Result:
            runs.append(notebook_digest(nb))
            if len(runs) == 1:  # while pass 1's notebook runs, the student's file changes
                nbformat.write(batch(course)["correct"], submitted)
            return super().run(nb, workdir)

    config = _config(course)
    summary = Autograder(config=config).autograde(
        course, ASSIGNMENT, config, executor_factory=Replacing, progress_stream=io.StringIO()
    )
    assert summary.graded == ["late-fix"]
    assert len(runs) == 2 and runs[0] != runs[1]  # sanitized again, then run again
    assert gradebook_scores(course)["late-fix"]["TOTAL"] == 15


@pytest.mark.slow
@pytest.mark.skipif(not _real_executor_available(), reason="PrewarmedExecutor not there yet")
def test_cli_summary(course: Path) -> None:
    submit(course, {"correct": batch(course)["correct"], "broken": "nope"})
    done = mlmath_lab("autograde", ASSIGNMENT, f"--course-dir={course}")
    assert done.returncode == 1
    assert "1 graded" in done.stdout and "1 failed" in done.stdout
    assert f"FAILED broken: submitted/broken/{ASSIGNMENT}/{NOTEBOOK}" in done.stdout
    assert "median 15" in done.stdout


@pytest.mark.slow
def test_interrupted_run_leaves_no_partial_student_and_rerun_finishes(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlmath_lab.nbgrader import converter as grader  # where nbgrader's Autograde copies outputs

    correct = batch(course)["correct"]
    submit(course, {"a": correct, "b": correct, "c": _release(course)})
    calls = []
    real_copy = grader.copy_outputs

    def interrupt_second(target: NotebookNode, executed: NotebookNode) -> None:
        calls.append(1)
        if len(calls) == 2:  # inside nbgrader's Autograde for the second student
            raise KeyboardInterrupt
        real_copy(target, executed)

    monkeypatch.setattr(grader, "copy_outputs", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        grade(course)
    scores = gradebook_scores(course)
    assert len(scores) == 1  # one student complete, none half-written
    (first,) = scores
    assert sorted(p.name for p in (course / "autograded").iterdir()) == [first]
    assert not (course / ".mlmath-lab-autograde-staging").exists()

    monkeypatch.setattr(grader, "copy_outputs", real_copy)
    summary, _ = grade(course)
    assert summary.skipped == [first] and len(summary.graded) == 2
    assert {s: c["TOTAL"] for s, c in gradebook_scores(course).items()} == {
        "a": 15,
        "b": 15,
        "c": 0,
    }


# ---------------------------------------------------------------- hostile and broken submissions


def _code_cell_index(nb: NotebookNode, grade_id: str) -> int:
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def hostile_batch(course: Path) -> dict[str, NotebookNode | str]:
    """A class where most submissions attack the grader; one is correct."""
    correct = batch(course)["correct"]
    secret = f"{course}/source/{ASSIGNMENT}/{NOTEBOOK}"

    def solved_but(grade_id: str, source: str) -> NotebookNode:
        return _with(correct, {grade_id: source})

    deleted = copy.deepcopy(correct)
    del deleted.cells[_code_cell_index(deleted, "softmax")]
    duplicated = copy.deepcopy(correct)
    duplicated.cells.insert(
        _code_cell_index(duplicated, "dot_loop"),
        copy.deepcopy(duplicated.cells[_code_cell_index(duplicated, "dot_loop")]),
    )
    reordered = copy.deepcopy(correct)
    test = reordered.cells.pop(_code_cell_index(reordered, "softmax"))
    reordered.cells.insert(_code_cell_index(reordered, "softmax_solution"), test)
    patch = (
        "import numpy as np\nimport mlmath_lab.checks as mc\n"
        "mc.check = lambda *a, **k: None\nmc.assert_matches = lambda *a, **k: None\n"
        "np.allclose = lambda *a, **k: True\n"
        "def softmax(z, axis=-1):\n    return np.zeros_like(z)"
    )
    return {
        "correct": correct,
        "memory": solved_but(
            "dot_loop_solution",
            "hog = []\nwhile True:\n    hog.append(bytearray(100 * 2**20))",
        ),
        "forkbomb": solved_but("dot_loop_solution", "import os\nwhile True:\n    os.fork()"),
        "sysexit": solved_but("dot_loop_solution", "import sys\nsys.exit(3)"),
        "osexit": solved_but("dot_loop_solution", "import os\nos._exit(0)"),
        "patcher": solved_but("softmax_solution", patch),
        "reader": solved_but(
            "dot_loop_solution",
            f"print(open({secret!r}).read())\n" + _solutions()["dot_loop_solution"],
        ),
        "flood": solved_but(
            "dot_loop_solution",
            "print('x' * 50_000_000)\nopen('big.bin', 'wb').write(b'0' * 300 * 2**20)",
        ),
        "deleted": deleted,
        "duplicated": duplicated,
        "reordered": reordered,
        "notjson": '{"cells": [{"cell_type": "code", ',
    }


@pytest.mark.slow
@pytest.mark.skipif(not _real_executor_available(), reason="PrewarmedExecutor not there yet")
def test_a_hostile_class_is_graded_and_each_attack_is_named(released: Path, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(released, ours)
    shutil.copytree(released, theirs)
    notebooks = hostile_batch(ours)
    submit(ours, notebooks)
    with (ours / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Autograder.memory_mb = 1024\nc.Autograder.max_file_mb = 50\n")

    done = mlmath_lab("autograde", ASSIGNMENT, f"--course-dir={ours}", timeout=900)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr[-3000:]  # 1: some submissions failed
    scores = gradebook_scores(ours)
    totals = {s: c["TOTAL"] for s, c in scores.items()}

    # The correct student is untouched by the others: full marks, every cell.
    assert totals["correct"] == 15
    assert all(v is not None and v > 0 for k, v in scores["correct"].items() if k != "TOTAL")
    # Attacks confined to one cell cost that exercise only (dot_loop is worth 1 point).
    for student in ("memory", "forkbomb", "sysexit", "flood"):
        assert totals[student] == 14, (student, scores[student])
        assert scores[student]["linear_algebra/dot_loop"] == 0
    # The monkeypatching student is not fooled into points: softmax (2 points) scores 0.
    assert scores["patcher"]["linear_algebra/softmax"] == 0 and totals["patcher"] == 13
    # Its patches could not reach the verdict (decided in the grader): nothing to restore,
    # and the summary claims nothing about its process.
    assert "NOTE patcher" not in out
    patched = nbformat.read(ours / "autograded" / "patcher" / ASSIGNMENT / NOTEBOOK, 4)
    softmax_test = patched.cells[_code_cell_index(patched, "softmax")]
    assert [o.ename for o in softmax_test.outputs if o.output_type == "error"] == ["CheckFailed"]
    # The hidden tests are not on disk for the student to read.
    graded = nbformat.read(ours / "autograded" / "reader" / ASSIGNMENT / NOTEBOOK, as_version=4)
    dot_solution = graded.cells[_code_cell_index(graded, "dot_loop_solution")]
    errors = [o for o in dot_solution.outputs if o.output_type == "error"]
    assert errors and errors[0].ename in ("PermissionError", "FileNotFoundError")
    printed = "".join(o.get("text", "") for o in dot_solution.outputs)
    assert "HIDDEN TESTS" not in printed and "nbgrader" not in printed
    # Huge output was cut, and the big file was refused.
    flood = nbformat.read(ours / "autograded" / "flood" / ASSIGNMENT / NOTEBOOK, as_version=4)
    flood_cell = flood.cells[_code_cell_index(flood, "dot_loop_solution")]
    text = "".join(o.get("text", "") for o in flood_cell.outputs)
    assert len(text) < 2_000_000
    assert (ours / "autograded" / "flood" / ASSIGNMENT / NOTEBOOK).stat().st_size < 5_000_000
    # Failures say why, in words; nothing half-written is left for them.
    assert "FAILED osexit: linear_algebra.ipynb:" in out
    assert "FAILED notjson:" in out and "invalid JSON" in out
    for student in ("osexit", "notjson"):
        assert student not in scores
        assert not (ours / "autograded" / student).exists()
    # A copied graded cell: nbgrader cannot grade the notebook; the reason says what to do.
    assert (
        "FAILED duplicated: submitted/duplicated/01-linear-algebra/linear_algebra.ipynb: the "
        "graded cell 'dot_loop' appears more than once (copied cells)" in out
    )
    assert "9 graded" in out and "3 failed" in out

    # Deleted, duplicated and reordered graded cells come out as nbgrader's own autograde.
    submit(theirs, {"duplicated": notebooks["duplicated"]})  # type: ignore[dict-item]
    done = _nbgrader(theirs, "autograde", ASSIGNMENT)
    assert "nbgrader update" in done.stderr  # nbgrader cannot grade it either
    assert not (theirs / "autograded" / "duplicated" / ASSIGNMENT / NOTEBOOK).exists()
    shutil.rmtree(theirs / "submitted" / "duplicated")
    structural = {s: notebooks[s] for s in ("correct", "deleted", "reordered")}
    submit(theirs, structural)  # type: ignore[arg-type]
    done = _nbgrader(theirs, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = gradebook_scores(theirs)
    for student in ("correct", "deleted", "reordered"):
        assert scores[student] == expected[student], student
    assert totals["reordered"] == 13  # the softmax test ran before softmax was defined
    assert totals["deleted"] == 13  # the deleted softmax test scores nothing


@pytest.mark.slow
@pytest.mark.skipif(not _real_executor_available(), reason="PrewarmedExecutor not there yet")
def test_a_killed_run_leaves_no_partial_rows_and_a_rerun_finishes(course: Path) -> None:
    import os
    import signal

    correct = batch(course)["correct"]
    stub = _release(course)
    students = {f"s{i:02d}": correct if i % 2 else stub for i in range(8)}
    submit(course, students)  # type: ignore[arg-type]
    zygote_folders = set(Path(tempfile.gettempdir()).glob("mlmath-lab-zygote-*"))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlmath_lab.app",
            "autograde",
            ASSIGNMENT,
            f"--course-dir={course}",
            "--Autograder.workers=1",
        ],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 300
    for line in proc.stdout:  # kill -9 the whole run once some students are graded
        if line.startswith("[3/8]") or time.monotonic() > deadline:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # The zygote (its own session) sees the grader gone, stops, and removes its folder.
    deadline = time.monotonic() + 20
    while set(Path(tempfile.gettempdir()).glob("mlmath-lab-zygote-*")) - zygote_folders:
        assert time.monotonic() < deadline, "the killed run's zygote folder was left behind"
        time.sleep(0.2)

    from nbgrader.api import Gradebook

    def complete(student: str) -> bool:
        return (course / "autograded" / student / ASSIGNMENT / NOTEBOOK).is_file()

    done = mlmath_lab("autograde", ASSIGNMENT, f"--course-dir={course}")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "skipped" in done.stdout
    totals = {s: c["TOTAL"] for s, c in gradebook_scores(course).items()}
    assert totals == {s: (15 if int(s[1:]) % 2 else 0) for s in students}
    assert all(complete(s) for s in students)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                assert all(g.auto_score is not None for g in notebook.grades), submission


def test_a_cell_the_grader_cannot_plan_is_graded_in_the_child_with_the_checks(
    released: Path, tmp_path: Path
) -> None:
    # A graded test cell that does more than call checks: the grader cannot decide it, so it
    # runs in the student's process as nbgrader runs it, and that process needs the checkers
    # (which it is given only in this case).
    course = tmp_path / "course"
    shutil.copytree(released, course)
    source = course / "source" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(source, as_version=4)
    test = nb.cells[_code_cell_index(nb, "softmax")]
    test.source = "assert softmax(np.zeros(3)).shape == (3,)\n" + test.source
    nbformat.write(nb, source)
    assert _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force").returncode == 0
    correct = batch(course)["correct"]
    wrong = _with(correct, {"softmax_solution": "def softmax(z, axis=-1):\n    return z\n"})
    submit(course, {"correct": correct, "wrong": wrong})
    summary, _ = grade(course)
    assert "NOTE cell softmax: its verdict is decided in the student's process" in "\n".join(
        summary.lines()
    )
    scores = gradebook_scores(course)
    assert scores["correct"]["TOTAL"] == 15
    assert scores["wrong"]["linear_algebra/softmax"] == 0
    assert scores["wrong"]["TOTAL"] == 13
