"""The roadmap and progress routes, in a real jupyter_server: what each route answers, the 400s
for bad bodies, 403 without a token, and concurrent requests that lose nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from mlmath_lab.checks.result import CaseOutcome, CheckResult
from mlmath_lab.course.manifest import load_manifest
from mlmath_lab.workspace import StudentWorkspace

from .conftest import COURSE

ASSIGNMENT = "01-linear-algebra"
NOTEBOOK = f"{ASSIGNMENT}/linear_algebra.ipynb"
SOURCE_NOTEBOOK = COURSE / "source" / NOTEBOOK
MANIFEST = load_manifest(COURSE / "course.yaml")
EXERCISES = [e for e in MANIFEST.exercise_ids() if e.startswith(f"{ASSIGNMENT}/")]


@pytest.fixture
def manifest_in_root(jp_root_dir: Path) -> Path:
    """The course manifest where `mlmath-lab lab` puts it: the server's default."""
    target = jp_root_dir / ".mlmath-lab" / "course.yaml"
    target.parent.mkdir()
    shutil.copy(COURSE / "course.yaml", target)
    return target


async def get_json(jp_fetch: Any, *parts: str) -> Any:
    response = await jp_fetch("mlmath-lab", *parts)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def post_json(jp_fetch: Any, *parts: str, body: Any) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    response = await jp_fetch("mlmath-lab", *parts, method="POST", body=text)
    assert response.code == 200
    return json.loads(response.body)


