"""A small hand-built assignment in nbgrader's gradebook, with every kind of graded cell."""

from __future__ import annotations

from typing import Any


def add_assignment_of_every_cell_kind(
    gb: Any, notebooks: tuple[str, ...] = ("nb1", "nb2"), **assignment: Any
) -> None:
    """Assignment ``a1`` whose ``notebooks`` each hold an autograded answer (a grade and a
    solution cell of one name), a test cell, a written answer and a task cell."""
    gb.add_assignment("a1", **assignment)
    for notebook in notebooks:
        gb.add_notebook(notebook, "a1")
        gb.add_grade_cell("answer", notebook, "a1", max_score=2, cell_type="code")
        gb.add_solution_cell("answer", notebook, "a1")  # an autograded answer: both
        gb.add_grade_cell("tests", notebook, "a1", max_score=3, cell_type="code")
        gb.add_solution_cell("essay", notebook, "a1")
        gb.add_task_cell("task", notebook, "a1", max_score=1, cell_type="markdown")
