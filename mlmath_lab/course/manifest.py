"""The course manifest: phases → modules → assignments → exercises, with readings, checkpoints
and learning paths. It lives at ``<course root>/course.yaml``.

Every error names the file and the field (``phases[0].modules[1].readings[2].url``), so an
instructor editing the YAML by hand knows where to look.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MANIFEST_NAME = "course.yaml"
READING_KINDS = ("reading", "video")
CHECKLIST_KINDS = ("reading", "checkpoint")


class ManifestError(ValueError):
    """The manifest cannot be read or does not follow the format; says where."""

    def __init__(self, path: Path, where: str, reason: str) -> None:
        self.path, self.where, self.reason = path, where, reason
        location = f"{path}: {where}: " if where else f"{path}: "
        super().__init__(f"{location}{reason}")


class ManifestMissing(ManifestError):
    """There is no manifest at the path (as opposed to one that is broken)."""


@dataclass(frozen=True)
class Exercise:
    id: str  # "<assignment>/<grade_id>"
    title: str

    @property
    def grade_id(self) -> str:
        return self.id.partition("/")[2]


@dataclass(frozen=True)
class Assignment:
    id: str  # the nbgrader assignment name: its folder in source/
    title: str
    notebooks: tuple[str, ...]
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class Reading:
    id: str
    kind: str  # "reading" or "video"
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Checkpoint:
    id: str
    text: str


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    summary: str
    assignments: tuple[Assignment, ...]
    readings: tuple[Reading, ...]
    checkpoints: tuple[Checkpoint, ...]


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    summary: str
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    description: str
    modules: tuple[str, ...]  # module ids, in the order this path takes them
    # The exercise ids this path selects from its modules, in course order: every exercise of
    # its modules when the manifest lists none for the path.
    exercises: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    path: Path
    title: str
    phases: tuple[Phase, ...]
    paths: tuple[LearningPath, ...] = field(default=())

    def modules(self) -> Iterator[Module]:
        for phase in self.phases:
            yield from phase.modules

    def assignments(self) -> Iterator[Assignment]:
        for module in self.modules():
            yield from module.assignments

    def assignment(self, assignment_id: str) -> Assignment | None:
        return next((a for a in self.assignments() if a.id == assignment_id), None)

    def exercise_ids(self) -> list[str]:
        return [e.id for a in self.assignments() for e in a.exercises]

    def checklist_ids(self) -> list[str]:
        """The ids a student can tick off: every reading and checkpoint."""
        ids = [r.id for m in self.modules() for r in m.readings]
        return ids + [c.id for m in self.modules() for c in m.checkpoints]


class _Reader:
    """Reads one YAML document into the dataclasses above, tracking the field path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen_ids: dict[str, str] = {}

    def fail(self, where: str, reason: str) -> ManifestError:
        return ManifestError(self.path, where, reason)

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, found {type(value).__name__}")
        return value

    def items(
        self, data: dict[str, Any], key: str, where: str, *, required: bool = True
    ) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}.{key}" if where else key, "is missing (a list)")
            return []
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}" if where else key, "must be a list")
        return value

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        name = f"{where}.{key}" if where else key
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(name, "must be a non-empty string")
        return value

    def unique_id(self, data: dict[str, Any], where: str, kind: str) -> str:
        value = self.text(data, "id", where)
        # Readings and checkpoints share their ids' namespace: progress ticks them off by id.
        key = f"{'checklist' if kind in CHECKLIST_KINDS else kind}:{value}"
        if key in self.seen_ids:
            raise self.fail(
                f"{where}.id", f"{kind} id {value!r} is already used at {self.seen_ids[key]}"
            )
        self.seen_ids[key] = f"{where}.id"
        return value

    def manifest(self, raw: Any) -> Manifest:
        data = self.mapping(raw, "")
        phases = tuple(
            self.phase(p, f"phases[{i}]") for i, p in enumerate(self.items(data, "phases", ""))
        )
        if not phases:
            raise self.fail("phases", "must list at least one phase")
        modules = {m.id: m for ph in phases for m in ph.modules}
        paths = tuple(
            self.path_(p, f"paths[{i}]", modules)
            for i, p in enumerate(self.items(data, "paths", "", required=False))
        )
        return Manifest(self.path, self.text(data, "title", ""), phases, paths)

    def phase(self, raw: Any, where: str) -> Phase:
        data = self.mapping(raw, where)
        return Phase(
            self.unique_id(data, where, "phase"),
            self.text(data, "title", where),
            self.text(data, "summary", where, required=False),
            tuple(
                self.module(m, f"{where}.modules[{i}]")
                for i, m in enumerate(self.items(data, "modules", where))
            ),
        )

    def module(self, raw: Any, where: str) -> Module:
        data = self.mapping(raw, where)
        return Module(
            self.unique_id(data, where, "module"),
            self.text(data, "title", where),
            self.text(data, "summary", where, required=False),
            tuple(
                self.assignment(a, f"{where}.assignments[{i}]")
                for i, a in enumerate(self.items(data, "assignments", where))
            ),
            tuple(
                self.reading(r, f"{where}.readings[{i}]")
                for i, r in enumerate(self.items(data, "readings", where, required=False))
            ),
            tuple(
                self.checkpoint(c, f"{where}.checkpoints[{i}]")
                for i, c in enumerate(self.items(data, "checkpoints", where, required=False))
            ),
        )

    def assignment(self, raw: Any, where: str) -> Assignment:
        data = self.mapping(raw, where)
        assignment_id = self.unique_id(data, where, "assignment")
        if "/" in assignment_id or assignment_id.startswith("."):
            raise self.fail(f"{where}.id", f"{assignment_id!r} must be a plain folder name")
        notebooks = tuple(self.items(data, "notebooks", where))
        for i, name in enumerate(notebooks):
            if not isinstance(name, str) or not name.endswith(".ipynb") or "/" in name:
                raise self.fail(
                    f"{where}.notebooks[{i}]",
                    "must be a notebook file name (name.ipynb) inside the assignment's folder",
                )
        exercises = []
        for i, raw_exercise in enumerate(self.items(data, "exercises", where)):
            ex_where = f"{where}.exercises[{i}]"
            ex = self.mapping(raw_exercise, ex_where)
            exercise_id = self.unique_id(ex, ex_where, "exercise")
            prefix, _, grade_id = exercise_id.partition("/")
            if prefix != assignment_id or not grade_id:
                raise self.fail(
                    f"{ex_where}.id", f"{exercise_id!r} must be '{assignment_id}/<grade_id>'"
                )
            exercises.append(Exercise(exercise_id, self.text(ex, "title", ex_where)))
        return Assignment(
            assignment_id, self.text(data, "title", where), notebooks, tuple(exercises)
        )

    def reading(self, raw: Any, where: str) -> Reading:
        data = self.mapping(raw, where)
        kind = self.text(data, "kind", where)
        if kind not in READING_KINDS:
            raise self.fail(f"{where}.kind", f"must be one of {', '.join(READING_KINDS)}")
        url = self.text(data, "url", where)
        if not url.startswith("https://"):
            raise self.fail(f"{where}.url", "must be an https:// link")
        return Reading(
            self.unique_id(data, where, "reading"),
            kind,
            self.text(data, "title", where),
            url,
            self.text(data, "note", where, required=False),
        )

    def checkpoint(self, raw: Any, where: str) -> Checkpoint:
        data = self.mapping(raw, where)
        return Checkpoint(self.unique_id(data, where, "checkpoint"), self.text(data, "text", where))

    def path_(self, raw: Any, where: str, modules: dict[str, Module]) -> LearningPath:
        data = self.mapping(raw, where)
        module_ids = tuple(self.items(data, "modules", where))
        for i, module_id in enumerate(module_ids):
            if module_id not in modules:
                raise self.fail(f"{where}.modules[{i}]", f"no module has the id {module_id!r}")
        return LearningPath(
            self.unique_id(data, where, "path"),
            self.text(data, "title", where),
            self.text(data, "description", where),
            module_ids,
            self.path_exercises(data, where, [modules[m] for m in module_ids]),
        )

    def path_exercises(
        self, data: dict[str, Any], where: str, modules: list[Module]
    ) -> tuple[str, ...]:
        """The path's ``exercises``: a selection from its own modules, each module at least once.

        A path that lists none takes every exercise of its modules.
        """
        on_path = {e.id: m.id for m in modules for a in m.assignments for e in a.exercises}
        listed = self.items(data, "exercises", where, required=False)
        if not listed:
            return tuple(on_path)
        for i, exercise_id in enumerate(listed):
            if exercise_id not in on_path:
                raise self.fail(
                    f"{where}.exercises[{i}]",
                    f"{exercise_id!r} is not an exercise of the path's modules",
                )
            if exercise_id in listed[:i]:
                raise self.fail(f"{where}.exercises[{i}]", f"{exercise_id!r} is listed twice")
        for module in modules:
            if module.id not in {on_path[e] for e in listed}:
                raise self.fail(
                    f"{where}.exercises",
                    f"selects no exercise of the module {module.id!r} (drop the module from "
                    "the path, or select some of its exercises)",
                )
        # course order, so the roadmap and the path agree on what comes next
        return tuple(e for e in on_path if e in set(listed))


def load_manifest(path: Path) -> Manifest:
    """Read and check the manifest; raises :class:`ManifestError` naming the file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestMissing(path, "", "the course manifest is missing") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        raise ManifestError(path, where, f"not valid YAML: {reason}") from None
    return _Reader(path).manifest(raw)
