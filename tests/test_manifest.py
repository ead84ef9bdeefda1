"""The course manifest: the real one loads; broken ones name the file and the field."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mlmath_lab.course.manifest import ManifestError, ManifestMissing, load_manifest
from mlmath_lab.course.notebooks import graded_tests, is_solution, nbgrader_meta, read_notebook

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


def exercise_dependencies(course: Path) -> dict[str, set[str]]:
    """Exercise id → the exercises whose solution functions its own solution calls."""
    manifest = load_manifest(course / "course.yaml")
    deps: dict[str, set[str]] = {}
    for assignment in manifest.assignments():
        for name in assignment.notebooks:
            path = course / "source" / assignment.id / name
            nb = read_notebook(path)
            solution_of = {
                str(nbgrader_meta(c).get("grade_id")): "".join(c["source"])
                for c in nb["cells"]
                if c["cell_type"] == "code" and is_solution(c)
            }
            defines: dict[str, str] = {}  # function name → exercise id
            uses: dict[str, set[str]] = {}
            for test in graded_tests(path, nb):
                exercise = f"{assignment.id}/{test.grade_id}"
                for solution in test.solution_ids:
                    tree = ast.parse(solution_of[solution])
                    for node in tree.body:
                        if isinstance(node, ast.FunctionDef | ast.ClassDef):
                            defines[node.name] = exercise
                    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
                    uses.setdefault(exercise, set()).update(names)
            for exercise, names in uses.items():
                deps[exercise] = {defines[n] for n in names if n in defines} - {exercise}
    return deps


def test_every_path_selects_the_exercises_its_exercises_build_on() -> None:
    """A path that skips an exercise whose function a selected one calls leaves its learner
    stuck: the selected exercise cannot pass."""
    manifest = load_manifest(COURSE / "course.yaml")
    deps = exercise_dependencies(COURSE)
    assert deps["07-neural-networks/mlp_loss_and_grads"] >= {"07-neural-networks/linear_forward"}
    for path in manifest.paths:
        selected = set(path.exercises)
        assert len(selected) < len(manifest.exercise_ids()), path.id  # a selection, not all
        for exercise in path.exercises:
            missing = deps.get(exercise, set()) - selected
            assert not missing, f"path {path.id!r}: {exercise} builds on {sorted(missing)}"


@pytest.mark.parametrize(
    ("exercises", "where", "reason"),
    [
        (
            "[a1/nope]",
            "paths[0].exercises[0]",
            "'a1/nope' is not an exercise of the path's modules",
        ),
        ("[a1/x, a1/x]", "paths[0].exercises[1]", "'a1/x' is listed twice"),
        ("[a1/x]", "paths[0].exercises", "selects no exercise of the module 'm2'"),
    ],
)
def test_a_path_selects_exercises_of_its_own_modules(
    tmp_path: Path, exercises: str, where: str, reason: str
) -> None:
    second = MINIMAL.replace("      - id: m\n", "      - id: m2\n").split("    modules:\n")[1]
    second = second.replace("a1", "a2")
    text = (
        MINIMAL
        + second
        + "paths:\n  - {id: b, title: B, description: d, modules: [m, m2], "
        + f"exercises: {exercises}}}\n"
    )
    path = tmp_path / "course.yaml"
    path.write_text(text)
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    assert where in str(raised.value) and reason in str(raised.value)
    path.write_text(text.replace(exercises, "[a2/x]").replace("[m, m2]", "[m2]"))
    assert load_manifest(path).paths[0].exercises == ("a2/x",)
    path.write_text(text.replace(f", exercises: {exercises}", ""))
    assert load_manifest(path).paths[0].exercises == ("a1/x", "a2/x")  # none listed: all
