"""``mlmath-lab validate``: prove both sides of every assignment before students see it.

- source notebooks are clean and carry valid nbgrader metadata with unique grade ids;
- the manifest and the notebooks name the same assignments, notebooks and exercises;
- nbgrader's release keeps no solution and no hidden test;
- a test cell's hidden part only adds inputs to its exercise's checker;
- every checker is proven (``checks.proof``): reference and solution pass, the stub is "not
  implemented yet", each known mistake is named by its own hint alone;
- every source notebook runs with all graded tests passing (the solutions are right);
- every graded test fails on the release (no free points for an untouched stub).
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode
from traitlets import Enum, Int, Unicode
from traitlets.config import Config, LoggingConfigurable

from ..checks.registry import UnknownExercise, get_checker
from . import Course, CourseError
from .execute import CellError, PrewarmedRunner, run_notebook
from .hidden import hidden_region_reasons
from .manifest import Exercise, Manifest, ManifestError
from .notebooks import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    GradedTest,
    NotebookError,
    cell_label,
    graded_tests,
    is_graded_test,
    is_solution,
    nbgrader_meta,
    read_notebook,
    split_marked,
)
from .release import ReleaseError, generate_release
from .solutions import CheckerProof, prove_notebook

GRADE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_\-]+$")
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
CHECKED_NAME = re.compile(r"""\bcheck\(\s*["'][^"']+["']\s*,\s*([A-Za-z_]\w*)""")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the course: where (file, cell) and why."""

    file: Path
    where: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.where}: {self.reason}"
            if self.where
            else f"{self.file}: {self.reason}"
        )


