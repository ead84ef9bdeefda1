"""Per-submission control groups (``autograde/cgroups.py``) and the CPU-time rlimit: what a
submission's processes use together is bounded, files in its private /tmp count as memory, it
gets one CPU at most, and nothing of its groups is left after its grading."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from mlmath_lab.autograde import cgroups
from mlmath_lab.autograde.cgroups import RunCgroups, _own_paths, _v1_mounts
from mlmath_lab.autograde.executor import AUTOGRADE_BASE_PRELOAD, PrewarmedExecutor
from mlmath_lab.autograde.limits import Limits

LIMITS = Limits(cell_timeout=20, notebook_timeout=60, max_output_bytes=100_000)

MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
PROC_CGROUP = """\
8:pids:/
4:memory:/process_api/abc
1:cpu,cpuacct:/
0::/
"""


def test_the_v1_hierarchies_and_own_groups_are_read_from_proc() -> None:
    assert _v1_mounts(MOUNTINFO) == {
        "cpu": Path("/sys/fs/cgroup/cpu,cpuacct"),
        "memory": Path("/sys/fs/cgroup/memory"),
        "pids": Path("/sys/fs/cgroup/pids"),
    }
    assert _own_paths(PROC_CGROUP) == {"pids": "/", "memory": "/process_api/abc", "cpu": "/"}
    # a cgroup v2-only machine: no v1 hierarchy, so the rlimits alone apply
    assert _v1_mounts("41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n") == {}


def test_without_root_there_are_no_groups_and_it_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    made, why = RunCgroups.create(LIMITS)
    assert made is None and why == "not root"


def _available() -> bool:
    made, _ = RunCgroups.create(LIMITS)
    if made is None:
        return False
    made.remove()
    return set(made.runs) == {"memory", "pids", "cpu"}


needs_cgroups = pytest.mark.skipif(
    not (os.name == "posix" and os.geteuid() == 0 and _available()),
    reason="needs root and cgroup v1 memory, pids and cpu hierarchies",
)


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _texts(nb: nbformat.NotebookNode) -> list[str]:
    return [
        "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs) for cell in nb.cells
    ]


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="mlmath-test-cgroups-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _run(nb: nbformat.NotebookNode, workdir: Path, limits: Limits = LIMITS, **kw: object):  # type: ignore[no-untyped-def]
    with PrewarmedExecutor(limits, AUTOGRADE_BASE_PRELOAD, **kw) as executor:  # type: ignore[arg-type]
        runs = dict(executor._cgroups.runs) if executor._cgroups is not None else {}
        result = executor.run(nb, workdir)
    return result, runs


READ_OWN_GROUPS = """\
groups = dict(line.split(':', 2)[1:] for line in open('/proc/self/cgroup').read().split())
def value(controller, name):
    return open(f'/sys/fs/cgroup/{controller}{groups[controller]}/{name}').read().strip()
