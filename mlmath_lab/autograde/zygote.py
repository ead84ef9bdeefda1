"""The zygote: a process that imported numpy, torch and the check library once, then forks one
child per submission. Started by :class:`~mlmath_lab.autograde.executor.PrewarmedExecutor` as
``python -m mlmath_lab.autograde.zygote CONFIG_JSON``.

Protocol (all messages are frames: a 4-byte big-endian length, then UTF-8 JSON):

- zygote → executor, on stdout: the line ``ready`` once the preloads are imported, then one line
  ``exit PID STATUS`` per child it reaps (the executor says *why* a child died from it);
- executor → child, over one Unix-socket connection per run: the child sends ``{"pid"}``; the
  executor sends ``{"setup": {limits, workdir}}``; the child enters the sandbox and answers
  ``{"ok"}`` or ``{"error"}``; then, per code cell, ``{"source"}`` → ``{"outputs",
  "execution_count"}`` (and ``"widgets"``, the notebook's widget state, when it changed).
  The next cell is sent only after the previous one's outputs came back, so later (hidden)
  test cells are never in the child's memory before they run. EOF ends it.
- the zygote exits, killing its children, when its stdin closes (the executor closed it or
  died) or on SIGTERM.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEADER = struct.Struct("!I")

# ipykernel sets this so that matplotlib draws into display_data, as the kernel does.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# The course's checkers: one module per exercise, each with its reference solution.
COURSE_CHECKERS = "mlmath_lab.exercises"

# prctl(2) options (linux/prctl.h).
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


# Imported too, best effort, besides the preloads: modules that student code and the checks
# import lazily. Once the sandbox dropped privileges, the interpreter's files may be unreadable
# (a Python installed under /root), so what is not imported before the fork may not import at
# all; and an import done here is done once, not once per submission.
WARM_MODULES = (
    "numpy.random",  # numpy imports it lazily; it needs `secrets`
    "numpy.linalg",
    "numpy.fft",
    "torch.nn",
    "torch.nn.functional",
    "matplotlib.pyplot",
    "ipywidgets",  # the notebooks' demos: ~90 ms to import, in every submission otherwise
    "secrets",
    "random",
    "math",
    "cmath",
    "statistics",
    "fractions",
    "decimal",
    "itertools",
    "functools",
    "collections",
    "heapq",
    "bisect",
    "copy",
    "json",
    "re",
    "string",
    "textwrap",
    "time",
    "timeit",
    "dataclasses",
    "typing",
    "inspect",
    "pprint",
    "IPython.core.display",
    "IPython.display",
    "IPython.core.magics",
    "IPython.core.logger",  # the shell imports it at the first cell
)


class FrameTooLarge(Exception):
    """The peer announced a frame larger than the receiver accepts."""


# -- frames ---------------------------------------------------------------------------------


def send_frame(sock: socket.socket, message: Any) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")
    sock.sendall(HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket, max_bytes: int | None = None) -> Any | None:
    """The next message, or None when the peer closed the connection (also mid-frame).

    Honours the socket's timeout (``TimeoutError``); ``FrameTooLarge`` before reading a frame
    over ``max_bytes``, so a hostile child cannot make the executor allocate without bound.
    """
    header = _recv_exactly(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if max_bytes is not None and size > max_bytes:
        raise FrameTooLarge(size)
    data = _recv_exactly(sock, size)
    if data is None:
        return None
    return json.loads(data.decode("utf-8", "surrogatepass"))


# -- process plumbing -----------------------------------------------------------------------


def _prctl(option: int, value: int) -> None:
    """Linux-only; elsewhere the executor's kills and stdin EOF still end every process."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _children_of(ppid: int) -> list[int]:
    """Processes whose parent is ``ppid`` (orphaned grandchildren land here: subreaper)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: split after the last ")".
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == ppid:
            found.append(int(entry.name))
    return found


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)


# -- the zygote -----------------------------------------------------------------------------


class Zygote:
    def __init__(self, config: dict[str, Any]) -> None:
        self.socket_path = config["socket"]
        self.folder: str | None = config.get("folder")  # the executor's folder for this zygote
        self.preload: list[str] = config["preload"]
        # False: the course's checkers (and their references) are never loaded here, so no
        # submission's process can call them; the grader decides every graded cell
        self.checkers: bool = bool(config.get("checkers", True))
        self.sandbox_entry: str = config["sandbox"]
        self.children: set[int] = set()
        self.start_cwd = os.getcwd()

    def prepare(self) -> None:
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        # The shell exists before the preloads, so that matplotlib's inline backend and the
        # check library find it (get_ipython()) exactly as in a kernel.
        from ipykernel.compiler import XCachingCompiler

        from .child import widgets
        from .child.capture import CapturingShell

        # ipykernel's compiler names cells as the kernel does ("1278102326.py"), which shows
        # in SyntaxError messages.
        self.shell = CapturingShell.instance(
            config=_shell_config(), compiler_class=XCachingCompiler
        )
        widgets.install()  # ipywidgets' comms record into the child's widget state
        for name in self.preload:
            if not self.checkers and name.startswith(COURSE_CHECKERS):
                continue
            importlib.import_module(name)
        for name in WARM_MODULES:
            if name.startswith("torch") and "torch" not in self.preload:
                continue  # torch only where it was asked for (autograde_preload)
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        if "matplotlib" in sys.modules:
            with contextlib.suppress(ImportError):
                importlib.import_module("matplotlib_inline.backend_inline")
                _warm_matplotlib()
        module, _, function = self.sandbox_entry.partition(":")
        # Imported here, so that a missing sandbox stops start(), not every submission.
        sandbox = importlib.import_module(module)
        self.enter_sandbox: Callable[..., None] = getattr(sandbox, function)
        if callable(getattr(sandbox, "warm", None)):
            sandbox.warm()  # what every child's sandbox would compute again
        # One throwaway cell warms IPython's compiler, AST transforms and display machinery;
        # it is not stored, so the first student cell is still In[1].
        from .child.capture import CAPTURE

        CAPTURE.start(10_000)
        self.shell.run_cell("None", store_history=False, silent=True)
        self.guard = _import_the_checks() if self.checkers else False
        self.snapshot: Any = None
        if self.guard:
            from mlmath_lab.checks import integrity

            # Taken once here, not in every child: the protected modules are the same in a
            # child before its student code runs, except builtins, which the sandbox changes
            # (input); the child takes builtins again.
            self.snapshot = integrity.Snapshot()
        # What a child imports to answer the grader's calls: once here, not in every child.
        from .child import calls  # noqa: F401

        _freeze_the_heap()

    def serve(self) -> None:
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.socket_path)
        listener.listen(64)
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)  # SIGCHLD wakes select() so children are reaped at once
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: self.shutdown())
        from .pidns import NewNamespaceForEachFork

        namespaces = NewNamespaceForEachFork()
        self._report("ready")
        while True:
            readable, _, _ = select.select([listener, sys.stdin.fileno(), wake_r], [], [], 5.0)
            if wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
            self.reap()
            if sys.stdin.fileno() in readable and not os.read(sys.stdin.fileno(), 4096):
                self.shutdown()
            if listener in readable:
                conn, _ = listener.accept()
                namespaces.before_fork()  # the child: PID 1 of its own namespace (root)
                pid = os.fork()
                if pid == 0:
                    namespaces.in_child()
                    listener.close()
                    signal.set_wakeup_fd(-1)
                    os.close(wake_r)
                    os.close(wake_w)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    try:
                        self.child(conn)
                    finally:
                        os._exit(70)
                self.children.add(pid)
                conn.close()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self._report(f"exit {pid} {status}")

    def shutdown(self) -> None:
        """Kill every child, their groups and any orphan reparented here, then exit."""
        for _ in range(50):
            pids = self.children | set(_children_of(os.getpid()))
            if not pids:
                break
            for pid in pids:
                _kill_group(pid)
            for pid in pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
                self.children.discard(pid)
        with contextlib.suppress(OSError):
            os.unlink(self.socket_path)
        if self.folder:  # a grader killed with SIGKILL could not remove it
            shutil.rmtree(self.folder, ignore_errors=True)
        os._exit(0)

    @staticmethod
    def _report(line: str) -> None:
        with contextlib.suppress(OSError):
            os.write(1, (line + "\n").encode())

    # -- the child ------------------------------------------------------------------------

    def child(self, conn: socket.socket) -> None:
        zygote = os.getppid()
        os.setsid()  # its own process group: the executor kills it and what it started at once
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote gone → this child gone too
        if os.getppid() != zygote:
            os._exit(1)
        # Student code must not write into the zygote's report pipe or the instructor's
        # terminal; fd-level output (C extensions, subprocesses, os.write to fd 1 or 2)
        # becomes the cell's stdout/stderr stream, as ipykernel records it.
        from .child.capture import capture_fd_output

        capture_fd_output(self.shell)
        from .pidns import host_pid

        me = host_pid()  # the executor kills and waits for it by this pid
        send_frame(conn, {"pid": me})
        setup = recv_frame(conn)
        if setup is None:
            os._exit(0)
        try:
            limits, missing = self.enter(setup["setup"])
        except BaseException:
            send_frame(conn, {"error": traceback.format_exc(limit=5)})
            os._exit(1)
        me = os.getpid()  # in its own PID namespace the sandbox may have made, a new pid
        if self.snapshot is not None:
            # After the sandbox (which sets builtins.input), before any student code.
            from mlmath_lab.checks import integrity

            self.snapshot.retake("builtins")
            integrity.install(self.snapshot)
        send_frame(conn, {"ok": True, "missing": missing})
        from .child.capture import CAPTURE, CapturedStream, bounded_widget_state, clean_json
        from .child.widgets import WIDGETS

        sys.stdout = CapturedStream("stdout")
        sys.stderr = CapturedStream("stderr")
        del setup
        while True:
            message = recv_frame(conn)
            if message is None:
                os._exit(0)
            if "source" not in message:  # the grader deciding a graded cell: calls only
                from .child import calls as child_calls

                answer = child_calls.handle(self.shell, conn, message, limits.max_output_bytes)
                if os.getpid() != me:
                    os._exit(0)
                send_frame(conn, answer)
                continue
            restored = self.restore_the_checks() if message.get("graded") else []
            count = self.shell.execution_count
            run_cell(self.shell, message["source"], limits.cell_timeout, limits.max_output_bytes)
            if os.getpid() != me:
                # A copy the student's code forked, back from the cell: only the child itself
                # talks to the executor, or copies would answer for it with their own state.
                os._exit(0)
            restored += self.restored_by_the_checks()
            reply = {"outputs": CAPTURE.outputs, "execution_count": count, "restored": restored}
            if WIDGETS.changed:  # the notebook's widget state so far, as nbclient records it
                # the widgets' state, which a student's code sets: no lone surrogate either
                reply["widgets"] = bounded_widget_state(
                    clean_json(WIDGETS.metadata()), limits.max_output_bytes
                )
                WIDGETS.changed = False
            try:
                send_frame(conn, reply)
            except (TypeError, ValueError) as exc:  # output that JSON cannot carry
                reply["outputs"] = [
                    {"output_type": "stream", "name": "stderr", "text": f"unserialisable: {exc}"}
                ]
                send_frame(conn, reply)

    def restore_the_checks(self) -> list[str]:
        """Before a graded cell: undo the submission's patches of the checks' modules (through
        the zygote's own reference to the snapshot, which student code cannot rebind)."""
        if self.snapshot is None:
            return []
        return [*self.restored_by_the_checks(), *self.snapshot.restore()]

    def restored_by_the_checks(self) -> list[str]:
        """What the checks themselves put back while the cell ran (after student calls)."""
        if self.snapshot is None:
            return []
        from mlmath_lab.checks import integrity

        with contextlib.suppress(Exception):  # the submission may have broken the module
            return integrity.take_restored()
        return []

    def enter(self, setup: dict[str, Any]) -> tuple[Any, list[str]]:
        from .limits import Limits

        fields = dict(setup["limits"])
        fields["hidden_paths"] = tuple(Path(p) for p in fields.get("hidden_paths", ()))
        limits = Limits(**fields)
        workdir = Path(setup["workdir"])
        uid = setup.get("uid")
        report = (
            self.enter_sandbox(limits, workdir)
            if uid is None
            else self.enter_sandbox(limits, workdir, uid=int(uid))
        )
        # what the sandbox could not apply on this machine (the run's summary says it)
        missing = [str(note) for note in getattr(report, "skipped", [])]
        # Changing uid clears the parent-death signal (prctl(2)): set it again.
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        # After the sandbox, which replaces the environment with a minimal one.
        os.environ["NBGRADER_EXECUTION"] = "autograde"  # as nbgrader's Execute sets it
        os.chdir(workdir)
        # `python -m` put the zygote's cwd first on sys.path; a kernel started in the
        # notebook's directory has that directory there, so local modules import.
        if sys.path and sys.path[0] in ("", self.start_cwd):
            sys.path[0] = str(workdir)
        else:
            sys.path.insert(0, str(workdir))
        import builtins

        from IPython.core.error import StdinNotImplementedError

        def no_input(prompt: object = "") -> str:
            # What ipykernel raises when the frontend (nbclient) does not allow stdin.
            raise StdinNotImplementedError(
                "raw_input was called, but this frontend does not support input requests."
            )

        builtins.input = no_input
        return limits, missing


def _import_the_checks() -> bool:
    """With the check library preloaded: import every assignment's checkers once, here, not
    per submission. True when there are checks to guard."""
    if "mlmath_lab.checks" not in sys.modules:
        return False
    from mlmath_lab.checks.registry import assignments_with_checks, checkers_of

    for assignment in assignments_with_checks():
        checkers_of(assignment)
    return True


def _freeze_the_heap() -> None:
    """Move every object the zygote made into the collector's permanent generation.

    A child's first full collection otherwise walks all of them: about 85-95 ms, a third of a
    submission of 01, and writing to each object's header copies every page of the shared heap
    (copy-on-write). Python counts a full collection as due when the objects made since the
    last one exceed a quarter of the long-lived ones, so whether a child pays it depended on
    how much the zygote happened to import. Frozen, the student's own objects are still
    collected, young and old, as in a kernel.
    """
    gc.collect()
    gc.freeze()


def _warm_matplotlib() -> None:
    """Draw one throwaway figure as the inline backend does: the font cache, text layout and
    the PNG writer are loaded once here, not in every submission that plots."""
    import io

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0], [0.0, 1.0], label="$x$")
    ax.set_title("warm-up")
    ax.legend()
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    plt.close(fig)


