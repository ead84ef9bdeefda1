"""A submission's own PID namespace: it sees only its own processes, and all of them end with it.

``unshare(CLONE_NEWPID)`` does not move the calling process; its next child is the first
process (PID 1) of the new namespace. So the sandboxed child forks once more: the parent stays
outside as a *relay* that runs no student code, waits for the new PID 1 and exits as it did
(the same code, or the same signal), so the executor reads the same exit status as before; the
child goes on to run the submission. When PID 1 ends, the kernel kills every other process in
its namespace, so nothing the submission started (a daemon, a ``setsid`` grandchild, a traced
zombie) outlives it; when the relay is killed, PID 1 gets ``SIGKILL`` (parent-death signal).

A fresh ``/proc`` is mounted in the namespace (the mount namespace is already the child's own),
so ``/proc`` lists only the submission's processes: classmates running at the same time are
neither visible nor reachable.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from typing import Protocol

CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8

_libc = ctypes.CDLL(None, use_errno=True)


class Report(Protocol):
    applied: list[str]
    skipped: list[str]


class NewNamespaceForEachFork:
    """The zygote's side: each child it forks is PID 1 of a new PID namespace, without the
    relay (a second fork of a process that imported torch: about 15 ms a submission).

    ``unshare(CLONE_NEWPID)`` sets the namespace of the caller's next children; a second
    ``unshare`` is refused until the caller ``setns``-es back to its own namespace, so each
    fork is preceded by both. Root only; where either fails, the child forks as before and
    ``enter_pid_namespace`` makes the namespace with a relay."""

    def __init__(self) -> None:
        self.fd: int | None = None
        if sys.platform.startswith("linux") and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                self.fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def before_fork(self) -> bool:
        """True when the next child will be PID 1 of a namespace of its own."""
        if self.fd is None:
            return False
        if _libc.setns(self.fd, CLONE_NEWPID) != 0:
            return False
        return bool(_libc.unshare(ctypes.c_int(CLONE_NEWPID)) == 0)

    def in_child(self) -> None:
        """In the forked child: it keeps no handle on the zygote's namespace."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def host_pid() -> int:
    """This process's pid as the machine (the executor) sees it, also as PID 1 of its own
    namespace: /proc is still the machine's until the sandbox mounts its own."""
    with contextlib.suppress(OSError, ValueError):
        return int(os.readlink("/proc/self"))
    return os.getpid()


def enter_pid_namespace(report: Report) -> None:
    """As root on Linux, after the mount namespace is made: become PID 1 of a new PID
    namespace (the caller returns in that process; the relay never returns). A child the
    zygote forked into a namespace of its own is PID 1 already: it only mounts /proc."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        report.skipped.append("processes: not in their own PID namespace (not root on Linux)")
        return
    if os.getpid() == 1:
        _mount_proc(report)
        return
    if _libc.unshare(ctypes.c_int(CLONE_NEWPID)) != 0:
        error = os.strerror(ctypes.get_errno())
        report.skipped.append(f"processes: not in their own PID namespace (unshare: {error})")
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid != 0:
        os.close(write_end)
        _relay(pid, read_end)  # never returns
    os.close(read_end)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    os.close(write_end)  # the relay's cue that PID 1 exists and has its death signal
    _mount_proc(report)


def _mount_proc(report: Report) -> None:
    """A /proc of the new namespace (the mount namespace is the child's own already)."""
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    if _libc.mount(b"proc", b"/proc", b"proc", ctypes.c_ulong(flags), None) != 0:
        error = os.strerror(ctypes.get_errno())
        report.skipped.append(f"/proc: shows every process of the machine (mount: {error})")
        report.applied.append("processes: own PID namespace (all end with the submission)")
        return
    report.applied.append(
        "processes: own PID namespace and /proc (sees only its own; all end with it)"
    )


def _relay(pid: int, ready: int) -> None:
    """Wait for PID 1 and end as it ended; hold nothing else open (the executor sees the
    connection close when PID 1 closes it, not when every copy of it is closed)."""
    with contextlib.suppress(OSError):
        os.read(ready, 1)  # returns once PID 1 closed its end
    for fd in _open_fds():
        if fd > 2:
            with contextlib.suppress(OSError):
                os.close(fd)
    status = 0
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
            os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: the usual range
        return list(range(3, 1024))
