"""A self-learner without the repository: ``pip install`` the wheel, then ``mlmath-lab lab``.

- The leak scan (``mlmath_lab.course.leaks``) can fail: a hidden line, a marker, a source
  notebook or a solution planted in a fake wheel is found, wherever and however it is written.
- The packaged student course (``mlmath-lab bundle``) is read back with every file's sha256
  checked; ``lab`` from it makes the workspace that ``lab`` makes from the course root; without
  a course root or a packaged course, ``lab`` says so.
- A wheel built without the packaged course stops, naming the command that makes it.
- End to end (slow): the wheel built from a copy of the repository, with no Node.js on PATH,
  holds no hidden case; installed into a fresh virtual environment, ``mlmath-lab lab`` run from
  an empty folder prepares the workspace and opens JupyterLab with the extension and the roadmap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mlmath_lab.course.bundle import (
    BundleError,
    PackagedCourse,
    build_bundle,
    load_packaged_course,
)
from mlmath_lab.course.leaks import CourseSecrets, course_secrets, scan_files, scan_wheel
from mlmath_lab.course.manifest import load_manifest
from mlmath_lab.course.notebooks import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION

from .conftest import COURSE, REPO, cli_env
from .support.binder_env import copy_repository, repository_files
from .support.processes import free_port, stop_group

SOURCE = COURSE / "source"
LABEXTENSION = REPO / "mlmath_lab" / "labextension"
TOOLS = ("node", "npm", "jlpm", "yarn")  # what a self-learner's machine may lack
SERVER_START_TIMEOUT = 120
BUNDLE = (sys.executable, "-m", "mlmath_lab.app", "bundle")
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check")
# where a Python finds mlmath_lab, its packaged course, and its sys.path
WHERE_FROM = (
    "import json, sys, mlmath_lab, mlmath_lab.course.bundle as b; print(json.dumps("
    "{'package': mlmath_lab.__file__, 'packaged': str(b.PACKAGED), 'path': sys.path}))"
)
# `mlmath-lab lab` with the packaged course at argv[1] (the package's own folder is the
# working tree's here, which the tests leave alone)
LAB_WITH_PACKAGED = (
    "import sys; from pathlib import Path; import mlmath_lab.course.bundle as bundle; "
    "bundle.PACKAGED = Path(sys.argv[1]); from mlmath_lab.app import main; main(sys.argv[2:])"
)


@pytest.fixture(scope="module")
def secrets() -> CourseSecrets:
    return course_secrets(sorted(SOURCE.rglob("*.ipynb")))


def solution_region(notebook: Path) -> list[str]:
    """The lines of the first solution region of ``notebook`` with more than three lines."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        lines = cell.source.splitlines()
        starts = [i for i, line in enumerate(lines) if BEGIN_SOLUTION in line]
        ends = [i for i, line in enumerate(lines) if END_SOLUTION in line]
        if starts and ends and ends[0] - starts[0] > 4:
            return lines[starts[0] + 1 : ends[0]]
    raise AssertionError(f"{notebook}: no solution region of more than three lines")


