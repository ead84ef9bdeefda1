"""Export a student's progress and notebooks as one file, and import it in another session.

Binder keeps nothing: a session is culled after about ten minutes idle. The export is a zip:

- ``mlmath-lab-export.json``: the index (formats/export-index.schema.json): the course it
  comes from, when, and the sha256 of every other file in the archive;
- ``progress.json``: the progress file (formats/progress.schema.json);
- ``notebooks/<assignment>/<notebook>.ipynb``: the course's notebooks found in the workspace.

An import is checked whole before anything is written: a file that is not such an archive, is
damaged (a checksum differs), is from another course, or holds a path outside the course is
refused with the reason, and nothing is merged. Then the progress is merged (a pass stays
earned) and each notebook restored where the student had not changed the workspace's copy;
where they had, both are kept: the imported one beside it, under a name that says so.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomicfile import write_atomically
from ..course.manifest import Manifest
from ..formats import EXPORT_INDEX, first_problem
from ..workspace import read_placed
from .progress import ProgressStore, shape_problem, utc_now

EXPORT_FORMAT = "mlmath-lab-export"
EXPORT_VERSION = 1
INDEX_NAME = "mlmath-lab-export.json"
PROGRESS_NAME = "progress.json"
NOTEBOOKS_FOLDER = "notebooks"
# A class's notebooks with their outputs stay far below this; a zip bomb does not.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why. Nothing was changed."""


@dataclass
class ImportReport:
    exercises: int = 0  # progress entries added or changed
    checklist: int = 0
    restored: list[str] = field(default_factory=list)  # notebooks written in place
    unchanged: list[str] = field(default_factory=list)  # already the same
    kept_both: dict[str, str] = field(default_factory=dict)  # yours → where the import went

    def to_json(self) -> dict[str, Any]:
        return {
            "exercises": self.exercises,
            "checklist": self.checklist,
            "restored": self.restored,
            "unchanged": self.unchanged,
            "kept_both": self.kept_both,
        }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def course_notebooks(manifest: Manifest, root: Path) -> dict[str, Path]:
    """The course's notebooks present in the workspace: ``assignment/name`` → file."""
    found: dict[str, Path] = {}
    resolved_root = root.resolve()
    for assignment in manifest.assignments():
        for name in assignment.notebooks:
            relative = f"{assignment.id}/{name}"
            try:
                file = (resolved_root / relative).resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if file.is_relative_to(resolved_root) and file.is_file():
                found[relative] = file
    return found


