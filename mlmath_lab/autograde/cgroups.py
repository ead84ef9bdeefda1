"""Per-submission control groups: memory, processes and CPU, where the machine allows them.

rlimits (``sandbox.py``) bind one process: the address space does not count a submission's
files in its private ``/tmp`` (tmpfs pages), and the process limit counts per user. A cgroup
counts everything the submission's processes use, together: the grader makes one group per
submission in each cgroup v1 hierarchy it may write to, and moves the child into it before
any student code runs (the child has no say in it):

- ``memory``: ``memory_mb`` plus the pages the child may copy from the pre-warmed zygote
  (its resident size). tmpfs pages are charged to the group that wrote them. Past the limit,
  the kernel reclaims, then kills a process of the group: the grader reads the group's OOM
  count to say why the submission died.
- ``pids``: ``max_processes`` plus the tasks the child already has.
- ``cpu``: at most one CPU (the CFS quota), so a submission that starts threads or processes
  cannot starve the others running beside it.

Each executor has its own parent group (``mlmath-lab-<grader pid>-<n>``) under the grader's own
cgroup; a submission's group is removed once its processes are gone, the run's group when the
run ends. Groups left by a run that was killed are removed by the next run.

Where there is no writable v1 hierarchy (not root, a cgroup v2-only machine), nothing is made
and ``RunCgroups.create`` says why: the rlimits still apply.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .limits import Limits

CONTROLLERS = ("memory", "pids", "cpu")
RUN_PREFIX = "mlmath-lab-"
MiB = 1 << 20
_RUN_NUMBERS = itertools.count(1)
# removing a group whose last process has just been reaped can race the kernel: retry briefly
REMOVE_ATTEMPTS = 50
REMOVE_PAUSE_S = 0.01


def _v1_mounts(mountinfo: str) -> dict[str, Path]:
    """controller → mount point of its cgroup v1 hierarchy, from /proc/self/mountinfo."""
    found: dict[str, Path] = {}
    for line in mountinfo.splitlines():
        before, _, after = line.partition(" - ")
        fields, extra = before.split(), after.split()
        if len(fields) < 5 or len(extra) < 3 or extra[0] != "cgroup":
            continue
        options = set(extra[2].split(","))
        for controller in CONTROLLERS:
            if controller in options and controller not in found:
                found[controller] = Path(fields[4])
    return found


def _own_paths(proc_cgroup: str) -> dict[str, str]:
    """controller → this process's cgroup path in its v1 hierarchy, from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for controller in parts[1].split(","):
            if controller in CONTROLLERS:
                paths[controller] = parts[2]
    return paths


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="ascii") as file:
        file.write(value)


def _read_int(path: Path, key: str | None = None) -> int | None:
    """An integer file, or one ``key value`` line of a flat-keyed file; None if unreadable."""
    try:
        text = path.read_text(encoding="ascii")
    except OSError:
        return None
    if key is None:
        text = text.strip()
        return int(text) if text.lstrip("-").isdigit() else None
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return None


def _remove(group: Path, attempts: int = REMOVE_ATTEMPTS) -> bool:
    """Remove a group and the groups under it; False if one still has processes."""
    if not group.is_dir():
        return True
    for child in group.iterdir():
        if child.is_dir() and not _remove(child, attempts):
            return False
    for attempt in range(attempts):
        if attempt:
            time.sleep(REMOVE_PAUSE_S)
        try:
            group.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError as error:
            if error.errno != errno.EBUSY:
                return False
    return False


