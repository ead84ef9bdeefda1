"""Each submission alone: two running at once cannot read or signal each other, and a machine
that cannot isolate them is named (or refused with ``require_sandbox``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from mlmath_lab.autograde.executor import PrewarmedExecutor
from mlmath_lab.autograde.limits import Limits

LIMITS = Limits(cell_timeout=20, notebook_timeout=60, max_output_bytes=100_000)
FIRST_UID = 1_500_000_100

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="separate users need root")


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _text(nb: nbformat.NotebookNode) -> str:
    return "".join(
        o.get("text", "") + o.get("evalue", "") for c in nb.cells for o in c.get("outputs", [])
    )


@pytest.fixture
def workdirs() -> Iterator[list[Path]]:
    made = [Path(tempfile.mkdtemp(prefix="mlmath-test-alone-")) for _ in range(2)]
    yield made
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


@root_only
def test_two_submissions_at_once_cannot_read_or_signal_each_other(workdirs: list[Path]) -> None:
    victim_dir, snoop_dir = workdirs
    (victim_dir / "secret.txt").write_text("victim's answer")
    victim = _notebook("import time\ntime.sleep(4)\nprint('victim finished')")
    # The snoop tries every process it can see that is not its own or root's: the victim's.
    snoop = _notebook(
        "import os, time, signal\n"
        "time.sleep(1.5)\n"
        f"try:\n    print(open({str(victim_dir / 'secret.txt')!r}).read())\n"
        "except OSError as e:\n    print('read refused', type(e).__name__)\n"
        "killed = 0\n"
        "for entry in os.listdir('/proc'):\n"
        "    if not entry.isdigit():\n        continue\n"
        "    try:\n"
        "        uid = os.stat('/proc/' + entry).st_uid\n"
        "        if uid not in (0, os.getuid()):\n"
        "            os.kill(int(entry), signal.SIGKILL)\n            killed += 1\n"
        "    except OSError:\n        pass\n"
        "print('signalled', killed)\n"
    )
    results: dict[str, object] = {}
    with PrewarmedExecutor(LIMITS, uids=(FIRST_UID, FIRST_UID + 1)) as executor:

        def run(name: str, nb: nbformat.NotebookNode, workdir: Path) -> None:
            results[name] = executor.run(nb, workdir)

        threads = [
            threading.Thread(target=run, args=("victim", victim, victim_dir)),
            threading.Thread(target=run, args=("snoop", snoop, snoop_dir)),
        ]
        threads[0].start()
        time.sleep(0.5)
        threads[1].start()
        for thread in threads:
            thread.join(60)
    victim_result, snoop_result = results["victim"], results["snoop"]
    assert victim_result.problem is None, victim_result.problem  # type: ignore[attr-defined]
    assert "victim finished" in _text(victim_result.notebook)  # type: ignore[attr-defined]
    printed = _text(snoop_result.notebook)  # type: ignore[attr-defined]
    assert "victim's answer" not in printed and "read refused" in printed
    assert "signalled 0" in printed


def test_a_partial_sandbox_is_named_and_refused_when_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workdirs: list[Path]
) -> None:
    (tmp_path / "partial_sandbox.py").write_text(
        "from mlmath_lab.autograde.sandbox import SandboxReport\n"
        "def enter_sandbox(limits, workdir, uid=None):\n"
        "    return SandboxReport(skipped=['network: not isolated (a test machine)'])\n"
    )
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    nb = _notebook("print('student code ran')")
    with PrewarmedExecutor(LIMITS, sandbox="partial_sandbox:enter_sandbox") as lenient:
        ran = lenient.run(nb, workdirs[0])
        assert ran.problem is None and "student code ran" in _text(ran.notebook)
        assert list(lenient.missing_protections) == ["network: not isolated (a test machine)"]
    with PrewarmedExecutor(
        LIMITS, sandbox="partial_sandbox:enter_sandbox", require_sandbox=True
    ) as strict:
        refused = strict.run(nb, workdirs[1])
    assert refused.problem is not None and "require_sandbox" in refused.problem
    assert "network: not isolated" in refused.problem
    assert "student code ran" not in _text(refused.notebook)


def test_the_summary_names_what_isolation_is_missing() -> None:
    from mlmath_lab.autograde.summary import Summary

    summary = Summary("a", missing_protections=["network: not isolated (not root)"])
    (note,) = [line for line in summary.lines() if "isolation" in line]
    assert "network: not isolated (not root)" in note and "require_sandbox" in note


def _processes_running(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@root_only
def test_a_submission_sees_only_its_processes_and_none_outlives_it(workdirs: list[Path]) -> None:
    marker = "3133.7"  # an unusual sleep length names the processes it starts
    nb = _notebook(
        "import os, subprocess, time\n"
        "print('pid', os.getpid())\n"
        f"subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        f"    os.execvp('sleep', ['sleep', '{marker}'])\n"
        "time.sleep(0.3)\n"
        "print('visible', len([p for p in os.listdir('/proc') if p.isdigit()]))\n"
    )
    with PrewarmedExecutor(LIMITS, uids=(FIRST_UID,)) as executor:
        result = executor.run(nb, workdirs[0])
        assert result.problem is None, result.problem
        printed = _text(result.notebook)
        assert "pid 1\n" in printed  # the first process of its own namespace
        visible = int(printed.split("visible ")[1].split()[0])
        assert visible <= 6, printed  # itself, its reader, its two sleeps: not the machine's
        deadline = time.monotonic() + 5
        while _processes_running(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_running(marker) == []  # gone with the submission, zygote still up


def test_two_runs_at_once_claim_different_users() -> None:
    from mlmath_lab.autograde.users import claimed_uids

    first = 1_700_000_000  # not the default range: a real run may hold that
    with claimed_uids(first, 2) as ours, claimed_uids(first, 2) as theirs:
        assert len(set(ours)) == 2 and len(set(theirs)) == 2
        assert not set(ours) & set(theirs)
    with claimed_uids(first, 2) as again:  # released when a run ends
        assert again == ours
