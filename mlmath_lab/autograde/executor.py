"""Run notebooks in forked children of a pre-warmed zygote, in place of a fresh kernel each.

A kernel costs 4-5 s to start and import torch; a fork of a process that already imported it
costs milliseconds. The zygote (``zygote.py``) is a fresh interpreter, not a fork of the
caller, because the caller holds sqlite connections (the gradebook) and threads, which a fork
would copy in an undefined state. See ``zygote.py`` for the protocol.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import math
import os
import queue
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..course.kernelinfo import LANGUAGE_INFO  # what ipykernel reports; nbclient records it
from .cgroups import CONTROLLERS, RunCgroups, SubmissionCgroup, resident_bytes
from .limits import Limits
from .zygote import FrameTooLarge, recv_frame, send_frame

if TYPE_CHECKING:
    # nbformat's import costs 2 s here (jsonschema's format checkers): ``run`` imports it,
    # so that starting a zygote early (``launch_early_zygote``) does not wait for it
    from nbformat import NotebookNode

    from .verdicts import TestCellPlan, VerdictPlans

DEFAULT_PRELOAD = (
    "numpy",
    "torch",
    "matplotlib",
    "mlmath_lab.checks",
    "mlmath_lab.exercises.linear_algebra",
)
SANDBOX_ENTRY = "mlmath_lab.autograde.sandbox:enter_sandbox"
# torch.optim's first step() imports it (1.5 s): preloaded only where a notebook steps one
OPTIMIZER_PRELOAD = "torch._dynamo"


# What a child of autograde needs without torch: the verdicts are decided in the grader, so
# the children import torch only for notebooks whose own code uses it.
AUTOGRADE_BASE_PRELOAD = ("numpy", "matplotlib", "mlmath_lab.checks")


def autograde_preload(root: Path, assignment: str) -> tuple[str, ...]:
    """What the zygote grading ``assignment`` preloads. torch (2 s to import, and a reference
    for most exercises that a submission's own process has no need to hold) only when a code
    cell of its source notebooks uses torch (04's and 07's demos); torch._dynamo as well when
    one steps a torch optimizer (torch.optim's first step imports it)."""
    uses_torch = uses_optim = False
    for path in sorted((root / "source" / assignment).glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            return DEFAULT_PRELOAD  # unreadable here: the grader will say why; preload all
        for cell in cells:
            source = cell.get("source", "") if isinstance(cell, dict) else ""
            text = "".join(source) if isinstance(source, list) else str(source)
            if cell.get("cell_type") == "code" and "torch" in text:
                uses_torch = True
                uses_optim = uses_optim or "optim" in text
    if not uses_torch:
        return AUTOGRADE_BASE_PRELOAD
    return (*DEFAULT_PRELOAD, OPTIMIZER_PRELOAD) if uses_optim else DEFAULT_PRELOAD


# A cell that ignores SIGALRM (stuck in C code) is killed this long after its timeout.
HARD_STOP_GRACE_S = 5.0
# Time for a forked child to say hello and enter the sandbox.
SETUP_TIMEOUT_S = 30.0
# How long to wait for the zygote to report why a dead child died.
EXIT_STATUS_WAIT_S = 2.0


@dataclass
class ExecutionResult:
    notebook: NotebookNode  # the notebook run, its code cells with outputs and execution counts
    problem: str | None  # None, or what went wrong, in words an instructor understands
    duration_s: float
    # names the submission had patched (check library, numpy, torch) and the grader put back
    restored: list[str] = dataclasses.field(default_factory=list)


class _Stopped(Exception):
    """The run cannot go on; the message is the result's ``problem``."""


class PrewarmedExecutor:
    """Runs notebooks as a kernel would, each in its own forked child of one warm zygote.

    ``run`` is thread-safe: each call has its own connection and child.
    """

    def __init__(
        self,
        limits: Limits,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        *,
        sandbox: str = SANDBOX_ENTRY,
        start_timeout: float = 180.0,
        lazy: bool = False,
        uids: Sequence[int] = (),
        require_sandbox: bool = False,
        cgroups: bool = True,
        checkers: bool = True,
    ) -> None:
        self.limits = limits
        self.preload = tuple(preload)
        self.sandbox = sandbox  # "module:function" called in the child before student code
        self.start_timeout = start_timeout
        self.lazy = lazy  # ``with`` only launches the zygote; the first ``run`` waits for it
        # Output is JSON in the frame: escaping can grow text up to 6 bytes a character.
        self.max_frame_bytes = 8 * limits.max_output_bytes + (1 << 20)
        self._zygote: _ZygoteProcess | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None
        self._socket_path = ""
        self._lock = threading.Lock()
        self._exited = threading.Condition(self._lock)
        self._exit_status: dict[int, int] = {}
        self._live: set[int] = set()
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()  # set once the zygote said "ready" or failed to
        self._start_error: str | None = None
        # One user per submission running at once (as root): a submission cannot read the
        # working copy of, or signal, one running beside it, and has its own process budget.
        self._uids: queue.Queue[int] | None = None
        if uids:
            self._uids = queue.Queue()
            for uid in uids:
                self._uids.put(uid)
        self.require_sandbox = require_sandbox  # refuse to run student code in a partial one
        self.missing_protections: dict[str, None] = {}  # what the sandbox could not apply
        # One control group per submission (memory, processes, CPU) where the machine allows
        # it (cgroups.py); None: rlimits only, and ``cgroups_note`` says why.
        self.use_cgroups = cgroups
        # False: the zygote never loads the course's checkers (their references), so no
        # child can call them; graded cells are then all decided in the grader
        self.checkers = checkers
        self._cgroups: RunCgroups | None = None
        self.cgroups_note = "not asked for" if not cgroups else ""
        self._groups: dict[int, SubmissionCgroup] = {}

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the zygote and wait until it is warm (or raise why it could not start)."""
        self.launch()
        try:
            self.wait_ready()
        except BaseException:
            self.close()
            raise

    def launch(self) -> None:
        """Start the zygote without waiting for it: its imports (seconds) overlap the caller's
        work. ``run`` waits for it; ``wait_ready`` raises if it could not start."""
        if self._proc is not None:
            raise RuntimeError("the executor is already started")
        if self.use_cgroups:
            self._cgroups, self.cgroups_note = RunCgroups.create(self.limits)
        zygote = _take_early_zygote(
            self.preload, self.sandbox, self.checkers
        ) or _ZygoteProcess.start(
            self.preload, self.sandbox, _zygote_environment(), checkers=self.checkers
        )
        self._zygote = zygote
        self._proc, self._dir, self._socket_path = zygote.proc, zygote.dir, zygote.socket_path
        self._ready.clear()
        self._start_error = None
        self._reader = threading.Thread(
            target=self._read_reports, args=(self._proc,), name="zygote-reports", daemon=True
        )
        self._reader.start()

    def wait_ready(self) -> None:
        """Block until the zygote is warm; raise ``RuntimeError`` (with its log) if it is not."""
        if self._proc is None and not self._ready.is_set():
            raise RuntimeError("start() the executor first")  # never launched
        self._ready.wait(self.start_timeout + 5)
        error = (
            self._start_error
            if self._ready.is_set()
            else f"the autograde executor did not say it was ready within {self.start_timeout:g} s"
        )
        if error is not None:
            raise RuntimeError(error)

    def close(self) -> None:
        zygote, self._zygote, self._proc = self._zygote, None, None
        if zygote is not None:
            with self._lock:
                live = set(self._live)
            for pid in live:  # running submissions end now, not when the zygote gets to them
                self._kill(pid)
            zygote.stop()  # it kills its children and exits
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        if zygote is not None:
            zygote.remove()  # after the reader, which may still read the log
        if self._cgroups is not None:
            self._cgroups.remove()
            self._cgroups = None
        self._dir = None
        # A run waiting for the zygote, or started after this, fails now with a reason.
        if self._start_error is None:
            self._start_error = "the autograde executor was closed"
        self._ready.set()

    def __enter__(self) -> PrewarmedExecutor:
        if self.lazy:
            self.launch()
        else:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- running --------------------------------------------------------------------------

    def run(
        self, nb: NotebookNode, workdir: Path, verdicts: VerdictPlans | None = None
    ) -> ExecutionResult:
        """Run the code cells of ``nb`` (in place) in a new child working in ``workdir``.

        A graded cell that ``verdicts`` has a plan for is decided here, in the grader
        (``verdicts.decide_cell``): the child only calls the student's functions."""
        self.wait_ready()
        started = time.monotonic()
        deadline = started + self.limits.notebook_timeout
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        problem: str | None = None
        pid: int | None = None
        restored: list[str] = []
        widgets: dict[str, Any] = {}
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        uid = self._uids.get() if self._uids is not None else None
        try:
            sock.connect(self._socket_path)
            pid = self._hello(sock, started + SETUP_TIMEOUT_S)
            group = self._join_cgroups(pid)
            self._setup(sock, pid, Path(workdir), started + SETUP_TIMEOUT_S, uid, group)
            for index, cell in enumerate(nb.cells):
                # nbclient runs code cells that are not blank, and only those.
                if cell.cell_type == "code" and cell.source.strip():
                    plan = (
                        verdicts.plan_for(cell.source)
                        if verdicts is not None and _is_graded_test(cell)
                        else None
                    )
                    if plan is not None:
                        self._decide_cell(sock, pid, index, cell, deadline, plan)
                    else:
                        restored += self._run_cell(sock, pid, index, cell, deadline, widgets)
        except _Stopped as stop:
            problem = str(stop)
        except OSError as exc:
            problem = f"the grader lost its connection to the notebook's process: {exc}"
        finally:
            sock.close()  # the child exits on EOF
            if pid is not None:
                self._finish(pid)
                self._leave_cgroups(pid)
            if uid is not None and self._uids is not None:
                # reused only once everything the submission started is gone (_finish)
                self._uids.put(uid)
        restored = list(dict.fromkeys(restored))
        if problem is None and widgets.get("state"):
            # As nbclient, once every cell ran: the widgets' state, for feedback to show them.
            nb.metadata["widgets"] = _from_dict(widgets["state"])
        return ExecutionResult(nb, problem, time.monotonic() - started, restored)

    def _hello(self, sock: socket.socket, deadline: float) -> int:
        hello = self._receive(sock, None, deadline, "starting")
        pid = int(hello["pid"])
        with self._lock:
            self._live.add(pid)
        return pid

    def _join_cgroups(self, pid: int) -> SubmissionCgroup | None:
        """Make the new child's groups. Moving a process between groups waits for the
        kernel (an RCU grace period, 5-20 ms), so ``_setup`` moves it while the child enters
        the sandbox; the child runs nothing of the student's before."""
        if self._cgroups is None:
            return None
        if not self._cgroups.baseline_bytes and self._zygote is not None:
            # what a child can copy from the zygote is not the student's to pay for
            self._cgroups.baseline_bytes = resident_bytes(self._zygote.proc.pid)
        try:
            group = self._cgroups.submission(pid, later=CONTROLLERS)
        except OSError as error:
            raise _Stopped(
                "the grader could not give the notebook's process its control groups "
                f"({error.strerror or error}); no cell was run"
            ) from None
        with self._lock:
            self._groups[pid] = group
        return group

    def _leave_cgroups(self, pid: int) -> None:
        with self._lock:
            group = self._groups.pop(pid, None)
        if group is not None and self._cgroups is not None:
            # anything that escaped the process group and the PID namespace ends here too
            self._cgroups.retire(group)

    def _setup(
        self,
        sock: socket.socket,
        pid: int,
        workdir: Path,
        deadline: float,
        uid: int | None,
        group: SubmissionCgroup | None = None,
    ) -> None:
        limits = dataclasses.asdict(self.limits)
        limits["hidden_paths"] = [str(p) for p in self.limits.hidden_paths]
        setup: dict[str, Any] = {"limits": limits, "workdir": str(workdir)}
        if uid is not None:
            setup["uid"] = uid
        send_frame(sock, {"setup": setup})
        if group is not None:
            try:
                group.add(pid, group.pending)  # while the child enters the sandbox
            except OSError as error:
                raise _Stopped(
                    "the grader could not give the notebook's process its control groups "
                    f"({error.strerror or error}); no cell was run"
                ) from None
        reply = self._receive(sock, pid, deadline, "preparing its isolated process")
        if group is not None:
            # anything the sandbox forked before the move (a relay) joins the groups too
            try:
                group.settle()
            except OSError as error:
                raise _Stopped(
                    "the grader could not give the notebook's process its control groups "
                    f"({error.strerror or error}); no cell was run"
                ) from None
        if "error" in reply:
            last = reply["error"].strip().splitlines()[-1:]
            raise _Stopped(
                f"the grader could not isolate the notebook's process ({' '.join(last)}); "
                "no cell was run"
            )
        missing = [str(note) for note in reply.get("missing", [])]
        with self._lock:
            self.missing_protections.update(dict.fromkeys(missing))
        if missing and self.require_sandbox:
            raise _Stopped(
                "its process could not be fully isolated on this machine ("
                + "; ".join(missing)
                + ") and c.Autograder.require_sandbox is set: no cell was run"
            )

    def _run_cell(
        self,
        sock: socket.socket,
        pid: int,
        index: int,
        cell: NotebookNode,
        deadline: float,
        widgets: dict[str, Any],
    ) -> list[str]:
        from .verdicts import ChildLost

        where = _cell_name(index, cell)
        _soft, hard = self._cell_deadlines(where, deadline)
        channel = _Channel(self, sock, pid, where, deadline)
        try:
            channel.send({"source": cell.source, "graded": _is_instructor_cell(cell)})
            reply = channel.receive(hard)
        except ChildLost as lost:
            raise _Stopped(str(lost)) from None
        cell.outputs = [_from_dict(output) for output in reply["outputs"]]
        cell.execution_count = reply["execution_count"]
        if reply.get("widgets") is not None:
            widgets["state"] = reply["widgets"]
        return [str(name) for name in reply.get("restored", [])]

    def _decide_cell(
        self,
        sock: socket.socket,
        pid: int,
        index: int,
        cell: NotebookNode,
        deadline: float,
        plan: TestCellPlan,
    ) -> None:
        """A graded cell decided in the grader, on the student's functions in the child."""
        from .verdicts import ChildLost, StudentProcessError, decide_cell

        where = _cell_name(index, cell)
        soft, hard = self._cell_deadlines(where, deadline)
        channel = _Channel(self, sock, pid, where, deadline)
        try:
            verdict = decide_cell(channel, plan, soft, hard)
        except ChildLost as lost:
            raise _Stopped(str(lost)) from None
        except StudentProcessError as error:
            self._kill(pid)
            raise _Stopped(
                f"{where}: {error}; its process was stopped and later cells were not run"
            ) from None
        cell.outputs = [_from_dict(output) for output in verdict.outputs]
        cell.execution_count = verdict.execution_count

    def _cell_deadlines(self, where: str, deadline: float) -> tuple[float, float]:
        """When a cell starting now times out, and when its process is killed if it does
        not stop (both within the notebook's own deadline)."""
        now = time.monotonic()
        if now >= deadline:
            raise _Stopped(self._notebook_timeout(where))
        return (
            min(now + self.limits.cell_timeout, deadline),
            min(now + self.limits.cell_timeout + HARD_STOP_GRACE_S, deadline),
        )

    def _notebook_timeout(self, where: str) -> str:
        return (
            f"the notebook ran longer than {self.limits.notebook_timeout:g} s and was stopped "
            f"(in {where})"
        )

    def _receive(self, sock: socket.socket, pid: int | None, deadline: float, where: str) -> Any:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:  # TimeoutError (the socket's timeout) goes to the caller
            message = recv_frame(sock, self.max_frame_bytes)
        except FrameTooLarge as exc:
            if pid is not None:
                self._kill(pid)
            raise _Stopped(
                f"output too large: {where} produced a {exc.args[0]}-byte message "
                f"(the limit is {self.max_frame_bytes}); its process was killed"
            ) from None
        if message is None:
            raise _Stopped(self._death(pid, where))
        return message

    def _death(self, pid: int | None, where: str) -> str:
        """Why the child closed the connection, from the exit status the zygote reported."""
        status = self._wait_exit(pid) if pid is not None else None
        if status is None:
            return f"the notebook's process ended unexpectedly in {where}"
        if os.WIFEXITED(status):
            code = os.WEXITSTATUS(status)
            return (
                f"the student's code ended the process (os._exit({code}) or similar) in {where}; "
                "later cells were not run"
            )
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            with self._lock:
                group = self._groups.get(pid) if pid is not None else None
            if sig == signal.SIGKILL and group is not None and group.oom_killed():
                return (
                    f"killed in {where}: its processes together used more than "
                    f"{self.limits.memory_mb} MB of memory (files in /tmp count too); "
                    "later cells were not run"
                )
            if sig == signal.SIGKILL:
                return (
                    f"killed in {where}: most likely it used more than "
                    f"{self.limits.memory_mb} MB of memory, or more than "
                    f"{self._cpu_seconds()} s of CPU time; later cells were not run"
                )
            if sig == signal.SIGXFSZ:
                return (
                    f"killed in {where}: it wrote a file larger than {self.limits.max_file_mb} MB"
                )
            if sig == signal.SIGXCPU:
                return (
                    f"killed in {where}: it used more than {self._cpu_seconds()} s of CPU time "
                    "(threads add up; c.Autograder.notebook_timeout); later cells were not run"
                )
            return (
                f"the process crashed in {where} ({signal.Signals(sig).name}: "
                f"{signal.strsignal(sig)}); later cells were not run"
            )
        return f"the notebook's process ended unexpectedly in {where}"

    def _cpu_seconds(self) -> int:
        return max(1, math.ceil(self.limits.notebook_timeout))  # as the sandbox limits it

    # -- children -------------------------------------------------------------------------

    def _wait_exit(self, pid: int) -> int | None:
        with self._exited:
            self._exited.wait_for(lambda: pid in self._exit_status, timeout=EXIT_STATUS_WAIT_S)
            return self._exit_status.get(pid)

    def _kill(self, pid: int) -> None:
        with self._lock:
            if pid in self._exit_status:  # reaped: the pid may already belong to another
                return
        for kill in (os.killpg, os.kill):  # the child leads its own process group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(pid, signal.SIGKILL)

    def _finish(self, pid: int) -> None:
        """Forget a child; kill what the student's code started and left behind."""
        with self._lock:
            self._live.discard(pid)
            self._exit_status.pop(pid, None)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)

    def _read_reports(self, proc: subprocess.Popen[bytes]) -> None:
        """The zygote's stdout: first "ready", then one "exit PID STATUS" line per child."""
        assert proc.stdout is not None
        line = self._readline(proc.stdout, time.monotonic() + self.start_timeout)
        if line != "ready":
            log = self._dir / "zygote.log" if self._dir is not None else None
            log_text = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
            self._start_error = (
                f"the autograde executor could not start (preloading {', '.join(self.preload)} "
                f"and the sandbox {self.sandbox}):\n{log_text}"
            )
            self._ready.set()
            return
        self._ready.set()
        for raw in proc.stdout:
            parts = raw.decode(errors="replace").split()
            if len(parts) == 3 and parts[0] == "exit":
                pid = int(parts[1])
                with self._exited:
                    # Only children of a run in progress: a stale status would stop _kill
                    # from killing a later child that happens to get the same pid.
                    if pid in self._live:
                        self._exit_status[pid] = int(parts[2])
                        self._exited.notify_all()

    @staticmethod
    def _readline(stream: Any, deadline: float) -> str:
        """One line from the zygote, or "" if it died or said nothing before ``deadline``."""
        data = b""
        fd = stream.fileno()
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return ""
            chunk = os.read(fd, 1)  # byte by byte: what follows belongs to the reader thread
            if not chunk:
                return ""
            data += chunk
        return data.decode(errors="replace").strip()


class _Channel:
    """One child's connection, as ``verdicts`` uses it: every way of losing the child is a
    ``ChildLost`` with the reason the executor gives for it."""

    def __init__(
        self,
        executor: PrewarmedExecutor,
        sock: socket.socket,
        pid: int,
        where: str,
        deadline: float,
    ) -> None:
        self.executor, self.sock, self.pid, self.where = executor, sock, pid, where
        self.notebook_deadline = deadline

    def send(self, message: dict[str, Any]) -> None:
        from .verdicts import ChildLost

        try:
            send_frame(self.sock, message)
        except OSError as exc:
            raise ChildLost(
                f"the grader lost its connection to the notebook's process: {exc}"
            ) from None

    def receive(self, deadline: float) -> Any:
        from .verdicts import ChildLost

        executor = self.executor
        try:
            return executor._receive(self.sock, self.pid, deadline, self.where)
        except _Stopped as stop:
            raise ChildLost(str(stop)) from None
        except TimeoutError:
            executor._kill(self.pid)
            if deadline >= self.notebook_deadline:
                raise ChildLost(executor._notebook_timeout(self.where)) from None
            raise ChildLost(
                f"{self.where} ran longer than {executor.limits.cell_timeout:g} s and did not "
                "stop when interrupted, so its process was killed; later cells were not run"
            ) from None
        except OSError as exc:
            raise ChildLost(
                f"the grader lost its connection to the notebook's process: {exc}"
            ) from None


@dataclass
class _ZygoteProcess:
    """A started zygote: its process, its private folder, and the socket it will listen on."""

    proc: subprocess.Popen[bytes]
    dir: Path
    socket_path: str
    preload: tuple[str, ...]
    sandbox: str
    checkers: bool = True

    @classmethod
    def start(
        cls, preload: tuple[str, ...], sandbox: str, env: dict[str, str], checkers: bool = True
    ) -> _ZygoteProcess:
        folder = Path(tempfile.mkdtemp(prefix="mlmath-lab-zygote-"))  # mode 0700
        socket_path = str(folder / "zygote.sock")
        # "folder": the zygote removes it when it exits, even if the grader was killed
        config = {
            "socket": socket_path,
            "preload": preload,
            "sandbox": sandbox,
            "folder": str(folder),
            "checkers": checkers,
        }
        with open(folder / "zygote.log", "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mlmath_lab.autograde.zygote", json.dumps(config)],
                stdin=subprocess.PIPE,  # its EOF tells the zygote we are gone
                stdout=subprocess.PIPE,  # "ready", then "exit PID STATUS" lines
                stderr=log,
                cwd=folder,
                env=env,
                # Its own session: a Ctrl-C in the terminal reaches us, and we clean up.
                start_new_session=True,
            )
        return cls(proc, folder, socket_path, preload, sandbox, checkers)

    def stop(self) -> None:
        """End the process: EOF on its stdin, then SIGKILL if it has not exited in 10 s."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # the zygote exits on EOF
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def remove(self) -> None:
        """Its folder (the zygote removes it itself when it shuts down cleanly)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    def discard(self) -> None:
        self.stop()
        self.remove()


_early: _ZygoteProcess | None = None
_early_lock = threading.Lock()


def launch_early_zygote(preload: Sequence[str] = DEFAULT_PRELOAD, checkers: bool = True) -> None:
    """Start a zygote now, for an autograde (or validate) run about to begin: its imports
    (seconds of torch) overlap the command's own start-up and configuration, instead of
    starting when the run reaches its first notebook. The run's executor adopts it
    (``launch``) if it wants the same ``preload``; one that is never adopted is stopped at
    exit."""
    global _early
    with _early_lock:
        if _early is not None:
            return
        env = _zygote_environment()
        env["NBGRADER_EXECUTION"] = "autograde"  # as the run sets it around its executor
        _early = _ZygoteProcess.start(tuple(preload), SANDBOX_ENTRY, env, checkers=checkers)
    atexit.register(_stop_early_zygote)


def _take_early_zygote(
    preload: tuple[str, ...], sandbox: str, checkers: bool = True
) -> _ZygoteProcess | None:
    """The early zygote, if it is still running and preloads what this executor wants."""
    global _early
    with _early_lock:
        early, _early = _early, None
    if early is None:
        return None
    wanted = (preload, sandbox, checkers)
    if early.proc.poll() is None and (early.preload, early.sandbox, early.checkers) == wanted:
        return early
    early.discard()
    return None


def _stop_early_zygote() -> None:
    global _early
    with _early_lock:
        early, _early = _early, None
    if early is not None:
        early.discard()


def _from_dict(value: Any) -> Any:
    from nbformat import from_dict

    return from_dict(value)


def _is_instructor_cell(cell: NotebookNode) -> bool:
    """A graded or locked cell (nbgrader restores its source): it runs on unpatched checks."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("locked")) and not meta.get("solution")


def _is_graded_test(cell: NotebookNode) -> bool:
    """An autograded test cell: graded, not a solution (nbgrader restored its source)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _cell_name(index: int, cell: NotebookNode) -> str:
    name = f"cell {index + 1}"
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"{name} ({grade_id})" if grade_id else name


def _zygote_environment() -> dict[str, str]:
    """One compute thread per child unless the instructor chose otherwise.

    Submissions already run in parallel, one per core; thread pools in every child would
    oversubscribe the cores, count against the sandbox's process limit, and GNU OpenMP is not
    fork-safe once its pool exists.
    """
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env.setdefault(name, "1")
    return env
