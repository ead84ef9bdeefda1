"""Run a notebook top to bottom and report, per cell, what raised: in a real kernel
(``run_notebook``), or in a child of autograde's pre-warmed zygote (``PrewarmedRunner``),
which costs milliseconds instead of a kernel's seconds of start-up and imports."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .solutions import PROOFS_LINE, CheckerProof, proofs_from_json

if TYPE_CHECKING:
    # imported where used: nbformat costs 2 s (jsonschema's format checkers), and
    # ``validate_preload`` is read before an early zygote starts
    from nbformat import NotebookNode


@dataclass(frozen=True)
class CellError:
    index: int
    ename: str
    evalue: str


def run_notebook(
    nb: NotebookNode, cwd: Path, *, timeout: int, kernel_name: str
) -> dict[int, CellError]:
    """Execute ``nb`` in place (errors allowed) and return the error of each cell that raised.

    A cell that times out or kills the kernel is reported as that cell's error: the rest of
    the notebook is not run.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    running = [0]

    def note_start(cell: NotebookNode, cell_index: int) -> None:
        running[0] = cell_index

    client.on_cell_start = note_start
    errors: dict[int, CellError] = {}
    try:
        client.execute()
    except CellTimeoutError:
        errors[running[0]] = CellError(
            running[0], "Timeout", f"the cell ran longer than {timeout} s"
        )
    except DeadKernelError as error:
        errors[running[0]] = CellError(running[0], "DeadKernel", f"the kernel died: {error}")
    for index, raised in _errors_in(nb).items():
        errors.setdefault(index, raised)
    return errors


def _errors_in(nb: NotebookNode) -> dict[int, CellError]:
    errors: dict[int, CellError] = {}
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and index not in errors:
                errors[index] = CellError(index, output.get("ename", ""), output.get("evalue", ""))
    return errors


def validate_preload() -> tuple[str, ...]:
    """What validate's zygote imports: autograde's preloads, the proofs' entry point (a
    child may not import what the zygote did not), and draft figures (``draft_figures``)."""
    from ..autograde.executor import DEFAULT_PRELOAD, OPTIMIZER_PRELOAD

    # every notebook runs, 04's and 07's demos (torch.optim) and 04's references included
    return (
        *DEFAULT_PRELOAD,
        OPTIMIZER_PRELOAD,
        "mlmath_lab.course.solutions",
        "mlmath_lab.course.draft_figures",
    )


class PrewarmedRunner:
    """Runs notebooks in forked children of one warm zygote (autograde's executor).

    Each notebook runs in a fresh child, in a scratch copy of its folder (the data files
    beside it), so a notebook cannot change the course or see another's state. Used as a
    context manager: the zygote starts (and imports torch) on entry, while the caller goes
    on with its own work, and stops on exit.
    """

    def __init__(self, *, cell_timeout: float, notebook_timeout: float = 3600.0) -> None:
        from ..autograde.executor import PrewarmedExecutor
        from ..autograde.limits import Limits

        limits = Limits(
            cell_timeout=cell_timeout,
            notebook_timeout=notebook_timeout,
            memory_mb=8192,
            max_processes=64,
            max_output_bytes=10_000_000,
        )
        self.cell_timeout = cell_timeout
        self._executor = PrewarmedExecutor(limits, validate_preload(), lazy=True)

    def __enter__(self) -> PrewarmedRunner:
        self._executor.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._executor.__exit__(exc_type, exc, tb)

    def run(self, nb: NotebookNode, cwd: Path) -> dict[int, CellError]:
        """Run ``nb`` (in place) as ``run_notebook`` does, and return each cell's error."""
        result = self._run_in_copy(nb, cwd)
        errors = _errors_in(result.notebook)
        if result.problem is not None:
            last = max((i for i, c in enumerate(nb.cells) if c.get("outputs")), default=0)
            errors.setdefault(last, CellError(last, "NotebookStopped", result.problem))
        return errors

    def prove(self, assignment: str, path: Path, nb: NotebookNode) -> list[CheckerProof | str]:
        """``solutions.prove_notebook(assignment, path, nb)``, run in a child: torch and the
        checkers are imported there already, and the proofs of several notebooks run at once."""
        from nbformat import v4

        call = f"print_proofs({assignment!r}, {path.name!r})"
        runner = v4.new_notebook(
            cells=[
                v4.new_code_cell(f"from mlmath_lab.course.solutions import print_proofs\n{call}")
            ]
        )
        result = self._run_in_copy(runner, path.parent, {path.name: json.dumps(nb)})
        printed = "".join(
            output.get("text", "")
            for cell in result.notebook.cells
            for output in cell.get("outputs", [])
            if output.get("output_type") == "stream"
        )
        for line in printed.splitlines():
            if line.startswith(PROOFS_LINE):
                return proofs_from_json(line.removeprefix(PROOFS_LINE))
        why = result.problem or next(
            (f"{e.ename}: {e.evalue}" for e in _errors_in(result.notebook).values()),
            "it printed no proofs",
        )
        # "where: reason", as prove_notebook's own findings
        return [f"proofs: the checkers could not be proven in a pre-warmed child: {why}"]

    def _run_in_copy(
        self, nb: NotebookNode, cwd: Path, files: Mapping[str, str] | None = None
    ) -> Any:
        """Run ``nb`` in a scratch copy of ``cwd`` (its data files, no notebooks), with
        ``files`` (name: text) written beside them."""
        workdir = Path(tempfile.mkdtemp(prefix="mlmath-lab-validate-"))
        try:
            for item in cwd.iterdir():
                if item.suffix == ".ipynb" or item.name.startswith("."):
                    continue
                copy: Any = shutil.copytree if item.is_dir() else shutil.copy2
                copy(item, workdir / item.name)
            for name, text in (files or {}).items():
                (workdir / name).write_text(text, encoding="utf-8")
            return self._executor.run(nb, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
