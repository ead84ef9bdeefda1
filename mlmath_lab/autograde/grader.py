"""nbgrader's ``Autograde`` with its ``Execute`` step fed by a pre-warmed, parallel executor.

Two passes over the submissions of one assignment:

1. For each student, nbgrader's own sanitize preprocessors (``ClearOutput``,
   ``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells``, ``CheckCellMetadata``)
   turn the submitted notebook into exactly the notebook that ``Execute`` would receive. It
   is submitted to a pool of ``workers`` threads that run it with the executor, in a working
   copy outside the course root (the submission's other files, then the source's files, as
   nbgrader lays out ``autograded/``).
2. As each student's notebooks come back, nbgrader's ``Autograde`` runs for that student,
   unchanged but for one preprocessor: ``PrewarmedExecute`` takes the outputs and execution
   counts from pass 1 instead of starting a kernel. It checks that the notebook it receives is
   the one that was executed (a hash of the cells' types and sources) and runs it then and
   there if not. Everything else, gradebook writes included, is nbgrader's code, one student at
   a time in the main thread.

A student is graded all or nothing: nbgrader's gradebook writes for one student are one
database transaction (``gradebook.student_transaction``), and nbgrader writes into a staging
folder, which replaces ``autograded/<student>/<assignment>`` only once that transaction is
committed. When grading fails (or is interrupted, even by ``kill -9``), the transaction is
rolled back, the gradebook is as it was, and no autograded folder is left, so the next run
grades that student again.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, ParamSpec, TextIO, TypeVar

import nbformat
from traitlets import Bool, Float, Integer, default
from traitlets.config import Config, LoggingConfigurable

from ..nbgrader.converter import _Collect, _converter_class
from .limits import Limits
from .submissions import (
    Execution,
    ExecutorFactory,
    NotebookExecutor,
    Submission,
    SubmissionProblem,
    _copy_tree,
    _file_digest,
    notebook_digest,
)
from .summary import Progress, Summary, _skipped_note, _tampering_note

Params = ParamSpec("Params")
Returned = TypeVar("Returned")

STAGING_STEP = ".mlmath-lab-autograde-staging"
"""nbgrader writes here (a folder of the course root, so the final rename stays on one
filesystem); a student's folder moves to ``autograded/`` once it is complete."""


def _default_executor_factory(
    limits: Limits,
    *,
    preload: tuple[str, ...] | None = None,
    uids: tuple[int, ...] = (),
    require_sandbox: bool = False,
    cgroups: bool = True,
    checkers: bool = True,
) -> contextlib.AbstractContextManager[NotebookExecutor]:
    from .executor import DEFAULT_PRELOAD, PrewarmedExecutor

    # The zygote warms up (imports torch, ...) while pass 1 sanitizes the first submissions.
    return PrewarmedExecutor(  # type: ignore[return-value]
        limits,
        preload or DEFAULT_PRELOAD,
        lazy=True,
        uids=uids,
        require_sandbox=require_sandbox,
        cgroups=cgroups,
        checkers=checkers,
    )


def _course_checkers_folder() -> Path:
    """Where the course's checkers (and their reference solutions) are installed."""
    import mlmath_lab.exercises

    return Path(mlmath_lab.exercises.__file__).resolve().parent


def _sharing_one_gradebook_engine(
    method: Callable[Params, Returned],
) -> Callable[Params, Returned]:
    """Runs ``method`` inside ``gradebook.shared_engine()`` (see that module)."""

    @functools.wraps(method)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        from ..nbgrader.gradebook import shared_engine

        with shared_engine():
            return method(*args, **kwargs)

    return run


