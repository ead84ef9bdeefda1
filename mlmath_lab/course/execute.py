"""Run a notebook top to bottom in a real kernel and report, per cell, what raised."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
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
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and index not in errors:
                errors[index] = CellError(index, output.get("ename", ""), output.get("evalue", ""))
    return errors
