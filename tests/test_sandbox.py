"""enter_sandbox confines a forked child: memory, processes, file size, hidden paths, network,
privileges and environment.

It changes the calling process for good, so every test runs it in a forked child (its own
process group), which reports back through a pipe; the child's whole group is killed afterwards,
even when the test fails, and every child is bounded in time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import importlib
import os
import pickle
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlmath_lab.autograde.limits import Limits
from mlmath_lab.autograde.sandbox import SandboxReport, enter_sandbox

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (namespaces, setuid)")
needs_linux = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")

MiB = 1024 * 1024


def in_child(body: Callable[[], Any], *, timeout: float = 30.0) -> Any:
    """Run ``body()`` in a forked child in its own process group and return its (pickled)
    result. The child is bounded by ``timeout``; its whole group is killed afterwards. An
    exception in the child fails the test with its traceback."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(read_fd)
            os.setpgid(0, 0)  # its own group, so the parent can kill all it starts
            try:
                outcome: dict[str, Any] = {"value": body()}
            except BaseException:
                outcome = {"error": traceback.format_exc()}
            with os.fdopen(write_fd, "wb") as pipe:
                pickle.dump(outcome, pipe)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        # Also here: the parent may kill the group before the child has got to setpgid.
        with contextlib.suppress(OSError):  # the child already did it (EACCES) or is gone
            os.setpgid(pid, pid)
        data = b""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"child still running after {timeout} s")
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                data += chunk
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_fd)
    if not data:
        pytest.fail("child died without reporting")
    outcome = pickle.loads(data)
    if "error" in outcome:
        pytest.fail(f"child raised:\n{outcome['error']}")
    return outcome["value"]


