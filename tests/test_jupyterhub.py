"""The course on a real multi-user JupyterHub, deployed from docs/jupyterhub/.

Real Unix accounts (an instructor and two students), JupyterHub with configurable-http-proxy
and LocalProcessSpawner, the single-user environment built from binder/, nbgrader's exchange
made by docs/jupyterhub/setup-exchange.sh and the course root by setup-course.sh. Everything is
driven over HTTP, as the users' browsers would: the hub's REST API, nbgrader's formgrader and
assignment routes, the roadmap route, a kernel over its websocket. Then, as the other Unix
users, what each may read: one student never another's submission, no student the
instructor's sources, hidden tests, autograded notebooks or gradebook.
"""

from __future__ import annotations

import grp
import html
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError
from traitlets.config import Config

from mlmath_lab.checks.result import CHECK_MIME_TYPE
from mlmath_lab.exchange import ExchangeSubmit

from .support.course import BEGIN_HIDDEN, hidden_test_lines
from .support.hub import Hub, UnixAccounts, UserServer, proxy_command, run_as, start_hub
from .support.processes import free_port

needs_root_on_linux = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0,
    reason="needs Linux and root: it creates Unix users and runs servers as them",
)

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "jupyterhub"
COURSE = REPO / "assignments"
COURSE_ID = "mlmath"
ASSIGNMENT = "01-linear-algebra"
NOTEBOOK = "linear_algebra.ipynb"


@dataclass
class Deployment:
    base: Path  # everything of this run: homes, /etc and /srv stand-ins, the hub's state
    env_bin: Path  # the single-user environment's bin
    instructor: str
    students: tuple[str, str]
    exchange: Path
    course_root: Path
    etc: Path
    hub: Hub

    def instructor_environ(self) -> dict[str, str]:
        """What the instructor's terminal in their hub server has (see jupyterhub_config.py)."""
        return {
            "PATH": f"{self.env_bin}:/usr/local/bin:/usr/bin:/bin",
            "JUPYTER_PREFER_ENV_PATH": "1",
            "JUPYTER_CONFIG_PATH": f"{self.etc / 'instructor'}:{self.etc / 'global'}",
            "MLMATH_EXCHANGE_ROOT": str(self.exchange),
        }


def _install_config(etc: Path) -> None:
    """Install docs/jupyterhub/{global,instructor} as an administrator would, world-readable."""
    for role in ("global", "instructor"):
        shutil.copytree(DOCS / role, etc / role)
    for folder, _, files in os.walk(etc):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder, name), 0o644)


def _sh(*argv: str | Path) -> None:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{argv}: {done.stdout}{done.stderr}"


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    from .support.binder_env import ensure_binder_env

    env = ensure_binder_env()
    chp = proxy_command()
    base = Path(tempfile.mkdtemp(prefix="mlml-hub-", dir="/tmp"))
    base.chmod(0o755)  # the users must reach their homes and the exchange below it
    tag = uuid.uuid4().hex[:6]
    accounts = UnixAccounts(home_parent=base / "home")
    hub: Hub | None = None
    try:
        (base / "home").mkdir(mode=0o755)
        group = accounts.add_group(f"mlml-{tag}-instr")
        instructor = accounts.add_user(f"mlml-{tag}-teach", groups=(group,))
        students = (accounts.add_user(f"mlml-{tag}-ann"), accounts.add_user(f"mlml-{tag}-bob"))

        etc, srv, state = base / "etc", base / "srv" / "nbgrader", base / "hub"
        _install_config(etc)
        state.mkdir(mode=0o700)
        exchange = srv / "exchange"
        manifest = srv / "mlmath-course.yaml"
        course_root = accounts.home(instructor) / "mlmath"
        _sh("bash", DOCS / "setup-exchange.sh", exchange, COURSE_ID, instructor, group)
        _sh("bash", DOCS / "setup-course.sh", COURSE, instructor, course_root, manifest)

        environ = {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "MLMATH_ENV": str(env.prefix),
            "MLMATH_ETC": str(etc),
            "MLMATH_EXCHANGE_ROOT": str(exchange),
            "MLMATH_MANIFEST": str(manifest),
            "MLMATH_INSTRUCTORS": instructor,
            "MLMATH_STUDENTS": ",".join(students),
            "MLMATH_HUB_STATE": str(state),
            "MLMATH_HUB_BIND_URL": f"http://127.0.0.1:{free_port()}",
            "MLMATH_HUB_INTERNAL_URL": f"http://127.0.0.1:{free_port()}",
            "MLMATH_PROXY_API_URL": f"http://127.0.0.1:{free_port()}",
            "MLMATH_PROXY_COMMAND": str(chp),
            "MLMATH_AUTHENTICATOR": "dummy",
            "LANG": "C.UTF-8",
        }
        hub = start_hub(DOCS / "jupyterhub_config.py", environ, state)
        hub.wait_until_up(timeout=90)
        yield Deployment(base, env.bin, instructor, students, exchange, course_root, etc, hub)
    finally:
        if hub is not None:
            hub.stop()
        accounts.close()
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------- what the course holds


