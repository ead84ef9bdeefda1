"""The course manifest: the real one loads; broken ones name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmath_lab.course.manifest import ManifestError, ManifestMissing, load_manifest

from .conftest import COURSE


def test_the_course_manifest_loads_with_phases_paths_readings_and_checkpoints() -> None:
    manifest = load_manifest(COURSE / "course.yaml")
    assert "01-linear-algebra/softmax" in manifest.exercise_ids()
    assert {p.id for p in manifest.paths} == {
        "beginner",
        "ml-engineer",
        "data-scientist",
        "researcher",
    }
    for module in manifest.modules():
        assert module.readings and module.checkpoints
        assert {r.kind for r in module.readings} <= {"reading", "video"}
    assert {r.kind for m in manifest.modules() for r in m.readings} == {"reading", "video"}


def test_the_learning_paths_are_distinct_selections_for_their_learners() -> None:
    manifest = load_manifest(COURSE / "course.yaml")
    course_order = [m.id for m in manifest.modules()]
    orders = {p.id: list(p.modules) for p in manifest.paths}
    assert len({tuple(o) for o in orders.values()}) == len(orders)  # no two paths alike
    for path_id, order in orders.items():
        # a selection or an order of its own, never the whole course as it comes
        assert order != course_order, path_id
        assert len(set(order)) == len(order), path_id
    assert orders["beginner"][0] == "linear-algebra"  # the foundations first
    assert orders["data-scientist"][0] == "probability-statistics"
    assert "linear-algebra" not in orders["researcher"]  # assumed known; the theory first
    assert set(orders["ml-engineer"]) >= {"matrix-calculus", "optimization", "neural-networks"}


MINIMAL = """
title: T
phases:
  - id: p
    title: P
    modules:
      - id: m
        title: M
        assignments:
          - id: a1
            title: A1
            notebooks: [a.ipynb]
            exercises:
              - {id: a1/x, title: X}
"""


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        (
            MINIMAL.replace("a1/x", "a2/x"),
            "phases[0].modules[0].assignments[0].exercises[0].id",
            "must be 'a1/<grade_id>'",
        ),
        (MINIMAL.replace("        title: M\n", ""), "phases[0].modules[0].title", "is missing"),
        (
            MINIMAL + "paths:\n  - {id: b, title: B, description: d, modules: [nope]}\n",
            "paths[0].modules[0]",
            "no module has the id 'nope'",
        ),
        (
            MINIMAL.replace(
                "{id: a1/x, title: X}", "{id: a1/x, title: X}\n              - {id: a1/x, title: Y}"
            ),
            "phases[0].modules[0].assignments[0].exercises[1].id",
            "already used",
        ),
        (
            MINIMAL.replace("[a.ipynb]", "[a.txt]"),
            "phases[0].modules[0].assignments[0].notebooks[0]",
            "notebook file name",
        ),
        ("phases: [\n", "line", "not valid YAML"),
        (
            # Progress ticks readings and checkpoints off by id, so they must not share one.
            MINIMAL
            + "        readings:\n          - {id: r, kind: reading, title: R, url: https://x.org}\n"
            + "        checkpoints:\n          - {id: r, text: T}\n",
            "phases[0].modules[0].checkpoints[0].id",
            "checkpoint id 'r' is already used at phases[0].modules[0].readings[0].id",
        ),
    ],
)
def test_a_broken_manifest_names_the_field(
    tmp_path: Path, text: str, where: str, reason: str
) -> None:
    path = tmp_path / "course.yaml"
    path.write_text(text)
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    assert where in message and reason in message


def test_a_missing_manifest_says_so(tmp_path: Path) -> None:
    # A distinct type: the server answers 404 for a missing manifest, 500 for a broken one.
    with pytest.raises(ManifestMissing, match="manifest is missing"):
        load_manifest(tmp_path / "course.yaml")


def test_checklist_ids_are_the_readings_and_checkpoints() -> None:
    manifest = load_manifest(COURSE / "course.yaml")
    expected = [
        i
        for module in manifest.modules()
        for i in [r.id for r in module.readings] + [c.id for c in module.checkpoints]
    ]
    assert sorted(manifest.checklist_ids()) == sorted(expected)
    assert len(set(expected)) == len(expected)  # one id namespace for the whole course