def export_archive(manifest: Manifest, root: Path, store: ProgressStore) -> bytes:
    """The export of this student's progress and notebooks, as zip bytes."""
    files: dict[str, bytes] = {
        PROGRESS_NAME: (json.dumps(store.read(), indent=1, sort_keys=True) + "\n").encode()
    }
    for relative, file in course_notebooks(manifest, root).items():
        files[f"{NOTEBOOKS_FOLDER}/{relative}"] = file.read_bytes()
    index = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "course": manifest.title,
        "exported_at": utc_now(),
        "files": {name: _sha256(data) for name, data in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(INDEX_NAME, json.dumps(index, indent=1) + "\n")
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def export_filename() -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    return f"mlmath-lab-progress-{stamp}.zip"


@dataclass(frozen=True)
class _Unpacked:
    progress: dict[str, Any]
    notebooks: dict[str, bytes]  # assignment/name → content


def _read_archive(data: bytes, manifest: Manifest) -> _Unpacked:
    """Everything in the archive, checked; raises :class:`ImportRefused` naming the problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused(
            "this is not a progress export (not a zip file): choose the .zip that "
            "'Export progress' saved"
        ) from None
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise ImportRefused("the archive unpacks to more than 200 MB: not a progress export")
        names = [info.filename for info in infos if not info.is_dir()]
        if INDEX_NAME not in names:
            raise ImportRefused(f"this is not a progress export: it has no {INDEX_NAME}")
        try:
            contents = {name: archive.read(name) for name in names}
        # zipfile's ways to fail on an entry: a bad checksum or header (BadZipFile, EOFError),
        # a corrupt deflate stream (zlib.error), a password (RuntimeError), an unknown
        # compression method (NotImplementedError); an export has none of these
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
            raise ImportRefused(f"the file is damaged: {error}") from None
        except (RuntimeError, NotImplementedError) as error:
            raise ImportRefused(f"this is not a progress export: {error}") from None
    index = _parsed_json(contents.pop(INDEX_NAME), INDEX_NAME)
    problem = first_problem(EXPORT_INDEX, index)
    if problem:
        raise ImportRefused(f"{INDEX_NAME}: {problem}")
    if index["course"] != manifest.title:
        raise ImportRefused(
            f"this export is from the course {index['course']!r}, not {manifest.title!r}"
        )
    listed: dict[str, str] = index["files"]
    if set(listed) != set(contents):
        missing = sorted(set(listed) - set(contents))
        extra = sorted(set(contents) - set(listed))
        detail = f"missing {missing}" if missing else f"not listed in the index: {extra}"
        raise ImportRefused(f"the file is damaged: {detail}")
    for name, digest in listed.items():
        if _sha256(contents[name]) != digest:
            raise ImportRefused(f"the file is damaged: {name} differs from its checksum")
    progress = _parsed_json(contents.pop(PROGRESS_NAME), PROGRESS_NAME)
    problem = shape_problem(progress)
    if problem:
        raise ImportRefused(f"{PROGRESS_NAME}: {problem}")
    _check_same_course(progress, manifest)
    return _Unpacked(progress, _notebooks(contents, manifest))


def _parsed_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as error:
        raise ImportRefused(f"{name} is not valid JSON ({error})") from None


def _check_same_course(progress: dict[str, Any], manifest: Manifest) -> None:
    """Progress for exercises this course does not have would be merged into nothing."""
    for key, known in (
        ("exercises", set(manifest.exercise_ids())),
        ("checklist", set(manifest.checklist_ids())),
    ):
        foreign = sorted(set(progress[key]) - known)
        if foreign:
            shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
            raise ImportRefused(
                f"{PROGRESS_NAME}: {len(foreign)} of its {key} are not in this course "
                f"({shown}): it is from another course or another version of it"
            )


def _notebooks(contents: dict[str, bytes], manifest: Manifest) -> dict[str, bytes]:
    allowed = {f"{a.id}/{name}" for a in manifest.assignments() for name in a.notebooks}
    notebooks: dict[str, bytes] = {}
    for name, data in contents.items():
        path = PurePosixPath(name)
        relative = "/".join(path.parts[1:])
        if path.parts[0] != NOTEBOOKS_FOLDER or relative not in allowed:
            raise ImportRefused(f"{name}: not a notebook of this course")
        nb = _parsed_json(data, name)
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ImportRefused(f"{name}: not a Jupyter notebook (no 'cells' list)")
        notebooks[relative] = data
    return notebooks


def import_archive(
    data: bytes, manifest: Manifest, root: Path, store: ProgressStore
) -> ImportReport:
    """Check the whole archive, then merge its progress and restore its notebooks."""
    unpacked = _read_archive(data, manifest)
    report = ImportReport()
    placed = _placed(root)
    present = course_notebooks(manifest, root)
    for relative, content in unpacked.notebooks.items():
        target = present.get(relative)
        if target is None:
            write_atomically(root / relative, content)
            report.restored.append(relative)
            continue
        current = target.read_bytes()
        if current == content:
            report.unchanged.append(relative)
        elif placed.get(relative) == _sha256(current):
            # the workspace's copy is still the release as placed: nothing of the student's
            write_atomically(target, content)
            report.restored.append(relative)
        else:
            beside = _free_name(target)
            write_atomically(beside, content)
            report.kept_both[relative] = str(beside.relative_to(root.resolve()))
    counts = store.merge(unpacked.progress)
    report.exercises, report.checklist = counts["exercises"], counts["checklist"]
    return report


def _placed(root: Path) -> dict[str, str]:
    try:
        return read_placed(root)
    except (OSError, ValueError):
        return {}  # no record: every differing notebook counts as the student's


def _free_name(target: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate = target.with_name(f"{target.stem}.imported-{stamp}{target.suffix}")
    number = 2
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}.imported-{stamp}-{number}{target.suffix}")
        number += 1
    return candidate