def fake_wheel(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def notebook_json(*sources: str) -> str:
    return nbformat.writes(new_notebook(cells=[new_code_cell(s) for s in sources]))


# ---------------------------------------------------------------- the scan


def test_the_secrets_are_the_lines_no_student_sees(tmp_path: Path) -> None:
    hidden = (
        'check("x/f", f)\n'
        f"{BEGIN_HIDDEN}\n"
        "from mlmath_lab.checks import Case\n"
        "_rng = np.random.default_rng(4242)\n"
        "    _seen_above = np.arange(12).reshape(3, 4)\n"
        "_z = 1\n"
        "    some_function_name,\n"
        f"{END_HIDDEN}"
    )
    solution = f'def f(x):\n    """Doc."""\n    {BEGIN_SOLUTION}\n    return np.flip(x, axis=0) * 2 + 1\n    {END_SOLUTION}'
    visible = "_seen_above = np.arange(12).reshape(3, 4)  # also shown in a demo"
    cell = new_code_cell(solution)
    cell.metadata["nbgrader"] = {"solution": True, "grade_id": "f"}
    whole = new_code_cell("def g(x):\n    return x.T @ x + np.eye(len(x)) * 1e-3 + np.ones_like(x)")
    whole.metadata["nbgrader"] = {"solution": True, "grade_id": "g"}  # a solution with no marker
    nb = new_notebook(cells=[new_markdown_cell("intro"), cell, new_code_cell(hidden), whole])
    nb.cells.append(new_code_cell(visible))
    nbformat.write(nb, tmp_path / "a.ipynb")
    found = course_secrets([tmp_path / "a.ipynb"])
    # not the import, the short line, the mere name, nor what a demo shows anyway
    assert list(found.hidden_lines.values()) == ["_rng = np.random.default_rng(4242)"]
    assert sorted(found.solution_lines.values()) == [
        "return np.flip(x, axis=0) * 2 + 1",
        "return x.T @ x + np.eye(len(x)) * 1e-3 + np.ones_like(x)",
    ]
    assert "def g(x):" in found.solution_blocks.values()


def test_the_course_has_secrets_to_look_for(secrets: CourseSecrets) -> None:
    # enough that a scan finding nothing means something
    assert len(secrets.hidden_lines) > 200
    assert len(secrets.solution_lines) > 100 and len(secrets.solution_blocks) > 30


def test_a_clean_fake_wheel_passes_with_the_readme_as_its_description(
    tmp_path: Path, secrets: CourseSecrets
) -> None:
    wheel = fake_wheel(
        tmp_path / "clean.whl",
        {
            "mlmath_lab/__init__.py": '"""The package."""\n',
            # the library names the markers as constants: not markers
            "mlmath_lab/course/notebooks.py": f'BEGIN_HIDDEN = "{BEGIN_HIDDEN}"\n',
            "mlmath_lab/student_course/01-x/x.ipynb": notebook_json(
                "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
            ),
            # the README documents the markers (its example is made up): it is the description
            "mlmath_lab-0.1.0.dist-info/METADATA": (REPO / "README.md").read_text(),
        },
    )
    assert scan_wheel(wheel, secrets) == []


@pytest.mark.parametrize("where", ["mlmath_lab/exercises/x/_common.py", "x/data.json", "x.ipynb"])
def test_a_planted_hidden_line_is_found_wherever_it_is(
    tmp_path: Path, secrets: CourseSecrets, where: str
) -> None:
    line = next(v for v in secrets.hidden_lines.values() if '"' in v)  # escaped in JSON
    planted = {
        ".py": f"CASES = [\n    {line}\n]\n",
        ".json": json.dumps({"cases": [line]}),
        ".ipynb": notebook_json(f"x = 1\n{line}"),
    }[Path(where).suffix]
    wheel = fake_wheel(tmp_path / "leaky.whl", {"mlmath_lab/ok.py": "x = 1\n", where: planted})
    leaks = scan_wheel(wheel, secrets)
    assert {leak.file for leak in leaks} == {where}
    assert f"a line of a hidden test {line!r}" in [leak.reason for leak in leaks]


def test_a_reformatted_hidden_line_is_found(secrets: CourseSecrets) -> None:
    line = next(v for v in secrets.hidden_lines.values() if ", " in v)
    spaced = line.replace(", ", " ,  ")
    assert {leak.file for leak in scan_files([("a.py", spaced.encode())], secrets)} == {"a.py"}


def test_markers_and_source_notebooks_are_found(secrets: CourseSecrets) -> None:
    files = {
        "m/a.py": f"x = 1\n    {END_HIDDEN}\n",  # a comment line, as a copied cell has it
        "m/b.ipynb": notebook_json(f"x = 1  # {BEGIN_HIDDEN}"),  # nbgrader's reading: any line
        "m/c.txt": f"{BEGIN_SOLUTION}\n",
        "m/course/source/01-x/x.ipynb": notebook_json("x = 1"),
    }
    leaks = scan_files([(k, v.encode()) for k, v in files.items()], secrets)
    assert sorted({leak.file for leak in leaks}) == sorted(files)
    assert any("source/ folder" in leak.reason for leak in leaks)


def test_a_solution_is_found_whole_anywhere_and_by_the_line_in_a_notebook(
    secrets: CourseSecrets,
) -> None:
    region = solution_region(SOURCE / "01-linear-algebra" / "linear_algebra.ipynb")
    body = "\n".join(region)
    line = next(v for v in secrets.solution_lines.values() if any(v == r.strip() for r in region))
    files = {
        "m/whole.py": f"def reference(a, b):\n{body}\n",
        "m/one_line.ipynb": notebook_json(f"def f(a, b):\n    {line}"),
        # one line of a solution in the library is no leak: known mistakes share them
        "m/mistake.py": f"def mistake(a, b):\n    {line}\n",
    }
    leaks = scan_files([(k, v.encode()) for k, v in files.items()], secrets)
    assert sorted({leak.file for leak in leaks}) == ["m/one_line.ipynb", "m/whole.py"]
    assert any("a whole solution region" in leak.reason for leak in leaks)


# ---------------------------------------------------------------- the packaged course


def write_bundle(folder: Path, notebook: str = "x.ipynb") -> PackagedCourse:
    """A packaged course made by hand (no nbgrader): one assignment, one notebook."""
    (folder / "01-x").mkdir(parents=True)
    (folder / "01-x" / notebook).write_text(notebook_json("x = 1"))
    shutil.copy(COURSE / "course.yaml", folder / "course.yaml")

    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    index = {
        "format": 1,
        "assignments": [{"id": "01-x", "files": {notebook: sha(folder / "01-x" / notebook)}}],
        "manifest_sha256": sha(folder / "course.yaml"),
    }
    (folder / "index.json").write_text(json.dumps(index))
    return load_packaged_course(folder)


def test_a_damaged_packaged_course_is_refused_naming_the_file(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "bundle")
    assert bundle.assignment_ids() == ["01-x"]
    copied = bundle.release("01-x", tmp_path / "scratch")
    assert [p.name for p in copied.iterdir()] == ["x.ipynb"]
    (tmp_path / "bundle" / "01-x" / "x.ipynb").write_text("{}")
    with pytest.raises(BundleError, match=r"01-x/x\.ipynb is not the file the index lists"):
        load_packaged_course(tmp_path / "bundle")
    index = json.loads((tmp_path / "bundle" / "index.json").read_text())
    index["assignments"][0]["files"] = {"../../etc/passwd": "0"}
    (tmp_path / "bundle" / "index.json").write_text(json.dumps(index))
    with pytest.raises(BundleError, match="outside the assignment's folder"):
        load_packaged_course(tmp_path / "bundle")


class _LeakyReleases:
    """Releases whose notebook kept a hidden line: what a broken release step would make."""

    origin = "a test"
    manifest_path = COURSE / "course.yaml"

    def __init__(self, line: str) -> None:
        self.line = line

    def assignment_ids(self) -> list[str]:
        return ["01-x"]

    def release(self, assignment: str, scratch: Path) -> Path:
        scratch.mkdir(parents=True)
        (scratch / "x.ipynb").write_text(notebook_json(self.line))
        return scratch


def test_a_bundle_that_would_leak_is_never_written(tmp_path: Path, secrets: CourseSecrets) -> None:
    previous = write_bundle(tmp_path / "student_course")
    line = next(iter(secrets.hidden_lines.values()))
    with pytest.raises(BundleError, match="would leak"):
        build_bundle(_LeakyReleases(line), secrets, tmp_path / "student_course")
    # the last bundle is still there, whole, and nothing half made beside it
    assert load_packaged_course(tmp_path / "student_course") == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["student_course"]


def lab_with_packaged(
    packaged: Path, cwd: Path, *args: str, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAB_WITH_PACKAGED, str(packaged), "lab", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        check=False,
    )


def test_lab_without_a_course_root_or_a_packaged_course_says_so(tmp_path: Path) -> None:
    result = lab_with_packaged(tmp_path / "none", tmp_path, "--prepare-only")
    assert result.returncode == 1
    assert "no course here" in result.stderr and "carries no student course" in result.stderr
    assert "mlmath-lab bundle" in result.stderr


@pytest.mark.slow
def test_lab_from_the_packaged_course_makes_the_course_roots_workspace(
    course_copy: Path, tmp_path: Path, secrets: CourseSecrets
) -> None:
    packaged = tmp_path / "student_course"
    made = subprocess.run(
        [*BUNDLE, f"--course-dir={course_copy}", f"--output={packaged}"],
        capture_output=True,
        text=True,
        timeout=300,
        env=cli_env(),
        check=False,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    bundle = load_packaged_course(packaged)
    manifest = load_manifest(course_copy / "course.yaml")
    assert bundle.assignment_ids() == [a.id for a in manifest.assignments()]
    assert (packaged / "course.yaml").read_bytes() == (course_copy / "course.yaml").read_bytes()
    assert sorted(p.name for p in packaged.iterdir() if p.is_file()) == [
        "course.yaml",
        "index.json",
    ]

    empty = tmp_path / "empty"
    empty.mkdir()
    from_package = lab_with_packaged(packaged, empty, "--prepare-only", "--workspace=ws")
    assert from_package.returncode == 0, from_package.stderr[-3000:]
    assert "the student course packaged with mlmath_lab" in from_package.stderr
    # a course root where `lab` runs wins over the packaged course
    from_root = lab_with_packaged(
        packaged, course_copy, "--prepare-only", f"--workspace={tmp_path / 'ws2'}"
    )
    assert from_root.returncode == 0, from_root.stderr[-3000:]
    assert f"course: the course root {course_copy}" in from_root.stderr
    # the same notebooks, byte for byte (the kernel's language_info included): a self-learner
    # who later opens the course from a clone keeps the same untouched files
    ws, ws2 = empty / "ws", tmp_path / "ws2"
    placed = sorted(p.relative_to(ws) for p in ws.rglob("*.ipynb"))
    assert placed == sorted(p.relative_to(ws2) for p in ws2.rglob("*.ipynb"))
    assert len(placed) == len(list((course_copy / "source").glob("*/*.ipynb")))
    for path in placed:
        assert (ws / path).read_bytes() == (ws2 / path).read_bytes(), path
    assert (ws / ".mlmath-lab" / "course.yaml").read_bytes() == (
        packaged / "course.yaml"
    ).read_bytes()
    from mlmath_lab.course.leaks import scan_folder

    assert scan_folder(ws, secrets) == []

    # run again after an edit: kept, as from the course root
    edited = ws / placed[0]
    edited.write_text(edited.read_text().replace("raise NotImplementedError()", "return 0", 1))
    again = lab_with_packaged(packaged, empty, "--prepare-only", "--workspace=ws")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "return 0" in edited.read_text()


# ---------------------------------------------------------------- building the wheel


def without_node_path(*folders: Path) -> str:
    """A PATH of ``folders`` only; none may hold Node.js or its package managers."""
    path = os.pathsep.join(str(folder) for folder in folders)
    for tool in TOOLS:
        assert shutil.which(tool, path=path) is None, f"{tool} is on {path}"
    return path


def clean_environ(path: str, home: Path) -> dict[str, str]:
    """A login-like environment with ``path`` and ``home``: nothing of this test run's Python
    or Jupyter settings."""
    dropped = ("VIRTUAL_ENV", "PYTHON", "CONDA_", "JUPYTER_", "JPY_", "PIP_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(PATH=path, HOME=str(home))
    return env


def repository_copy(target: Path) -> Path:
    """The repository as a clone has it (committed and new files, not ignored ones), plus the
    extension as it is built here: what a wheel is built from."""
    assert (LABEXTENSION / "static" / "style.js").is_file(), (
        "the extension is not built (mlmath_lab/labextension): .ci/setup-env builds it"
    )
    copy_repository(repository_files(), target)
    shutil.copytree(LABEXTENSION, target / "mlmath_lab" / "labextension")
    return target


def build_wheel(repo: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``pip wheel`` as the README says, offline, with this environment's build backend and
    an empty PATH: no Node.js (the built extension is used as it is)."""
    empty_bin = out.parent / "empty-bin"
    empty_bin.mkdir(exist_ok=True)
    return subprocess.run(
        [*PIP, "wheel", ".", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_environ(without_node_path(empty_bin), Path.home()),
        check=False,
    )


def test_a_wheel_without_the_packaged_course_stops_naming_the_command(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path / "repo")
    built = build_wheel(repo, tmp_path / "dist")
    assert built.returncode != 0
    output = built.stdout + built.stderr
    assert "mlmath_lab/student_course/ is missing" in output, output[-3000:]
    assert "mlmath-lab bundle --course-dir=assignments" in output
    assert not list(tmp_path.glob("dist/*.whl"))


def http_get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def lab_server(
    command: list[str], env: dict[str, str], cwd: Path, log: Path
) -> Iterator[tuple[str, str]]:
    """JupyterLab started by ``command`` + its port and token options; yields (url, token)."""
    port, token = free_port(), f"wheel-test-{os.getpid()}"
    args = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            with contextlib.suppress(OSError):
                if http_get(f"{url}/api/status", token)[0] == 200:
                    break
            assert process.poll() is None, f"JupyterLab stopped:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no server in {SERVER_START_TIMEOUT} s"
            time.sleep(0.5)
        yield url, token
    finally:
        stop_group(process, grace=30)


def without_colours(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_wheel_opens_the_course_without_the_repository_or_nodejs(
    tmp_path: Path, secrets: CourseSecrets
) -> None:
    timings: dict[str, float] = {}
    started = time.monotonic()
    repo = repository_copy(tmp_path / "repo")
    # 1. in the copy, as the README says: package the course, then build the wheel
    bundled = subprocess.run(
        [*BUNDLE, "--course-dir=assignments"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env=cli_env(),
        check=False,
    )
    assert bundled.returncode == 0, bundled.stderr[-3000:]
    assert str(repo / "mlmath_lab" / "student_course") in bundled.stdout  # the copy's, not ours
    timings["bundle"] = time.monotonic() - started
    mark = time.monotonic()
    built = build_wheel(repo, tmp_path / "dist")
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    timings["wheel"] = time.monotonic() - mark
    (wheel,) = list((tmp_path / "dist").glob("mlmath_lab-*.whl"))

    # 2. the scan proves no hidden case, marker, source notebook or solution is in it
    assert scan_wheel(wheel, secrets) == []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        index = json.loads(archive.read("mlmath_lab/student_course/index.json"))
        prefix = next(n for n in names if n.endswith("labextensions/mlmath-lab/package.json"))
        static = prefix.rsplit("/", 1)[0] + "/static/"
        built_files = {n[len(static) :]: archive.read(n) for n in names if n.startswith(static)}
    bundled_notebooks = {
        f"mlmath_lab/student_course/{entry['id']}/{name}"
        for entry in index["assignments"]
        for name in entry["files"]
    }
    # the only notebooks are the packaged releases, one per assignment of the manifest
    assert {n for n in names if n.endswith(".ipynb")} == bundled_notebooks
    manifest = load_manifest(COURSE / "course.yaml")
    assert [entry["id"] for entry in index["assignments"]] == [a.id for a in manifest.assignments()]
    assert not [n for n in names if n.startswith(("assignments/", "tests/", "src/"))]

    # 3. a fresh venv, the wheel installed with no Node.js on PATH and no download
    mark = time.monotonic()
    venv, home, empty = tmp_path / "venv", tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    empty.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = clean_environ(without_node_path(venv / "bin"), home)
    python = str(venv / "bin" / "python")
    installed = subprocess.run(
        [python, *PIP[1:], "install", "--no-deps", "--no-index", str(wheel)],
        env=env,
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    # Its dependencies (JupyterLab, nbgrader, torch: gigabytes) are this environment's, as
    # plain sys.path entries: a .pth in a .pth-added folder is not read, so the working tree
    # that this environment's editable install points at stays out.
    purelib = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    )
    (purelib / "_mlmath_lab_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    probe = subprocess.run(
        [python, "-c", WHERE_FROM],
        env=env,
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    facts = json.loads(probe.stdout)
    assert Path(facts["package"]).is_relative_to(purelib), facts["package"]
    assert Path(facts["packaged"]).is_relative_to(purelib)
    assert str(REPO) not in facts["path"], facts["path"]
    timings["install"] = time.monotonic() - mark

    # 4. `mlmath-lab lab` from an empty folder: no course root, so the packaged course
    workspace = home / "mlmath-lab"  # the default, under the (temporary) home
    prepared = subprocess.run(
        [str(venv / "bin" / "mlmath-lab"), "lab", "--prepare-only"],
        env=env,
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    assert "course: the student course packaged with mlmath_lab" in prepared.stderr
    notebooks = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*.ipynb"))
    assert notebooks == sorted(n.split("/", 2)[2] for n in bundled_notebooks)
    for notebook in notebooks:
        text = (workspace / notebook).read_text()
        assert "HIDDEN TESTS" not in text and BEGIN_SOLUTION not in text, notebook
        assert "raise NotImplementedError()" in text, notebook
    assert (workspace / ".mlmath-lab" / "course.yaml").read_bytes() == (
        COURSE / "course.yaml"
    ).read_bytes()

    # 5. JupyterLab from the fresh venv: the extension served, the roadmap answering
    mark = time.monotonic()
    with lab_server(
        [str(venv / "bin" / "mlmath-lab"), "lab", "--"], env, empty, tmp_path / "lab.log"
    ) as (url, token):
        status, page = http_get(f"{url}/lab", token)
        assert status == 200
        data = re.search(rb'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.DOTALL)
        assert data is not None, page[:2000]
        config: dict[str, Any] = json.loads(data.group(1))
        (ours,) = [e for e in config["federated_extensions"] if e["name"] == "mlmath-lab"]
        entry = ours["load"].removeprefix("static/")
        status, served = http_get(f"{url}/lab/extensions/mlmath-lab/static/{entry}", token)
        assert status == 200 and served == built_files[entry]  # the wheel's own build
        status, body = http_get(f"{url}/mlmath-lab/roadmap", token)
        assert status == 200, body[:500]
        roadmap = json.loads(body)
        assert roadmap["title"] == manifest.title
        assert Path(roadmap["manifest"]) == workspace / ".mlmath-lab" / "course.yaml"
        first = roadmap["phases"][0]["modules"][0]["assignments"][0]
        assert first["status"] == "workspace", first
    timings["lab"] = time.monotonic() - mark

    # 6. JupyterLab lists the installed extension as enabled
    listed = subprocess.run(
        [python, "-m", "jupyterlab.labextensions", "list"],
        env=env,
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    listing = without_colours(listed.stdout + listed.stderr)
    assert str(venv / "share" / "jupyter" / "labextensions") in listing, listing
    assert re.search(r"mlmath-lab v\S+ enabled\s+OK", listing), listing
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
