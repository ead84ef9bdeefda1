"""The instructor's solutions, taken from a source notebook, and the proof of each checker.

``validate`` and the test suite prove every checker the same way (``checks.proof``): the
reference and the notebook's own solution pass, a stub is "not implemented yet", and each
known mistake is named by its own hint alone. The solution cells run here, in this process,
on their own (with ``np``): they are the instructor's code, and a solution that needs more
than its own cells is reported.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import checks as checks_package
from ..checks import Case, as_cases
from ..checks.proof import Proof, prove, prove_hidden_cases
from ..checks.registry import UnknownExercise, get_checker
from .hidden import hidden_region
from .notebooks import graded_tests, is_solution, nbgrader_meta

# how a pre-warmed child's proofs reach validate: one line of its output, this, then JSON
PROOFS_LINE = "mlmath-lab proofs: "

if TYPE_CHECKING:
    from nbformat import NotebookNode

CHECKED = re.compile(r"""\bcheck\(\s*["']([^"']+)["']\s*,\s*([A-Za-z_]\w*)""")


class SolutionError(Exception):
    """A solution cell that cannot run on its own; the message names the cell."""


def run_solution_cells(path: Path, nb: NotebookNode) -> dict[str, Any]:
    """The namespace after running every solution cell of ``nb``, in order."""
    namespace: dict[str, Any] = {"np": np, "__name__": "__main__"}
    for index, cell in enumerate(nb["cells"]):  # a NotebookNode or its plain JSON
        if cell.get("cell_type") != "code" or not is_solution(cell):
            continue
        grade_id = nbgrader_meta(cell).get("grade_id", "")
        try:
            code = compile(cell["source"], f"{path.name}:cell {index} ({grade_id})", "exec")
            exec(code, namespace)
        except Exception as error:
            raise SolutionError(
                f"cell {index} ({grade_id}): the solution cell raises when run on its own: "
                f"{type(error).__name__}: {error}"
            ) from None
    return namespace


@dataclass(frozen=True)
class CheckerProof:
    """One exercise's proof, with the notebook cell it belongs to."""

    exercise: str
    cell: str  # "cell 12 (softmax)"
    proof: Proof


def prove_notebook(assignment: str, path: Path, nb: NotebookNode) -> list[CheckerProof | str]:
    """Prove the checker of every graded test in ``nb`` with its solution; a string for an
    exercise that cannot be proven at all (no checker, no solution)."""
    try:
        namespace = run_solution_cells(path, nb)
    except SolutionError as error:
        return [str(error)]
    found: list[CheckerProof | str] = []
    for test in graded_tests(path, nb):
        where = f"cell {test.index} ({test.grade_id})"
        calls = [(e, name) for e, name in CHECKED.findall(test.source)]
        if not calls:
            continue  # a graded test without a check (a written answer): nothing to prove
        exercise, name = calls[0]
        try:
            checker = get_checker(exercise)
        except UnknownExercise as error:
            found.append(f"{where}: no checker for {exercise!r}: {error}")
            continue
        solution: Callable[..., Any] | None = namespace.get(name)
        if solution is None:
            found.append(f"{where}: no solution cell defines {name!r}, which the test checks")
            continue
        proof = prove(checker, solution)
        try:
            hidden = hidden_cases(test.source, namespace)
        except SolutionError as error:
            proof.problems.append(str(error))
            hidden = []
        for cases in hidden:
            proof.problems += prove_hidden_cases(checker, cases, solution)
        found.append(CheckerProof(exercise, where, proof))
    return found


def hidden_cases(source: str, namespace: dict[str, Any]) -> list[list[Case]]:
    """The cases each ``check(..., cases=[...])`` of a test cell's hidden region adds, found
    by running the region with ``check`` recording instead of checking."""
    region = hidden_region(source)
    if region is None:
        return []
    recorded: list[list[Case]] = []

    def record(exercise: str, answer: Any, *, cases: Any = None, **kwargs: Any) -> None:
        if cases is not None:
            recorded.append(as_cases(cases))

    scope = {**namespace, "check": record}
    original = checks_package.check
    checks_package.check = record  # type: ignore[assignment]  # a re-import gets it too
    try:
        exec(compile(region, "<hidden tests>", "exec"), scope)
    except Exception as error:
        raise SolutionError(
            f"the hidden region raises when its cases are built: {type(error).__name__}: {error}"
        ) from None
    finally:
        checks_package.check = original
    return recorded


def proofs_to_json(found: list[CheckerProof | str]) -> str:
    """``prove_notebook``'s findings as JSON (a string stays a string)."""
    return json.dumps(
        [item if isinstance(item, str) else dataclasses.asdict(item) for item in found]
    )


def proofs_from_json(text: str) -> list[CheckerProof | str]:
    """The findings ``proofs_to_json`` wrote."""
    found: list[CheckerProof | str] = []
    for item in json.loads(text):
        if isinstance(item, str):
            found.append(item)
        else:
            found.append(CheckerProof(item["exercise"], item["cell"], Proof(**item["proof"])))
    return found


def print_proofs(assignment: str, notebook_file: str) -> None:
    """Prove the checkers of the notebook in ``notebook_file`` (plain JSON, in the working
    folder) and print the findings as one line: ``validate`` runs this in a pre-warmed child,
    where torch and every checker are imported already, several notebooks at a time."""
    path = Path(notebook_file)
    # plain JSON, not nbformat (whose import costs a child 2 s); validate wrote the sources
    # as strings, as nbformat holds them
    nb = json.loads(path.read_text(encoding="utf-8"))
    print(PROOFS_LINE + proofs_to_json(prove_notebook(assignment, path, nb)), flush=True)
