"""Confine the process that is about to run one student's submission.

The executor forks one child per submission from a pre-warmed "zygote" (numpy and torch already
imported) and calls :func:`enter_sandbox` in that child before any student code runs. Everything
here changes only the calling process (and whatever it later starts): limits, namespaces, uid and
environment are per process, so the zygote and the grader are unaffected. Never call it in a
process you want to keep.

Each step degrades gracefully: where the platform does not allow it (not root, not Linux, a
container without the needed capabilities) it is skipped and the returned
:class:`SandboxReport` says so, so the caller can decide whether a partial sandbox is acceptable
(``report.complete``).

Requirements on the caller:

- ``workdir`` is the submission's own working copy. It must not lie inside one of
  ``limits.hidden_paths`` (it would be hidden too) and, when running as root, every directory
  above it must be searchable by the unprivileged user (e.g. a fresh ``tempfile.mkdtemp()`` in
  ``/tmp``; *not* pytest's ``tmp_path``, whose ``/tmp/pytest-of-root`` is mode 0700). Both are
  checked up front, before anything is changed, and violations raise :class:`ValueError`.
- The child should be single-threaded when it calls this (a freshly forked child is): it
  changes uids for the calling thread's process and unshares namespaces.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlmath_lab.autograde.limits import Limits

if sys.platform != "win32":
    import resource

__all__ = ["SandboxReport", "enter_sandbox"]

MiB = 1024 * 1024
NOBODY_ID = 65534  # the conventional uid/gid of "nobody" when the passwd/group entry is missing

# From <sched.h>, <sys/mount.h> and <linux/prctl.h>; ctypes has no names for them.
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38

# Covered, in the child's mount namespace, by a private tmpfs of min(max_file_mb, this) MiB.
PRIVATE_TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
PRIVATE_TMP_MAX_MB = 256

# Called by enter_sandbox once the process is confined (namespaces entered, privileges
# dropped), just before the process limit is set: a thread the child itself needs (the
# fd-output reader, child/capture.py) starts here, inside the namespaces, and counts among the
# tasks already running, not against the student's max_processes.
BEFORE_PROCESS_LIMIT: list[Callable[[], None]] = []

# Variables the student's code keeps; everything else (JUPYTER_*, the grader's tokens, paths
# into the course) is dropped. Thread counts are kept because torch/OpenBLAS thread pools count
# against RLIMIT_NPROC, and the executor may pin them for exactly that reason.
ENV_KEEP = frozenset(
    {"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "MPLBACKEND", "PYTHONHASHSEED", "PYTHONIOENCODING"}
)
ENV_KEEP_PREFIXES = ("LC_",)
ENV_KEEP_SUFFIXES = ("_NUM_THREADS",)
# Applied even to kept names: a secret never survives because its name looked harmless.
ENV_SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL", re.IGNORECASE)


@dataclass
class SandboxReport:
    """What :func:`enter_sandbox` applied, and what it could not (with the reason)."""

    applied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # wanted, but the platform did not allow it
    uid: int = -1  # the uid the student's code runs as
    gid: int = -1
    rlimits: dict[str, int] = field(default_factory=dict)  # name -> the (soft = hard) value set
    hidden: list[str] = field(default_factory=list)  # paths actually hidden
    env_kept: list[str] = field(default_factory=list)  # names only: values may be private
    env_dropped: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every requested restriction is in place."""
        return not self.skipped

    def summary(self) -> str:
        """One line per note, for the grader's log."""
        return "\n".join(
            [f"applied: {note}" for note in self.applied]
            + [f"NOT applied: {note}" for note in self.skipped]
        )