class Validator(LoggingConfigurable):
    """Checks a course; configurable as ``c.Validator.<trait>`` in ``nbgrader_config.py``."""

    cell_timeout = Int(180, help="Seconds a cell may run when notebooks are executed.").tag(
        config=True
    )
    kernel_name = Unicode(
        "python3", help="The kernel that runs the notebooks (with executor = 'kernel')."
    ).tag(config=True)
    executor = Enum(
        ["prewarmed", "kernel"],
        default_value="prewarmed",
        help="""How notebooks are run: 'prewarmed' forks each from autograde's warm zygote
        (numpy and torch imported once, milliseconds a notebook); 'kernel' starts a real
        Jupyter kernel for each (seconds a notebook).""",
    ).tag(config=True)

    # what the last validate() proved, exercise by exercise (the command prints it)
    proofs: list[CheckerProof]

    def validate(
        self,
        course: Course,
        assignments: Iterable[str] | None = None,
        *,
        execute: bool = True,
        nbgrader_config: Config | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> list[Problem]:
        self.proofs = []
        if execute and self.executor == "prewarmed":
            with PrewarmedRunner(cell_timeout=self.cell_timeout) as runner:
                self._runner: PrewarmedRunner | None = runner
                try:
                    return self._validate(course, assignments, execute, nbgrader_config, progress)
                finally:
                    self._runner = None
        self._runner = None
        return self._validate(course, assignments, execute, nbgrader_config, progress)

    def _validate(
        self,
        course: Course,
        assignments: Iterable[str] | None,
        execute: bool,
        nbgrader_config: Config | None,
        progress: Callable[[str], None] | None,
    ) -> list[Problem]:
        # One scratch course for every release: nbgrader makes its gradebook there once.
        with tempfile.TemporaryDirectory(prefix="mlmath-lab-validate-") as scratch:
            return self._validate_in(
                course, assignments, execute, nbgrader_config, progress, Path(scratch)
            )

    def _validate_in(
        self,
        course: Course,
        assignments: Iterable[str] | None,
        execute: bool,
        nbgrader_config: Config | None,
        progress: Callable[[str], None] | None,
        scratch: Path,
    ) -> list[Problem]:
        say = progress or (lambda message: None)
        problems: list[Problem] = []
        # With the pre-warmed executor the checkers are proven, and the notebooks run, in its
        # children, two at a time on two cores; this thread meanwhile reads the notebooks and
        # makes the releases (nbgrader), and the children's findings join at the end.
        with ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="validate-run"
        ) as pool:
            runs: list[Future[list[Problem]]] = []
            manifest = self._manifest(course, problems)
            names = list(assignments) if assignments else self._all_assignments(course, manifest)
            readable: dict[str, dict[Path, NotebookNode]] = {}
            for name in names:
                folder = course.source / name
                if not folder.is_dir():
                    problems.append(Problem(folder, "", "no such assignment folder in source/"))
                    continue
                say(f"{name}: checking notebooks")
                unreadable = len(problems)
                notebooks = self._read_all(course, name, problems)
                if len(problems) > unreadable:
                    continue  # an unreadable notebook: its exercises and release are unjudged
                readable[name] = notebooks
                for path, nb in notebooks.items():
                    problems += static_problems(path, nb)
                    problems += solutions_outside_solution_cells(path, nb)
                    problems += hidden_test_problems(path, nb)
                problems += duplicate_grade_ids(notebooks)
                if manifest is not None:
                    problems += manifest_problems(manifest, name, notebooks, folder)
            # The proofs first, the longest first (a notebook's size stands for its number
            # of exercises): the notebook runs, shorter, fill the cores in after them.
            in_children: dict[Path, Future[list[CheckerProof | str]]] = {}
            if self._runner is not None:
                jobs = [
                    (name, path, nb) for name, nbs in readable.items() for path, nb in nbs.items()
                ]
                for name, path, nb in sorted(jobs, key=lambda job: -job[1].stat().st_size):
                    say(f"{name}: proving the checkers of {path.name} (in a child)")
                    # prove() only writes nb out as JSON: no copy needed
                    in_children[path] = pool.submit(self._runner.prove, name, path, nb)
            else:
                for name, notebooks in readable.items():
                    for path, nb in notebooks.items():
                        say(f"{name}: proving the checkers of {path.name}")
                        problems += self._proof_problems(path, prove_notebook(name, path, nb))
            for name, notebooks in readable.items():
                if notebooks:
                    config = nbgrader_config or Config()
                    problems += self._release(
                        course,
                        name,
                        notebooks,
                        config,
                        scratch,
                        say,
                        runs,
                        execute,
                        pool if self._runner is not None else None,
                    )
            for path in (path for nbs in readable.values() for path in nbs if in_children):
                problems += self._proof_problems(path, in_children[path].result())  # in order
            for run in runs:
                problems += run.result()
        return problems

    # -- steps ------------------------------------------------------------------------------
    def _proof_problems(self, path: Path, proofs: list[CheckerProof | str]) -> list[Problem]:
        """Keep what proving ``path``'s checkers found; the problems among it."""
        problems = []
        for found in proofs:
            if isinstance(found, str):
                where, _, reason = found.partition(": ")
                problems.append(Problem(path, where, reason))
                continue
            self.proofs.append(found)
            problems += [Problem(path, found.cell, f"checker: {p}") for p in found.proof.problems]
        return problems

    def _manifest(self, course: Course, problems: list[Problem]) -> Manifest | None:
        try:
            return course.manifest()
        except ManifestError as error:
            problems.append(Problem(error.path, error.where, error.reason))
            return None

    def _all_assignments(self, course: Course, manifest: Manifest | None) -> list[str]:
        names = course.source_assignments()
        if manifest is not None:
            names += [a.id for a in manifest.assignments() if a.id not in names]
        return names

    def _read_all(
        self, course: Course, name: str, problems: list[Problem]
    ) -> dict[Path, NotebookNode]:
        notebooks: dict[Path, NotebookNode] = {}
        try:
            paths = course.source_notebooks(name)
        except CourseError as error:
            problems.append(Problem(course.source / name, "", str(error)))
            return notebooks
        for path in paths:
            try:
                notebooks[path] = read_notebook(path)
            except NotebookError as error:
                problems.append(Problem(path, "", str(error).removeprefix(f"{path}: ")))
        return notebooks

    def _release(
        self,
        course: Course,
        name: str,
        notebooks: dict[Path, NotebookNode],
        config: Config,
        scratch: Path,
        say: Callable[[str], None],
        runs: list[Future[list[Problem]]],
        execute: bool,
        pool: ThreadPoolExecutor | None,
    ) -> list[Problem]:
        """Release ``name`` with nbgrader and check the release. With ``execute``, run the
        source and release notebooks: queued in ``pool`` when there is one (on copies: the
        caller goes on reading the source notebooks), else here, one after the other (a
        kernel each, the way validate always ran)."""
        problems: list[Problem] = []
        say(f"{name}: generating the release with nbgrader")
        try:
            release_dir = generate_release(course, name, scratch, config)
        except ReleaseError as error:
            return [Problem(course.source / name, "", str(error))]
        for path, source_nb in notebooks.items():
            release_path = release_dir / path.name
            try:
                release_nb = read_notebook(release_path)
            except (NotebookError, FileNotFoundError) as error:
                problems.append(Problem(release_path, "", f"release not readable: {error}"))
                continue
            problems += leak_problems(path, source_nb, release_nb)
            if not execute:
                continue
            say(f"{name}: running {path.name} (source)")
            if pool is not None:
                runs.append(pool.submit(self._run_source, path, copy.deepcopy(source_nb)))
            else:
                problems += self._run_source(path, copy.deepcopy(source_nb))
            say(f"{name}: running {path.name} (release)")
            if pool is not None:
                runs.append(pool.submit(self._run_release, path, release_path, release_nb))
            else:
                problems += self._run_release(path, release_path, release_nb)
        return problems

    def _run(self, nb: NotebookNode, cwd: Path) -> dict[int, CellError]:
        if self._runner is not None:
            return self._runner.run(nb, cwd)
        return run_notebook(nb, cwd, timeout=self.cell_timeout, kernel_name=self.kernel_name)

    def _run_source(self, path: Path, nb: NotebookNode) -> list[Problem]:
        errors = self._run(nb, path.parent)
        problems = []
        for index, error in sorted(errors.items()):
            cell = nb.cells[index]
            what = (
                "a graded test fails on the solution"
                if is_graded_test(cell)
                else "the cell raises when the solution notebook runs"
            )
            problems.append(
                Problem(
                    path,
                    cell_label(index, cell),
                    f"{what}: {error.ename}: {first_line(error.evalue)}",
                )
            )
        return problems

    def _run_release(
        self, source_path: Path, release_path: Path, nb: NotebookNode
    ) -> list[Problem]:
        # The release runs from its own folder: the data files nbgrader copied are beside it.
        errors = self._run(nb, release_path.parent)
        problems = []
        for test in graded_tests(source_path, nb):
            if test.index not in errors:
                problems.append(
                    Problem(
                        source_path,
                        cell_label(test.index, nb.cells[test.index]),
                        "this graded test passes on the release version (the "
                        "unsolved stub): free points",
                    )
                )
        return problems


