"""Build a :class:`Report` from nbgrader's gradebook and the autograded notebooks."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traitlets.config import Config

from ..checks.result import CHECK_MIME_TYPE
from ..formats import CHECK_RESULT, first_problem
from .items import item_statistics
from .model import (
    HIDDEN_TESTS_FAILED,
    NO_CHECK,
    SCORE_EPSILON,
    ExerciseStats,
    HintCount,
    HistogramBin,
    Report,
    ReportError,
)

# ------------------------------------------------------------------------------ building it


def build_report(root: Path, assignment: str, config: Config) -> Report:
    """The report of ``assignment`` in the course ``root`` (nbgrader's layout and gradebook,
    configured by ``config`` as ``nbgrader_config.py`` does). Raises :class:`ReportError`."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    from ..course.release import ensure_alembic_on_path

    ensure_alembic_on_path()
    root = root.resolve()
    cfg = Config(config)
    cfg.CourseDirectory.root = str(root)
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    db_url = gradebook_url(coursedir, assignment)

    with Gradebook(db_url, coursedir.course_id) as gb:
        try:
            gb_assignment = gb.find_assignment(assignment)
        except MissingEntry:
            raise ReportError(f"no assignment {assignment!r} in the gradebook {db_url}") from None
        max_score = float(gb_assignment.max_score)
        cells: list[tuple[str, str, float]] = []  # (notebook, grade id, max score)
        for notebook in gb_assignment.notebooks:
            for cell in [*notebook.grade_cells, *notebook.task_cells]:
                cells.append((notebook.name, cell.name, float(cell.max_score)))
        scores: dict[str, float] = {}
        grades: dict[tuple[str, str], list[float | None]] = {}
        by_student: dict[tuple[str, str], dict[str, float]] = {}  # cell → student → points
        for submission in gb.assignment_submissions(assignment):
            scores[submission.student.id] = float(submission.score)
            for sub_notebook in submission.notebooks:
                for grade in sub_notebook.grades:
                    unscored = grade.auto_score is None and grade.manual_score is None
                    grades.setdefault((sub_notebook.name, grade.name), []).append(
                        None if unscored else float(grade.score)
                    )
                    if not unscored:
                        cell_scores = by_student.setdefault((sub_notebook.name, grade.name), {})
                        cell_scores[submission.student.id] = float(grade.score)
    if not scores:
        raise ReportError(
            f"no graded submissions of {assignment} in the gradebook {db_url}: "
            f"run `mlmath-lab autograde {assignment}` first"
        )

    order = _cell_order(coursedir, assignment)
    cells.sort(key=lambda c: (order.get((c[0], c[1]), math.inf), c[0], c[1]))
    exercises = []
    for notebook_name, grade_id, cell_max in cells:
        stats = ExerciseStats(f"{assignment}/{grade_id}", notebook_name, grade_id, cell_max)
        for score in grades.get((notebook_name, grade_id), []):
            if score is None:
                stats.ungraded += 1
            elif score >= cell_max - SCORE_EPSILON:
                stats.full += 1
            elif score > SCORE_EPSILON:
                stats.partial += 1
            else:
                stats.zero += 1
        exercises.append(stats)

    warnings: list[str] = []
    outcomes: dict[str, dict[str, _Outcome]] = {}
    for student in sorted(scores):
        folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
        if not folder.is_dir():
            warnings.append(f"{_shown(folder, root)}: no autograded folder for {student}: skipped")
            continue
        found: dict[str, _Outcome] = {}
        read_any = False
        for path in sorted(folder.glob("*.ipynb")):
            nb, problem = _read_notebook(path)
            if nb is None:
                warnings.append(
                    f"{_shown(path, root)}: not a valid notebook ({problem}): "
                    "left out of the problem counts"
                )
                continue
            read_any = True
            found.update(_notebook_outcomes(nb, assignment))
        if read_any:
            outcomes[student] = found

    items = [
        item_statistics(
            stats.exercise,
            by_student.get((stats.notebook, stats.grade_id), {}),
            scores,
            stats.max_score,
            sum(1 for found in outcomes.values() if _stub_left(found.get(stats.exercise)))
            if outcomes
            else None,
            len(outcomes),
        )
        for stats in exercises
    ]
    return Report(
        assignment=assignment,
        course_root=root,
        gradebook=db_url,
        max_score=max_score,
        scores=scores,
        exercises=exercises,
        hints=_count_hints(outcomes, [e.exercise for e in exercises]),
        histogram=histogram(scores.values(), max_score),
        checked_students=sorted(outcomes),
        warnings=warnings,
        items=items,
    )