class Autograder(LoggingConfigurable):
    """``mlmath-lab autograde``: how submissions are run (``c.Autograder.*``)."""

    _progress: Progress

    workers = Integer(
        help="Submissions run at once (threads feeding the pre-warmed executor). "
        "Default: the number of CPUs."
    ).tag(config=True)
    cell_timeout = Float(
        30.0, help="Seconds one cell may run (as nbgrader's Execute.timeout)."
    ).tag(config=True)
    notebook_timeout = Float(
        600.0, help="Seconds one whole notebook may run: past it, the submission fails."
    ).tag(config=True)
    memory_mb = Integer(2048, help="Memory (MB) a submission's code may add.").tag(config=True)
    max_processes = Integer(8, help="Processes a submission's code may start.").tag(config=True)
    max_file_mb = Integer(100, help="Largest file (MB) a submission's code may write.").tag(
        config=True
    )
    max_output_bytes = Integer(
        1_000_000, help="Output kept per cell; the rest is cut with a notice."
    ).tag(config=True)
    require_sandbox = Bool(
        False,
        help="Refuse to run a submission whose process cannot be fully isolated on this "
        "machine (not root, no namespaces): it fails, with the protections that are missing. "
        "Off, such a run goes on and its summary lists them.",
    ).tag(config=True)
    use_cgroups = Bool(
        True,
        help="As root where cgroup v1 hierarchies are mounted: each submission gets its own "
        "control groups, so memory_mb counts all its processes and its files in /tmp, "
        "max_processes all its processes, and it uses at most one CPU. Elsewhere (or off) the "
        "rlimits alone apply.",
    ).tag(config=True)
    first_sandbox_uid = Integer(
        1_500_000_000,
        help="As root, submissions run as users first_sandbox_uid, first_sandbox_uid + 1, ... "
        "(one per worker; users that no one else has), so that two running at once cannot read "
        "each other's working copies or signal each other.",
    ).tag(config=True)

    @default("workers")
    def _workers_default(self) -> int:
        return os.cpu_count() or 1

    def limits(self, hidden_paths: tuple[Path, ...] = ()) -> Limits:
        return Limits(
            cell_timeout=self.cell_timeout,
            notebook_timeout=self.notebook_timeout,
            memory_mb=self.memory_mb,
            max_processes=self.max_processes,
            max_file_mb=self.max_file_mb,
            max_output_bytes=self.max_output_bytes,
            hidden_paths=hidden_paths,
        )

    # ------------------------------------------------------------------ the run

    @_sharing_one_gradebook_engine
    def autograde(
        self,
        root: Path,
        assignment: str,
        config: Config,
        *,
        students: list[str] | None = None,
        force: bool = False,
        executor_factory: ExecutorFactory | None = None,
        progress_stream: TextIO | None = None,
    ) -> Summary:
        """Grade ``assignment``'s submissions in the course ``root`` (nbgrader's layout and
        gradebook, configured by ``config``). Raises ``KeyboardInterrupt`` after cleaning up."""
        from nbgrader.api import MissingEntry
        from nbgrader.coursedir import CourseDirectory

        from ..course.release import ensure_alembic_on_path
        from ..nbgrader.gradebook import RunGradebook

        ensure_alembic_on_path()
        started = time.monotonic()
        root = root.resolve()
        cfg = Config(config)
        cfg.CourseDirectory.root = str(root)
        # nbconvert validates the notebook after every preprocessor unless told to validate
        # once at the end; an invalid notebook fails the student either way.
        if "optimistic_validation" not in cfg.NotebookExporter:
            cfg.NotebookExporter.optimistic_validation = True
        coursedir = CourseDirectory(config=cfg)
        coursedir.assignment_id = assignment
        summary = Summary(assignment)

        from ..nbgrader.steps import AssignmentCells

        converter_class = _converter_class()
        with RunGradebook(coursedir.db_url, coursedir.course_id) as gb:
            try:
                # the source cells, read once: the same for every student of this run
                cells = AssignmentCells.load(gb, assignment)
                known = set(cells.notebooks)
            except MissingEntry:
                raise SubmissionProblem(
                    f"no assignment {assignment!r} in the gradebook {coursedir.db_url}: "
                    f"run `nbgrader generate_assignment {assignment}` first"
                ) from None
        # Which checks each graded cell runs, read from the gradebook's source cells and
        # run here: the verdicts are decided in this process (verdicts.py).
        verdicts = _verdict_plans(cells)
        self._verdicts = verdicts
        threading.Thread(target=verdicts.warm, name="verdict-plans", daemon=True).start()
        summary.graded_in_child = dict(verdicts.unplanned)
        submissions, summary.skipped = self._find_submissions(
            coursedir, assignment, known, students, force
        )
        for student in summary.skipped:
            self.log.info("%s: already autograded (use --force to grade again)", student)

        # Pass 1's converter: sanitize only (reads the gradebook, writes nothing).
        sanitizer = converter_class(coursedir=coursedir, parent=self, config=cfg)
        sanitizer.assignment_cells = cells
        sanitizer.log = self._nbgrader_logger()  # pass 2 reports nbgrader's warnings
        from nbconvert.writers import FilesWriter

        sanitizer.writer = FilesWriter(parent=sanitizer, config=sanitizer.config)
        sanitizer.exporter = sanitizer.exporter_class(parent=sanitizer, config=sanitizer.config)

        workers = max(1, self.workers)
        from .executor import autograde_preload
        from .users import claimed_uids

        # as root, one user per worker, held for this run only (another run picks others)
        run_users = contextlib.ExitStack()
        uids = (
            run_users.enter_context(claimed_uids(self.first_sandbox_uid, workers))
            if os.geteuid() == 0 and executor_factory is None
            else ()
        )
        # The course's checkers reach the children only where a graded cell runs there (one
        # the grader cannot plan); else a submission could call their references.
        checkers_in_child = bool(self._verdicts.unplanned)
        factory = executor_factory or functools.partial(
            _default_executor_factory,
            preload=autograde_preload(root, assignment),
            uids=uids,
            require_sandbox=self.require_sandbox,
            cgroups=self.use_cgroups,
            checkers=checkers_in_child,
        )
        hidden = tuple(
            p
            for p in (
                root / "source",
                root / "submitted",
                root / coursedir.autograded_directory,
                root / "feedback",
                root / STAGING_STEP,
                Path(coursedir.db_url.removeprefix("sqlite:///")),
                *(() if checkers_in_child else (_course_checkers_folder(),)),
            )
            if p.exists()
        )
        limits = self.limits(hidden)
        workdirs: list[Path] = []
        staging_root = root / STAGING_STEP
        shutil.rmtree(staging_root, ignore_errors=True)  # an earlier run that was killed
        progress = Progress(len(submissions), progress_stream)
        self._progress = progress
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="autograde")
        try:
            with _autograde_env(), factory(limits) as executor:
                pending: dict[Future[None], Submission] = {}
                for sub in submissions:
                    # its own folder in the system's temp dir, which the sandbox can reach
                    workdir = Path(tempfile.mkdtemp(prefix="mlmath-lab-autograde-"))
                    workdirs.append(workdir)
                    self._prepare(sub, sanitizer, coursedir, assignment, workdir)
                    if sub.problem is not None:
                        summary.failed[sub.student] = sub.problem
                        progress.advance(f"FAILED {sub.student}: {sub.problem}", important=True)
                        continue
                    future = pool.submit(self._execute, executor, sub, workdir, verdicts)
                    pending[future] = sub
                executor.wait_ready()  # a zygote that cannot start stops the run, with its log
                # Pass 2, in the main thread, as each student's executions come back.
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    summary.missing_protections = list(getattr(executor, "missing_protections", {}))
                    for future in sorted(done, key=lambda f: pending[f].student):
                        sub = pending.pop(future)
                        reason = self._grade_student(
                            converter_class, coursedir, cfg, assignment, sub, executor, cells
                        )
                        note = "; ".join(filter(None, (_tampering_note(sub), _skipped_note(sub))))
                        if note:
                            summary.notes[sub.student] = note
                            progress.message(f"NOTE {sub.student}: {note}")
                        sub.executions.clear()  # the notebooks are written: free their memory
                        if reason is None:
                            summary.graded.append(sub.student)
                            progress.advance(f"graded {sub.student}")
                        else:
                            summary.failed[sub.student] = reason
                            progress.advance(f"FAILED {sub.student}: {reason}", important=True)
        except KeyboardInterrupt:
            summary.interrupted = True
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            run_users.close()  # the executor and its children are gone
            progress.close()
            for workdir in workdirs:
                shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(staging_root, ignore_errors=True)
            summary.wall_s = time.monotonic() - started
            self._scores(coursedir, assignment, summary)
        return summary

    def _find_submissions(
        self,
        coursedir: Any,
        assignment: str,
        known: set[str],
        students: list[str] | None,
        force: bool,
    ) -> tuple[list[Submission], list[str]]:
        from ..nbgrader.gradebook import RunGradebook

        pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
        folders = sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_dir())
        submitted_root = Path(coursedir.format_path(coursedir.submitted_directory, ".", "."))
        by_student = {f.relative_to(submitted_root).parts[0]: f for f in folders}
        if students:
            missing = [s for s in students if s not in by_student]
            for student in missing:
                self.log.warning("no submission of %s for student %s", assignment, student)
            by_student = {s: by_student[s] for s in students if s in by_student}
        excluded = set(filter(None, coursedir.student_id_exclude.split(",")))

        result: list[Submission] = []
        skipped: list[str] = []
        with RunGradebook(coursedir.db_url, coursedir.course_id) as gb:
            for student, folder in sorted(by_student.items()):
                if student in excluded:
                    continue
                notebooks = sorted(
                    p for p in folder.glob(f"{coursedir.notebook_id}.ipynb") if p.stem in known
                )
                if not force and self._already_graded(gb, coursedir, assignment, student):
                    skipped.append(student)
                    continue
                sub = Submission(student, folder, notebooks)
                linked = [p.name for p in notebooks if p.is_symlink()]
                if not notebooks:
                    sub.problem = f"{folder}: no notebook of {assignment} was submitted"
                elif linked:
                    # nbgrader would read whatever it points to (a classmate's notebook)
                    sub.problem = (
                        f"{folder}: {', '.join(linked)} is a symbolic link, not a notebook; "
                        "it was not followed"
                    )
                result.append(sub)
        return result, skipped

    @staticmethod
    def _already_graded(gb: Any, coursedir: Any, assignment: str, student: str) -> bool:
        """nbgrader's rule (an autograded folder, not older than the submission) and a
        submission in the gradebook."""
        from nbgrader.api import MissingEntry

        dest = coursedir.format_path(coursedir.autograded_directory, student, assignment)
        if not os.path.isdir(dest):
            return False
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            return False
        src = coursedir.format_path(coursedir.submitted_directory, student, assignment)
        new, old = coursedir.get_existing_timestamp(src), coursedir.get_existing_timestamp(dest)
        return not (new is not None and old is not None and new > old)

    def _prepare(
        self, sub: Submission, sanitizer: Any, coursedir: Any, assignment: str, workdir: Path
    ) -> None:
        """Pass 1 for one student: sanitize each notebook and lay out its working copy."""
        try:
            sub.skipped_files = _copy_tree(sub.folder, workdir, list(coursedir.ignore))
            source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
            exclude = {source / x for x in sanitizer.exclude_overwriting.get(assignment, [])}
            _copy_tree(source, workdir, list(coursedir.ignore), exclude)
        except OSError as error:
            sub.problem = f"cannot copy the submission's files: {error}"
            return
        for path in sub.notebooks:
            file_digest = _file_digest(path)
            try:
                output, resources = sanitizer.sanitize(str(path))
                # the text nbformat validated as it wrote it: parsed, not checked again
                nb = nbformat.reader.reads(output)
            except Exception as error:
                where = os.path.relpath(path, coursedir.root)
                copies = _duplicated_grade_ids(path)
                if copies:  # nbgrader strips the copies' metadata, then rejects the notebook
                    sub.problem = (
                        f"{where}: the graded cell{'s' if len(copies) > 1 else ''} "
                        f"{', '.join(repr(c) for c in copies)} appear{'' if len(copies) > 1 else 's'}"
                        " more than once (copied cells); nbgrader cannot grade this notebook: "
                        "delete the copies and grade it again"
                    )
                else:
                    sub.problem = f"{where}: {_describe(error)}"
                return
            # The notebook in the working copy is the student's own file, as submitted: the
            # sanitized one nbgrader runs holds the hidden tests, which never reach the child
            # as a file (the grader sends their inputs when their cell runs).
            shutil.copyfile(path, workdir / path.name, follow_symlinks=False)
            sub.executions[path.stem] = Execution(
                nb, notebook_digest(nb), file_digest or "", output, resources
            )

    @staticmethod
    def _execute(executor: NotebookExecutor, sub: Submission, workdir: Path, verdicts: Any) -> None:
        """In a worker thread: the student's notebooks in order, in one working copy (as
        nbgrader runs them in autograded/<student>/<assignment>)."""
        try:
            for execution in sub.executions.values():
                try:
                    # run() fills this notebook in; pass 2 needs only its outputs
                    execution.result = executor.run(execution.nb, workdir, verdicts)
                except Exception as error:
                    execution.error = f"the executor failed: {_describe(error)}"
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _grade_student(
        self,
        converter_class: type,
        coursedir: Any,
        cfg: Config,
        assignment: str,
        sub: Submission,
        executor: NotebookExecutor,
        cells: Any,
    ) -> str | None:
        """Pass 2: nbgrader's Autograde for one student; None when graded, else the reason."""
        from glob import escape

        from nbgrader.converters import NbGraderException
        from nbgrader.coursedir import CourseDirectory

        from ..nbgrader.gradebook import student_transaction

        student_cfg = Config(cfg)
        student_cfg.CourseDirectory.autograded_directory = STAGING_STEP
        student_dir = CourseDirectory(config=student_cfg)
        student_dir.assignment_id = assignment
        student_dir.student_id = escape(sub.student)
        staged = Path(student_dir.format_path(STAGING_STEP, sub.student, assignment))
        final = Path(coursedir.format_path(coursedir.autograded_directory, sub.student, assignment))
        shutil.rmtree(staged, ignore_errors=True)

        logger = self._nbgrader_logger()
        collected = _Collect()
        logger.addHandler(collected)
        converter = converter_class(coursedir=student_dir, parent=self, config=student_cfg)
        converter.log = logger
        converter.submission = sub
        converter.rerun = executor.run
        converter.verdicts = self._verdicts
        converter.assignment_cells = cells
        reason: str | None = None
        # One transaction: the student's rows are committed once, complete, or not at all.
        with student_transaction(coursedir.db_url, coursedir.course_id) as transaction:
            try:
                converter.start()
                if not (staged / f"{sub.notebooks[0].stem}.ipynb").is_file():
                    reason = collected.reason() or "nbgrader wrote no autograded notebook"
            except NbGraderException:
                reason = converter.failure or collected.reason() or "nbgrader failed"
            except KeyboardInterrupt:
                # nbgrader wrote only to the staging folder: an earlier autograded copy in
                # `final` (a --force re-run) still matches the gradebook, rolled back.
                shutil.rmtree(staged, ignore_errors=True)
                raise
            except Exception as error:
                reason = f"{_describe(error)}"
            finally:
                logger.removeHandler(collected)
            if reason is not None:
                transaction.rollback()
        for record in collected.records:
            if record.levelno < logging.ERROR:
                # e.g. "Attribute 'checksum' for cell softmax has changed!" for every test cell
                # with hidden tests: nbgrader's routine, shown with --log-level=DEBUG
                self.log.debug("%s: nbgrader: %s", sub.student, record.getMessage())
        if reason is not None:
            shutil.rmtree(staged, ignore_errors=True)
            return reason
        # Complete: the gradebook has every score; now the autograded folder takes its place.
        final.parent.mkdir(parents=True, exist_ok=True)
        old = final.with_name(final.name + f".old-{os.getpid()}")
        if final.exists():
            os.replace(final, old)
        os.replace(staged, final)
        shutil.rmtree(old, ignore_errors=True)
        return None

    def _nbgrader_logger(self) -> logging.Logger:
        """nbgrader's messages: collected per student (the reason when grading fails)."""
        logger = logging.getLogger(f"{__name__}.nbgrader")
        logger.setLevel(logging.DEBUG if self.log.isEnabledFor(logging.DEBUG) else logging.WARNING)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())  # not Python's last-resort stderr handler
        return logger

    def _scores(self, coursedir: Any, assignment: str, summary: Summary) -> None:
        from nbgrader.api import MissingEntry

        from ..nbgrader.gradebook import RunGradebook

        with (
            contextlib.suppress(Exception),
            RunGradebook(coursedir.db_url, coursedir.course_id) as gb,
        ):
            try:
                summary.max_score = float(gb.find_assignment(assignment).max_score)
            except MissingEntry:
                return
            for submission in gb.assignment_submissions(assignment):
                student = submission.student.id
                dest = coursedir.format_path(coursedir.autograded_directory, student, assignment)
                if os.path.isdir(dest):
                    summary.scores[student] = float(submission.score)


@contextlib.contextmanager
def _autograde_env() -> Iterator[None]:
    """``NBGRADER_EXECUTION=autograde`` for the executor's processes, as nbgrader sets it for
    its kernels (nbgrader's own ``setenv`` cannot nest: it deletes the variable on exit)."""
    before = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = before


def _verdict_plans(cells: Any) -> Any:
    """The plans of the assignment's graded test cells (``verdicts.VerdictPlans``)."""
    from .verdicts import VerdictPlans

    sources: dict[str, str] = {}
    for record in cells.notebooks.values():
        graded = {c.name for c in record.grade_cells}
        solutions = {c.name for c in record.solution_cells}
        for cell in record.source_cells:
            if cell.cell_type == "code" and cell.name in graded and cell.name not in solutions:
                sources[cell.name] = cell.source
    return VerdictPlans.from_sources(sources)


def _duplicated_grade_ids(path: Path) -> list[str]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    except (OSError, ValueError, AttributeError):
        return []
    return sorted({i for i in ids if i and ids.count(i) > 1})


def _describe(error: BaseException) -> str:
    if isinstance(error, nbformat.reader.NotJSONError):
        return "not a valid notebook (invalid JSON)"
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
