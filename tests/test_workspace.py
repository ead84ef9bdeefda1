"""``mlmath-lab lab``: the student workspace is made from the release, and re-running it never
overwrites a notebook the student edited, while new assignments and untouched files update."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlmath_lab.workspace import StudentWorkspace

NOTEBOOK = "01-linear-algebra/linear_algebra.ipynb"


def prepare(course: Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlmath_lab.app",
            "lab",
            "--prepare-only",
            f"--course-dir={course}",
            f"--workspace={workspace}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_lab_makes_the_release_version_and_keeps_edits(course_copy: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    first = prepare(course_copy, workspace)
    assert f"added {NOTEBOOK}" in first.stderr
    student_nb = workspace / NOTEBOOK
    text = student_nb.read_text()
    assert "raise NotImplementedError()" in text
    assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text

    # The student solves something; the instructor adds an assignment.
    edited = json.loads(text)
    edited["cells"][0]["source"] = "my notes — keep me"
    student_nb.write_text(json.dumps(edited))
    second_source = course_copy / "source" / "02-extra"
    shutil.copytree(course_copy / "source" / "01-linear-algebra", second_source)
    (second_source / "linear_algebra.ipynb").rename(second_source / "extra.ipynb")
    manifest = course_copy / "course.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "        readings:",
            "          - id: 02-extra\n            title: Extra\n            notebooks: [extra.ipynb]\n"
            "            exercises: []\n        readings:",
            1,
        )
    )

    second = prepare(course_copy, workspace)
    assert json.loads(student_nb.read_text())["cells"][0]["source"] == "my notes — keep me"
    assert (workspace / "02-extra" / "extra.ipynb").is_file()
    assert "added 02-extra/extra.ipynb" in second.stderr
    assert f"added {NOTEBOOK}" not in second.stderr


def test_an_untouched_file_follows_a_new_release_but_an_edited_one_does_not(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    (release / "a.ipynb").write_text("v1")
    (release / "b.ipynb").write_text("v1")
    workspace = StudentWorkspace(directory=str(tmp_path / "ws"))
    assert sorted(workspace.sync("x", release).added) == ["x/a.ipynb", "x/b.ipynb"]

    (tmp_path / "ws" / "x" / "b.ipynb").write_text("student work")
    (release / "a.ipynb").write_text("v2")
    (release / "b.ipynb").write_text("v2")
    report = workspace.sync("x", release)
    assert report.updated == ["x/a.ipynb"] and report.kept == ["x/b.ipynb"]
    assert (tmp_path / "ws" / "x" / "a.ipynb").read_text() == "v2"
    assert (tmp_path / "ws" / "x" / "b.ipynb").read_text() == "student work"


def test_a_lost_workspace_record_keeps_every_existing_file(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    (release / "a.ipynb").write_text("v1")
    workspace = StudentWorkspace(directory=str(tmp_path / "ws"))
    workspace.sync("x", release)
    workspace.state_path.write_text("{ not json")
    (release / "a.ipynb").write_text("v2")
    report = workspace.sync("x", release)
    assert report.kept == ["x/a.ipynb"]
    assert (tmp_path / "ws" / "x" / "a.ipynb").read_text() == "v1"


@pytest.mark.parametrize("bad", ["nowhere"])
def test_lab_outside_a_course_fails_clearly(tmp_path: Path, bad: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlmath_lab.app",
            "lab",
            "--prepare-only",
            f"--course-dir={tmp_path / bad}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and "not a course root" in result.stderr
