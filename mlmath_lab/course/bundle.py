"""The student course packaged with mlmath_lab: the release version of every assignment and the
roadmap manifest, for a self-learner who installs the wheel and has no course root.

``mlmath-lab bundle`` makes it from a course root with nbgrader's release, as ``lab`` makes a
workspace, into ``mlmath_lab/student_course/``: a git-ignored folder that the wheel and the sdist
carry as an artifact, as they carry the built extension. ``mlmath-lab lab`` syncs the workspace
from it when it finds no course root. It never holds a source notebook: a bundle in which the
leak scan (``leaks``) finds a hidden test or a solution is not written.

Layout: ``index.json``, ``course.yaml`` and ``<assignment>/<file>``. The index lists the
assignments in the manifest's order with the sha256 of each of their files, and the manifest's:
``lab`` copies exactly those files, and a file that does not match (a damaged installation) is
an error rather than a notebook silently different from the course's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .leaks import CourseSecrets, scan_folder
from .manifest import MANIFEST_NAME
from .release import StudentReleases

PACKAGED = Path(__file__).resolve().parent.parent / "student_course"
INDEX_NAME = "index.json"
FORMAT = 1  # of index.json


class BundleError(ValueError):
    """The packaged student course cannot be made or read; the message says why."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class BundledAssignment:
    id: str
    files: dict[str, str]  # path relative to the assignment's folder (with /) → sha256


@dataclass(frozen=True)
class PackagedCourse:
    """A packaged student course, read from its index (a ``StudentReleases``)."""

    folder: Path
    assignments: tuple[BundledAssignment, ...]

    @property
    def origin(self) -> str:
        return f"the student course packaged with mlmath_lab ({self.folder})"

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_NAME

    def assignment_ids(self) -> list[str]:
        return [assignment.id for assignment in self.assignments]

    def release(self, assignment: str, scratch: Path) -> Path:
        found = [a for a in self.assignments if a.id == assignment]
        if not found:
            raise BundleError(f"{self.folder}: no assignment {assignment!r} in {INDEX_NAME}")
        for relative in found[0].files:
            target = scratch / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.folder / assignment / relative, target)
        return scratch


def packaged_course(folder: Path | None = None) -> PackagedCourse | None:
    """The student course packaged at ``folder`` (default: this installation's), None when
    there is none; a damaged one raises ``BundleError``."""
    folder = PACKAGED if folder is None else folder
    if not (folder / INDEX_NAME).is_file():
        return None
    return load_packaged_course(folder)


def load_packaged_course(folder: Path) -> PackagedCourse:
    """Read ``folder``'s index and check every file it lists against its sha256."""
    index_path = folder / INDEX_NAME
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BundleError(f"{index_path}: cannot be read ({error})") from None

    def damaged(reason: str) -> BundleError:
        return BundleError(
            f"{index_path}: {reason} (reinstall mlmath_lab, or run the bundle again)"
        )

    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise damaged(f"not an index of format {FORMAT}")
    expected: dict[Path, Any] = {folder / MANIFEST_NAME: index.get("manifest_sha256")}
    assignments: list[BundledAssignment] = []
    for entry in index.get("assignments") or []:
        name, files = entry.get("id"), entry.get("files")
        if not isinstance(name, str) or not isinstance(files, dict) or not files:
            raise damaged(f"a malformed assignment entry {entry!r}")
        for relative in files:
            parts = PurePosixPath(relative).parts
            if relative.startswith("/") or ".." in parts:
                raise damaged(f"{name}/{relative}: a path outside the assignment's folder")
            expected[folder / name / relative] = files[relative]
        assignments.append(BundledAssignment(name, {str(k): str(v) for k, v in files.items()}))
    if not assignments:
        raise damaged("no assignment")
    for path, sha256 in expected.items():
        if not path.is_file():
            raise damaged(f"{path} is missing")
        if _sha256(path) != sha256:
            raise damaged(f"{path} is not the file the index lists (its sha256 differs)")
    return PackagedCourse(folder, tuple(assignments))


def build_bundle(
    releases: StudentReleases, secrets: CourseSecrets, target: Path = PACKAGED
) -> PackagedCourse:
    """Make the packaged student course from ``releases`` into ``target``, replacing it.

    It is made beside ``target`` and scanned before it is moved there: a bundle that would
    leak a hidden test or a solution, or is half made, never takes the place of the last one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        index: dict[str, Any] = {"format": FORMAT, "assignments": []}
        with tempfile.TemporaryDirectory(prefix="mlmath-lab-bundle-") as scratch:
            for name in releases.assignment_ids():
                release = releases.release(name, Path(scratch) / name)
                files: dict[str, str] = {}
                for source in sorted(p for p in release.rglob("*") if p.is_file()):
                    relative = source.relative_to(release).as_posix()
                    (staging / name / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, staging / name / relative)
                    files[relative] = _sha256(source)
                if not files:
                    raise BundleError(f"{name}: its release holds no file")
                index["assignments"].append({"id": name, "files": files})
        shutil.copyfile(releases.manifest_path, staging / MANIFEST_NAME)
        index["manifest_sha256"] = _sha256(staging / MANIFEST_NAME)
        (staging / INDEX_NAME).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
        leaks = scan_folder(staging, secrets)
        if leaks:
            shown = "\n  ".join(str(leak) for leak in leaks[:10])
            raise BundleError(f"the student course would leak ({len(leaks)}):\n  {shown}")
        staging.chmod(0o755)  # mkdtemp's 0o700 would make the installed folder root's only
        _replace(target, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return load_packaged_course(target)


def _replace(target: Path, new: Path) -> None:
    """Put the folder ``new`` in the place of ``target`` (two renames on one file system: the
    old bundle is whole until the new one, whole, takes its name)."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