def enter_sandbox(limits: Limits, workdir: Path, *, uid: int | None = None) -> SandboxReport:
    """Confine the current process before it runs a student's code; see the module docstring.

    Steps, in order: resource limits (core, file size, address space); as root on Linux, new
    mount and network namespaces with ``limits.hidden_paths`` covered and private, empty
    ``/tmp``, ``/var/tmp`` and ``/dev/shm`` (``workdir`` stays where it is); as root, ``workdir``
    given to an unprivileged user and privileges dropped to it, then the process limit; last, a
    minimal environment with ``HOME`` (and ``TMPDIR``) set to ``workdir``, which also becomes
    the current directory.

    ``uid``: the unprivileged user to become when root (default: ``nobody``, else 65534). Give
    each concurrent grading slot its own uid if submissions must not be able to signal each
    other or share a process budget (RLIMIT_NPROC counts per user).
    """
    workdir = Path(workdir).resolve()
    report = SandboxReport(uid=os.getuid(), gid=os.getgid())
    if sys.platform == "win32":  # no rlimits, uids or namespaces: nothing can be enforced
        report.skipped.append("all restrictions: not supported on Windows")
        _set_environment(report, workdir, user=None)
        return report

    is_root = os.geteuid() == 0
    is_linux = sys.platform.startswith("linux")
    hidden = _validate(limits, workdir)
    target = _unprivileged_user(uid) if is_root else None
    if target is not None:
        _check_reachable(workdir, target[1])

    # 1. Resource limits, first: they bind whatever runs afterwards, including our own steps.
    _set_rlimit(report, "core", resource.RLIMIT_CORE, 0)
    # A file over the limit sends SIGXFSZ, which kills by default; ignored, the write fails
    # with EFBIG instead, an OSError the student sees in their cell while the process lives on.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _set_rlimit(report, "file size", resource.RLIMIT_FSIZE, limits.max_file_mb * MiB)
    _limit_cpu_time(report, limits.notebook_timeout)
    vm_size = _vm_size()
    if vm_size is None:
        report.skipped.append("memory: not limited (cannot read VmSize from /proc/self/status)")
    else:
        # Relative to what the zygote already maps (torch alone maps gigabytes of address
        # space), so memory_mb is what the student's code may add, and a bomb is a MemoryError.
        _set_rlimit(report, "address space", resource.RLIMIT_AS, vm_size + limits.memory_mb * MiB)

    # 2. Namespaces and hidden paths: root on Linux only.
    if is_linux:
        # Harmless for anyone, and stops setuid programs (su, sudo) from regaining privileges.
        if _libc_call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
            report.applied.append("no_new_privs: setuid programs cannot gain privileges")
        else:
            report.skipped.append("no_new_privs: prctl failed")
    if is_root and is_linux:
        _isolate(report, limits, hidden, target[1] if target is not None else None, workdir)
        # Its own PID namespace (the rest runs in its PID 1; this process stays outside as
        # a relay that runs no student code): it sees and signals only its own processes,
        # and all of them end with it.
        from .pidns import enter_pid_namespace

        enter_pid_namespace(report)
    else:
        reason = "not root" if is_linux else f"not Linux ({sys.platform})"
        if limits.network:
            report.applied.append("network: left enabled (limits.network=True)")
        else:
            report.skipped.append(f"network: not isolated ({reason})")
        if hidden:
            report.skipped.append(f"hidden paths: not hidden ({reason}): {_names(hidden)}")
        report.skipped.append(f"temporary directories: shared, not private ({reason})")
        report.skipped.append(f"processes: not in their own PID namespace ({reason})")

    # 3. Privileges, then the process limit (RLIMIT_NPROC is not enforced for root).
    if target is not None:
        _drop_privileges(report, workdir, target)
    else:
        report.skipped.append("privileges: not dropped (not root; runs as the current user)")
    for start in BEFORE_PROCESS_LIMIT:
        start()
    _limit_processes(report, limits.max_processes)

    # 4. Environment and working directory.
    _set_environment(report, workdir, user=target[0] if target is not None else None)
    return report


def _validate(limits: Limits, workdir: Path) -> list[Path]:
    """Check the caller's requirements before changing anything; return the paths to hide,
    resolved, without those already covered by another hidden path."""
    if not workdir.is_dir():
        raise ValueError(f"workdir {workdir} is not a directory")
    resolved = sorted({Path(p).resolve() for p in limits.hidden_paths}, key=lambda p: len(p.parts))
    hidden: list[Path] = []
    for path in resolved:
        if workdir.is_relative_to(path):
            raise ValueError(
                f"workdir {workdir} lies inside hidden path {path}: it would be hidden too; "
                "put working copies in a temporary directory outside the course"
            )
        # Covering an ancestor already covers this one (and it would no longer exist to mount on).
        if not any(path.is_relative_to(done) for done in hidden):
            hidden.append(path)
    return hidden


