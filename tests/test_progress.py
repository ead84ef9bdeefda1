"""The progress store on its own: what an update records, no lost update across threads or
processes, a corrupt file set aside (never dropped), and a killed writer leaving the previous
file whole."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlmath_lab.server.progress import CheckRecord, ProgressStore, shape_problem

from .conftest import cli_env


def record(exercise: str, passed: bool) -> CheckRecord:
    return CheckRecord(exercise, passed, "failed 1 of 3 cases", None, None, 1.5)


def saved(directory: Path) -> dict:
    return json.loads((directory / "progress.json").read_text(encoding="utf-8"))


def test_an_empty_store_reads_without_creating_a_file(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "p")
    assert store.read() == {"version": 1, "exercises": {}, "checklist": {}}
    assert not store.path.exists()


def test_updates_are_saved_in_the_documented_shape(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.record_check(record("a/x", False))
    first_pass = store.record_check(record("a/x", True))
    entry = store.record_check(record("a/x", False))
    assert entry["attempts"] == 3 and entry["status"] == "failed"
    assert entry["passed_at"] == first_pass["passed_at"] == first_pass["last_checked"]
    store.set_checklist("r", True)
    data = saved(tmp_path)
    assert shape_problem(data) is None
    assert data["exercises"]["a/x"] == entry
    assert data["checklist"]["r"]["done"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json", "progress.lock"]


def test_threads_lose_no_update(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        store = ProgressStore(tmp_path)  # a store per thread: the lock is per file, not object
        try:
            for i in range(20):
                store.record_check(record(f"a/{(n + i) % 4}", passed=i % 3 == 0))
                store.set_checklist(f"t{n}-{i}", True)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    data = saved(tmp_path)
    assert sum(e["attempts"] for e in data["exercises"].values()) == 6 * 20
    assert len(data["checklist"]) == 6 * 20


WORKER = """
import sys
import time
from pathlib import Path
from mlmath_lab.server.progress import CheckRecord, ProgressStore

directory, worker, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = ProgressStore(directory)
Path(sys.argv[4]).touch()  # ready
while not Path(sys.argv[5]).exists():  # start together, so the updates interleave
    time.sleep(0.001)
for i in range(count):
    store.record_check(CheckRecord(f"a/{i % 3}", i % 2 == 0, "s", None, None, 1.0))
    store.set_checklist(f"{worker}-{i}", True)
"""


def test_processes_lose_no_update(tmp_path: Path) -> None:
    directory, processes, count = tmp_path / "progress", 4, 30
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(directory),
                f"w{n}",
                str(count),
                f"{tmp_path}/r{n}",
                str(go),
            ],
            env=cli_env(),
        )
        for n in range(processes)
    ]
    try:
        while not all((tmp_path / f"r{n}").exists() for n in range(processes)):
            assert all(w.poll() is None for w in workers), "a worker died before starting"
            time.sleep(0.01)
        go.touch()
        assert [w.wait(timeout=120) for w in workers] == [0] * processes
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    data = saved(directory)
    per_exercise = {f"a/{k}": processes * len(range(k, count, 3)) for k in range(3)}
    assert {k: v["attempts"] for k, v in data["exercises"].items()} == per_exercise
    assert len(data["checklist"]) == processes * count


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"version": 1, "exercises": {', "not valid JSON"),
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b"[]", "the top level must be a JSON object, not an array"),
        (b'{"version": 2, "exercises": {}, "checklist": {}}', "'version' is 2: expected 1"),
        (b'{"version": 1, "exercises": {}}', "'checklist' is missing: expected an object"),
        (
            b'{"version": 1, "checklist": {}, "exercises": {"a/x": {"status": "passed"}}}',
            "'exercises'['a/x']['attempts'] is missing: expected a count of checks",
        ),
        (
            b'{"version": 1, "exercises": {}, "checklist": {"r": {"done": "yes", "at": ""}}}',
            "'checklist'['r']['done'] must be true or false, not a string",
        ),
    ],
)
def test_a_corrupt_file_is_set_aside_logged_and_replaced_by_a_fresh_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes, problem: str
) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="mlmath_lab.server.progress"):
        assert store.read() == {"version": 1, "exercises": {}, "checklist": {}}
    [aside] = tmp_path.glob("progress.json.corrupt-*")
    assert aside.read_bytes() == content  # kept, byte for byte
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    message = warning.getMessage()
    assert str(store.path) in message and problem in message and str(aside) in message

    # Recording starts the fresh store; the corrupt copy stays where the warning said.
    store.record_check(record("a/x", True))
    assert list(saved(tmp_path)["exercises"]) == ["a/x"]
    assert aside.read_bytes() == content


def test_unknown_keys_are_kept_through_an_update(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.record_check(record("a/x", True))
    data = saved(tmp_path)
    data["streak"] = 4  # a newer version's field
    store.path.write_text(json.dumps(data))
    store.record_check(record("a/y", True))
    assert saved(tmp_path)["streak"] == 4


KILLED_WRITER = """
import os, sys, time
from pathlib import Path
import mlmath_lab.server.progress as progress

store = progress.ProgressStore(Path(sys.argv[1]))
store.record_check(progress.CheckRecord("a/first", True, "kept", None, None, 1.0))

def stall(fd):
    print("stalled", flush=True)  # the new content is in the temporary file, not renamed
    time.sleep(600)

progress.os.fsync = stall
store.record_check(progress.CheckRecord("a/second", True, "lost", None, None, 1.0))
"""


def test_a_writer_killed_mid_write_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path)],
        env=cli_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "stalled"
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL

    [temporary] = tmp_path.glob(".progress.json.*.tmp")  # the write was under way
    assert "a/second" in temporary.read_text()
    data = saved(tmp_path)
    assert list(data["exercises"]) == ["a/first"]
    assert data["exercises"]["a/first"]["summary"] == "kept"

    # The killed process's lock went with it, and the next write clears its leftover.
    store = ProgressStore(tmp_path)
    store.record_check(record("a/third", True))
    assert sorted(saved(tmp_path)["exercises"]) == ["a/first", "a/third"]
    assert not list(tmp_path.glob(".progress.json.*.tmp"))
