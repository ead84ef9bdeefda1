"""nbgrader's autograde preprocessors, with their gradebook traffic cut to what changes.

nbgrader's rules stay nbgrader's code: each class here subclasses nbgrader's own preprocessor
and replaces only where its data comes from or when it is committed.

- ``CachedOverwriteCells`` and ``CachedOverwriteKernelspec`` read the source cells and the
  kernelspec from an :class:`AssignmentCells` snapshot, loaded from the gradebook once per run,
  instead of opening the gradebook and querying it cell by cell for every student. The source
  cells do not change while an assignment is graded.
- ``MemoCheckCellMetadata`` runs nbgrader's metadata validation once per distinct metadata
  dict. Validation is a pure function of that dict, and the locked cells of 300 submissions
  carry the same metadata, so the answer is the same; nbgrader's own validator recompiles
  the JSON schema for every cell of every notebook.
- ``BatchedSaveAutoGrades`` keeps nbgrader's scoring and commits a notebook's grades and
  comments once, not once per cell.

``Autograde`` converters find these through :data:`FAST_STEPS`; a preprocessor the
instructor configured in their place (a subclass, another list) is used as configured.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import (
    CheckCellMetadata,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from .gradebook import RunGradebook


@dataclass(frozen=True)
class SourceCellRecord:
    """A source cell as nbgrader's gradebook stores it (the fields its preprocessors read)."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class GradedCellRecord:
    name: str
    max_score: float


@dataclass
class NotebookRecord:
    """One source notebook: what ``Gradebook.find_notebook`` returns, as plain data."""

    name: str
    kernelspec: str | None
    source_cells: list[SourceCellRecord] = field(default_factory=list)
    grade_cells: list[GradedCellRecord] = field(default_factory=list)
    solution_cells: list[GradedCellRecord] = field(default_factory=list)
    task_cells: list[GradedCellRecord] = field(default_factory=list)


class AssignmentCells:
    """The gradebook's source notebooks of one assignment, read once, answering the lookups
    of nbgrader's preprocessors with nbgrader's own errors (``MissingEntry``)."""

    def __init__(self, assignment: str, notebooks: dict[str, NotebookRecord]) -> None:
        self.assignment = assignment
        self.notebooks = notebooks

    @classmethod
    def load(cls, gb: Gradebook, assignment: str) -> AssignmentCells:
        notebooks: dict[str, NotebookRecord] = {}
        for nb in gb.find_assignment(assignment).notebooks:
            record = NotebookRecord(nb.name, nb.kernelspec)
            record.source_cells = [
                SourceCellRecord(c.name, c.cell_type, bool(c.locked), c.checksum, c.source)
                for c in nb.source_cells
            ]
            record.grade_cells = [GradedCellRecord(c.name, c.max_score) for c in nb.grade_cells]
            record.solution_cells = [GradedCellRecord(c.name, 0.0) for c in nb.solution_cells]
            record.task_cells = [GradedCellRecord(c.name, c.max_score) for c in nb.task_cells]
            notebooks[nb.name] = record
        return cls(assignment, notebooks)

    # Gradebook's lookups, for the preprocessors below (arguments as nbgrader passes them).
    def find_notebook(self, name: str, assignment: str) -> NotebookRecord:
        if assignment != self.assignment or name not in self.notebooks:
            raise MissingEntry()
        return self.notebooks[name]

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCellRecord:
        for cell in self.find_notebook(notebook, assignment).source_cells:
            if cell.name == name:
                return cell
        raise MissingEntry()

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradedCellRecord:
        record = self.find_notebook(notebook, assignment)
        for cell in (*record.grade_cells, *record.task_cells):
            if cell.name == name:
                return cell
        raise MissingEntry()

    def __enter__(self) -> AssignmentCells:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _assignment_cells(preprocessor: Any) -> AssignmentCells:
    """The snapshot of the converter that runs ``preprocessor`` (its ``assignment_cells``)."""
    owner = preprocessor.parent
    while owner is not None:
        cells = getattr(owner, "assignment_cells", None)
        if isinstance(cells, AssignmentCells):
            return cells
        owner = owner.parent
    raise RuntimeError(f"{type(preprocessor).__name__} runs only in mlmath-lab's Autograde")