def _unprivileged_user(uid: int | None) -> tuple[str, int, int]:
    """(name, uid, gid) of the user to become."""
    import grp
    import pwd

    try:
        entry = pwd.getpwnam("nobody") if uid is None else pwd.getpwuid(uid)
        name, gid = entry.pw_name, entry.pw_gid
        uid = entry.pw_uid
    except KeyError:
        name, uid, gid = "nobody", NOBODY_ID if uid is None else uid, NOBODY_ID
    if uid == 0:
        raise ValueError("the unprivileged user cannot be root")
    if name == "nobody":
        # Debian gives nobody the group "nogroup"; prefer a group actually named nobody if any.
        with contextlib.suppress(KeyError):
            gid = grp.getgrnam("nobody").gr_gid
    return name, uid, gid


def _check_reachable(workdir: Path, uid: int) -> None:
    """After the drop the student's code must still reach workdir: every directory above it has
    to be searchable by others (or owned by the new user)."""
    for parent in workdir.parents:
        st = parent.stat()
        if not (st.st_mode & stat.S_IXOTH or st.st_uid == uid):
            raise ValueError(
                f"workdir {workdir} is unreachable for uid {uid}: {parent} is mode "
                f"{stat.S_IMODE(st.st_mode):o}; use a directory like tempfile.mkdtemp() in /tmp"
            )


def _set_rlimit(
    report: SandboxReport, label: str, which: int, value: int, detail: str = ""
) -> None:
    """Set soft and hard limit to ``value`` (hard too, so the student cannot raise it back),
    never above an existing hard limit, which an unprivileged process could not raise."""
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError) as exc:
        report.skipped.append(f"{label}: not limited ({exc})")
        return
    report.rlimits[label] = value
    shown = f"{value // MiB} MiB" if value >= MiB else str(value)
    report.applied.append(f"{label}: limited to {shown}{detail}")


def _limit_cpu_time(report: SandboxReport, notebook_timeout: float) -> None:
    """CPU seconds, as many as the notebook may take in wall time (threads add up, so a
    submission that keeps several cores busy stops sooner). Soft and hard alike: the kernel
    ignores SIGXCPU for the first process of a PID namespace, so the hard limit's SIGKILL is
    what stops it."""
    _set_rlimit(report, "CPU time", resource.RLIMIT_CPU, max(1, math.ceil(notebook_timeout)))


