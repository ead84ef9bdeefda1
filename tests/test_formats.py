"""The formats of mlmath_lab/formats: the schemas, their stdlib reader, and the real values.

Each schema is checked by ``jsonschema`` (the reference implementation) and by our reader,
which the server and the progress store use; the two must agree on every value here, valid
or broken, and what the real producers emit (the check library, the progress store, the
roadmap route) must conform.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mlmath_lab.checks.result import CaseOutcome, CheckResult
from mlmath_lab.formats import (
    CHECK_RESULT,
    CHECKLIST_TICK,
    EXPORT_INDEX,
    PROGRESS,
    RESULT_FORMAT_VERSION,
    ROADMAP,
    SchemaError,
    first_problem,
    load_schema,
)
from mlmath_lab.formats import schema as schema_module
from mlmath_lab.server.progress import CheckRecord, ProgressStore
from mlmath_lab.server.roadmap import Roadmap

from .conftest import COURSE

NAMES = (CHECK_RESULT, PROGRESS, ROADMAP, CHECKLIST_TICK, EXPORT_INDEX)


def reference_valid(name: str, value: Any) -> bool:
    validator = jsonschema.Draft202012Validator(load_schema(name))
    return validator.is_valid(value)


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_a_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema(name))


def check_results() -> list[dict[str, Any]]:
    failing = CaseOutcome("huge logits", "failed", "inf/nan", "nan", "0.09")
    raising = CaseOutcome("batch", "error", "", "", "", error="ValueError: shapes (2,3)")
    return [
        CheckResult(
            "01-linear-algebra/softmax", "Softmax", "passed", [], duration_ms=1.5
        ).to_json(),
        CheckResult(
            "01-linear-algebra/softmax",
            "Softmax",
            "failed",
            [failing, raising, CaseOutcome("tiny", "not_run")],
            hint="Subtract the **maximum** first.",
            misconception="no-max-subtraction",
        ).to_json(),
        CheckResult("01-linear-algebra/kl", "KL", "not_implemented").to_json(),
        CheckResult("01-linear-algebra/kl", "KL", "error", error="SyntaxError: ...").to_json(),
    ]


@pytest.mark.parametrize("result", check_results(), ids=lambda r: r["status"])
def test_what_the_check_library_shows_conforms(result: dict[str, Any]) -> None:
    assert result["version"] == RESULT_FORMAT_VERSION
    assert reference_valid(CHECK_RESULT, result)
    assert first_problem(CHECK_RESULT, result) is None


def test_what_the_progress_store_writes_conforms(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    assert first_problem(PROGRESS, store.read()) is None
    store.record_check(CheckRecord("a/x", False, "failed 1 of 3", "hint", "m", 2.0, "failed"))
    store.record_check(CheckRecord("a/x", True, "passed", None, None, 1.0, "passed"))
    store.record_check(CheckRecord("a/y", False, "stub", None, None, 0.5, "not_implemented"))
    store.set_checklist("mml-ch2", True)
    data = json.loads(store.path.read_text())
    assert reference_valid(PROGRESS, data)
    assert first_problem(PROGRESS, data) is None


def test_the_roadmap_of_the_course_conforms(tmp_path: Path) -> None:
    roadmap = Roadmap(tmp_path, COURSE / "course.yaml")
    payload = json.loads(json.dumps(roadmap.to_json(roadmap.manifest())))
    assert payload["phases"] and payload["paths"]
    assert reference_valid(ROADMAP, payload)
    assert first_problem(ROADMAP, payload) is None


# -- the reader agrees with jsonschema on broken values -------------------------------------


def broken_variants(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Copies of ``value`` with one thing broken: a key removed, or a value of another type."""
    if isinstance(value, dict):
        for key in value:
            removed = copy.deepcopy(value)
            del removed[key]
            yield f"{(*path, key)} removed", removed
            for label, sub in broken_variants(value[key], (*path, key)):
                changed = copy.deepcopy(value)
                changed[key] = sub
                yield label, changed
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            for label, sub in broken_variants(item, (*path, index)):
                changed = copy.deepcopy(value)
                changed[index] = sub
                yield label, changed
    for wrong in ([1], {"x": 1}, "text", 7, -1, True, None, ""):
        if wrong != value or type(wrong) is not type(value):
            yield f"{path} = {wrong!r}", wrong