def _stub_left(outcome: _Outcome | None) -> bool:
    return outcome is not None and outcome.status == "not_implemented"


def gradebook_url(coursedir: Any, assignment: str = "ASSIGNMENT") -> str:
    """nbgrader's ``db_url`` of the course; a SQLite gradebook that does not exist is an error
    (opening it would create an empty one)."""
    db_url: str = coursedir.db_url
    database = _sqlite_file(db_url)
    if database is not None and not database.is_file():
        raise ReportError(
            f"no gradebook at {database}: run `nbgrader generate_assignment {assignment}` "
            f"and `mlmath-lab autograde {assignment}` first"
        )
    problem = schema_problem(db_url)
    if problem:
        raise ReportError(f"the gradebook {db_url}: {problem}")
    return db_url


def schema_problem(db_url: str) -> str | None:
    """Why nbgrader's ``Gradebook`` must not open this gradebook, or None.

    nbgrader opens any database: it adds the tables it misses and never looks at the schema's
    alembic revision. A gradebook of an older nbgrader would then half-work, and one of a newer
    nbgrader fail in SQL deep inside; both are said here instead, with what to do.
    """
    import nbgrader
    import sqlalchemy
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic"))
    head = script.get_current_head()
    known = [revision.revision for revision in script.walk_revisions()]  # newest first
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sqlalchemy.text("SELECT version_num FROM alembic_version")
            ).all()
    except sqlalchemy.exc.SQLAlchemyError as error:
        return f"not an nbgrader gradebook, or a damaged one ({error.__class__.__name__})"
    finally:
        engine.dispose()
    versions = [str(row[0]) for row in rows]
    if versions == [head]:
        return None
    version = versions[0] if versions else "none"
    if version in known:
        return (
            f"its schema (revision {version}) is older than this nbgrader's "
            f"({nbgrader.__version__}, revision {head}): run `nbgrader db upgrade` first"
        )
    return (
        f"its schema (revision {version}) is unknown to this nbgrader ({nbgrader.__version__}, "
        f"revision {head}): it was written by a newer nbgrader; report with that version"
    )


def _read_notebook(path: Path) -> tuple[dict[str, Any] | None, str]:
    """A notebook's JSON, or None and why not (read as JSON: any nbformat version will do)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None, "invalid JSON"
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except OSError as error:
        return None, error.strerror or str(error)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "no list of cells"
    return nb, ""


def _sqlite_file(db_url: str) -> Path | None:
    """The file of a SQLite gradebook (None for another database or an in-memory one)."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(db_url)
    except Exception:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def _shown(path: Path, root: Path) -> str:
    """A path as the instructor reads it: relative to the course root when inside it."""
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def _cell_order(coursedir: Any, assignment: str) -> dict[tuple[str, str], int]:
    """(notebook, grade id) → position in the source (else release) notebooks."""
    order: dict[tuple[str, str], int] = {}
    position = 0
    for step in (coursedir.source_directory, coursedir.release_directory):
        folder = Path(coursedir.format_path(step, ".", assignment))
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
                cells = nb.get("cells", []) if isinstance(nb, dict) else []
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            for cell in cells:
                grade_id = _nbgrader_meta(cell).get("grade_id")
                if grade_id and (path.stem, grade_id) not in order:
                    order[(path.stem, grade_id)] = position
                    position += 1
        if order:
            break
    return order


def _nbgrader_meta(cell: Any) -> dict[str, Any]:
    if not isinstance(cell, dict):
        return {}
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


@dataclass
class _Outcome:
    """One student's outcome of one exercise's check, read from an autograded notebook."""

    status: str
    misconception: str | None = None
    hint: str | None = None
    detail: str | None = None