def _vm_size() -> int | None:
    """The current process's address-space size in bytes, as the kernel counts for RLIMIT_AS."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        pass
    return None


# The C library this process already runs on (dlopen of the program itself), loaded when the
# zygote imports this module: ctypes.util.find_library("c") would run `ldconfig -p` in a new
# process in every forked child.
_libc = ctypes.CDLL(None, use_errno=True)


def _libc_call(name: str, *args: object) -> int:
    """Call a libc function; on failure return -1 with the errno left in ``ctypes.get_errno()``."""
    result: int = getattr(_libc, name)(*args)
    return result


def _os_error(what: str) -> OSError:
    code = ctypes.get_errno()
    return OSError(code, f"{what}: {os.strerror(code)}")


def _mount(
    source: str | None, target: str | None, fstype: str | None, flags: int, data: str | None = None
) -> None:
    def b(s: str | None) -> bytes | None:
        return None if s is None else os.fsencode(s)

    if _libc_call("mount", b(source), b(target), b(fstype), ctypes.c_ulong(flags), b(data)) != 0:
        raise _os_error(f"mount {target}")


def _isolate(
    report: SandboxReport,
    limits: Limits,
    hidden: list[Path],
    uid: int | None = None,
    workdir: Path | None = None,
) -> None:
    """New mount namespace (so hiding paths and private temporary directories affect only us)
    and, unless the network is allowed, a new network namespace, whose only interface is a
    loopback that is down."""
    flags = CLONE_NEWNS | (0 if limits.network else CLONE_NEWNET)
    if _libc_call("unshare", ctypes.c_int(flags)) != 0:
        exc = _os_error("unshare")
        if not limits.network:
            report.skipped.append(f"network: not isolated ({exc})")
        if hidden:
            report.skipped.append(f"hidden paths: not hidden ({exc}): {_names(hidden)}")
        report.skipped.append(f"temporary directories: shared, not private ({exc})")
        return
    if limits.network:
        report.applied.append("network: left enabled (limits.network=True)")
    else:
        report.applied.append("network: isolated (new network namespace, loopback down)")
    # A new mount namespace starts in the same propagation peer groups as the old one: without
    # this, the mounts below would propagate back to the grader's (the host's) namespace.
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
    except OSError as exc:
        if hidden:
            report.skipped.append(f"hidden paths: not hidden ({exc}): {_names(hidden)}")
        report.skipped.append(f"temporary directories: shared, not private ({exc})")
        return
    if uid is not None:
        _expose_interpreter(report, uid)
    for path in hidden:
        try:
            if not path.exists():
                report.applied.append(f"hidden path {path}: does not exist, nothing to hide")
                continue
            if path.is_dir():
                # An empty read-only tmpfs over the directory: it lists as empty.
                _mount(
                    "tmpfs",
                    str(path),
                    "tmpfs",
                    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    "mode=0555,size=4k",
                )
            else:
                # Only a non-directory can be mounted over a file: /dev/null. A device node
                # ignores read-only mounts, so nodev too: then opening it at all is EACCES.
                _mount("/dev/null", str(path), None, MS_BIND)
                flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
                _mount(None, str(path), None, flags)
        except OSError as exc:
            report.skipped.append(f"hidden path {path}: not hidden ({exc})")
            continue
        report.hidden.append(str(path))
    if report.hidden:
        report.applied.append(f"hidden paths: {', '.join(report.hidden)}")
    # Last: the tmpfs covers whatever was mounted under /tmp before (hidden paths included).
    _private_tmp(report, limits, [] if workdir is None else [workdir])


def _private_tmp(report: SandboxReport, limits: Limits, workdirs: list[Path]) -> None:
    """An empty, size-limited tmpfs over each shared temporary directory, so that what the
    submission writes there is neither seen by the submissions running beside it nor left
    behind (the tmpfs goes with the namespace), and the host's files there are out of sight.

    ``workdirs`` (the working copy, under /tmp when made by ``tempfile.mkdtemp``) and the
    interpreter's directories stay reachable: handles on them are kept before the tmpfs covers
    them, then each is bound back at its own path, inside parents made in the tmpfs (root's,
    mode 0755: reachable, not writable)."""
    size_mb = max(1, min(limits.max_file_mb, PRIVATE_TMP_MAX_MB))
    keep = sorted({*workdirs, *_interpreter_dirs()}, key=lambda p: len(p.parts))
    done: list[str] = []
    for name in PRIVATE_TMP_DIRS:
        if not os.path.isdir(name):
            continue
        real = Path(name).resolve()  # /var/tmp may be a symlink to /tmp
        if str(real) in done:
            continue
        # A working copy at or above it, or modules right in it, would be covered too.
        if any(real.is_relative_to(p) for p in workdirs) or real in keep:
            report.skipped.append(
                f"temporary directory {real}: not made private (the working copy or the "
                "interpreter lives there)"
            )
            continue
        # The outermost of the kept paths under it; those inside come back with it (MS_REC).
        inside: list[Path] = []
        for path in keep:
            if path.is_relative_to(real) and not any(path.is_relative_to(p) for p in inside):
                inside.append(path)
        try:
            _cover_with_tmpfs(real, inside, size_mb)
        except OSError as exc:
            report.skipped.append(f"temporary directory {real}: not made private ({exc})")
            continue
        done.append(str(real))
    if done:
        kept = [str(p) for p in workdirs if any(p.is_relative_to(d) for d in done)]
        report.applied.append(
            f"private temporary directories: {', '.join(done)} (empty tmpfs, {size_mb} MiB each)"
            + (f"; {', '.join(kept)} bound back" if kept else "")
        )


def _cover_with_tmpfs(folder: Path, keep: list[Path], size_mb: int) -> None:
    """Mount a fresh tmpfs over ``folder`` and bind each of ``keep`` (inside it) back."""
    handles = {path: os.open(path, os.O_PATH) for path in keep}
    try:
        _mount(
            "tmpfs",
            str(folder),
            "tmpfs",
            MS_NOSUID | MS_NODEV,
            f"mode=1777,size={size_mb}m",
        )
        try:
            for path, fd in handles.items():
                for parent in reversed(path.relative_to(folder).parents[:-1]):
                    step = folder / parent
                    if not step.is_dir():
                        step.mkdir()
                        step.chmod(0o755)
                path.mkdir()
                _mount(f"/proc/self/fd/{fd}", str(path), None, MS_BIND | MS_REC)
        except OSError:
            # Without the working copy the child could not run at all: uncover the folder.
            _libc_call("umount2", os.fsencode(str(folder)), MNT_DETACH)
            raise
    finally:
        for fd in handles.values():
            os.close(fd)


def _interpreter_dirs() -> list[Path]:
    """Where Python finds its modules: the student's code imports from these after the drop."""
    return list(_resolved_dirs((sys.base_prefix, sys.prefix, sys.exec_prefix, *sys.path)))


