"""Export and import of a student's progress and notebooks (Binder keeps nothing).

Through the server's routes, as the roadmap's buttons use them: an export restores a fresh
session whole; a corrupt, damaged or foreign file is refused with the reason and changes
nothing; a notebook the student changed in the new session is never overwritten.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlmath_lab.server.progress import CheckRecord, ProgressStore
from mlmath_lab.server.transfer import ImportRefused, export_archive, import_archive
from mlmath_lab.workspace import workspace_state_path

from .test_routes import (
    EXERCISES,
    MANIFEST,
    NOTEBOOK,
    SOURCE_NOTEBOOK,
    check_result,
    error_of,
    get_json,
    manifest_in_root,  # noqa: F401 (a fixture)
    post_json,
)

pytestmark = pytest.mark.usefixtures("manifest_in_root")
READING = MANIFEST.phases[0].modules[0].readings[0].id


def place_release(root: Path, content: bytes) -> None:
    """The notebook as `mlmath-lab lab` places it in a new session, with its record."""
    (root / NOTEBOOK).parent.mkdir(parents=True, exist_ok=True)
    (root / NOTEBOOK).write_bytes(content)
    state = workspace_state_path(root)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"placed": {NOTEBOOK: hashlib.sha256(content).hexdigest()}}))


async def export(jp_fetch: Any) -> bytes:
    response = await jp_fetch("mlmath-lab", "progress", "export")
    assert response.code == 200
    assert response.headers["Content-Type"] == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="mlmath-lab-progress-')
    return bytes(response.body)


async def import_(jp_fetch: Any, data: bytes) -> dict[str, Any]:
    response = await jp_fetch(
        "mlmath-lab", "progress", "import", method="POST", body=data, allow_nonstandard_methods=True
    )
    assert response.code == 200
    return json.loads(response.body)  # type: ignore[no-any-return]


async def test_an_export_restores_a_fresh_session_whole(
    jp_fetch: Any, jp_root_dir: Path, jp_data_dir: Path
) -> None:
    # The first session: the student's work and progress.
    work = SOURCE_NOTEBOOK.read_bytes()  # stands for their edited notebook
    (jp_root_dir / NOTEBOOK).parent.mkdir(parents=True)
    (jp_root_dir / NOTEBOOK).write_bytes(work)
    await post_json(jp_fetch, "progress", "check", body=check_result(EXERCISES[0], True))
    await post_json(jp_fetch, "progress", "check", body=check_result(EXERCISES[1], False))
    await post_json(jp_fetch, "progress", "checklist", body={"id": READING, "done": True})
    before = await get_json(jp_fetch, "progress")
    data = await export(jp_fetch)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(
            ["mlmath-lab-export.json", "progress.json", f"notebooks/{NOTEBOOK}"]
        )

    # A new session: nothing recorded, the release in the workspace.
    (jp_data_dir / "mlmath_lab" / "progress.json").unlink()
    place_release(jp_root_dir, b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert (await get_json(jp_fetch, "progress"))["exercises"] == {}

    report = await import_(jp_fetch, data)
    assert report == {
        "exercises": 2,
        "checklist": 1,
        "restored": [NOTEBOOK],
        "unchanged": [],
        "kept_both": {},
    }
    assert await get_json(jp_fetch, "progress") == before  # the first pass, its date, all
    assert (jp_root_dir / NOTEBOOK).read_bytes() == work

    # Importing the same file again changes nothing and counts nothing twice.
    again = await import_(jp_fetch, data)
    assert again["exercises"] == 0 and again["checklist"] == 0
    assert again["unchanged"] == [NOTEBOOK]
    assert await get_json(jp_fetch, "progress") == before


async def test_a_notebook_changed_in_the_new_session_is_kept_and_the_import_put_beside(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / NOTEBOOK).parent.mkdir(parents=True)
    (jp_root_dir / NOTEBOOK).write_bytes(SOURCE_NOTEBOOK.read_bytes())
    data = await export(jp_fetch)
    place_release(jp_root_dir, b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    newer = b'{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "mine"}]}'
    (jp_root_dir / NOTEBOOK).write_bytes(newer)  # edited since it was placed

    report = await import_(jp_fetch, data)
    assert report["restored"] == [] and list(report["kept_both"]) == [NOTEBOOK]
    assert (jp_root_dir / NOTEBOOK).read_bytes() == newer  # theirs, untouched
    beside = jp_root_dir / report["kept_both"][NOTEBOOK]
    assert beside.name.startswith("linear_algebra.imported-") and beside.suffix == ".ipynb"
    assert beside.read_bytes() == SOURCE_NOTEBOOK.read_bytes()


def rebuilt(data: bytes, change: Callable[[dict[str, bytes]], None], rehash: bool) -> bytes:
    """The archive with its files changed; ``rehash``: index checksums made to match."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    if rehash:
        index = json.loads(files["mlmath-lab-export.json"])
        index["files"] = {
            name: hashlib.sha256(content).hexdigest()
            for name, content in files.items()
            if name != "mlmath-lab-export.json"
        }
        files["mlmath-lab-export.json"] = json.dumps(index).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def edit_json(name: str, edit: Callable[[Any], None]) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        value = json.loads(files[name])
        edit(value)
        files[name] = json.dumps(value).encode()

    return change