class CellTimeout(BaseException):
    """Raised in the running cell by SIGALRM; a BaseException so ``except Exception`` in
    student code does not swallow it."""


# nbgrader's Execute.error_on_timeout, verbatim: the output a cell gets when it times out.
TIMEOUT_ENAME = "CellTimeoutError"
TIMEOUT_TRACEBACK = "\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"


def run_cell(shell: Any, source: str, timeout: float, max_output_bytes: int) -> None:
    """Run one cell; its outputs are left in ``CAPTURE.outputs``."""
    from .child.capture import CAPTURE

    CAPTURE.start(max_output_bytes)
    fired = False

    def on_alarm(signum: int, frame: Any) -> None:
        nonlocal fired
        fired = True
        raise CellTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # Re-fires every 0.5 s: code that swallows one (``except BaseException``) gets another.
    signal.setitimer(signal.ITIMER_REAL, timeout, 0.5)
    try:
        shell.run_cell(source, store_history=True, silent=False)
    except CellTimeout:  # fired outside run_code (e.g. in a post-execute hook)
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:
        # IPython recorded the CellTimeout it caught as an error output; nbgrader records
        # its own timeout error instead, which is what feedback should show.
        CAPTURE.outputs = [
            o
            for o in CAPTURE.outputs
            if not (o["output_type"] == "error" and o["ename"] == CellTimeout.__name__)
        ]
        CAPTURE.error(TIMEOUT_ENAME, "", [TIMEOUT_TRACEBACK], from_kernel=False)


def _shell_config() -> Any:
    from traitlets.config import Config

    config = Config()
    # As nbgrader starts its kernels: no history file (and no history thread before fork).
    config.HistoryManager.hist_file = ":memory:"
    return config


def main() -> None:
    zygote = Zygote(json.loads(sys.argv[1]))
    try:
        zygote.prepare()
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(3)
    zygote.serve()


if __name__ == "__main__":
    main()