def run_sandboxed(
    body: Callable[[SandboxReport], Any],
    limits: Limits,
    workdir: Path,
    *,
    before: Callable[[], None] | None = None,
    timeout: float = 30.0,
) -> tuple[SandboxReport, Any]:
    """In a child: ``before()``, then ``enter_sandbox``, then ``body(report)``; return
    (report, body's result)."""

    def child() -> tuple[SandboxReport, Any]:
        if before is not None:
            before()
        report = enter_sandbox(limits, workdir)
        return report, body(report)

    result: tuple[SandboxReport, Any] = in_child(child, timeout=timeout)
    return result


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A fresh working copy in /tmp: reachable by nobody once it owns it (pytest's tmp_path
    lies under the 0700 /tmp/pytest-of-root)."""
    path = Path(tempfile.mkdtemp(prefix="mlmath-sandbox-"))
    (path / "submission.ipynb").write_text("{}")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _course_parent() -> str | None:
    """Where a test course goes: as root, not under /tmp, /var/tmp or /dev/shm, which the
    sandbox covers with private tmpfs (a course there would be out of sight anyway, as a real
    course, in /srv or a home, is not); /run when it can be written. Otherwise the default
    temporary folder (not covered without root)."""
    if os.geteuid() == 0 and os.path.isdir("/run") and os.access("/run", os.W_OK):
        return "/run"
    return None


@pytest.fixture
def course() -> Iterator[Path]:
    """A world-readable course directory with a source notebook (hidden tests) and a gradebook:
    without hiding, even nobody could read them."""
    root = Path(tempfile.mkdtemp(prefix="mlmath-course-", dir=_course_parent()))
    root.chmod(0o755)
    (root / "source").mkdir(mode=0o755)
    (root / "source" / "source.ipynb").write_text('{"hidden": "tests"}')
    (root / "gradebook.db").write_text("grades")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_memory_bomb_raises_memory_error(workdir: Path) -> None:
    def bomb(report: SandboxReport) -> dict[str, Any]:
        result: dict[str, Any] = {"limited": "address space" in report.rlimits}
        try:
            bytearray(4 * 2**30)
            result["huge"] = "allocated"
        except MemoryError:
            result["huge"] = "MemoryError"
        blocks: list[bytearray] = []
        try:
            for _ in range(40):  # 40 × 64 MiB: far beyond 512 MiB, bounded anyway
                blocks.append(bytearray(64 * MiB))
            result["blocks"] = "all allocated"
        except MemoryError:
            result["blocks"] = len(blocks)
        blocks.clear()
        result["survives"] = len(bytearray(MiB))  # the process goes on after the error
        return result

    report, result = run_sandboxed(bomb, Limits(memory_mb=512), workdir)
    assert result["limited"], report.summary()
    assert result["huge"] == "MemoryError"
    assert isinstance(result["blocks"], int), result
    assert 3 <= result["blocks"] <= 8  # 512 MiB / 64 MiB, less what the allocator keeps
    assert result["survives"] == MiB


@needs_linux
def test_fork_bomb_stops_near_max_processes(workdir: Path) -> None:
    def fork_bomb(report: SandboxReport) -> dict[str, Any]:
        if "processes" not in report.rlimits:  # never fork in a loop without the limit
            return {"limited": False}
        children: list[int] = []
        error = None
        try:
            for _ in range(200):
                try:
                    pid = os.fork()
                except OSError as exc:
                    error = exc.errno
                    break
                if pid == 0:
                    time.sleep(5)
                    os._exit(0)
                children.append(pid)
        finally:  # reap our own children: nobody else would (PID 1 here may not reap)
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            for pid in children:
                os.waitpid(pid, 0)
        return {"limited": True, "forks": len(children), "errno": error}

    limits = Limits(max_processes=8)
    report, result = run_sandboxed(fork_bomb, limits, workdir)
    assert result["limited"], report.summary()
    assert result["errno"] == errno.EAGAIN
    # Exactly max_processes unless other processes of the same user came or went meanwhile.
    assert 1 <= result["forks"] <= limits.max_processes + 2


def test_file_over_max_file_mb_raises_efbig(workdir: Path) -> None:
    def write_big(report: SandboxReport) -> dict[str, Any]:
        target = Path("big.bin")  # relative: the sandbox made workdir the current directory
        try:
            with target.open("wb") as out:
                for _ in range(4):
                    out.write(b"x" * MiB)
                    out.flush()
        except OSError as exc:
            return {"errno": exc.errno, "size": target.stat().st_size, "cwd": os.getcwd()}
        return {"errno": None}

    _, result = run_sandboxed(write_big, Limits(max_file_mb=1), workdir)
    assert result["errno"] == errno.EFBIG  # an OSError in the cell, not a SIGXFSZ death
    assert result["size"] == MiB
    assert result["cwd"] == str(workdir.resolve())


@needs_root
def test_hidden_paths_unreadable_and_workdir_writable(workdir: Path, course: Path) -> None:
    source = course / "source" / "source.ipynb"
    gradebook = course / "gradebook.db"

    def peek(report: SandboxReport) -> dict[str, Any]:
        result: dict[str, Any] = {"hidden": report.hidden}
        try:
            result["source"] = source.read_text()
        except OSError as exc:
            result["source"] = type(exc).__name__
        result["source dir"] = os.listdir(source.parent)
        try:
            result["gradebook"] = gradebook.read_text()
        except OSError as exc:
            result["gradebook"] = type(exc).__name__
        try:
            gradebook.write_text("A+")
            result["gradebook write"] = "written"
        except OSError as exc:
            result["gradebook write"] = type(exc).__name__
        (workdir / "answer.txt").write_text("42")
        result["workdir"] = (workdir / "answer.txt").read_text()
        return result

    # Without hiding, the sandboxed student could read both (so the check below means something).
    _, visible = run_sandboxed(
        lambda _: (source.read_text(), gradebook.read_text()), Limits(), workdir
    )
    assert visible == ('{"hidden": "tests"}', "grades")

    limits = Limits(hidden_paths=(course / "source", gradebook))
    _, result = run_sandboxed(peek, limits, workdir)
    assert sorted(result["hidden"]) == sorted([str(course / "source"), str(gradebook)])
    assert result["source"] in ("FileNotFoundError", "PermissionError")
    assert result["source dir"] == []
    assert result["gradebook"] == "PermissionError"
    assert result["gradebook write"] == "PermissionError"
    assert result["workdir"] == "42"
    # Nothing leaked into the grader's mount namespace.
    assert source.read_text() == '{"hidden": "tests"}'
    assert gradebook.read_text() == "grades"
    assert str(course) not in Path("/proc/self/mountinfo").read_text()


@needs_root
def test_temporary_directories_are_private(workdir: Path) -> None:
    """/tmp, /var/tmp and /dev/shm are fresh, size-limited tmpfs in the child: what it writes
    there is gone when it exits and never seen by the host (nor by another submission), the
    host's files there are out of its sight, and its working copy (itself under /tmp) works."""
    name = f"mlmath-private-{os.getpid()}-{time.monotonic_ns()}"
    shared = [Path(d) / name for d in ("/tmp", "/var/tmp", "/dev/shm") if os.path.isdir(d)]
    fd, marker_path = tempfile.mkstemp(prefix="mlmath-host-marker-")  # the host's /tmp
    os.close(fd)
    marker = Path(marker_path)

    def write_everywhere(report: SandboxReport) -> dict[str, Any]:
        result: dict[str, Any] = {"written": [], "tmp": sorted(os.listdir("/tmp"))}
        for path in shared:
            path.write_text("left behind?")
            result["written"].append(str(path))
        result["marker"] = marker.exists()
        (workdir / "answer.txt").write_text("42")  # the working copy: still there, writable
        result["workdir"] = (workdir / "answer.txt").read_text()
        result["cwd"] = os.getcwd()
        try:  # the tmpfs is limited to max_file_mb (1 MiB here): two 0.75 MiB files do not fit
            for index in range(2):
                (Path("/tmp") / f"{name}-{index}").write_bytes(b"x" * (3 * MiB // 4))
            result["full"] = "fits"
        except OSError as exc:
            result["full"] = errno.errorcode.get(exc.errno or 0, str(exc))
        return result

    try:
        report, result = run_sandboxed(write_everywhere, Limits(max_file_mb=1), workdir)
        assert any(note.startswith("private temporary directories:") for note in report.applied)
        assert result["written"] == [str(p) for p in shared]
        assert [p for p in shared if p.exists()] == []  # nothing left behind on the host
        assert not result["marker"] and marker.name not in result["tmp"]
        # /tmp holds only the way to the working copy (and to the interpreter's folders, were
        # any of them in /tmp)
        way = workdir.relative_to("/tmp").parts[0]
        interpreter = {
            Path(p).resolve().relative_to("/tmp").parts[0]
            for p in [sys.prefix, *sys.path]
            if p and Path(p).resolve().is_relative_to("/tmp") and Path(p).resolve() != Path("/tmp")
        }
        assert way in result["tmp"] and set(result["tmp"]) <= {way, *interpreter}
        assert result["workdir"] == "42" and result["cwd"] == str(workdir)
        assert (workdir / "answer.txt").read_text() == "42"  # the grader sees what it wrote
        assert result["full"] == "ENOSPC"
        assert "mlmath-private" not in Path("/proc/self/mountinfo").read_text()
    finally:  # were /tmp not private, all of these would be the host's
        marker.unlink()
        for path in [*shared, *(Path("/tmp") / f"{name}-{index}" for index in range(2))]:
            path.unlink(missing_ok=True)


def test_workdir_inside_hidden_path_is_rejected(course: Path) -> None:
    def attempt() -> str:
        try:
            enter_sandbox(Limits(hidden_paths=(course,)), course / "source")
        except ValueError as exc:
            return str(exc)
        return "accepted"

    # In a child all the same: were the check broken, pytest itself would be confined.
    assert "inside hidden path" in in_child(attempt)


@needs_root
def test_workdir_unreachable_for_nobody_is_rejected(tmp_path: Path) -> None:
    """pytest's tmp_path lies under the 0700 /tmp/pytest-of-root: after the drop the student
    could not enter it, so enter_sandbox refuses before changing anything."""
    workdir = tmp_path / "work"
    workdir.mkdir()

    def attempt() -> str:
        try:
            enter_sandbox(Limits(), workdir)
        except ValueError as exc:
            return str(exc)
        return "accepted"

    assert "unreachable for uid" in in_child(attempt)


@pytest.fixture
def listener() -> Iterator[int]:
    """A TCP port on 127.0.0.1 where this (the grader's) process listens."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def _connect(port: int) -> str:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3):
            return "connected"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


@needs_root
def test_network_unreachable_inside_sandbox(workdir: Path, listener: int) -> None:
    assert _connect(listener) == "connected"  # works outside
    report, inside = run_sandboxed(lambda _: _connect(listener), Limits(), workdir)
    assert inside != "connected", report.summary()
    assert "network: isolated (new network namespace, loopback down)" in report.applied


@needs_root
def test_network_left_on_when_allowed(workdir: Path, listener: int) -> None:
    report, inside = run_sandboxed(lambda _: _connect(listener), Limits(network=True), workdir)
    assert inside == "connected"
    assert "network: left enabled (limits.network=True)" in report.applied


@needs_root
def test_privileges_dropped_to_nobody(workdir: Path) -> None:
    outside = workdir.parent / f"{workdir.name}-target"
    outside.write_text("root's")
    (workdir / "link").symlink_to(outside)  # a submitted symlink must not make chown follow it

    def whoami(report: SandboxReport) -> dict[str, Any]:
        result: dict[str, Any] = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid()}
        result["groups"] = os.getgroups()
        try:
            result["/root"] = sorted(os.listdir("/root"))
        except PermissionError:
            result["/root"] = "denied"
        try:
            os.setuid(0)
            result["setuid"] = "regained root"
        except PermissionError:
            result["setuid"] = "denied"
        result["workdir owner"] = workdir.stat().st_uid
        result["notebook owner"] = (workdir / "submission.ipynb").stat().st_uid
        return result

    try:
        report, result = run_sandboxed(whoami, Limits(), workdir)
        assert result["uid"] != 0 and result["euid"] != 0 and result["gid"] != 0
        assert result["uid"] == report.uid
        assert result["groups"] == []
        # /root is closed, or (when the interpreter lives there, as with pyenv) shows only the
        # entries on the way to the interpreter, bound into an otherwise empty tmpfs.
        on_the_way = {
            Path(p).resolve().relative_to("/root").parts[0]
            for p in [sys.base_prefix, sys.prefix, *sys.path]
            if p
            and Path(p).resolve().is_relative_to("/root")
            and Path(p).resolve() != Path("/root")
        }
        assert result["/root"] == "denied" or set(result["/root"]) <= on_the_way
        assert result["setuid"] == "denied"
        assert result["workdir owner"] == result["notebook owner"] == result["uid"]
        assert outside.stat().st_uid == 0
    finally:
        outside.unlink()


def test_environment_is_minimal(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_TOKEN", "t0ken")
    monkeypatch.setenv("GRADER_API_TOKEN", "t0ken")
    monkeypatch.setenv("LC_SECRET_KEY", "k3y")  # kept by prefix, dropped by its name
    monkeypatch.setenv("DB_PASSWORD", "pw")
    monkeypatch.setenv("COURSE_ROOT", "/srv/course")
    monkeypatch.setenv("LANG", "C.UTF-8")
    path = os.environ["PATH"]

    report, env = run_sandboxed(lambda _: dict(os.environ), Limits(), workdir)
    assert not [name for name in env if "TOKEN" in name.upper()]
    assert not [name for name in env if name.startswith("JUPYTER")]
    assert "LC_SECRET_KEY" not in env and "DB_PASSWORD" not in env and "COURSE_ROOT" not in env
    assert env["PATH"] == path and env["LANG"] == "C.UTF-8"
    assert env["HOME"] == env["TMPDIR"] == str(workdir.resolve())
    assert "GRADER_API_TOKEN" in report.env_dropped  # names only, never values
    assert "t0ken" not in repr(report)


@needs_linux
def test_degrades_gracefully_without_root(workdir: Path) -> None:
    def become_unprivileged() -> None:
        if os.geteuid() == 0:  # CI runs as root: play an unprivileged grader
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)

    if os.geteuid() == 0:
        os.chown(workdir, 65534, 65534)

    def probe(report: SandboxReport) -> dict[str, Any]:
        return {"uid": os.getuid(), "rlimits": report.rlimits}

    limits = Limits(hidden_paths=(Path("/etc/hostname"),))
    report, result = run_sandboxed(probe, limits, workdir, before=become_unprivileged)
    assert not report.complete
    assert "network: not isolated (not root)" in report.skipped
    assert any(note.startswith("hidden paths: not hidden (not root)") for note in report.skipped)
    assert any(note.startswith("privileges: not dropped (not root") for note in report.skipped)
    # What any user may set still is.
    assert {"core", "file size", "address space", "processes"} <= set(result["rlimits"])
    assert result["rlimits"]["core"] == 0


@pytest.mark.slow
def test_torch_child_keeps_working_under_the_limits(workdir: Path) -> None:
    """As in the real zygote: torch imported before the sandbox; it maps far more address
    space than memory_mb, which the limit is relative to."""

    def import_torch() -> None:
        import torch  # noqa: F401

    def compute(report: SandboxReport) -> dict[str, Any]:
        import torch

        # This child is forked from pytest, which may already have used torch's OpenMP pool
        # (the checker tests do); GNU OpenMP hangs in a fork of a process whose pool exists.
        # The zygote never starts the pool, and runs its children with OMP_NUM_THREADS=1.
        torch.set_num_threads(1)
        a = torch.ones(500, 500)
        result: dict[str, Any] = {"matmul": float((a @ a)[0, 0])}
        try:
            torch.empty(4 * 2**30, dtype=torch.uint8)
            result["huge tensor"] = "allocated"
        except (MemoryError, RuntimeError) as exc:
            result["huge tensor"] = type(exc).__name__
        try:
            bytearray(4 * 2**30)
        except MemoryError:
            result["huge bytes"] = "MemoryError"
        return result

    _, result = run_sandboxed(
        compute, Limits(memory_mb=512), workdir, before=import_torch, timeout=120
    )
    assert result["matmul"] == 500.0
    assert result["huge tensor"] in ("MemoryError", "RuntimeError")
    assert result["huge bytes"] == "MemoryError"


def test_report_summary_lists_both_kinds() -> None:
    report = SandboxReport(applied=["core: limited to 0"], skipped=["network: not isolated (x)"])
    assert report.summary() == "applied: core: limited to 0\nNOT applied: network: not isolated (x)"
    assert not report.complete
    assert dataclasses.replace(report, skipped=[]).complete


@pytest.mark.skipif(os.geteuid() != 0, reason="privileges are dropped only as root")
def test_modules_not_imported_before_the_drop_still_import(workdir: Path) -> None:
    # The interpreter may live under a closed home (pyenv in /root): the sandbox must keep
    # the standard library importable for the unprivileged user.
    def import_fresh(report: SandboxReport) -> dict[str, Any]:
        fresh = [name for name in ("wave", "colorsys", "netrc") if name not in sys.modules]
        for name in fresh:
            importlib.import_module(name)
        return {"uid": os.getuid(), "imported": fresh}

    _report, result = run_sandboxed(import_fresh, Limits(), workdir)
    assert result["uid"] != 0
    assert result["imported"], "every probe module was already imported: pick others"