def first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:300]


def static_problems(path: Path, nb: NotebookNode) -> list[Problem]:
    """Clean outputs and valid nbgrader metadata, cell by cell."""
    problems: list[Problem] = []

    def report(index: int, cell: NotebookNode, reason: str) -> None:
        problems.append(Problem(path, cell_label(index, cell), reason))

    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            if cell.get("outputs"):
                report(
                    index,
                    cell,
                    "has outputs: source notebooks are committed clean (clear all outputs)",
                )
            if cell.get("execution_count") is not None:
                report(index, cell, "has an execution count: source notebooks are committed clean")
        meta = nbgrader_meta(cell)
        source = cell.get("source", "")
        if not meta:
            if BEGIN_SOLUTION in source or BEGIN_HIDDEN in source:
                report(
                    index,
                    cell,
                    "has solution or hidden-test markers but no nbgrader "
                    "metadata: nbgrader would release it as it is",
                )
            continue
        problems += _metadata_problems(path, index, cell, meta, source)
    return problems


def _metadata_problems(
    path: Path, index: int, cell: NotebookNode, meta: dict, source: str
) -> list[Problem]:
    where = cell_label(index, cell)
    found: list[str] = []
    if meta.get("schema_version") != 3:
        found.append(f"nbgrader schema_version is {meta.get('schema_version')!r}, expected 3")
    grade_id = meta.get("grade_id")
    needs_id = any(meta.get(k) for k in ("grade", "solution", "locked", "task"))
    if needs_id and (not isinstance(grade_id, str) or not GRADE_ID_PATTERN.match(grade_id)):
        found.append(f"grade_id {grade_id!r} must be letters, digits, '_' or '-'")
    if meta.get("grade"):
        points = meta.get("points")
        if not isinstance(points, int | float) or isinstance(points, bool) or points <= 0:
            found.append(f"a graded cell needs points > 0, found {points!r}")
    if is_graded_test(cell):
        if not meta.get("locked"):
            found.append("a graded test cell must be locked (students could edit it)")
        calls = CHECK_CALL.findall(source)
        own = f"/{grade_id}"
        wrong = [c for c in calls if not c.endswith(own)]
        if wrong:
            found.append(f"checks {wrong[0]!r} but the cell's grade_id is {grade_id!r}")
    elif BEGIN_HIDDEN in source:
        found.append("hidden-test markers outside a graded test cell")
    if is_solution(cell) and cell.cell_type == "code" and BEGIN_SOLUTION not in source:
        found.append(
            f"a solution cell without '{BEGIN_SOLUTION}': nbgrader would replace the "
            "whole cell, its def line too, with the stub"
        )
    for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
        if source.count(begin) != source.count(end):
            found.append(
                f"unbalanced markers: {source.count(begin)} × '{begin}' but "
                f"{source.count(end)} × '{end}'"
            )
    return [Problem(path, where, reason) for reason in found]


