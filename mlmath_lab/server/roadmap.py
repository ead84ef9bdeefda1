"""The roadmap a student sees: the course manifest joined with the files under the server's
root_dir, so that each assignment says where its notebooks are for this user.

An assignment's notebooks are looked for at ``<root_dir>/<assignment>/<notebook>``, the layout
of both ``mlmath-lab lab`` and nbgrader's ``fetch_assignment``. Its status is

- ``workspace``: found, and placed there by ``mlmath-lab lab`` (recorded in workspace.json);
- ``fetched``: found, but put there by something else (nbgrader's fetch_assignment, a copy);
- ``not_fetched``: none of its notebooks is there.

Each exercise points at the notebook holding its graded test cell. Notebooks are parsed once
per change (keyed by mtime and size), so the route stays fast while the student works.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..course.manifest import Assignment, Manifest, ManifestError, Module, load_manifest
from ..course.notebooks import graded_tests, read_notebook
from ..workspace import read_placed, workspace_state_path

T = TypeVar("T")
Signature = tuple[int, int, int]


def _signature(path: Path) -> Signature:
    info = os.stat(path)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class StatCache(Generic[T]):
    """Values computed from files, recomputed only when a file's mtime, size or inode changes.

    Requests run in a thread pool, hence the lock; two threads may both compute a value that
    changed, which is harmless.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[Signature, T]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, compute: Callable[[Path], T]) -> T:
        signature = _signature(path)  # raises OSError for a missing file: the caller decides
        with self._lock:
            hit = self._entries.get(path)
        if hit is not None and hit[0] == signature:
            return hit[1]
        value = compute(path)
        with self._lock:
            self._entries[path] = (signature, value)
        return value


def _load_or_error(path: Path) -> Manifest | ManifestError:
    # A broken manifest is cached too, so a request storm does not re-parse it every time.
    try:
        return load_manifest(path)
    except ManifestError as error:
        return error


class Roadmap:
    """The roadmap of one server: its root_dir and the manifest it shows."""

    def __init__(
        self, root_dir: Path, manifest_path: Path, log: logging.Logger | None = None
    ) -> None:
        self.root = root_dir.expanduser().resolve()
        self.manifest_path = manifest_path
        self.log = log or logging.getLogger(__name__)
        self._manifests: StatCache[Manifest | ManifestError] = StatCache()
        self._grade_ids: StatCache[frozenset[str]] = StatCache()

    def manifest(self) -> Manifest:
        """The manifest; raises ``ManifestMissing`` or ``ManifestError`` naming file and field."""
        try:
            loaded = self._manifests.get(self.manifest_path, _load_or_error)
        except FileNotFoundError:
            loaded = _load_or_error(self.manifest_path)  # says "the course manifest is missing"
        except OSError as error:
            raise ManifestError(
                self.manifest_path, "", f"cannot be read ({error.strerror})"
            ) from None
        if isinstance(loaded, ManifestError):
            raise loaded
        return loaded

    def to_json(self, manifest: Manifest) -> dict[str, Any]:
        """The roadmap route's answer: ``manifest`` (from :meth:`manifest`) joined with the files."""
        placed = self._placed()
        return {
            "title": manifest.title,
            "manifest": str(manifest.path),
            "phases": [
                {
                    "id": phase.id,
                    "title": phase.title,
                    "summary": phase.summary,
                    "modules": [self._module(m, placed) for m in phase.modules],
                }
                for phase in manifest.phases
            ],
            "paths": [
                {
                    "id": path.id,
                    "title": path.title,
                    "description": path.description,
                    "modules": list(path.modules),
                    "exercises": list(path.exercises),
                }
                for path in manifest.paths
            ],
        }

    # -- the join ------------------------------------------------------------------------
    def _placed(self) -> dict[str, str]:
        try:
            return read_placed(self.root)
        except (OSError, ValueError) as error:
            self.log.warning(
                "%s: unreadable (%s); assignments in the workspace show as fetched",
                workspace_state_path(self.root),
                error,
            )
            return {}

    def _module(self, module: Module, placed: dict[str, str]) -> dict[str, Any]:
        return {
            "id": module.id,
            "title": module.title,
            "summary": module.summary,
            "readings": [
                {"id": r.id, "kind": r.kind, "title": r.title, "url": r.url, "note": r.note}
                for r in module.readings
            ],
            "checkpoints": [{"id": c.id, "text": c.text} for c in module.checkpoints],
            "assignments": [self._assignment(a, placed) for a in module.assignments],
        }

    def _assignment(self, assignment: Assignment, placed: dict[str, str]) -> dict[str, Any]:
        notebooks: list[dict[str, Any]] = []
        found: dict[str, Path] = {}  # relative path → the file on disk
        for name in assignment.notebooks:
            relative = f"{assignment.id}/{name}"
            file = self._locate(relative)
            if file is not None:
                found[relative] = file
            notebooks.append({"name": name, "path": relative if file is not None else None})
        if not found:
            status = "not_fetched"
        elif any(relative in placed for relative in found):
            status = "workspace"
        else:
            status = "fetched"
        holders = [(relative, self._grade_ids_of(file)) for relative, file in found.items()]
        exercises = [
            {
                "id": e.id,
                "title": e.title,
                "grade_id": e.grade_id,
                "notebook": next((rel for rel, ids in holders if e.grade_id in ids), None),
            }
            for e in assignment.exercises
        ]
        return {
            "id": assignment.id,
            "title": assignment.title,
            "status": status,
            "notebooks": notebooks,
            "exercises": exercises,
        }

    def _locate(self, relative: str) -> Path | None:
        """The notebook's real path, if it is a file that resolves inside root_dir.

        Resolving follows symlinks, so a link that points out of root_dir counts as absent:
        the roadmap never sends the student to a file the server should not serve.
        """
        try:
            resolved = (self.root / relative).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
            return None
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved

    def _grade_ids_of(self, notebook: Path) -> frozenset[str]:
        try:
            return self._grade_ids.get(notebook, self._read_grade_ids)
        except OSError:  # removed between _locate and now
            return frozenset()

    def _read_grade_ids(self, notebook: Path) -> frozenset[str]:
        try:
            return frozenset(t.grade_id for t in graded_tests(notebook, read_notebook(notebook)))
        except Exception as error:  # a student's file can be broken in any way
            # Cached like a good result, so a broken notebook warns once per change, not per
            # request; its exercises point nowhere until it is fixed.
            self.log.warning("roadmap: cannot read %s: %s", notebook, error)
            return frozenset()