@dataclass
class SubmissionCgroup:
    """One submission's groups, one per controller."""

    groups: dict[str, Path]
    memory_limit: int | None = None
    pending: tuple[str, ...] = ()  # controllers the first process is not moved into yet

    def add(self, pid: int, controllers: tuple[str, ...] | None = None) -> None:
        """Move process ``pid`` (host pid, all its threads) into the groups of
        ``controllers`` (default: all)."""
        for controller, group in self.groups.items():
            if controllers is None or controller in controllers:
                # a process already gone needs no group: its death is reported elsewhere
                with contextlib.suppress(ProcessLookupError):
                    _write(group / "cgroup.procs", str(pid))
        if controllers is not None:
            self.pending = tuple(c for c in self.pending if c not in controllers)

    def settle(self) -> None:
        """Every process in one of the groups is in all of them (one forked before a
        move stays behind in its parent's group)."""
        members = {c: set(self._procs(c)) for c in self.groups}
        everyone = set().union(*members.values()) if members else set()
        for controller, group in self.groups.items():
            for pid in sorted(everyone - members[controller]):
                with contextlib.suppress(ProcessLookupError):
                    _write(group / "cgroup.procs", str(pid))

    def _procs(self, controller: str) -> list[int]:
        text = (self.groups[controller] / "cgroup.procs").read_text(encoding="ascii")
        return [int(pid) for pid in text.split()]

    def processes(self) -> list[int]:
        """The processes in the groups (host pids)."""
        found: set[int] = set()
        for controller in self.groups:
            with contextlib.suppress(OSError):
                found.update(self._procs(controller))
        return sorted(found)

    def kill_all(self) -> bool:
        """SIGKILL every process of the groups; True if there was none."""
        pids = self.processes()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        return not pids

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of the group for memory."""
        group = self.groups.get("memory")
        if group is None:
            return False
        return bool(_read_int(group / "memory.oom_control", "oom_kill"))

    def memory_peak(self) -> int | None:
        group = self.groups.get("memory")
        return _read_int(group / "memory.max_usage_in_bytes") if group is not None else None

    def remove(self, attempts: int = REMOVE_ATTEMPTS) -> bool:
        """Remove the groups once their processes are gone; False if some still are."""
        return all(_remove(group, attempts) for group in self.groups.values())


@dataclass
class RunCgroups:
    """The run's parent groups; ``submission`` makes one submission's groups under them."""

    runs: dict[str, Path]
    limits: Limits
    baseline_bytes: int = 0  # pages a child may copy from the zygote (its resident size)
    applied: list[str] = field(default_factory=list)
    _count: int = 0
    # groups of finished submissions whose last process the kernel has not released yet
    _retired: list[SubmissionCgroup] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, limits: Limits) -> tuple[RunCgroups | None, str]:
        """The run's groups, or None and why there are none (the rlimits still apply)."""
        if not os.path.exists("/proc/self/mountinfo"):
            return None, "no /proc/self/mountinfo (not Linux)"
        if os.geteuid() != 0:
            return None, "not root"
        try:
            mounts = _v1_mounts(Path("/proc/self/mountinfo").read_text(encoding="utf-8"))
            own = _own_paths(Path("/proc/self/cgroup").read_text(encoding="utf-8"))
        except OSError as error:
            return None, f"cannot read this process's cgroups ({error})"
        runs: dict[str, Path] = {}
        problems: list[str] = []
        number = next(_RUN_NUMBERS)  # executors of one process each have their own groups
        for controller in CONTROLLERS:
            if controller not in mounts or controller not in own:
                problems.append(f"{controller}: no cgroup v1 hierarchy")
                continue
            parent = mounts[controller] / own[controller].lstrip("/")
            _remove_stale(parent)
            run = parent / f"{RUN_PREFIX}{os.getpid()}-{number}"
            try:
                run.mkdir()
            except OSError as error:
                problems.append(f"{controller}: cannot make a group ({error.strerror})")
                continue
            runs[controller] = run
        if not runs:
            return None, "; ".join(problems)
        made = cls(runs, limits)
        made.applied = [f"cgroups: {', '.join(runs)}"] + [f"no cgroup for {p}" for p in problems]
        return made, "; ".join(problems)

    def submission(self, pid: int, later: tuple[str, ...] = ()) -> SubmissionCgroup:
        """Groups for the child ``pid`` with the run's limits, the child moved into them
        (but for the controllers ``later``: the caller moves it with ``add``). Raises OSError
        when the kernel refuses (the submission is then not run)."""
        self._sweep()
        with self._lock:
            self._count += 1
            name = f"submission-{self._count}-{pid}"
        made = SubmissionCgroup({})
        try:
            for controller, run in self.runs.items():
                group = run / name
                group.mkdir()
                made.groups[controller] = group
                self._limit(controller, group, pid, made)
            made.pending = tuple(c for c in later if c in made.groups)
            made.add(pid, tuple(c for c in made.groups if c not in made.pending))
        except OSError:
            made.remove()
            raise
        return made

    def _limit(self, controller: str, group: Path, pid: int, made: SubmissionCgroup) -> None:
        if controller == "memory":
            limit = self.limits.memory_mb * MiB + self.baseline_bytes
            _write(group / "memory.limit_in_bytes", str(limit))
            swap = group / "memory.memsw.limit_in_bytes"
            if swap.exists():  # swap counted too, so memory cannot spill into it unlimited
                with contextlib.suppress(OSError):
                    _write(swap, str(limit))
            made.memory_limit = limit
        elif controller == "pids":
            tasks = len(os.listdir(f"/proc/{pid}/task"))
            _write(group / "pids.max", str(tasks + self.limits.max_processes))
        elif controller == "cpu":
            period = _read_int(group / "cpu.cfs_period_us") or 100_000
            _write(group / "cpu.cfs_quota_us", str(period))  # one CPU at most

    def retire(self, group: SubmissionCgroup) -> None:
        """A submission is over: end what is left in its groups and remove them, now if
        the kernel has released them, else at the next submission (no one waits for it)."""
        group.kill_all()
        if not group.remove(attempts=1):
            with self._lock:
                self._retired.append(group)

    def _sweep(self) -> None:
        with self._lock:
            retired, self._retired = self._retired, []
        for group in retired:
            self.retire(group)

    def remove(self) -> None:
        """End the run: every submission's group, then the run's own."""
        with self._lock:
            retired, self._retired = self._retired, []
        for group in retired:
            group.kill_all()
            group.remove()
        for run in self.runs.values():
            _remove(run)


def _remove_stale(parent: Path) -> None:
    """Remove the groups of runs whose grader is gone (killed before it could)."""
    with contextlib.suppress(OSError):
        for group in parent.glob(f"{RUN_PREFIX}*"):
            pid = group.name[len(RUN_PREFIX) :].split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                _remove(group)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def resident_bytes(pid: int) -> int:
    """A process's resident memory (VmRSS), 0 if it cannot be read."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0
