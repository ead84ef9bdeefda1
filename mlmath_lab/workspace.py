"""The student workspace that ``mlmath-lab lab`` prepares: one folder per assignment, laid out
as nbgrader's ``fetch_assignment`` lays them out (``<workspace>/<assignment>/*.ipynb``).

The rule that matters: a file the student may have edited is never overwritten. The workspace
remembers the hash of every file it placed; a file whose content still has that hash is
untouched and may be updated to a newer release, anything else is the student's and is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from traitlets import Unicode, default
from traitlets.config import LoggingConfigurable

from .atomicfile import write_atomically
from .course.manifest import MANIFEST_NAME

STATE_DIR = ".mlmath-lab"
STATE_FILE = "workspace.json"


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by the student: left alone
    unchanged: list[str] = field(default_factory=list)


def workspace_state_path(root: Path) -> Path:
    """The workspace's record of the files it placed (``<root>/.mlmath-lab/workspace.json``)."""
    return root / STATE_DIR / STATE_FILE


def workspace_manifest_path(root: Path) -> Path:
    """Where ``mlmath-lab lab`` copies the course manifest, and the server looks by default."""
    return root / STATE_DIR / MANIFEST_NAME


def read_placed(root: Path) -> dict[str, str]:
    """The files the workspace placed under ``root``: relative path (with ``/``) → sha256.

    Empty when there is no record; raises ``OSError``/``ValueError`` when the record is
    unreadable, so that each caller decides what a lost record means for it.
    """
    try:
        data = json.loads(workspace_state_path(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    placed = data.get("placed") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in placed.items()} if isinstance(placed, dict) else {}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` (a notebook, the manifest: small) so that a crash leaves either the old
    ``target`` or the new one, whole."""
    write_atomically(target, source.read_bytes(), mode_of=source)


class StudentWorkspace(LoggingConfigurable):
    """Configurable as ``c.StudentWorkspace.directory`` in ``nbgrader_config.py``."""

    directory = Unicode(help="Where the student's copies of the assignments live.").tag(config=True)

    @default("directory")
    def _default_directory(self) -> str:
        return str(Path.home() / "mlmath-lab")

    @property
    def root(self) -> Path:
        return Path(self.directory).expanduser().resolve()

    @property
    def state_path(self) -> Path:
        return workspace_state_path(self.root)

    @property
    def manifest_path(self) -> Path:
        return workspace_manifest_path(self.root)

    def install_manifest(self, source: Path) -> Path:
        """Copy the course manifest into the workspace, replacing the previous copy.

        Unlike the notebooks, the copy is the instructor's and never student work, so it always
        follows the course; the atomic copy means a running server never reads half a file.
        """
        _copy_atomically(source, self.manifest_path)
        return self.manifest_path

    def _load_state(self) -> dict[str, str]:
        try:
            return read_placed(self.root)
        except (OSError, ValueError) as error:
            # Without the record every existing file counts as edited, which keeps it: safe.
            self.log.warning(
                "%s: unreadable (%s); existing files will all be kept", self.state_path, error
            )
            return {}

    def _save_state(self, placed: dict[str, str]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({"version": 1, "placed": placed}, indent=1, sort_keys=True), encoding="utf-8"
        )
        os.replace(tmp, self.state_path)

    def sync(self, assignment: str, release_dir: Path) -> SyncReport:
        """Bring one assignment's release files into the workspace without losing edits."""
        report = SyncReport()
        placed = self._load_state()
        for source in sorted(p for p in release_dir.rglob("*") if p.is_file()):
            relative = Path(assignment) / source.relative_to(release_dir)
            key = relative.as_posix()
            target = self.root / relative
            new_hash = file_hash(source)
            if not target.exists():
                _copy_atomically(source, target)
                placed[key] = new_hash
                report.added.append(key)
                continue
            current = file_hash(target)
            if current == new_hash:
                placed[key] = new_hash
                report.unchanged.append(key)
            elif placed.get(key) == current:
                _copy_atomically(source, target)  # untouched since we placed it: update
                placed[key] = new_hash
                report.updated.append(key)
            else:
                report.kept.append(key)
        self._save_state(placed)
        return report