def _source_notebook() -> nbformat.NotebookNode:
    return nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)


def _solutions() -> dict[str, str]:
    """grade_id → the source of each solution cell (with the solution in it)."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in _source_notebook().cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def _hidden_test_lines() -> list[str]:
    lines = hidden_test_lines([COURSE / "source" / ASSIGNMENT / NOTEBOOK])
    assert len(lines) > 10
    return lines


def _visible_text(page: str) -> str:
    """An HTML page's text: tags (syntax highlighting splits code into spans) and escapes gone."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _ok(answer: Any, what: str) -> Any:
    assert isinstance(answer, dict) and answer.get("success"), f"{what}: {answer}"
    return answer


def _score(feedback_html: str) -> tuple[float, float]:
    found = re.search(r"\(Score: ([\d.]+) / ([\d.]+)\)</h4>", feedback_html)
    assert found, f"no total score in the feedback: {feedback_html[:500]}"
    return float(found.group(1)), float(found.group(2))


# ---------------------------------------------------------------- the steps


def _roles_get_their_extensions(instructor: UserServer, student: UserServer) -> None:
    assert instructor.request("GET", "formgrader/api/status").status_code == 200
    assert student.request("GET", "formgrader/api/status").status_code == 404
    for server, disabled in ((instructor, False), (student, True)):
        page = server.request("GET", "lab")
        assert page.status_code == 200, page.text[:500]
        found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page.text, re.S)
        assert found, f"{server.user}: no page config in /lab"
        off = set(json.loads(found.group(1))["disabledExtensions"])  # the names turned off
        for plugin in ("formgrader", "create-assignment", "course-list"):
            assert (f"@jupyter/nbgrader:{plugin}" in off) is disabled, (server.user, plugin, off)
        assert "@jupyter/nbgrader:assignment-list" not in off


def _release(d: Deployment, instructor: UserServer) -> None:
    api = f"formgrader/api/assignment/{ASSIGNMENT}"
    _ok(instructor.post(f"{api}/assign"), "generate_assignment")
    _ok(instructor.post(f"{api}/release"), "release_assignment")
    released = (d.exchange / COURSE_ID / "outbound" / ASSIGNMENT / NOTEBOOK).read_text()
    assert "check(" in released  # the visible checks are there...
    leaked = [line for line in _hidden_test_lines() if line in released]
    assert BEGIN_HIDDEN not in released and not leaked, leaked[:3]  # ...the hidden tests not


def _fetch(student: UserServer) -> None:
    course = {"course_id": COURSE_ID}
    listing = _ok(student.get("assignments", params=course), "list")["value"]
    assert [(a["assignment_id"], a["status"]) for a in listing] == [(ASSIGNMENT, "released")]
    after = _ok(student.post("assignments/fetch", {**course, "assignment_id": ASSIGNMENT}), "fetch")
    fetched = [a for a in after["value"] if a["status"] == "fetched"]
    assert [a["assignment_id"] for a in fetched] == [ASSIGNMENT], after

    roadmap = student.get("mlmath-lab/roadmap")
    assignments = {
        a["id"]: a for p in roadmap["phases"] for m in p["modules"] for a in m["assignments"]
    }
    assert assignments[ASSIGNMENT]["status"] == "fetched"
    assert assignments[ASSIGNMENT]["notebooks"] == [
        {"name": NOTEBOOK, "path": f"{ASSIGNMENT}/{NOTEBOOK}"}
    ]
    assert assignments["02-decompositions"]["status"] == "not_fetched"


def _check_runs_in_the_kernel(student: UserServer) -> None:
    code = (
        "import numpy as np\n"
        + _solutions()["softmax_solution"]
        + (f'\nfrom mlmath_lab.checks import check\ncheck("{ASSIGNMENT}/softmax", softmax)\n')
    )
    messages = student.execute(code)
    results = [
        m["content"]["data"][CHECK_MIME_TYPE]
        for m in messages
        if m["msg_type"] == "display_data" and CHECK_MIME_TYPE in m["content"]["data"]
    ]
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert len(results) == 1 and not errors, (results, errors)
    assert results[0]["exercise"] == f"{ASSIGNMENT}/softmax"
    assert results[0]["passed"] is True, results[0]