print(groups['memory'].rsplit('/', 1)[-1] == groups['pids'].rsplit('/', 1)[-1])
print(value('memory', 'memory.limit_in_bytes'))
print(value('pids', 'pids.max'))
print(value('cpu', 'cpu.cfs_quota_us'), value('cpu', 'cpu.cfs_period_us'))
"""


@needs_cgroups
def test_each_submission_runs_in_its_own_limited_groups_removed_after_it(workdir: Path) -> None:
    result, runs = _run(_notebook(READ_OWN_GROUPS), workdir)
    assert result.problem is None
    same, memory, pids, cpu = _texts(result.notebook)[0].split("\n")[:4]
    assert same == "True"
    # memory_mb, plus at most what the child could copy of the warm zygote
    assert LIMITS.memory_mb << 20 < int(memory) < (LIMITS.memory_mb + 1024) << 20
    assert LIMITS.max_processes < int(pids) <= LIMITS.max_processes + 8
    quota, period = cpu.split()
    assert quota == period  # one CPU
    assert runs and all(not run.exists() for run in runs.values())  # nothing left behind


@needs_cgroups
def test_files_in_the_private_tmp_count_as_the_submissions_memory(workdir: Path) -> None:
    # 3 x 90 MB of files: the address-space limit never sees them, the memory group does
    fill = (
        "for place in ('/tmp', '/dev/shm', '/var/tmp'):\n"
        "    with open(place + '/ballast', 'wb') as file:\n"
        "        for _ in range(90):\n"
        "            file.write(b'x' * (1 << 20))\n"
        "print('all written')"
    )
    limits = Limits(**{**LIMITS.__dict__, "memory_mb": 120})
    result, _ = _run(_notebook(fill, "print('next')"), workdir, limits)
    assert result.problem is not None
    assert "killed in cell 1" in result.problem
    assert "more than 120 MB of memory (files in /tmp count too)" in result.problem
    assert "all written" not in "".join(_texts(result.notebook))


@needs_cgroups
def test_processes_past_the_limit_fail_in_the_cell_and_the_notebook_goes_on(
    workdir: Path,
) -> None:
    spawn = (
        "import subprocess\n"
        "started = []\n"
        "try:\n"
        "    for _ in range(40):\n"
        "        started.append(subprocess.Popen(['sleep', '30']))\n"
        "except OSError as error:\n"
        "    print('refused after', len(started), type(error).__name__)\n"
        "for process in started:\n"
        "    process.kill()\n"
        "    process.wait()"
    )
    result, _ = _run(_notebook(spawn, "print('next cell ran')"), workdir, cgroups=True)
    assert result.problem is None
    first, second = _texts(result.notebook)
    assert first.startswith("refused after ")
    assert int(first.split()[2]) <= LIMITS.max_processes
    assert second == "next cell ran\n"


BUSY_THREADS = """\
import threading, time
import numpy as np
matrix = np.random.default_rng(0).normal(size=(300, 300))
stop = time.monotonic() + 1.5
def busy():
    while time.monotonic() < stop:
        np.linalg.svd(matrix)
threads = [threading.Thread(target=busy) for _ in range(3)]
cpu, wall = time.process_time(), time.monotonic()
for thread in threads:
    thread.start()
busy()
for thread in threads:
    thread.join()
print(round((time.process_time() - cpu) / (time.monotonic() - wall), 2))
"""


@needs_cgroups
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one CPU: nothing to limit")
def test_a_submission_uses_at_most_one_cpu(workdir: Path) -> None:
    result, _ = _run(_notebook(BUSY_THREADS), workdir)
    assert result.problem is None
    assert float(_texts(result.notebook)[0]) <= 1.15  # 4 busy threads, one CPU's worth


@pytest.mark.skipif(os.name != "posix", reason="rlimits")
def test_cpu_time_is_limited_to_the_notebook_timeout(workdir: Path) -> None:
    limits = Limits(**{**LIMITS.__dict__, "notebook_timeout": 7.5})
    nb = _notebook("import resource\nprint(resource.getrlimit(resource.RLIMIT_CPU))")
    result, _ = _run(nb, workdir, limits, cgroups=False)
    assert result.problem is None
    assert _texts(result.notebook)[0] == "(8, 8)\n"


@needs_cgroups
def test_groups_of_a_run_that_was_killed_are_removed_by_the_next(tmp_path: Path) -> None:
    made, _ = RunCgroups.create(LIMITS)
    assert made is not None
    parent = made.runs["pids"].parent
    made.remove()
    dead = 2**22 + 12345  # above pid_max's default: no such process
    stale = parent / f"{cgroups.RUN_PREFIX}{dead}-1"
    (stale / "submission-1-1").mkdir(parents=True)
    made, _ = RunCgroups.create(LIMITS)
    assert made is not None
    try:
        assert not stale.exists()
    finally:
        made.remove()