@functools.lru_cache(maxsize=4)
def _resolved_dirs(paths: tuple[str, ...]) -> tuple[Path, ...]:
    # Resolved once in the zygote (``warm``), not in every child: sys.path is the same there.
    return tuple(sorted({Path(p).resolve() for p in paths if p and Path(p).is_dir()}))


def warm() -> None:
    """Called once in the zygote, before any fork: what every child's sandbox would otherwise
    compute again (the interpreter's directories; the user database's modules)."""
    _interpreter_dirs()
    with contextlib.suppress(KeyError, OSError):
        _unprivileged_user(None)


def _expose_interpreter(report: SandboxReport, uid: int) -> None:
    """Let the unprivileged user reach the interpreter when a closed directory hides it.

    Python installed under a private home (pyenv in /root, mode 0700) cannot be read once
    privileges are dropped: every module not already imported would fail to import. In our
    own mount namespace the closed directory is covered by an empty tmpfs that others may
    search, and only the entries on the way to the interpreter are bound back into it, so
    the rest of that directory stays out of sight.
    """
    closed: dict[Path, set[str]] = {}
    for folder in _interpreter_dirs():
        for parent in reversed(folder.parents):
            st = parent.stat()
            if not (st.st_mode & stat.S_IXOTH or st.st_uid == uid):
                entry = folder.relative_to(parent).parts[0]
                closed.setdefault(parent, set()).add(entry)
                break
    for parent, entries in sorted(closed.items()):
        try:
            # Keep handles on the entries before the tmpfs covers them, then bind them back.
            handles = {e: os.open(parent / e, os.O_PATH) for e in sorted(entries)}
            try:
                _mount("tmpfs", str(parent), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4k")
                for entry, fd in handles.items():
                    (parent / entry).mkdir()
                    _mount(f"/proc/self/fd/{fd}", str(parent / entry), None, MS_BIND | MS_REC)
            finally:
                for fd in handles.values():
                    os.close(fd)
        except OSError as exc:
            report.skipped.append(f"interpreter: not reachable through {parent} ({exc})")
            continue
        report.applied.append(
            f"interpreter: reachable through {parent} (only {', '.join(sorted(entries))} shown)"
        )


def _drop_privileges(report: SandboxReport, workdir: Path, target: tuple[str, int, int]) -> None:
    """Give workdir to the unprivileged user, then become that user for good."""
    name, uid, gid = target
    try:
        _chown_tree(report, workdir, uid, gid)
        os.setgroups([])  # else root's supplementary groups would survive the uid change
        os.setgid(gid)  # before setuid: afterwards we would no longer be allowed to
        os.setuid(uid)  # as root this sets real, effective and saved uid: no way back
    except OSError as exc:
        report.skipped.append(f"privileges: not dropped ({exc}); still uid {os.geteuid()}")
        return
    if os.geteuid() == 0 or os.getuid() == 0:  # paranoia: never run student code as root
        raise RuntimeError("privilege drop failed silently")
    report.uid, report.gid = os.getuid(), os.getgid()
    report.applied.append(f"privileges: dropped to {name} (uid {uid}, gid {gid}); owns {workdir}")


def _chown_tree(report: SandboxReport, root: Path, uid: int, gid: int) -> None:
    """``chown -R`` that never follows a symlink or touches a hard-linked file: both could
    point outside the working copy (a submitted symlink to /etc/shadow, say)."""
    os.chown(root, uid, gid, follow_symlinks=False)
    skipped = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for entry in dirnames + filenames:
            path = os.path.join(dirpath, entry)
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                skipped += 1
                continue
            os.chown(path, uid, gid, follow_symlinks=False)
    if skipped:
        report.skipped.append(f"workdir: {skipped} hard-linked file(s) not given to the student")


def _limit_processes(report: SandboxReport, max_processes: int) -> None:
    """RLIMIT_NPROC counts every task (thread included) of the real uid system-wide, so the
    limit is what that user already runs plus the student's allowance."""
    if os.geteuid() == 0:
        report.skipped.append("processes: not limited (RLIMIT_NPROC is not enforced for root)")
        return
    current = _count_tasks(os.getuid())
    if current is None:
        report.skipped.append("processes: not limited (cannot count processes without /proc)")
        return
    detail = f" tasks for uid {os.getuid()} ({current} already running)"
    _set_rlimit(report, "processes", resource.RLIMIT_NPROC, current + max_processes, detail)


def _count_tasks(uid: int) -> int | None:
    """Tasks (threads included, as the kernel counts them for RLIMIT_NPROC) whose real uid is
    ``uid``, counted from /proc; None without /proc."""
    if not os.path.isdir("/proc/self"):
        return None
    total = 0
    wanted = f"\nUid:\t{uid}\t".encode()  # the real uid is the first of the four
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:  # bytes, and only the two fields: this runs in every forked child
            with open(os.path.join(entry.path, "status"), "rb") as status:
                text = status.read()
        except OSError:  # it exited meanwhile, or /proc hides it (hidepid)
            continue
        if wanted not in text:
            continue
        start = text.find(b"\nThreads:")
        threads = int(text[start + 9 : text.index(b"\n", start + 1)]) if start >= 0 else 1
        total += threads
    return total


def _set_environment(report: SandboxReport, workdir: Path, user: str | None) -> None:
    """A minimal environment: the grader's variables (JUPYTER_*, tokens, course paths) must
    not reach the student's code, which can print them into its output."""
    kept: dict[str, str] = {}
    for name, value in os.environ.items():
        wanted = (
            name in ENV_KEEP
            or name.startswith(ENV_KEEP_PREFIXES)
            or name.endswith(ENV_KEEP_SUFFIXES)
        )
        if wanted and not ENV_SECRET.search(name):
            kept[name] = value
        else:
            report.env_dropped.append(name)
    kept["HOME"] = str(workdir)
    # Temporary files go to the working copy: /tmp is shared with the other submissions, which
    # run as the same user and could read them.
    kept["TMPDIR"] = str(workdir)
    if user is not None:
        kept["USER"] = kept["LOGNAME"] = user
    os.environ.clear()  # also unsetenv()s, so subprocesses and C libraries see the change
    os.environ.update(kept)
    tempfile.tempdir = None  # the zygote may have cached the old one
    report.env_kept = sorted(kept)
    report.env_dropped.sort()
    try:
        os.chdir(workdir)  # also leaves a cwd that may lie inside a hidden path
    except OSError as exc:
        report.skipped.append(f"workdir: cannot enter {workdir} ({exc})")
        return
    report.applied.append(
        f"environment: {len(kept)} variables kept, {len(report.env_dropped)} dropped; HOME={workdir}"
    )


def _names(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths)
