"""nbgrader's ``Autograde`` converter fed by the pre-warmed executor (``autograde/``).

``PrewarmedExecute`` stands in for nbgrader's ``Execute``: it takes a notebook's outputs from
pass 1 (``autograde/grader.py``) and runs the notebook again only if it is not the one pass 1
executed. ``ReusingExporter`` takes pass 1's sanitized export when the file did not change.
Everything else is nbgrader's own code.
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from traitlets import default

from ..autograde.submissions import (
    Execution,
    ExecutionResultLike,
    Submission,
    SubmissionProblem,
    _copy_tree,
    _file_digest,
    copy_outputs,
    notebook_digest,
)


class _Collect(logging.Handler):
    """nbgrader's warnings and errors for one student (the reason when grading fails)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def reason(self) -> str | None:
        errors = [r.getMessage() for r in self.records if r.levelno >= logging.ERROR]
        for message in errors:
            if message.startswith("Traceback"):
                return message.strip().splitlines()[-1]
        return errors[0] if errors else None


def _prewarmed_execute_class() -> type:
    from nbgrader.preprocessors import Execute

    class PrewarmedExecute(Execute):  # type: ignore[misc, valid-type]
        """nbgrader's ``Execute`` (same config section, so ``c.Execute.enabled`` still applies)
        with outputs taken from the pre-warmed executor instead of a fresh kernel."""

        def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
            _owner(self).fill_outputs(nb, resources)
            return nb, resources

    return PrewarmedExecute


class _ConverterMixin:
    """Marker for the converter that ``PrewarmedExecute`` and ``ReusingExporter`` ask; its
    ``assignment_cells`` serve the steps of :mod:`.steps`."""

    assignment_cells: Any = None

    def fill_outputs(self, nb: NotebookNode, resources: Any) -> None:
        raise NotImplementedError

    def sanitized(self, filename: str) -> Execution | None:
        raise NotImplementedError

    def written_by_pass_1(self, filename: str, text: str) -> bool:
        raise NotImplementedError


def _owner(preprocessor: Any) -> _ConverterMixin:
    owner = preprocessor.parent
    while owner is not None and not isinstance(owner, _ConverterMixin):
        owner = owner.parent
    if owner is None:
        raise RuntimeError(f"{type(preprocessor).__name__} runs only inside mlmath-lab's Autograde")
    return owner


# What an export adds to the resources it is given (nbconvert's and the preprocessors'), as
# opposed to what the converter put there for this one conversion.
_CONVERSION_RESOURCES = ("metadata", "nbgrader", "unique_key", "output_files_dir")