def _ids(preprocessor: Any, resources: dict[str, Any]) -> None:
    # the attributes nbgrader's preprocess() sets before it walks the cells
    preprocessor.notebook_id = resources["nbgrader"]["notebook"]
    preprocessor.assignment_id = resources["nbgrader"]["assignment"]
    preprocessor.db_url = resources["nbgrader"]["db_url"]
    preprocessor.student_id = resources["nbgrader"].get("student")


class CachedOverwriteCells(OverwriteCells):  # type: ignore[misc]
    """nbgrader's ``OverwriteCells`` (same config section) on the run's snapshot."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        _ids(self, resources)
        self.gradebook = _assignment_cells(self)
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class CachedOverwriteKernelspec(OverwriteKernelspec):  # type: ignore[misc]
    """nbgrader's ``OverwriteKernelspec``: the source notebook's kernelspec, from the snapshot."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        _ids(self, resources)
        record = _assignment_cells(self).find_notebook(self.notebook_id, self.assignment_id)
        if record.kernelspec:
            nb.metadata["kernelspec"] = json.loads(record.kernelspec)
        return nb, resources


class _MemoValidator(MetadataValidator):  # type: ignore[misc]
    """nbgrader's metadata validator; a metadata dict it accepted once is accepted again."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted: set[str] = set()

    def validate_cell(self, cell: NotebookNode) -> None:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            return
        key = json.dumps(meta, sort_keys=True, default=repr)
        if key in self.accepted:
            return
        super().validate_cell(cell)
        self.accepted.add(key)


_VALIDATOR: _MemoValidator | None = None


class MemoCheckCellMetadata(CheckCellMetadata):  # type: ignore[misc]
    """nbgrader's ``CheckCellMetadata`` with its validation memoised (same errors, same log)."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        global _VALIDATOR
        if _VALIDATOR is None:
            _VALIDATOR = _MemoValidator()
        try:
            _VALIDATOR.validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


