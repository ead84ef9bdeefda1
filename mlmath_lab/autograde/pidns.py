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


def enter_pid_namespace(report: Report) -> None:
    """As root on Linux, after the mount namespace is made: become PID 1 of a new PID
    namespace (the caller returns in that process; the relay never returns)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        report.skipped.append("processes: not in their own PID namespace (not root on Linux)")
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