def _reusing_exporter_class() -> type:
    import nbformat
    from nbconvert.exporters import Exporter, NotebookExporter

    class ReusingExporter(NotebookExporter):  # type: ignore[misc, valid-type]
        """nbgrader's notebook exporter, without doing the same work twice.

        - In pass 2's sanitize step, when pass 1 exported this very file (same bytes, same
          preprocessors), its output is taken instead of computed again.
        - Pass 2's autograde step reads the file that step wrote: when it holds pass 1's
          output text, whose notebook nbformat validated as it wrote it, it is parsed
          without validating it again (nbformat's check on reading only logs).
        - After the preprocessors, the notebook is validated strictly, as nbformat's writer
          is about to: a notebook valid so is valid under nbconvert's relaxed rule too, and
          is written without a second validation or a deep copy of the outputs. Otherwise
          nbconvert's own relaxed check runs and fails the notebook as it always does.
        """

        _strictly_valid: Any = None  # the notebook last found strictly valid

        def from_filename(
            self, filename: str, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[Any, dict[str, Any]]:
            owner = _owner(self)
            done = owner.sanitized(filename) if resources is not None else None
            if done is None or resources is None:
                return super().from_filename(filename, resources=resources, **kw)
            for key, value in done.resources.items():
                resources[key] = copy.deepcopy(value)
            return done.output, resources

        def from_file(
            self, file_stream: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[Any, dict[str, Any]]:
            text = file_stream.read()
            if _owner(self).written_by_pass_1(getattr(file_stream, "name", ""), text):
                nb = nbformat.reader.reads(text)  # nbformat.read, less its logging check
            else:
                nb = nbformat.reads(text, as_version=4)  # what nbconvert's from_file does
            return self.from_notebook_node(nb, resources=resources, **kw)

        def _validate_preprocessor(self, nbc: Any, preprocessor: Any) -> None:
            try:
                nbformat.validate(nbc)  # nbformat.writes' own check
            except nbformat.ValidationError:
                self._strictly_valid = None
                super()._validate_preprocessor(nbc, preprocessor)  # relaxed; raises
            else:
                self._strictly_valid = nbc

        def from_notebook_node(
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[Any, dict[str, Any]]:
            # NotebookExporter.from_notebook_node, with the write below
            self._strictly_valid = None
            nb_copy, resources = Exporter.from_notebook_node(self, nb, resources, **kw)
            assert resources is not None
            if self.nbformat_version != nb_copy.nbformat:
                resources["output_suffix"] = f".v{self.nbformat_version}"
                output = nbformat.writes(nb_copy, version=self.nbformat_version)
            else:
                resources["output_suffix"] = ".nbconvert"
                if self._strictly_valid is nb_copy:
                    output = writes_validated(nb_copy)
                else:
                    output = nbformat.writes(nb_copy, version=self.nbformat_version)
            if not output.endswith("\n"):
                output = output + "\n"
            return output, resources

    return ReusingExporter


def writes_validated(nb: NotebookNode) -> str:
    """``nbformat.writes(nb)`` for a v4 notebook that was just validated and that no one
    reads afterwards: the same text, without validating again and without the writer's deep
    copy (which copies every output). ``nb``'s cells are changed as the writer changes its
    copy (sources split into lines); its metadata dict is left as it was."""
    from nbformat.v4.nbjson import BytesEncoder
    from nbformat.v4.rwbase import split_lines, strip_transient

    nb = NotebookNode(nb)  # the exporter keeps the notebook's metadata: strip a copy
    nb["metadata"] = NotebookNode(nb["metadata"])
    nb = strip_transient(split_lines(nb))
    return json.dumps(
        nb,
        cls=BytesEncoder,
        indent=1,
        sort_keys=True,
        separators=(",", ": "),
        ensure_ascii=False,
    )


def _converter_class() -> type:
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from ..nbgrader.steps import fast_steps

    prewarmed_execute = _prewarmed_execute_class()
    reusing_exporter = _reusing_exporter_class()

    class PrewarmedAutograde(_ConverterMixin, Autograde):  # type: ignore[misc, valid-type]
        """nbgrader's ``Autograde`` with ``Execute`` swapped for ``PrewarmedExecute``."""

        @default("exporter_class")
        def _exporter_class_default(self) -> type:
            return reusing_exporter  # type: ignore[no-any-return]

        submission: Submission | None = None
        rerun: Callable[..., ExecutionResultLike] | None = None
        verdicts: Any = None
        failure: str | None = None

        def _init_preprocessors(self) -> None:
            self.exporter._preprocessors = []
            if self._sanitizing:
                steps = list(fast_steps(self.sanitize_preprocessors))
            else:
                steps = [
                    prewarmed_execute if isinstance(pp, type) and issubclass(pp, Execute) else pp
                    for pp in fast_steps(self.autograde_preprocessors)
                ]
            for pp in steps:
                self.exporter.register_preprocessor(pp)

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            """nbgrader's, but the submission's files reach autograded/ as pass 1 copied them:
            regular files only, never through a link (nbgrader's ``shutil.copy`` would copy
            a linked gradebook, and stop at a FIFO). Pass 1 named what it skipped."""
            from types import SimpleNamespace

            from nbgrader.converters import base

            from ..autograde.workcopy import copy_regular_file

            submitted = Path(self._format_source(assignment_id, student_id)).resolve()

            def copy(filename: str, path: str) -> None:
                named = Path(filename)  # its folder resolved as the submission's was
                copy_regular_file(submitted, str(named.parent.resolve() / named.name), path)

            real = base.shutil
            # the module's only use of shutil: copying the submission's files
            base.shutil = SimpleNamespace(copy=copy)
            try:
                super().init_assignment(assignment_id, student_id)
            finally:
                base.shutil = real

        def sanitize(self, notebook_filename: str) -> tuple[str, dict[str, Any]]:
            """nbgrader's sanitize step for one submitted notebook, without writing it: the
            text nbgrader would write, and what the export added to the resources."""
            self._sanitizing = True
            self._init_preprocessors()
            resources = self.init_single_notebook_resources(notebook_filename)
            output, resources = self.exporter.from_filename(notebook_filename, resources=resources)
            added = {k: v for k, v in resources.items() if k not in _CONVERSION_RESOURCES}
            return output, copy.deepcopy(added)

        def sanitized(self, filename: str) -> Execution | None:
            """Pass 1's export of ``filename``, if this is pass 2's sanitize step and the file
            has the bytes pass 1 read."""
            submission = self.submission
            if submission is None or not self._sanitizing:
                return None
            execution = submission.executions.get(Path(filename).stem)
            if execution is None or execution.file_digest != _file_digest(Path(filename)):
                return None  # changed since pass 1 (or never seen): sanitize it again
            return execution

        def written_by_pass_1(self, filename: str, text: str) -> bool:
            """Whether ``text``, read from ``filename`` in pass 2's autograde step, is the
            sanitized notebook of pass 1 (which nbformat validated as it wrote it)."""
            submission = self.submission
            if submission is None or self._sanitizing or not filename:
                return False
            execution = submission.executions.get(Path(filename).stem)
            return execution is not None and execution.output == text

        def _execution(self, resources: Any) -> Execution | None:
            submission = self.submission
            notebook_id = resources["nbgrader"]["notebook"]
            return submission.executions.get(notebook_id) if submission else None

        def fill_outputs(self, nb: NotebookNode, resources: Any) -> None:
            notebook_id = resources["nbgrader"]["notebook"]
            execution = self._execution(resources)
            result: ExecutionResultLike | None = None
            if execution is not None and execution.error is not None:
                self.failure = f"{notebook_id}.ipynb: {execution.error}"
                raise SubmissionProblem(self.failure)
            if execution is not None and execution.digest == notebook_digest(nb):
                result = execution.result
            else:
                # Not what pass 1 executed: run this notebook now, as nbgrader would.
                self.log.warning(
                    "%s.ipynb differs from the notebook executed in parallel: running it again",
                    notebook_id,
                )
                assert self.rerun is not None
                workdir = Path(tempfile.mkdtemp(prefix="mlmath-lab-autograde-"))
                try:
                    # its files, as pass 1 copies them: regular files only, never a link,
                    # never a notebook (the one nbgrader runs holds the hidden tests)
                    _copy_tree(Path(resources["metadata"]["path"]), workdir, [])
                    result = self.rerun(copy.deepcopy(nb), workdir, self.verdicts)
                finally:
                    shutil.rmtree(workdir, ignore_errors=True)
            assert result is not None
            if result.problem:
                self.failure = f"{notebook_id}.ipynb: {result.problem}"
                raise SubmissionProblem(self.failure)
            copy_outputs(nb, result.notebook)

    return PrewarmedAutograde