def foreign_exercise(progress: Any) -> None:
    progress["exercises"]["99-elsewhere/x"] = progress["exercises"][EXERCISES[0]]


BROKEN: list[Any] = [
    pytest.param(lambda data: b"just some text", "not a zip file", id="not-zip"),
    pytest.param(lambda data: data[: len(data) // 2], "not a zip file", id="truncated"),
    pytest.param(
        lambda data: rebuilt(data, lambda f: f.pop("mlmath-lab-export.json"), False),
        "it has no mlmath-lab-export.json",
        id="no-index",
    ),
    pytest.param(
        lambda data: rebuilt(
            data, lambda f: f.update({"progress.json": f["progress.json"] + b" "}), False
        ),
        "damaged: progress.json differs from its checksum",
        id="checksum",
    ),
    pytest.param(
        lambda data: rebuilt(
            data, edit_json("mlmath-lab-export.json", lambda i: i.update(course="Other")), False
        ),
        "from the course 'Other'",
        id="other-course",
    ),
    pytest.param(
        lambda data: rebuilt(data, edit_json("progress.json", foreign_exercise), True),
        "1 of its exercises are not in this course (99-elsewhere/x)",
        id="foreign-exercise",
    ),
    pytest.param(
        lambda data: rebuilt(data, edit_json("progress.json", lambda p: p.update(version=7)), True),
        "progress.json: 'version' is 7: expected 1",
        id="progress-version",
    ),
    pytest.param(
        lambda data: rebuilt(data, lambda f: f.update({"notebooks/../../evil.ipynb": b"{}"}), True),
        "notebooks/../../evil.ipynb: not a notebook of this course",
        id="path-outside",
    ),
    pytest.param(
        lambda data: rebuilt(data, lambda f: f.update({f"notebooks/{NOTEBOOK}": b"[1]"}), True),
        "not a Jupyter notebook",
        id="not-a-notebook",
    ),
    pytest.param(
        lambda data: rebuilt(
            data, edit_json("mlmath-lab-export.json", lambda i: i.update(format="zip")), False
        ),
        "mlmath-lab-export.json: 'format' is 'zip': expected \"mlmath-lab-export\"",
        id="format",
    ),
]


@pytest.mark.parametrize(("breaking", "reason"), BROKEN)
async def test_a_corrupt_or_foreign_file_is_refused_with_the_reason_and_nothing_changes(
    jp_fetch: Any,
    jp_root_dir: Path,
    jp_data_dir: Path,
    breaking: Callable[[bytes], bytes],
    reason: str,
) -> None:
    (jp_root_dir / NOTEBOOK).parent.mkdir(parents=True)
    (jp_root_dir / NOTEBOOK).write_bytes(SOURCE_NOTEBOOK.read_bytes())
    await post_json(jp_fetch, "progress", "check", body=check_result(EXERCISES[0], True))
    data = await export(jp_fetch)
    # the session moves on: a different notebook and progress that must survive the refusal
    place_release(jp_root_dir, b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    await post_json(jp_fetch, "progress", "check", body=check_result(EXERCISES[1], False))
    progress_file = jp_data_dir / "mlmath_lab" / "progress.json"
    progress_before = progress_file.read_bytes()
    files_before = sorted(p.name for p in (jp_root_dir / NOTEBOOK).parent.iterdir())

    code, message = await error_of(
        jp_fetch,
        "progress",
        "import",
        method="POST",
        body=breaking(data),
        allow_nonstandard_methods=True,
    )
    assert code == 400
    assert message.startswith("not imported: ") and reason in message
    assert progress_file.read_bytes() == progress_before
    assert sorted(p.name for p in (jp_root_dir / NOTEBOOK).parent.iterdir()) == files_before


def _entry_broken(data: bytes, how: str) -> bytes:
    """The export with its first entry made unreadable as zipfile meets it in the wild."""
    broken = bytearray(data)
    central = broken.find(b"PK\x01\x02")
    if how == "encrypted":
        broken[central + 8] |= 1  # the "encrypted" flag
    elif how == "method":
        broken[central + 10] = 99  # a compression method zipfile does not know
    else:  # the deflate stream itself
        local = broken.find(b"PK\x03\x04")
        name_length = int.from_bytes(broken[local + 26 : local + 28], "little")
        start = local + 30 + name_length
        broken[start : start + 4] = b"\xff\xff\xff\xff"
    return bytes(broken)


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("encrypted", "this is not a progress export: File 'mlmath-lab-export.json' is encrypted"),
        ("method", "this is not a progress export: That compression method is not supported"),
        ("deflate", "the file is damaged: Error -3 while decompressing data"),
    ],
)
def test_an_unreadable_entry_is_refused_with_the_reason(
    tmp_path: Path, how: str, reason: str
) -> None:
    root, store = tmp_path / "root", ProgressStore(tmp_path / "progress")
    (root / NOTEBOOK).parent.mkdir(parents=True)
    (root / NOTEBOOK).write_bytes(SOURCE_NOTEBOOK.read_bytes())
    store.record_check(CheckRecord(EXERCISES[0], True, "passed", None, None, 1.0, "passed"))
    data = export_archive(MANIFEST, root, store)
    before = store.path.read_bytes()
    with pytest.raises(ImportRefused, match=re.escape(reason)):
        import_archive(_entry_broken(data, how), MANIFEST, root, store)
    assert store.path.read_bytes() == before
    assert (root / NOTEBOOK).read_bytes() == SOURCE_NOTEBOOK.read_bytes()


def test_a_merge_keeps_a_pass_earned_and_the_later_state(tmp_path: Path) -> None:
    mine, theirs = ProgressStore(tmp_path / "a"), ProgressStore(tmp_path / "b")
    theirs.record_check(CheckRecord("a/x", True, "passed", None, None, 1.0, "passed"))
    mine.record_check(CheckRecord("a/x", False, "failed 1 of 3", "h", "m", 1.0, "failed"))
    mine.record_check(CheckRecord("a/x", False, "failed 1 of 3", "h", "m", 1.0, "failed"))
    passed_at = theirs.read()["exercises"]["a/x"]["passed_at"]
    assert mine.merge(theirs.read()) == {"exercises": 1, "checklist": 0}
    merged = mine.read()["exercises"]["a/x"]
    # the later check (mine) gives the state; their pass stays earned; attempts not summed
    assert merged["status"] == "failed" and merged["passed_at"] == passed_at
    assert merged["attempts"] == 2
    assert mine.merge(theirs.read()) == {"exercises": 0, "checklist": 0}


def _entry(last_checked: str, passed_at: str | None, status: str) -> dict[str, Any]:
    return {
        "status": status,
        "attempts": 1,
        "last_checked": last_checked,
        "passed_at": passed_at,
        "summary": status,
        "hint": None,
        "misconception": None,
        "duration_ms": 1.0,
    }


def test_a_merge_orders_timestamps_by_time_not_by_their_spelling(tmp_path: Path) -> None:
    # Another machine's file: the same instants written with an offset and without
    # milliseconds. As strings "…T13:00:00+02:00" > "…T12:00:00.500Z", though it is earlier.
    store = ProgressStore(tmp_path / "a")
    mine = {
        "version": 1,
        "exercises": {"a/x": _entry("2025-01-01T12:00:00.500Z", None, "failed")},
        "checklist": {READING: {"done": False, "at": "2025-01-01T12:00:00.500Z"}},
    }
    store.merge(mine)
    theirs = {
        "version": 1,
        "exercises": {
            "a/x": _entry("2025-01-01T13:00:00+02:00", "2025-01-01T13:00:00+02:00", "passed")
        },
        "checklist": {READING: {"done": True, "at": "2025-01-01T13:00:00+02:00"}},
    }
    assert store.merge(theirs) == {"exercises": 1, "checklist": 0}
    merged = store.read()["exercises"]["a/x"]
    # their check (11:00 UTC) is older than mine (12:00:00.5 UTC): mine gives the state, and
    # their pass, the only one, stays earned
    assert merged["status"] == "failed" and merged["passed_at"] == "2025-01-01T13:00:00+02:00"
    assert store.read()["checklist"][READING]["done"] is False
    # "…:00Z" is later than "…:00.500Z" one second before it, though it sorts lower as a string
    later = {**theirs, "exercises": {"a/x": _entry("2025-01-01T12:00:01Z", None, "passed")}}
    store.merge(later)
    assert store.read()["exercises"]["a/x"]["last_checked"] == "2025-01-01T12:00:01Z"


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        ("yesterday", "'exercises'['a/x']['last_checked'] must be an ISO 8601 timestamp"),
        (
            "2025-13-01T12:00:00Z",
            "'exercises'['a/x']['last_checked'] is '2025-13-01T12:00:00Z': not a date",
        ),
    ],
)
def test_a_progress_file_with_an_impossible_timestamp_is_refused_naming_the_field(
    tmp_path: Path, stamp: str, reason: str
) -> None:
    root, store = tmp_path / "root", ProgressStore(tmp_path / "progress")
    (root / NOTEBOOK).parent.mkdir(parents=True)
    (root / NOTEBOOK).write_bytes(SOURCE_NOTEBOOK.read_bytes())
    data = export_archive(MANIFEST, root, store)
    progress = json.dumps(
        {"version": 1, "exercises": {"a/x": _entry(stamp, None, "failed")}, "checklist": {}}
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    contents["progress.json"] = progress.encode()
    index = json.loads(contents["mlmath-lab-export.json"])
    index["files"]["progress.json"] = hashlib.sha256(progress.encode()).hexdigest()
    contents["mlmath-lab-export.json"] = json.dumps(index).encode()
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    with pytest.raises(ImportRefused, match=re.escape(reason)):
        import_archive(rebuilt.getvalue(), MANIFEST, root, store)
    assert store.read()["exercises"] == {}


@pytest.mark.parametrize(
    ("config", "env", "temporary"),
    [
        ({}, {}, False),
        ({}, {"BINDER_LAUNCH_HOST": "https://binder.example/"}, True),
        ({"temporary_session": False}, {"BINDER_REQUEST": "v2/gh/x/y/main"}, False),
        ({"temporary_session": True}, {}, True),
    ],
)
def test_a_temporary_session_is_detected_or_configured(
    monkeypatch: pytest.MonkeyPatch, config: dict[str, Any], env: dict[str, str], temporary: bool
) -> None:
    from mlmath_lab.server.serverconfig import BINDER_VARIABLES, MlmathLabServer

    for name in BINDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert MlmathLabServer(**config).is_temporary() is temporary