async def error_of(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch("mlmath-lab", *parts, **kwargs)
    response = raised.value.response
    assert response is not None
    return raised.value.code, json.loads(response.body)["message"]


def assignment_of(roadmap: dict[str, Any]) -> dict[str, Any]:
    phase = roadmap["phases"][0]
    module = next(m for m in phase["modules"] if m["id"] == "linear-algebra")
    [assignment] = module["assignments"]
    assert assignment["id"] == ASSIGNMENT
    return assignment  # type: ignore[no-any-return]


def check_result(exercise: str, passed: bool, /, **changes: Any) -> dict[str, Any]:
    """A result exactly as the kernel's check produces it, with ``changes`` to its fields."""
    case = CaseOutcome("huge logits", "passed" if passed else "failed", "inf/nan", "nan", "0.09")
    result = CheckResult(
        exercise=exercise,
        title="Numerically stable softmax",
        status="passed" if passed else "failed",
        cases=[case],
        hint=None if passed else "Subtract the maximum first.",
        misconception=None if passed else "no max subtraction",
        duration_ms=3.25,
    )
    return {**result.to_json(), **changes}


# -- the roadmap --------------------------------------------------------------------------


@pytest.mark.usefixtures("manifest_in_root")
async def test_the_roadmap_lists_the_manifest_and_an_assignment_not_fetched(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    roadmap = await get_json(jp_fetch, "roadmap")
    assert roadmap["title"] == MANIFEST.title
    assert roadmap["manifest"] == str(jp_root_dir / ".mlmath-lab" / "course.yaml")
    assert set(roadmap) == {"title", "manifest", "phases", "paths"}
    assert [p["id"] for p in roadmap["phases"]] == [p.id for p in MANIFEST.phases]
    phase = roadmap["phases"][0]
    assert set(phase) == {"id", "title", "summary", "modules"}
    module = phase["modules"][0]
    assert set(module) == {"id", "title", "summary", "readings", "checkpoints", "assignments"}
    assert module["readings"][0] == {
        "id": "3b1b-essence-linear-algebra",
        "kind": "video",
        "title": "3Blue1Brown — Essence of Linear Algebra (chapters 1–9)",
        "url": "https://www.3blue1brown.com/topics/linear-algebra",
        "note": "",
    }
    assert module["checkpoints"][0]["id"] == "dot-product-geometry"
    assert set(module["checkpoints"][0]) == {"id", "text"}
    beginner = {p["id"]: p["modules"] for p in roadmap["paths"]}["beginner"]
    assert beginner[0] == "linear-algebra" and "neural-networks" in beginner
    assert set(roadmap["paths"][0]) == {"id", "title", "description", "modules", "exercises"}
    assert roadmap["paths"][0]["exercises"] == list(MANIFEST.paths[0].exercises)

    assignment = assignment_of(roadmap)
    assert assignment["status"] == "not_fetched"
    assert assignment["notebooks"] == [{"name": "linear_algebra.ipynb", "path": None}]
    assert [e["id"] for e in assignment["exercises"]] == EXERCISES
    softmax = next(e for e in assignment["exercises"] if e["grade_id"] == "softmax")
    assert softmax == {
        "id": f"{ASSIGNMENT}/softmax",
        "title": "Numerically stable softmax",
        "grade_id": "softmax",
        "notebook": None,
    }


@pytest.mark.usefixtures("manifest_in_root")
async def test_a_notebook_copied_in_is_fetched_and_holds_every_exercise(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / ASSIGNMENT).mkdir()
    shutil.copy(SOURCE_NOTEBOOK, jp_root_dir / NOTEBOOK)
    assignment = assignment_of(await get_json(jp_fetch, "roadmap"))
    assert assignment["status"] == "fetched"
    assert assignment["notebooks"] == [{"name": "linear_algebra.ipynb", "path": NOTEBOOK}]
    assert {e["notebook"] for e in assignment["exercises"]} == {NOTEBOOK}


@pytest.mark.usefixtures("manifest_in_root")
async def test_a_notebook_the_workspace_placed_is_in_the_workspace(
    jp_fetch: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    release.mkdir()
    shutil.copy(SOURCE_NOTEBOOK, release)
    StudentWorkspace(directory=str(jp_root_dir)).sync(ASSIGNMENT, release)
    assignment = assignment_of(await get_json(jp_fetch, "roadmap"))
    assert assignment["status"] == "workspace"
    assert assignment["notebooks"][0]["path"] == NOTEBOOK
    assert all(e["notebook"] == NOTEBOOK for e in assignment["exercises"])


@pytest.mark.slow
async def test_a_server_on_a_workspace_that_mlmath_lab_lab_prepared(
    jp_fetch: Any, jp_root_dir: Path, course_copy: Path
) -> None:
    from .test_workspace import prepare

    prepare(course_copy, jp_root_dir)  # the real release, and the manifest copy
    roadmap = await get_json(jp_fetch, "roadmap")
    assert roadmap["manifest"] == str(jp_root_dir / ".mlmath-lab" / "course.yaml")
    assignment = assignment_of(roadmap)
    assert assignment["status"] == "workspace"
    assert [e["notebook"] for e in assignment["exercises"]] == [NOTEBOOK] * len(EXERCISES)


@pytest.mark.usefixtures("manifest_in_root")
async def test_exercises_follow_the_notebook_as_it_changes_and_reads_are_cached(
    jp_fetch: Any, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlmath_lab.server.roadmap

    reads: list[Path] = []
    real_read = mlmath_lab.server.roadmap.read_notebook

    def counting_read(path: Path) -> Any:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(mlmath_lab.server.roadmap, "read_notebook", counting_read)
    (jp_root_dir / ASSIGNMENT).mkdir()
    shutil.copy(SOURCE_NOTEBOOK, jp_root_dir / NOTEBOOK)
    await get_json(jp_fetch, "roadmap")
    await get_json(jp_fetch, "roadmap")
    assert len(reads) == 1  # unchanged notebook: parsed once

    # The student deletes the softmax test cell (nbgrader would refuse it; the roadmap copes).
    nb = json.loads((jp_root_dir / NOTEBOOK).read_text())
    nb["cells"] = [
        c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "softmax"
    ]
    (jp_root_dir / NOTEBOOK).write_text(json.dumps(nb))
    assignment = assignment_of(await get_json(jp_fetch, "roadmap"))
    assert len(reads) == 2
    by_grade_id = {e["grade_id"]: e["notebook"] for e in assignment["exercises"]}
    assert by_grade_id["softmax"] is None
    assert by_grade_id["cross_entropy"] == NOTEBOOK


@pytest.mark.usefixtures("manifest_in_root")
async def test_an_unreadable_notebook_is_logged_and_its_exercises_point_nowhere(
    jp_fetch: Any, jp_root_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (jp_root_dir / ASSIGNMENT).mkdir()
    (jp_root_dir / NOTEBOOK).write_text('{"cells": [oops')
    with caplog.at_level(logging.WARNING):
        assignment = assignment_of(await get_json(jp_fetch, "roadmap"))
    assert assignment["status"] == "fetched"
    assert assignment["notebooks"][0]["path"] == NOTEBOOK
    assert {e["notebook"] for e in assignment["exercises"]} == {None}
    assert any(
        "linear_algebra.ipynb" in r.getMessage() and "not valid JSON" in r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING
    )


@pytest.mark.usefixtures("manifest_in_root")
async def test_files_outside_root_dir_are_never_reported(
    jp_fetch: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (outside / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOURCE_NOTEBOOK, outside / NOTEBOOK)

    # The assignment folder is a symlink out of root_dir ...
    (jp_root_dir / ASSIGNMENT).symlink_to(outside / ASSIGNMENT, target_is_directory=True)
    assignment = assignment_of(await get_json(jp_fetch, "roadmap"))
    assert assignment["status"] == "not_fetched"
    assert assignment["notebooks"] == [{"name": "linear_algebra.ipynb", "path": None}]
    assert {e["notebook"] for e in assignment["exercises"]} == {None}

    # ... or the notebook itself is.
    (jp_root_dir / ASSIGNMENT).unlink()
    (jp_root_dir / ASSIGNMENT).mkdir()
    (jp_root_dir / NOTEBOOK).symlink_to(outside / NOTEBOOK)
    assert assignment_of(await get_json(jp_fetch, "roadmap"))["status"] == "not_fetched"

    # A symlink that stays inside root_dir is an ordinary file.
    (jp_root_dir / NOTEBOOK).unlink()
    shutil.copy(SOURCE_NOTEBOOK, jp_root_dir / "elsewhere.ipynb")
    (jp_root_dir / NOTEBOOK).symlink_to(jp_root_dir / "elsewhere.ipynb")
    assert assignment_of(await get_json(jp_fetch, "roadmap"))["status"] == "fetched"


async def test_without_a_manifest_the_roadmap_is_404_naming_the_file(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    code, message = await error_of(jp_fetch, "roadmap")
    assert code == 404
    assert (
        message == f"{jp_root_dir / '.mlmath-lab' / 'course.yaml'}: the course manifest is missing"
    )


async def test_a_broken_manifest_is_500_naming_the_file_and_field(
    jp_fetch: Any, manifest_in_root: Path
) -> None:
    text = manifest_in_root.read_text()
    manifest_in_root.write_text(text.replace("id: 01-linear-algebra/dot_loop", "id: 02-x/dot_loop"))
    code, message = await error_of(jp_fetch, "roadmap")
    assert code == 500
    assert message.startswith(f"{manifest_in_root}: phases[0].modules[0].assignments[0]")
    assert "exercises[0].id: '02-x/dot_loop' must be '01-linear-algebra/<grade_id>'" in message

    # Fixing the file fixes the route (the manifest is cached by mtime, not forever).
    manifest_in_root.write_text(text)
    assert (await get_json(jp_fetch, "roadmap"))["title"] == MANIFEST.title


class TestConfiguredPaths:
    @pytest.fixture
    def progress_dir(self, tmp_path: Path) -> Path:
        return tmp_path / "my-progress"

    @pytest.fixture
    def jp_server_config(self, progress_dir: Path) -> dict[str, Any]:
        return {
            "ServerApp": {"jpserver_extensions": {"mlmath_lab": True}},
            "MlmathLabServer": {
                "manifest_path": str(COURSE / "course.yaml"),
                "progress_dir": str(progress_dir),
            },
        }

    async def test_manifest_path_and_progress_dir_are_configurable(
        self, jp_fetch: Any, progress_dir: Path
    ) -> None:
        roadmap = await get_json(jp_fetch, "roadmap")
        assert roadmap["manifest"] == str(COURSE / "course.yaml")
        await post_json(jp_fetch, "progress", "check", body=check_result(EXERCISES[0], True))
        saved = json.loads((progress_dir / "progress.json").read_text())
        assert saved["exercises"][EXERCISES[0]]["status"] == "passed"


# -- progress -----------------------------------------------------------------------------


@pytest.mark.usefixtures("manifest_in_root")
async def test_progress_records_checks_with_attempts_and_the_first_pass(
    jp_fetch: Any, jp_data_dir: Path
) -> None:
    assert await get_json(jp_fetch, "progress") == {
        "version": 1,
        "exercises": {},
        "checklist": {},
    }
    softmax = f"{ASSIGNMENT}/softmax"
    failed = await post_json(jp_fetch, "progress", "check", body=check_result(softmax, False))
    assert failed["exercise"] == softmax
    entry = failed["progress"]
    assert set(entry) == {
        "status",
        "outcome",
        "attempts",
        "last_checked",
        "passed_at",
        "summary",
        "hint",
        "misconception",
        "duration_ms",
    }
    assert entry["status"] == "failed" and entry["attempts"] == 1 and entry["passed_at"] is None
    assert entry["summary"] == "failed 1 of 1 cases"
    assert entry["hint"] == "Subtract the maximum first."
    assert entry["misconception"] == "no max subtraction"
    assert entry["duration_ms"] == 3.25
    assert entry["last_checked"].endswith("Z")

    passed = (await post_json(jp_fetch, "progress", "check", body=check_result(softmax, True)))[
        "progress"
    ]
    assert passed["status"] == "passed" and passed["attempts"] == 2
    assert passed["passed_at"] == passed["last_checked"]
    assert passed["hint"] is None and passed["misconception"] is None

    # Breaking it again: failed now, but the first pass is remembered.
    again = (await post_json(jp_fetch, "progress", "check", body=check_result(softmax, False)))[
        "progress"
    ]
    assert again["status"] == "failed" and again["attempts"] == 3
    assert again["passed_at"] == passed["passed_at"]

    # A stub is an attempt that did not pass, and the store says it was the stub; so is an
    # error the student's code raised before the check ran (a SyntaxError).
    kl = f"{ASSIGNMENT}/kl_divergence"
    stub = check_result(kl, False, status="not_implemented")
    recorded = (await post_json(jp_fetch, "progress", "check", body=stub))["progress"]
    assert (recorded["status"], recorded["outcome"]) == ("failed", "not_implemented")
    raised = check_result(kl, False, status="error")
    recorded = (await post_json(jp_fetch, "progress", "check", body=raised))["progress"]
    assert (recorded["status"], recorded["outcome"], recorded["attempts"]) == ("failed", "error", 2)
    store = await get_json(jp_fetch, "progress")
    assert store["exercises"][softmax] == again
    assert json.loads((jp_data_dir / "mlmath_lab" / "progress.json").read_text()) == store


@pytest.mark.usefixtures("manifest_in_root")
async def test_checklist_ticks_and_unticks_readings_and_checkpoints(jp_fetch: Any) -> None:
    reading = MANIFEST.phases[0].modules[0].readings[1].id
    checkpoint = MANIFEST.phases[0].modules[0].checkpoints[0].id
    ticked = await post_json(jp_fetch, "progress", "checklist", body={"id": reading, "done": True})
    assert set(ticked) == {"done", "at"} and ticked["done"] is True
    await post_json(jp_fetch, "progress", "checklist", body={"id": checkpoint, "done": True})
    unticked = await post_json(
        jp_fetch, "progress", "checklist", body={"id": reading, "done": False}
    )
    assert unticked["done"] is False
    checklist = (await get_json(jp_fetch, "progress"))["checklist"]
    assert checklist == {reading: unticked, checkpoint: checklist[checkpoint]}
    assert checklist[checkpoint]["done"] is True


BAD_CHECKS = [
    pytest.param(
        json.dumps(check_result(f"{ASSIGNMENT}/nope", True)),
        f"unknown exercise '{ASSIGNMENT}/nope'",
        id="unknown-exercise",
    ),
    pytest.param("{not json", "the body is not valid JSON (line 1, column 2", id="not-json"),
    pytest.param("", "the body is empty", id="empty"),
    pytest.param("[1, 2]", "the body must be a JSON object, not an array", id="array"),
    pytest.param('"passed"', "the body must be a JSON object, not a string", id="string"),
    pytest.param(
        json.dumps({k: v for k, v in check_result(EXERCISES[0], True).items() if k != "exercise"}),
        "'exercise' is missing",
        id="no-exercise",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, passed="yes")),
        "'passed' must be true or false, not a string",
        id="passed-string",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, exercise=7)),
        "'exercise' must be an exercise id (a non-empty string), not a number",
        id="exercise-number",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, status="failed")),
        "'passed' is true but 'status' is 'failed'",
        id="inconsistent",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, duration_ms=-1)),
        "'duration_ms' is -1: expected a number of milliseconds (≥ 0)",
        id="negative-duration",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, hint=["x"])),
        "'hint' must be a string or null, not an array",
        id="hint-array",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, version=3)),
        "'version' is 3: expected a version this server reads (1 to 2)",
        id="version",
    ),
    pytest.param(
        json.dumps({k: v for k, v in check_result(EXERCISES[0], True).items() if k != "status"}),
        '\'status\' is missing: expected "passed", "failed", "not_implemented" or "error"',
        id="no-status",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, cases=[{"name": "x", "status": "maybe"}])),
        "'cases'[0]['message'] is missing: expected a string",
        id="case-without-message",
    ),
    pytest.param(
        json.dumps(check_result(EXERCISES[0], True, duration_ms=float("nan"))),
        "'duration_ms' must be a number of milliseconds (≥ 0), not a number (nan)",
        id="nan-duration",
    ),
]