def _notebook_outcomes(nb: dict[str, Any], assignment: str) -> dict[str, _Outcome]:
    """Exercise id → outcome. A graded test cell's result wins over a check the student ran in
    another cell; within a cell, the last result counts."""
    elsewhere: dict[str, _Outcome] = {}
    graded: dict[str, _Outcome] = {}
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = _nbgrader_meta(cell)
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        results: list[dict[str, Any]] = []
        error: dict[str, Any] | None = None
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict):
                continue
            if output.get("output_type") == "error":
                error = output
            data = output.get("data")
            payload = data.get(CHECK_MIME_TYPE) if isinstance(data, dict) else None
            if isinstance(payload, str):  # some writers keep JSON MIME data as text
                try:
                    payload = json.loads(payload)
                except json.JSONDecodeError:
                    payload = None
            # only a result as the check library writes it (formats/check-result.schema.json)
            if isinstance(payload, dict) and first_problem(CHECK_RESULT, payload) is None:
                results.append(payload)
        target = graded if is_test else elsewhere
        for payload in results:
            target[payload["exercise"]] = _outcome_of(payload)
        if not is_test or error is None:
            continue
        detail = _error_text(error)
        if results:
            last = results[-1]
            if last.get("passed") or last.get("status") == "passed":
                graded[last["exercise"]] = _Outcome(HIDDEN_TESTS_FAILED, detail=detail)
        elif meta.get("grade_id"):
            graded[f"{assignment}/{meta['grade_id']}"] = _Outcome(NO_CHECK, detail=detail)
    return {**elsewhere, **graded}


def _outcome_of(payload: dict[str, Any]) -> _Outcome:
    status = payload.get("status")
    if not isinstance(status, str):
        status = "passed" if payload.get("passed") else "failed"
    misconception = payload.get("misconception")
    hint = payload.get("hint")
    error = payload.get("error")
    return _Outcome(
        status,
        misconception if isinstance(misconception, str) else None,
        hint if isinstance(hint, str) else None,
        error.strip().splitlines()[0] if isinstance(error, str) and error.strip() else None,
    )


def _error_text(output: dict[str, Any]) -> str:
    ename, evalue = str(output.get("ename") or "Error"), str(output.get("evalue") or "")
    first = evalue.strip().splitlines()[0] if evalue.strip() else ""
    return f"{ename}: {first}" if first else ename


def _count_hints(outcomes: dict[str, dict[str, _Outcome]], exercises: list[str]) -> list[HintCount]:
    groups: dict[tuple[str, str, str | None], HintCount] = {}
    for student, found in sorted(outcomes.items()):
        for exercise, outcome in found.items():
            if outcome.status == "passed":
                continue
            key = (exercise, outcome.status, outcome.misconception)
            if key not in groups:
                groups[key] = HintCount(
                    exercise,
                    outcome.status,
                    outcome.misconception,
                    outcome.hint,
                    None if outcome.hint else outcome.detail,
                )
            groups[key].students.append(student)
    position = {exercise: i for i, exercise in enumerate(exercises)}
    return sorted(
        groups.values(),
        key=lambda h: (
            -h.count,
            h.misconception is None,  # a named mistake before a bare status
            position.get(h.exercise, len(position)),
            h.exercise,
            h.status,
            h.misconception or "",
        ),
    )


def histogram(scores: Iterable[float], max_score: float) -> list[HistogramBin]:
    """Bins of total scores from 0 to ``max_score``: one point wide up to 20 points, else
    about ten bins of a whole number of points. A bin holds its lower bound, not its upper one;
    the last bin holds the maximum (and anything above it, as the first anything below 0)."""
    values = list(scores)
    top = max([max_score, *values])
    if top <= 0:
        return [HistogramBin(0.0, 1.0, len(values), "0")]
    width = 1 if top <= 20 else math.ceil(top / 10)
    n = math.floor(top / width + SCORE_EPSILON) + 1
    counts = [0] * n
    for value in values:
        counts[min(max(math.floor(value / width + SCORE_EPSILON), 0), n - 1)] += 1
    bins = []
    for i, count in enumerate(counts):
        low, high = float(i * width), float((i + 1) * width)
        last = min(high - 1, top) if i == n - 1 else high - 1
        label = f"{low:g}" if width == 1 or last <= low else f"{low:g}–{last:g}"
        bins.append(HistogramBin(low, high, count, label))
    return bins


# ------------------------------------------------------------------------------ showing it