def _solve(student: UserServer) -> None:
    """Put the solutions into the student's fetched notebook, through the contents API."""
    path = f"api/contents/{ASSIGNMENT}/{NOTEBOOK}"
    model = student.get(path)
    solutions = _solutions()
    filled = 0
    for cell in model["content"]["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell["source"] = solutions[grade_id]
            filled += 1
    assert filled == len(solutions)
    saved = student.request(
        "PUT", path, json={"type": "notebook", "format": "json", "content": model["content"]}
    )
    assert saved.status_code == 200, saved.text[:500]


def _submit(student: UserServer) -> None:
    body = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
    after = _ok(student.post("assignments/submit", body), f"{student.user} submit")
    submitted = [a for a in after["value"] if a["status"] == "submitted"]
    assert submitted and submitted[0]["submissions"], after


def _submission_of(d: Deployment, student: str) -> Path:
    [folder] = (d.exchange / COURSE_ID / "inbound").glob(f"{student}+{ASSIGNMENT}+*")
    return folder


def _readable_by(user: str, paths: list[Path]) -> list[str]:
    """Which of ``paths`` ``user`` can open for reading or list (tried as that user)."""
    probe = (
        "import json, os, sys\n"
        "ok = []\n"
        "for p in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(1)\n"
        "        ok.append(p)\n"
        "    except OSError:\n"
        "        pass\n"
        "print(json.dumps(ok))\n"
    )
    argv = ["/usr/bin/python3", "-c", probe, json.dumps([str(p) for p in paths])]
    done = run_as(user, argv, cwd=Path("/"))
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def _submissions_are_private(d: Deployment) -> None:
    ann, bob = d.students
    inbound = d.exchange / COURSE_ID / "inbound"
    ann_folder = _submission_of(d, ann)
    ann_files = [ann_folder / NOTEBOOK, ann_folder / "submission_secret.txt", ann_folder]
    # Controls: the paths are right, the owner and the instructor read them.
    assert _readable_by(ann, ann_files) == [str(p) for p in ann_files]
    assert _readable_by(d.instructor, [inbound, *ann_files]) == [str(inbound)] + [
        str(p) for p in ann_files
    ]
    # Bob neither lists inbound nor reads Ann's submission, even knowing its path; nor her
    # working copy in her home.
    ann_working = Path(pwd.getpwnam(ann).pw_dir) / ASSIGNMENT / NOTEBOOK
    assert ann_working.is_file()
    assert _readable_by(bob, [inbound, *ann_files, ann_working]) == []
    modes = {p.name: oct(p.stat().st_mode & 0o7777) for p in [ann_folder / NOTEBOOK, ann_folder]}
    assert modes == {NOTEBOOK: "0o640", ann_folder.name: "0o770"}, modes


def _autograde(d: Deployment) -> None:
    done = run_as(
        d.instructor,
        [str(d.env_bin / "mlmath-lab"), "autograde", ASSIGNMENT, f"--course-dir={d.course_root}"],
        env=d.instructor_environ(),
        cwd=d.course_root,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for student in d.students:
        assert (d.course_root / "autograded" / student / ASSIGNMENT / NOTEBOOK).is_file()


def _feedback(student: UserServer) -> str:
    body = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
    _ok(student.post("assignments/fetch_feedback", body), f"{student.user} fetch_feedback")
    folder = f"api/contents/{ASSIGNMENT}/feedback"
    [stamp] = [item["name"] for item in student.get(folder)["content"]]
    page = student.get(f"{folder}/{stamp}/{NOTEBOOK.replace('.ipynb', '.html')}")
    return str(page["content"])


def _files(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    for folder, _, names in os.walk(root):
        yield from (Path(folder, name) for name in names if name.endswith(suffixes))


def _nothing_secret_is_readable_by_students(d: Deployment) -> None:
    hidden = _hidden_test_lines()
    secret: list[Path] = [
        d.course_root / "source" / ASSIGNMENT / NOTEBOOK,
        d.course_root / "gradebook.db",
        d.course_root / "autograded",
        d.course_root / "submitted",
        d.course_root,
    ]
    # Every file of this deployment that holds a hidden test, wherever it ended up.
    for path in _files(d.base, ("",)):
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if BEGIN_HIDDEN in text or any(line in text for line in hidden):
            secret.append(path)
    # The single-user environment is readable by everyone: it holds none of them (the
    # installed package carries the visible checks and their references only).
    in_env = [
        path
        for path in _files(d.env_bin.parent, (".ipynb", ".py", ".json", ".yaml", ".html"))
        if any(line in path.read_text(errors="replace") for line in hidden)
    ]
    assert in_env == [], in_env
    assert d.course_root / "source" / ASSIGNMENT / NOTEBOOK in secret
    assert any("autograded" in p.parts for p in secret)  # the scan finds the graded copies
    assert all(str(p).startswith(str(d.course_root)) for p in secret), secret
    assert len(_readable_by(d.instructor, secret)) == len(secret)  # control: paths are right
    for student in d.students:
        assert _readable_by(student, secret) == [], student


# ---------------------------------------------------------------- the test


@pytest.mark.slow
@needs_root_on_linux
@pytest.mark.timeout(1800)  # a cold build of the single-user environment takes most of it
def test_a_course_round_trip_on_jupyterhub(deployment: Deployment) -> None:
    d = deployment
    ann, bob = d.students
    d.hub.start_servers([d.instructor, ann, bob], timeout=240)
    servers = {
        user: UserServer(d.hub, user, d.hub.user_token(user)) for user in (d.instructor, ann, bob)
    }
    instructor = servers[d.instructor]

    _roles_get_their_extensions(instructor, servers[ann])
    _release(d, instructor)
    for student in d.students:
        _fetch(servers[student])
    _check_runs_in_the_kernel(servers[ann])
    _solve(servers[ann])  # Bob hands in the stubs
    for student in d.students:
        _submit(servers[student])
    _submissions_are_private(d)

    _ok(instructor.post(f"formgrader/api/assignment/{ASSIGNMENT}/collect"), "collect")
    _autograde(d)
    api = f"formgrader/api/assignment/{ASSIGNMENT}"
    _ok(instructor.post(f"{api}/generate_feedback"), "generate_feedback")
    _ok(instructor.post(f"{api}/release_feedback"), "release_feedback")

    scores = {}
    hidden = _hidden_test_lines()
    for student in d.students:
        page = _feedback(servers[student])
        text = _visible_text(page)
        assert f'check("{ASSIGNMENT}/softmax", softmax)' in text  # code cells are in the text
        leaked = [line for line in hidden if line in text]
        assert BEGIN_HIDDEN not in text and not leaked, (student, leaked[:3])
        scores[student] = _score(page)
    (ann_score, total), (bob_score, bob_total) = scores[ann], scores[bob]
    assert total == bob_total > 0
    assert ann_score == total and bob_score < ann_score, scores

    _nothing_secret_is_readable_by_students(d)


# ---------------------------------------------------------------- the submit step alone


def _submitter(exchange: Path, work: Path, cache: Path) -> ExchangeSubmit:
    config = Config()
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(cache)
    config.Exchange.assignment_dir = str(work)
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.assignment_id = ASSIGNMENT
    coursedir = CourseDirectory(config=config)
    return ExchangeSubmit(
        coursedir=coursedir, authenticator=Authenticator(config=config), config=config
    )


def test_submit_keeps_submissions_from_others_and_needs_a_set_group_id_inbound(
    tmp_path: Path,
) -> None:
    """The deployment's submit step, in-process: modes, no staging left, and its refusal."""
    exchange = tmp_path / "exchange"
    released = exchange / COURSE_ID / "outbound" / ASSIGNMENT
    released.mkdir(parents=True)
    (released / NOTEBOOK).write_text("{}")
    inbound = exchange / COURSE_ID / "inbound"
    inbound.mkdir()
    inbound.chmod(0o733)  # nbgrader's mode, without set-group-ID
    work = tmp_path / "home"
    (work / ASSIGNMENT).mkdir(parents=True)
    (work / ASSIGNMENT / NOTEBOOK).write_text('{"mine": 1}')
    (work / ASSIGNMENT / "data").mkdir()
    (work / ASSIGNMENT / "data" / "x.csv").write_text("1\n")

    with pytest.raises(ExchangeError, match="set-group-ID"):
        _submitter(exchange, work, tmp_path / "cache").start()
    assert list(inbound.iterdir()) == []

    # As setup-exchange.sh makes it (3733 there, with the sticky bit), in a group that is not
    # the submitter's own when the test can arrange it (as root), so inheritance shows.
    if os.geteuid() == 0:
        os.chown(inbound, -1, grp.getgrnam("nogroup").gr_gid)
    inbound.chmod(0o2733)
    _submitter(exchange, work, tmp_path / "cache").start()
    [submission] = list(inbound.iterdir())  # no staging folder is left behind
    modes = {
        str(path.relative_to(submission)): stat.S_IMODE(path.stat().st_mode)
        for path in [submission, *submission.rglob("*")]
    }
    assert modes == {
        ".": 0o770,
        NOTEBOOK: 0o640,
        "data": 0o750,
        "data/x.csv": 0o640,
        "timestamp.txt": 0o640,
        "submission_secret.txt": 0o640,
    }
    assert (submission / NOTEBOOK).read_text() == '{"mine": 1}'
    assert (submission / "timestamp.txt").read_text().strip()  # nbgrader wrote into ours
    assert len((submission / "submission_secret.txt").read_text()) == 128
    groups = {path.stat().st_gid for path in [submission, *submission.rglob("*")]}
    assert groups == {inbound.stat().st_gid}