@pytest.mark.usefixtures("manifest_in_root")
@pytest.mark.parametrize(("body", "message"), BAD_CHECKS)
async def test_a_bad_check_body_is_400_naming_the_field(
    jp_fetch: Any, jp_data_dir: Path, body: str, message: str
) -> None:
    code, got = await error_of(jp_fetch, "progress", "check", method="POST", body=body)
    assert code == 400
    assert got.startswith(message)
    assert not (jp_data_dir / "mlmath_lab" / "progress.json").exists()  # nothing recorded


@pytest.mark.usefixtures("manifest_in_root")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": "no-such-reading", "done": True}, "unknown checklist item 'no-such-reading'"),
        ({"id": EXERCISES[0], "done": True}, f"unknown checklist item '{EXERCISES[0]}'"),
        ({"done": True}, "'id' is missing"),
        ({"id": "mml-ch2-4"}, "'done' is missing: expected true or false"),
        ({"id": "mml-ch2-4", "done": 1}, "'done' must be true or false, not a number"),
        ({"id": "", "done": True}, "'id' must be a reading or checkpoint id"),
    ],
)
async def test_a_bad_checklist_body_is_400_naming_the_field(
    jp_fetch: Any, body: dict[str, Any], message: str
) -> None:
    code, got = await error_of(
        jp_fetch, "progress", "checklist", method="POST", body=json.dumps(body)
    )
    assert code == 400
    assert got.startswith(message)


