"""The one-click Binder, simulated end to end on this machine.

The image is built as repo2docker builds it (tests/support/binder_env.py: a fresh environment
from binder/environment.yml, then binder/postBuild); the server is started as Binder starts it
(binder/start, then the server command); then what a student meets is checked: the extension,
the roadmap, no instructor tools, and in Chromium a check that passes on a solved exercise.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .support.binder_env import (
    BUILD_TIMEOUT,
    LOCAL_TORCH,
    REPO,
    BinderEnv,
    EnvironmentFileError,
    conda_spec_to_pip,
    ensure_binder_env,
    read_environment_file,
)
from .support.course import hidden_test_lines
from .support.processes import free_port, stop_group

UI_TESTS = REPO / "ui-tests"
ASSIGNMENT = "01-linear-algebra"
NOTEBOOK = f"{ASSIGNMENT}/linear_algebra.ipynb"
EXERCISE = f"{ASSIGNMENT}/dot_loop"
# nbgrader's instructor tools, which postBuild turns off for students.
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
SERVER_START_TIMEOUT = 120
# The first test that needs the environment may build it (BUILD_TIMEOUT at most).
binder_timeout = pytest.mark.timeout(BUILD_TIMEOUT + 600)
REQUEST_TIMEOUT = 30


# ---------------------------------------------------------------- environment.yml, mapped


def test_environment_file_asks_for_cpu_torch_and_pins_python() -> None:
    plan = read_environment_file()
    assert plan.python.contains("3.11.2") and not plan.python.contains("3.12.0")
    assert plan.node.contains("20.0.0")
    torch = [r for r in plan.requirements if re.match(r"torch\b|pytorch\b", r)]
    assert torch == [LOCAL_TORCH], "pytorch-cpu, and nothing else, must bring torch"
    assert any(r.startswith("nbgrader") for r in plan.requirements)


def test_conda_versions_map_to_pip(tmp_path: Path) -> None:
    assert conda_spec_to_pip("=2.12", "f") == "==2.12.*"
    assert conda_spec_to_pip(">=1.26", "f") == ">=1.26"
    assert conda_spec_to_pip("", "f") == ""
    broken = tmp_path / "environment.yml"
    broken.write_text("channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy 1.*=py\n")
    with pytest.raises(EnvironmentFileError, match=r"environment\.yml: dependencies\[1\]"):
        read_environment_file(broken)


# ---------------------------------------------------------------- the built environment


@pytest.fixture(scope="module")
def binder() -> BinderEnv:
    started = time.monotonic()
    env = ensure_binder_env()
    print(f"Binder environment {env.prefix} ready in {time.monotonic() - started:.0f} s")
    return env


def run_in(
    binder: BinderEnv, home: Path, *argv: str, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command as the Binder user with ``home`` would, in that folder."""
    return subprocess.run(
        list(argv),
        env=binder.environ(home),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def without_colours(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.slow
@binder_timeout
def test_binder_environment_is_the_cpu_build_with_the_project_installed(
    binder: BinderEnv, tmp_path: Path
) -> None:
    probe = run_in(
        binder,
        tmp_path,
        str(binder.python),
        "-c",
        "import json, importlib.metadata as m, torch, mlmath_lab;"
        "d = m.distribution('mlmath_lab').read_text('direct_url.json') or '{}';"
        "print(json.dumps({'cuda': torch.version.cuda, 'torch': torch.__version__,"
        " 'package': mlmath_lab.__file__, 'direct_url': json.loads(d)}))",
    )
    assert probe.returncode == 0, probe.stderr
    facts = json.loads(probe.stdout)
    assert facts["cuda"] is None, f"torch is a CUDA build: {facts}"
    assert facts["torch"].startswith(LOCAL_TORCH.split("==")[1])
    # A real install into the environment, not an editable link to the working tree.
    assert Path(facts["package"]).is_relative_to(binder.prefix), facts
    assert not facts["direct_url"].get("dir_info", {}).get("editable"), facts
    # postBuild left the image without the extension's build tree.
    assert not (binder.repo / "node_modules").exists()
    # ... and without the instructor's material: students run this image (Binder, or the pods
    # of a graded course on Kubernetes), so no file of it may hold a hidden test.
    assert not (binder.repo / "assignments" / "source").exists()
    hidden = hidden_test_lines(sorted((REPO / "assignments" / "source").glob("*/*.ipynb")))
    assert len(hidden) > 50
    # The check library (mlmath_lab/) is public by design: a line such as the XOR inputs may
    # appear both there and in a hidden test without giving anything away.
    leaked = [
        str(path)
        for path in [*binder.repo.rglob("*"), *binder.workspace.rglob("*")]
        if path.is_file()
        and not path.is_relative_to(binder.repo / "mlmath_lab")
        and path.suffix in (".ipynb", ".py", ".json", ".yaml", ".txt", ".html")
        and any(line in path.read_text(encoding="utf-8", errors="replace") for line in hidden)
    ]
    assert leaked == [], f"hidden tests in the image: {leaked[:5]}"

    labextensions = run_in(binder, tmp_path, "jupyter", "labextension", "list")
    listing = without_colours(labextensions.stdout + labextensions.stderr)
    assert re.search(r"mlmath-lab v\S+ enabled\s+OK", listing), listing
    for plugin in INSTRUCTOR_PLUGINS:
        assert plugin in listing, f"{plugin} is not listed as disabled:\n{listing}"
    servers = run_in(binder, tmp_path, "jupyter", "server", "extension", "list")
    listing = without_colours(servers.stdout + servers.stderr)
    assert re.search(r"mlmath_lab\s+enabled", listing), listing
    assert re.search(r"nbgrader\.server_extensions\.formgrader\s+disabled", listing), listing
    assert re.search(r"nbgrader\.server_extensions\.assignment_list\s+enabled", listing), listing


@pytest.mark.slow
@binder_timeout
def test_binder_environment_is_readable_by_every_user(binder: BinderEnv) -> None:
    # The JupyterHub test runs servers from it as other Unix users.
    unreadable: list[str] = []
    for folder, dirs, names in os.walk(binder.prefix.parent):
        for name in dirs + names:
            path = Path(folder, name)
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            need = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
            if mode & need != need:
                unreadable.append(f"{path} ({stat.filemode(mode)})")
    assert not unreadable, "not world-readable:\n" + "\n".join(unreadable[:20])
    python_mode = binder.python.resolve().stat().st_mode
    assert python_mode & stat.S_IXOTH, f"{binder.python.resolve()} is not executable by all"


# ---------------------------------------------------------------- the server Binder starts


@dataclass
class BinderServer:
    url: str
    token: str
    home: Path
    log: Path
    process: subprocess.Popen[bytes]

    def get(self, path: str, token: bool = True) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get_json(self, path: str) -> Any:
        status, body = self.get(path)
        assert status == 200, f"GET {path}: {status} {body[:300]!r}\n{self.log_tail()}"
        return json.loads(body)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "server log (tail):\n" + "\n".join(text.splitlines()[-lines:])


@pytest.fixture
def binder_server(binder: BinderEnv, tmp_path: Path) -> Iterator[BinderServer]:
    # The Binder user's home as the image has it (postBuild's workspace in it), copied so that
    # this test's edits and progress never reach the cached environment.
    home = tmp_path / "home"
    shutil.copytree(binder.home, home, symlinks=True)
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "server.log"
    # As repo2docker's entrypoint does: binder/start, then the server command. The folder the
    # server starts in is not the workspace: binder/start must take it there.
    command = [
        str(binder.start),
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=binder.environ(home),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = BinderServer(f"http://127.0.0.1:{port}", token, home, log, process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}\n{server.log_tail()}")
            try:
                if server.get("/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no server after {SERVER_START_TIMEOUT} s\n{server.log_tail()}")
            time.sleep(0.5)
        yield server
    finally:
        stop_group(process)


def page_config(lab_html: bytes) -> dict[str, Any]:
    """JupyterLab's page configuration, as the /lab page hands it to the frontend."""
    found = re.search(
        rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
        lab_html,
        re.DOTALL,
    )
    assert found, "no jupyter-config-data in the /lab page"
    return json.loads(html.unescape(found.group(1).decode()))  # type: ignore[no-any-return]


def run_binder_scenario(server: BinderServer, artifacts: Path) -> subprocess.CompletedProcess[str]:
    """ui-tests/binder/check-passes.binder.ts in headless Chromium against the server."""
    jlpm = shutil.which("jlpm", path=str(Path(sys.executable).parent)) or shutil.which("jlpm")
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not jlpm or not shutil.which("node"):
        pytest.fail("the browser check needs jlpm (JupyterLab) and node on PATH")
    if not chromium:
        pytest.fail("the browser check needs Chromium: apt-get install chromium")
    env = {
        **os.environ,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "CHROMIUM_PATH": chromium,
        "MLMATH_LAB_BINDER_URL": server.url,
        "MLMATH_LAB_BINDER_TOKEN": server.token,
        "MLMATH_LAB_BINDER_ARTIFACTS": str(artifacts),
    }
    if not (UI_TESTS / "node_modules" / "@playwright" / "test").is_dir():
        installed = subprocess.run(
            [jlpm, "install", "--immutable"],
            cwd=UI_TESTS,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert installed.returncode == 0, f"jlpm install in ui-tests failed:\n{installed.stdout}"
    return subprocess.run(
        [jlpm, "playwright", "test", "--config", "binder/playwright.config.js"],
        cwd=UI_TESTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )


@pytest.mark.slow
@binder_timeout
def test_binder_server_serves_the_course_and_a_check_passes_in_chromium(
    binder_server: BinderServer, tmp_path: Path
) -> None:
    server = binder_server
    # binder/start opened the server on the workspace that postBuild prepared.
    contents = server.get_json("/api/contents")
    names = {item["name"] for item in contents["content"]}
    assert ASSIGNMENT in names, f"the server's root is not the workspace: {sorted(names)}"

    # The roadmap route serves the course, joined with the workspace, and needs the token.
    roadmap = server.get_json("/mlmath-lab/roadmap")
    assignments = {
        a["id"]: a for p in roadmap["phases"] for m in p["modules"] for a in m["assignments"]
    }
    assert assignments[ASSIGNMENT]["status"] == "workspace", assignments[ASSIGNMENT]
    assert {"name": "linear_algebra.ipynb", "path": NOTEBOOK} in assignments[ASSIGNMENT][
        "notebooks"
    ]
    assert server.get("/mlmath-lab/roadmap", token=False)[0] in (401, 403)

    # No formgrader for students, in the server and in the frontend; the assignment list stays.
    assert server.get("/formgrader")[0] == 404
    assert server.get("/formgrader/api/status")[0] == 404
    assert server.get("/nbgrader_version?version=0.9.6")[0] == 200
    status, lab = server.get("/lab")
    assert status == 200
    config = page_config(lab)
    assert "mlmath-lab" in {e["name"] for e in config["federated_extensions"]}
    disabled = set(config["disabledExtensions"])
    assert set(INSTRUCTOR_PLUGINS) <= disabled, sorted(disabled)
    # Locked too, so that the plugin manager cannot turn them back on.
    assert set(INSTRUCTOR_PLUGINS) <= set(config["lockedExtensions"]), config["lockedExtensions"]
    assert "@jupyter/nbgrader:assignment-list" not in disabled

    # A student solves dot_loop in Chromium and presses Check.
    assert EXERCISE not in server.get_json("/mlmath-lab/progress")["exercises"]
    started = time.monotonic()
    scenario = run_binder_scenario(server, tmp_path / "playwright")
    assert scenario.returncode == 0, (
        f"the Chromium scenario failed:\n{scenario.stdout[-6000:]}\n{scenario.stderr[-2000:]}\n"
        f"{server.log_tail()}"
    )
    print(f"Chromium scenario: {time.monotonic() - started:.0f} s")
    # The passing check reached the server's progress store, in the Binder user's data dir.
    progress = server.get_json("/mlmath-lab/progress")
    assert progress["exercises"][EXERCISE]["status"] == "passed", progress
    assert (server.home / ".local" / "share" / "jupyter" / "mlmath_lab").is_dir()


@pytest.mark.slow
@binder_timeout
def test_binder_start_prepares_a_missing_workspace(binder: BinderEnv, tmp_path: Path) -> None:
    # A volume mounted over the home hides the image's workspace: start makes it again.
    home = tmp_path / "empty-home"
    home.mkdir()
    started = run_in(
        binder,
        home,
        str(binder.start),
        str(binder.python),
        "-c",
        "import os; print(os.getcwd())",
        timeout=300,
    )
    assert started.returncode == 0, started.stderr
    workspace = home / "mlmath-lab"
    assert started.stdout.strip().splitlines()[-1] == str(workspace)
    placed = sorted(p.relative_to(workspace).as_posix() for p in workspace.glob("*/*.ipynb"))
    image = sorted(
        p.relative_to(binder.workspace).as_posix() for p in binder.workspace.glob("*/*.ipynb")
    )
    assert placed == image and NOTEBOOK in placed
