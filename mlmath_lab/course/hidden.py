"""The hidden part of a test cell adds *inputs* to the exercise's checker, nothing else.

A hidden region that computes its own expected values (a second reference, an ``assert``)
would be a second definition of the exercise, free to drift from the checker; and grading
could not decide its verdicts outside the student's process. So ``validate`` asks that a
hidden region only builds inputs and calls ``check(<exercise>, <function>, cases=[...])``.
"""

from __future__ import annotations

import ast
import textwrap

from .notebooks import BEGIN_HIDDEN, END_HIDDEN

# modules that can only serve to compute an expected value in a test cell
_REFERENCE_MODULES = ("torch", "scipy", "sklearn", "jax", "mlmath_lab.exercises")


def hidden_region(source: str) -> str | None:
    """The code between the hidden-test markers, dedented; None without markers."""
    lines: list[str] = []
    inside = found = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN_HIDDEN:
            inside = found = True
        elif stripped == END_HIDDEN:
            inside = False
        elif inside:
            lines.append(line)
    return textwrap.dedent("\n".join(lines)) if found else None


def hidden_region_reasons(source: str) -> list[str]:
    """Why a test cell's hidden region is not "inputs only" (empty when it is)."""
    region = hidden_region(source)
    if region is None:
        return []
    try:
        tree = ast.parse(region)
    except SyntaxError as error:
        return [f"the hidden region is not valid Python on its own (line {error.lineno})"]
    reasons: list[str] = []
    adds_cases = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            reasons.append(
                f"the hidden region asserts (line {node.lineno}): hidden tests add inputs "
                "with check(..., cases=[...]); the checker decides"
            )
        elif isinstance(node, ast.Raise):
            reasons.append(
                f"the hidden region raises its own failure (line {node.lineno}): "
                "the checker decides, from check(..., cases=[...])"
            )
        elif isinstance(node, ast.Call):
            name = _called_name(node.func)
            if name == "assert_matches":
                reasons.append(
                    f"the hidden region compares with its own expected value (line "
                    f"{node.lineno}): give the inputs to check(..., cases=[...]) instead"
                )
            elif name == "check" and any(k.arg == "cases" for k in node.keywords):
                adds_cases = True
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for module in modules:
                if any(module == m or module.startswith(f"{m}.") for m in _REFERENCE_MODULES):
                    reasons.append(
                        f"the hidden region imports {module} (line {node.lineno}): a second "
                        "reference; the exercise's checker owns the reference"
                    )
    if not adds_cases and region.strip():
        reasons.append("the hidden region does not call check(..., cases=[...])")
    return reasons


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