async def test_recording_without_a_manifest_is_404(jp_fetch: Any) -> None:
    code, message = await error_of(
        jp_fetch,
        "progress",
        "check",
        method="POST",
        body=json.dumps(check_result(EXERCISES[0], True)),
    )
    assert code == 404 and "the course manifest is missing" in message


@pytest.mark.usefixtures("manifest_in_root")
@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("GET", "info", None),
        ("GET", "roadmap", None),
        ("GET", "progress", None),
        ("POST", "progress/check", json.dumps(check_result(EXERCISES[0], True))),
        ("POST", "progress/checklist", json.dumps({"id": "mml-ch2-4", "done": True})),
    ],
)
async def test_every_route_refuses_requests_without_a_token(
    jp_fetch: Any, jp_data_dir: Path, method: str, route: str, body: str | None
) -> None:
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch(
            "mlmath-lab", *route.split("/"), method=method, body=body, headers={"Authorization": ""}
        )
    assert raised.value.code == 403
    assert not (jp_data_dir / "mlmath_lab" / "progress.json").exists()


@pytest.mark.usefixtures("manifest_in_root")
async def test_concurrent_posts_lose_no_attempt(jp_fetch: Any, jp_data_dir: Path) -> None:
    exercises = EXERCISES[:8]
    per_exercise = 5
    bodies = [
        check_result(exercise, i % 2 == 0) for i in range(per_exercise) for exercise in exercises
    ]
    ticks = [{"id": item, "done": True} for item in MANIFEST.checklist_ids()]
    replies = await asyncio.gather(
        *(post_json(jp_fetch, "progress", "check", body=b) for b in bodies),
        *(post_json(jp_fetch, "progress", "checklist", body=t) for t in ticks),
    )
    assert len(replies) == 40 + len(ticks)
    # Every reply saw a distinct attempt number: the read-modify-writes were serialised.
    for exercise in exercises:
        attempts = sorted(
            r["progress"]["attempts"] for r in replies[:40] if r["exercise"] == exercise
        )
        assert attempts == list(range(1, per_exercise + 1))
    saved = json.loads((jp_data_dir / "mlmath_lab" / "progress.json").read_text())
    assert {k: v["attempts"] for k, v in saved["exercises"].items()} == dict.fromkeys(
        exercises, per_exercise
    )
    assert all(e["passed_at"] for e in saved["exercises"].values())
    assert set(saved["checklist"]) == set(MANIFEST.checklist_ids())