def hidden_test_problems(path: Path, nb: NotebookNode) -> list[Problem]:
    """A hidden region adds inputs with ``check(..., cases=[...])``, nothing else."""
    return [
        Problem(path, cell_label(index, cell), reason)
        for index, cell in enumerate(nb.cells)
        if is_graded_test(cell)
        for reason in hidden_region_reasons(cell.get("source", ""))
    ]


def solutions_outside_solution_cells(path: Path, nb: NotebookNode) -> list[Problem]:
    """A function a graded test checks must be defined only in solution cells: anywhere else
    nbgrader releases it as it is, and the student gets the answer with the stub."""
    checked = {
        name
        for cell in nb.cells
        if is_graded_test(cell)
        for name in CHECKED_NAME.findall(cell.get("source", ""))
    }
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_solution(cell) or is_graded_test(cell):
            continue
        for name in sorted(checked):
            if re.search(rf"^\s*(def\s+{name}\s*\(|{name}\s*=)", cell.source, re.MULTILINE):
                problems.append(
                    Problem(
                        path,
                        cell_label(index, cell),
                        f"defines {name!r}, which "
                        "a graded test checks, outside a solution cell: the "
                        "release would contain the solution",
                    )
                )
    return problems


def duplicate_grade_ids(notebooks: dict[Path, NotebookNode]) -> list[Problem]:
    """Grade ids must be unique across an assignment: they name its exercises."""
    seen: dict[str, str] = {}
    problems = []
    for path, nb in notebooks.items():
        for index, cell in enumerate(nb.cells):
            grade_id = nbgrader_meta(cell).get("grade_id")
            if not grade_id:
                continue
            here = f"{path.name} cell {index}"
            if grade_id in seen:
                problems.append(
                    Problem(
                        path,
                        cell_label(index, cell),
                        f"grade_id {grade_id!r} is used twice (first at {seen[grade_id]})",
                    )
                )
            else:
                seen[grade_id] = here
    return problems


