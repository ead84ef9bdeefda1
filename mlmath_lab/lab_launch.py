"""How ``mlmath-lab lab`` starts JupyterLab for a student.

- **Options.** ``lab`` sets a few server options itself (the workspace as root folder, the
  notebook to open, no news prompt, ``allow_root`` as root). The student may pass any of them
  after ``--``: theirs wins, ours is dropped, and nothing is given twice (traitlets refuses a
  repeated option: JupyterLab would stop with one log line).
- **A student's JupyterLab.** nbgrader's instructor tools (formgrader, create assignment, the
  course and assignment lists and the Nbgrader menu that opens them) need a course and an
  exchange that a self-learner does not have: they fail on screen and log errors at every
  start. They are turned off in a Jupyter config folder of the workspace, added in front of
  ``JUPYTER_CONFIG_PATH`` for this server only (as ``binder/postBuild`` turns them off in the
  image). nbgrader's Validate stays: it works on a student's notebook.
- **Where to start.** JupyterLab opens the first notebook with an exercise not passed yet (the
  first of the course on a new workspace), beside the roadmap.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .course.manifest import Manifest

# nbgrader's lab plugins and server extensions that need an instructor's course or an exchange
STUDENT_DISABLED_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
)
STUDENT_DISABLED_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
)
CONFIG_FOLDER = "jupyter-config"  # in the workspace's .mlmath-lab folder

# Command-line names that set the same trait as another name.
SAME_OPTION = {
    "ServerApp.notebook_dir": "ServerApp.root_dir",
    "NotebookApp.notebook_dir": "ServerApp.root_dir",
    "ServerApp.default_url": "LabApp.default_url",
}
# JupyterLab's own flags and aliases, as the trait they set (and the value, for flags).
FLAGS = {"allow-root": ("ServerApp.allow_root", "True")}
ALIASES = {"notebook-dir": "ServerApp.root_dir", "root-dir": "ServerApp.root_dir"}
_OPTION = re.compile(r"^--([A-Za-z_][\w]*\.[A-Za-z_]\w*)(?:=(.*))?$", re.DOTALL)


class LabOptionError(ValueError):
    """Options after ``--`` that cannot be given to JupyterLab (the message says why)."""


@dataclass
class LabCommand:
    """The arguments for ``python -m jupyterlab`` and what ``lab`` changed in them."""

    args: list[str]
    notes: list[str] = field(default_factory=list)


def _trait(name: str) -> str:
    return SAME_OPTION.get(name, name)


def _user_options(args: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """The traits the student's arguments set (trait → value) and the arguments themselves,
    each option once (a repeated option: the last value, as the student most likely meant)."""
    values: dict[str, str] = {}
    kept: list[tuple[str | None, list[str]]] = []  # (trait or None, its arguments)
    i = 0
    while i < len(args):
        arg = args[i]
        match = _OPTION.match(arg)
        trait: str | None = None
        taken = [arg]
        flag, sep, inline = arg[2:].partition("=") if arg.startswith("--") else ("", "", "")
        if match:
            trait = _trait(match.group(1))
            value = match.group(2)
            if value is None and i + 1 < len(args) and not args[i + 1].startswith("--"):
                value = args[i + 1]  # "--Class.trait value"
                taken.append(value)
                i += 1
            value = value or ""
        elif flag in FLAGS:
            trait, value = FLAGS[flag]
        elif flag in ALIASES:
            trait, value = ALIASES[flag], inline
            if not sep:  # "--notebook-dir DIR"
                if i + 1 >= len(args):
                    raise LabOptionError(f"{arg} needs a value ({arg}=VALUE)")
                value = args[i + 1]
                taken.append(value)
                i += 1
        else:
            value = ""
        if trait is not None:
            if trait in values and values[trait] != value:
                kept = [(t, a) for t, a in kept if t != trait]  # the last one counts
            elif trait in values:
                i += 1
                continue  # the same option twice: once is enough
            values[trait] = value
        kept.append((trait, taken))
        i += 1
    return values, [a for _, group in kept for a in group]


def lab_command(ours: Mapping[str, str], user_args: Sequence[str]) -> LabCommand:
    """``ours`` (trait → value) merged with the student's arguments: theirs win."""
    given, args = _user_options(user_args)
    command = LabCommand([])
    for trait, value in ours.items():
        if trait in given:
            if given[trait] != value:
                command.notes.append(f"using your {trait}={given[trait]} (instead of {value})")
            continue
        command.args.append(f"--{trait}={value}")
    command.args += args
    return command


def first_unfinished_notebook(
    manifest: Manifest, progress: Mapping[str, Any], workspace: Path
) -> str | None:
    """The workspace path of the first notebook (in the course's order) of an assignment with
    an exercise not passed yet; the course's first notebook when every one is passed. None
    when the workspace has none of them."""
    passed = {
        exercise
        for exercise, entry in (progress.get("exercises") or {}).items()
        if isinstance(entry, dict) and entry.get("passed_at")
    }
    first: str | None = None
    for assignment in manifest.assignments():
        for notebook in assignment.notebooks:
            path = f"{assignment.id}/{notebook}"
            if not (workspace / path).is_file():
                continue
            first = first or path
            if any(exercise.id not in passed for exercise in assignment.exercises):
                return path
    return first


def open_url(notebook: str | None) -> str:
    """JupyterLab's URL that opens ``notebook`` (a workspace path), or its start page."""
    return f"/lab/tree/{quote(notebook)}" if notebook else "/lab"


def write_student_config(state_dir: Path) -> Path:
    """The workspace's Jupyter config folder that turns nbgrader's instructor tools off;
    returns it (to go first on ``JUPYTER_CONFIG_PATH``)."""
    folder = state_dir / CONFIG_FOLDER
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    page_config = {"disabledExtensions": dict.fromkeys(STUDENT_DISABLED_PLUGINS, True)}
    server_config = {
        "ServerApp": {
            "jpserver_extensions": dict.fromkeys(STUDENT_DISABLED_SERVER_EXTENSIONS, False)
        }
    }
    _write_json(folder / "labconfig" / "page_config.json", page_config)
    _write_json(folder / "jupyter_server_config.json", server_config)
    return folder


def config_path_with(folder: Path, environ: Mapping[str, str]) -> str:
    """``JUPYTER_CONFIG_PATH`` with ``folder`` first (before the environment's and the
    system's folders, after the user's own config dir, which keeps the last word)."""
    rest = [p for p in environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    return os.pathsep.join([str(folder), *[p for p in rest if p != str(folder)]])


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
