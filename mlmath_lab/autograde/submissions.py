"""A submission of one student, its notebooks' executions, and its working copy.

Pass 1 (``grader.py``) fills these in: each submitted notebook sanitized as nbgrader's
``Autograde`` would receive it, run by the executor, and compared by digest in pass 2.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from nbformat import NotebookNode

from .limits import Limits


class ExecutionResultLike(Protocol):
    notebook: NotebookNode
    problem: str | None
    duration_s: float


class NotebookExecutor(Protocol):
    """What the grader needs from ``executor.PrewarmedExecutor`` (thread-safe ``run``)."""

    def run(self, nb: NotebookNode, workdir: Path, verdicts: Any = None) -> ExecutionResultLike: ...

    def wait_ready(self) -> None:
        """Raise if the executor cannot run notebooks (it may start in the background)."""


ExecutorFactory = Callable[[Limits], contextlib.AbstractContextManager[NotebookExecutor]]


class SubmissionProblem(RuntimeError):
    """A submission could not be executed (the executor's ``problem``)."""


def notebook_digest(nb: NotebookNode) -> str:
    """What must be equal for an execution to stand for a notebook: its cells' types and sources."""
    cells = [(cell.get("cell_type"), cell.get("source", "")) for cell in nb.get("cells", [])]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def copy_outputs(target: NotebookNode, executed: NotebookNode) -> None:
    """Give ``target`` the outputs and execution counts of ``executed`` (same cells)."""
    for cell, done in zip(target.cells, executed.cells, strict=True):
        if cell.cell_type != "code":
            continue
        cell.outputs = copy.deepcopy(done.get("outputs", []))
        cell.execution_count = done.get("execution_count")
    # nbclient records the kernel's language_info, as nbgrader's Execute does.
    language_info = executed.get("metadata", {}).get("language_info")
    if language_info:
        target.metadata["language_info"] = copy.deepcopy(language_info)
    widgets = executed.get("metadata", {}).get("widgets")
    if widgets:  # as nbclient: written when the run made widgets, left alone otherwise
        target.metadata["widgets"] = copy.deepcopy(widgets)


@dataclass
class Execution:
    """Pass 1's result for one notebook of one student."""

    nb: NotebookNode  # sanitized: what nbgrader's Execute would receive (the executor fills it)
    digest: str
    file_digest: str  # of the submitted file that was sanitized
    output: str = ""  # the sanitized notebook as nbgrader's exporter wrote it
    resources: dict[str, Any] = field(default_factory=dict)  # what the export added to them
    result: ExecutionResultLike | None = None
    error: str | None = None  # the executor itself raised


@dataclass
class Submission:
    """One student's submission and, once pass 1 is done, its executions by notebook id."""

    student: str
    folder: Path
    notebooks: list[Path]  # submitted notebooks the gradebook knows, sorted (nbgrader's order)
    executions: dict[str, Execution] = field(default_factory=dict)
    problem: str | None = None  # set in pass 1 when the submission cannot be graded
    # entries of the submission not copied into its working copy (links, FIFOs, devices)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)


def _copy_tree(
    source: Path, dest: Path, ignore: list[str], exclude: set[Path] | None = None
) -> list[tuple[str, str]]:
    """Copy the non-notebook files of ``source`` into ``dest`` (nbgrader's find_all_files):
    regular files only, never through a symbolic link; return the entries skipped, as
    (relative path, reason) (``workcopy.Skipped``), for the caller to report."""
    from .workcopy import copy_regular_files

    return list(copy_regular_files(source, dest, [*ignore, "*.ipynb"], exclude))
