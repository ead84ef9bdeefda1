"""``mlmath-lab lab``: the student workspace is made from the release, and re-running it never
overwrites a notebook the student edited, while new assignments and untouched files update."""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlmath_lab.course.kernelinfo import LANGUAGE_INFO
from mlmath_lab.course.manifest import load_manifest
from mlmath_lab.workspace import StudentWorkspace

from .conftest import cli_env, mlmath_lab
from .support.processes import free_port

NOTEBOOK = "01-linear-algebra/linear_algebra.ipynb"


def prepare(course: Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    result = mlmath_lab(
        "lab", "--prepare-only", f"--course-dir={course}", f"--workspace={workspace}", timeout=300
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
    # The test cells whose hidden cases the release removed say so (the inline check then
    # says that more cases run at grading); no other cell does.
    source_nb = json.loads((course_copy / "source" / NOTEBOOK).read_text())
    had_hidden = {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in source_nb["cells"]
        if "### BEGIN HIDDEN TESTS" in "".join(c["source"])
    }
    marked = {
        c["metadata"].get("nbgrader", {}).get("grade_id")
        for c in json.loads(text)["cells"]
        if c["metadata"].get("mlmath_lab", {}).get("hidden_cases") is True
    }
    assert had_hidden and marked == had_hidden
    # as the kernel will report it, so that opening the notebook does not modify it
    assert json.loads(text)["metadata"]["language_info"] == LANGUAGE_INFO
    assert LANGUAGE_INFO["version"] == platform.python_version()

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


def test_lab_puts_the_course_manifest_where_the_server_reads_it(
    course_copy: Path, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    copy = workspace / ".mlmath-lab" / "course.yaml"
    first = prepare(course_copy, workspace)
    assert copy.read_bytes() == (course_copy / "course.yaml").read_bytes()
    assert f"roadmap manifest: {copy}" in first.stderr

    # The copy is the instructor's: a new course manifest replaces it, edited or not, and it
    # is never recorded as a file the student might have edited.
    copy.write_text("edited in the workspace")
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("title: Mathematics", "title: Maths", 1))
    prepare(course_copy, workspace)
    assert copy.read_bytes() == manifest.read_bytes()
    assert load_manifest(copy).title.startswith("Maths")
    placed = json.loads((workspace / ".mlmath-lab" / "workspace.json").read_text())["placed"]
    assert NOTEBOOK in placed and len(placed) == len(list(course_copy.glob("source/*/*.ipynb")))
    assert sorted(p.name for p in copy.parent.iterdir()) == ["course.yaml", "workspace.json"]


def test_lab_outside_a_course_fails_clearly(tmp_path: Path) -> None:
    result = mlmath_lab("lab", "--prepare-only", f"--course-dir={tmp_path / 'nowhere'}")
    assert result.returncode == 1 and "not a course root" in result.stderr


@pytest.mark.slow
def test_lab_opens_jupyterlab_on_the_workspace_with_the_extension(
    course_copy: Path, tmp_path: Path
) -> None:
    import time
    import urllib.request

    port, token = free_port(), "mlmath-test-token"
    workspace = tmp_path / "ws"
    env = cli_env()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlmath_lab.app",
            "lab",
            f"--course-dir={course_copy}",
            f"--workspace={workspace}",
            "--",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            # an option `lab` sets itself as root: given twice, JupyterLab would stop
            "--ServerApp.allow_root=True",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def get(path: str) -> bytes:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "JupyterLab did not start within 120 s"
                time.sleep(0.5)
        listing = json.loads(get("/api/contents/01-linear-algebra"))
        assert [item["name"] for item in listing["content"]] == ["linear_algebra.ipynb"]
        assert json.loads(get("/mlmath-lab/info"))["name"] == "mlmath_lab"
        # The server finds the manifest that `lab` copied into the workspace.
        roadmap = json.loads(get("/mlmath-lab/roadmap"))
        assert roadmap["phases"][0]["modules"][0]["assignments"][0]["status"] == "workspace"
        page = get("/lab").decode()
        assert '"name": "mlmath-lab"' in page or '"name":"mlmath-lab"' in page
        data = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.DOTALL)
        assert data is not None, page[:2000]
        config = json.loads(data.group(1))
        # a new workspace opens the course's first notebook (the server's start page, where
        # the browser goes), with no news prompt
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/", headers={"Authorization": f"token {token}"})
        start = connection.getresponse()
        assert start.status in (301, 302), start.status
        location = (start.getheader("Location") or "").rstrip("?")
        assert location == "/lab/tree/01-linear-algebra/linear_algebra.ipynb"
        connection.close()
        assert config["news"] == {"disabled": True}
        # nbgrader's instructor tools are off for the student; its Validate stays
        disabled = set(config["disabledExtensions"])
        assert "@jupyter/nbgrader:formgrader" in disabled
        assert "@jupyter/nbgrader:assignment-list" in disabled
        assert "@jupyter/nbgrader:validate-assignment" not in disabled
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    log = server.stderr.read() if server.stderr else ""
    # nbgrader's course and exchange errors are not logged at every start any more
    assert "The course directory root is not a subdirectory" not in log, log[-3000:]
    assert "No nbgrader_config.py found" not in log, log[-3000:]
    assert "formgrader" not in log.lower(), log[-3000:]


def test_the_release_marks_only_the_test_cells_that_had_hidden_cases() -> None:
    from nbformat.v4 import new_code_cell, new_notebook

    from mlmath_lab.nbgrader.release import MarkedClearHiddenTests, has_hidden_cases

    def test_cell(grade_id: str, source: str) -> Any:
        cell = new_code_cell(source)
        cell.metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "locked": True,
            "points": 1,
            "grade_id": grade_id,
            "schema_version": 3,
        }
        return cell

    hidden = (
        'check("x/a", a)\n### BEGIN HIDDEN TESTS\ncheck("x/a", a, cases=[])\n### END HIDDEN TESTS'
    )
    nb = new_notebook(cells=[test_cell("a", hidden), test_cell("b", 'check("x/b", b)')])
    released, _ = MarkedClearHiddenTests().preprocess(nb, {})
    assert [has_hidden_cases(cell) for cell in released.cells] == [True, False]
    assert "HIDDEN" not in released.cells[0].source
    assert released.cells[0].source.strip() == 'check("x/a", a)'