def manifest_problems(
    manifest: Manifest, name: str, notebooks: dict[Path, NotebookNode], folder: Path
) -> list[Problem]:
    """The manifest's assignment, notebooks and exercises match what the notebooks hold."""
    entry = manifest.assignment(name)
    if entry is None:
        return [
            Problem(
                manifest.path, "", f"assignment {name!r} (source/{name}) is not in the manifest"
            )
        ]
    problems = []
    on_disk = {p.name for p in folder.glob("*.ipynb")}
    for listed in entry.notebooks:
        if listed not in on_disk:
            problems.append(
                Problem(
                    manifest.path,
                    f"assignment {name!r}",
                    f"lists notebook {listed!r}, which is not in {folder}",
                )
            )
    for extra in sorted(on_disk - set(entry.notebooks)):
        problems.append(
            Problem(folder / extra, "", f"not listed in the manifest's assignment {name!r}")
        )
    graded = {
        f"{name}/{t.grade_id}": t for path, nb in notebooks.items() for t in graded_tests(path, nb)
    }
    for exercise in entry.exercises:
        if exercise.id not in graded:
            problems.append(
                Problem(
                    manifest.path,
                    f"exercise {exercise.id!r}",
                    "no graded test cell has this grade_id",
                )
            )
    listed_ids = {e.id for e in entry.exercises}
    for exercise_id, test in graded.items():
        if exercise_id not in listed_ids:
            problems.append(
                Problem(
                    test.notebook,
                    f"cell {test.index} ({test.grade_id})",
                    f"graded test {exercise_id!r} is not in the manifest",
                )
            )
    return problems + repeated_fact_problems(manifest, entry.exercises, graded)


def repeated_fact_problems(
    manifest: Manifest, listed: Sequence[Exercise], graded: dict[str, GradedTest]
) -> list[Problem]:
    """Facts written twice must agree: each exercise's title (the manifest's and its
    checker's, which the check result shows) and the order of the exercises (the manifest's
    and the notebook's)."""
    problems = []
    for exercise in listed:
        try:
            checker = get_checker(exercise.id)
        except UnknownExercise:
            continue  # reported with the proof of its cell
        if checker.title != exercise.title:
            problems.append(
                Problem(
                    manifest.path,
                    f"exercise {exercise.id!r}",
                    f"title {exercise.title!r} differs from its checker's {checker.title!r} "
                    "(the check result shows the checker's): make them the same",
                )
            )
    in_notebooks = [
        exercise_id
        for exercise_id, _ in sorted(graded.items(), key=lambda i: (str(i[1].notebook), i[1].index))
    ]
    in_manifest = [e.id for e in listed if e.id in graded]
    if in_manifest != [e for e in in_notebooks if e in set(in_manifest)]:
        first = next((a, b) for a, b in zip(in_manifest, in_notebooks, strict=False) if a != b)
        problems.append(
            Problem(
                manifest.path,
                f"exercise {first[0]!r}",
                f"the manifest lists the exercises in another order than the notebook "
                f"(the notebook has {first[1]!r} here)",
            )
        )
    return problems


def leak_problems(path: Path, source_nb: NotebookNode, release_nb: NotebookNode) -> list[Problem]:
    """No hidden-test line and no solution line of the source may appear in the release."""
    release_text = "\n".join(c.get("source", "") for c in release_nb.cells)
    release_lines = {line.strip() for line in release_text.splitlines()}
    problems = []
    for index, cell in enumerate(source_nb.cells):
        source = cell.get("source", "")
        for begin, end, what in (
            (BEGIN_HIDDEN, END_HIDDEN, "hidden-test"),
            (BEGIN_SOLUTION, END_SOLUTION, "solution"),
        ):
            secret = set(split_marked(source, begin, end)[0]) - _visible_lines(
                source_nb, begin, end
            )
            leaked = sorted(line for line in secret if line in release_lines)
            if leaked:
                problems.append(
                    Problem(
                        path,
                        cell_label(index, cell),
                        f"{what} text appears in the release: {leaked[0]!r}",
                    )
                )
    return problems


def _visible_lines(nb: NotebookNode, begin: str, end: str) -> set[str]:
    """Lines of the notebook outside every ``begin``/``end`` block (these may appear anywhere)."""
    return {
        line for cell in nb.cells for line in split_marked(cell.get("source", ""), begin, end)[1]
    }