class _CommitOnce:
    """A session whose ``commit()`` does nothing: the notebook's changes are written by one
    flush when ``BatchedSaveAutoGrades`` commits. A query before then still sees them (the
    session flushes before every query), and a write that fails still fails the notebook."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def commit(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class _OneCommitGradebook:
    """The gradebook ``SaveAutoGrades`` writes through: its commits wait for the end, and its
    ``find_grade`` / ``find_comment`` answer from five indexed queries for the whole
    notebook, not two scans per cell, with nbgrader's answers (the same rows, in the same session; a lookup
    nbgrader would not answer with exactly one row is asked of nbgrader itself)."""

    def __init__(self, gb: Gradebook) -> None:
        self._gb = gb
        self.db = _CommitOnce(gb.db)
        self._rows: dict[tuple[str, str, str, str], dict[str, dict[str, list[Any]]]] = {}
        self._submitted: dict[tuple[str, str, str], Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gb, name)

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Any:
        return self._find("grade", grade_cell, notebook, assignment, student)

    def find_comment(self, solution_cell: str, notebook: str, assignment: str, student: str) -> Any:
        return self._find("comment", solution_cell, notebook, assignment, student)

    def _find(self, kind: str, cell: str, notebook: str, assignment: str, student: str) -> Any:
        key = (kind, notebook, assignment, student)
        if key not in self._rows:
            self._rows[key] = _rows_by_cell_name(
                self._gb.db, kind, notebook, assignment, student, self._submitted
            )
        # nbgrader looks among the grade (or solution) cells first, then the task cells
        for rows in self._rows[key].values():
            found = rows.get(cell, [])
            if len(found) == 1:
                return found[0]
            if found:
                break  # more than one: nbgrader's own lookup raises as it does
        lookup = self._gb.find_grade if kind == "grade" else self._gb.find_comment
        return lookup(cell, notebook, assignment, student)


def _rows_by_cell_name(
    db: Any,
    kind: str,
    notebook: str,
    assignment: str,
    student: str,
    submitted_ids: dict[tuple[str, str, str], Any],
) -> dict[str, dict[str, list[Any]]]:
    """A submitted notebook's Grade (or Comment) rows by the name of their cell, by kind of
    cell, in the order nbgrader's ``find_grade`` (``find_comment``) tries them: the rows its
    queries find, less the filter on the cell's name.

    nbgrader's own query scans the whole table of grades (SQLite finds no index for it), so
    its cost grows with the class. Here the rows are found through the table's index on
    (cell, submitted notebook): one lookup per cell of the notebook."""
    from nbgrader.api import Comment, Grade, GradeCell, SolutionCell, TaskCell
    from sqlalchemy import select

    row_class, cell_classes = (
        (Grade, (GradeCell, TaskCell)) if kind == "grade" else (Comment, (SolutionCell, TaskCell))
    )
    result: dict[str, dict[str, list[Any]]] = {c.__name__: {} for c in cell_classes}
    key = (notebook, assignment, student)
    if key not in submitted_ids:  # the submitted notebook's id, once for grades and comments
        submitted_ids[key] = _submitted_notebook(db, notebook, assignment, student)
    submitted = submitted_ids[key]
    if submitted is None:
        return result  # nothing here: nbgrader's own lookup answers (MissingEntry)
    submitted_id, notebook_id = submitted
    for cell_class in cell_classes:
        cells = select(cell_class.id).where(cell_class.notebook_id == notebook_id).correlate(None)
        rows = (
            db.query(cell_class.name, row_class)
            .select_from(row_class)
            .join(cell_class, cell_class.id == row_class.cell_id)
            .filter(row_class.notebook_id == submitted_id, row_class.cell_id.in_(cells))
        )
        for name, row in rows:
            result[cell_class.__name__].setdefault(name, []).append(row)
    return result


def _submitted_notebook(db: Any, notebook: str, assignment: str, student: str) -> Any:
    """(SubmittedNotebook.id, Notebook.id) of a student's notebook, or None."""
    from nbgrader.api import Assignment, Notebook, SubmittedAssignment, SubmittedNotebook

    return (
        db.query(SubmittedNotebook.id, Notebook.id)
        .select_from(SubmittedNotebook)
        .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .filter(
            Notebook.name == notebook,
            Assignment.name == assignment,
            SubmittedAssignment.student_id == student,
        )
        .one_or_none()
    )


class BatchedSaveAutoGrades(SaveAutoGrades):  # type: ignore[misc]
    """nbgrader's ``SaveAutoGrades``: its scores and comments, committed once per notebook."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        _ids(self, resources)
        with RunGradebook(self.db_url) as gb:
            self.gradebook = _OneCommitGradebook(gb)
            try:
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            except BaseException:
                gb.db.rollback()
                raise
            gb.db.commit()
        return nb, resources


FAST_STEPS: dict[type, type] = {
    OverwriteCells: CachedOverwriteCells,
    OverwriteKernelspec: CachedOverwriteKernelspec,
    CheckCellMetadata: MemoCheckCellMetadata,
    SaveAutoGrades: BatchedSaveAutoGrades,
}
"""nbgrader's step → the step that replaces it (only the exact class: a subclass an instructor
configured is theirs and runs as written)."""


def fast_steps(configured: list[Any]) -> Iterator[Any]:
    """The configured preprocessors, with nbgrader's own replaced by their fast versions."""
    from traitlets.utils.importstring import import_item

    for step in configured:
        if isinstance(step, str):
            step = import_item(step)
        yield FAST_STEPS.get(step, step) if isinstance(step, type) else step