def samples() -> Iterator[tuple[str, Any]]:
    for result in check_results():
        yield CHECK_RESULT, result
    yield (
        PROGRESS,
        {
            "version": 1,
            "exercises": {
                "a/x": {
                    "status": "passed",
                    "outcome": "passed",
                    "attempts": 2,
                    "last_checked": "2026-01-01T00:00:00.000Z",
                    "passed_at": "2026-01-01T00:00:00.000Z",
                    "summary": "passed",
                    "hint": None,
                    "misconception": None,
                    "duration_ms": 1.0,
                }
            },
            "checklist": {"r": {"done": True, "at": "2026-01-01T00:00:00.000Z"}},
        },
    )
    roadmap = Roadmap(Path("/nonexistent"), COURSE / "course.yaml")
    full = roadmap.to_json(roadmap.manifest())
    module = full["phases"][0]["modules"][0]
    module["assignments"] = module["assignments"][:1]
    yield ROADMAP, {**full, "phases": [{**full["phases"][0], "modules": [module]}]}
    yield CHECKLIST_TICK, {"id": "mml-ch2", "done": False}
    yield (
        EXPORT_INDEX,
        {
            "format": "mlmath-lab-export",
            "version": 1,
            "course": "Mathematics of ML",
            "exported_at": "2026-01-01T00:00:00.000Z",
            "files": {"progress.json": "0" * 64},
        },
    )


def test_the_reader_and_jsonschema_agree_on_every_broken_variant() -> None:
    compared = 0
    for name, good in samples():
        assert first_problem(name, good) is None and reference_valid(name, good), name
        for label, broken in broken_variants(good):
            ours = first_problem(name, broken)
            assert (ours is None) == reference_valid(name, broken), (name, label, ours)
            compared += 1
    assert compared > 1000


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (CHECK_RESULT, [], "the top level must be a JSON object, not an array ([])"),
        (
            PROGRESS,
            {"version": 1, "exercises": {"a/x": {"status": "passed"}}, "checklist": {}},
            "'exercises'['a/x']['attempts'] is missing: expected a count of checks (an integer ≥ 0)",
        ),
        (
            ROADMAP,
            {"title": "t", "manifest": "m", "phases": [{"id": ""}], "paths": []},
            "'phases'[0]['title'] is missing: expected a string",
        ),
        (CHECKLIST_TICK, {"id": " ", "done": True}, "'id' must be a reading or checkpoint id"),
    ],
)
def test_a_problem_names_the_field_and_what_it_must_be(name: str, value: Any, message: str) -> None:
    problem = first_problem(name, value)
    assert problem is not None and problem.startswith(message)


def test_a_schema_keyword_the_reader_does_not_implement_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "multipleOf": 2}}}
    with pytest.raises(SchemaError, match=r"\['multipleOf'\] are not implemented"):
        schema_module._keywords(schema, "x.schema.json")


def test_the_server_extension_never_imports_numpy_or_torch(tmp_path: Path) -> None:
    """Every server module, the roadmap of the course and a recorded check, in a fresh process."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        import mlmath_lab
        from mlmath_lab.server import handlers, payloads, progress, roadmap, serverconfig
        from mlmath_lab import _jupyter_server_extension_points
        _jupyter_server_extension_points()
        course = Path({str(COURSE)!r})
        road = roadmap.Roadmap(Path({str(tmp_path)!r}), course / "course.yaml")
        json.dumps(road.to_json(road.manifest()))
        body = payloads.parse_object({json.dumps(check_results()[1]).encode()!r})
        store = progress.ProgressStore(Path({str(tmp_path)!r}))
        store.record_check(payloads.parse_check(body))
        print(json.dumps(sorted(m for m in ("numpy", "torch", "nbgrader") if m in sys.modules)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout) == []
