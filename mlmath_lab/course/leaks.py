"""Prove that a set of files (a wheel, the packaged student course) holds no hidden test and no
solution of the course.

The secrets come from the source notebooks: the lines between the hidden-test markers and the
solution regions (what nbgrader's release removes). A line is a secret only if it is long enough
not to occur by chance (more than ``MIN_LINE`` characters), is not an import (imports name
public modules) nor a mere name, and does not occur in the course's visible text (the source notebooks without
their hidden and solution regions: what every student sees anyway; a hidden ``check(`` call
repeats the visible one's exercise id). Text is compared without whitespace, so that a line
that was reformatted or re-indented is still found.

The rules, for every file:

- **hidden tests**: no secret line of a hidden test, anywhere (raw text, and the strings of a
  JSON document such as a notebook, where quotes are escaped);
- **markers**: no line that carries a hidden-test or solution marker as a cell holds it (a
  comment line; in a notebook, any line, as nbgrader finds them). The package's description
  (``*.dist-info/METADATA``, the README) documents the markers for instructors: it is held to
  every other rule;
- **source notebooks**: no notebook in a ``source/`` folder;
- **solutions**: no solution region whole (its lines in order) in any file, and no secret line
  of a solution in a notebook. Single solution lines are not looked for in the check library:
  a known mistake is a solution with one thing wrong, and its lines are shared by design.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .notebooks import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION

MIN_LINE = 20  # characters of a stripped line: shorter ones occur by chance
MIN_BLOCK = 40  # characters of a whole solution region, without whitespace
# nbgrader finds a marker by its words anywhere in a line, with or without the "###"
_HIDDEN_WORDS = (BEGIN_HIDDEN.lstrip("# "), END_HIDDEN.lstrip("# "))
_SOLUTION_WORDS = (BEGIN_SOLUTION.lstrip("# "), END_SOLUTION.lstrip("# "))
_MARKER_WORDS = _HIDDEN_WORDS + _SOLUTION_WORDS
_JSON_SUFFIXES = (".ipynb", ".json", ".map")
_DESCRIPTION = "METADATA"  # in *.dist-info/: the README, which explains the markers
# A line that only names something (an argument `softmax_cross_entropy,`, an exercise id
# `"01-linear-algebra/dot_loop",`) gives no case away: the manifest names them all.
_NAME_ONLY = re.compile(r"""["']?[\w./-]+["']?[,)\]]*""")


def _squeeze(text: str) -> str:
    """``text`` without any whitespace: how secrets and files are compared."""
    return "".join(text.split())


def _distinctive(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) > MIN_LINE
        and not stripped.startswith(("import ", "from "))
        and not _NAME_ONLY.fullmatch(stripped)
    )


@dataclass(frozen=True)
class CourseSecrets:
    """What must never leave the instructor's side; each maps its squeezed form to the line as
    written (for the report)."""

    hidden_lines: dict[str, str] = field(default_factory=dict)
    solution_lines: dict[str, str] = field(default_factory=dict)
    solution_blocks: dict[str, str] = field(default_factory=dict)  # → the region's first line


@dataclass(frozen=True)
class Leak:
    file: str  # the path inside the wheel or folder
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


def _cell_regions(source: str, solution_cell: bool) -> Iterator[tuple[str, list[str]]]:
    """The lines of a cell as ("visible" | "hidden" | "solution", lines) runs, as nbgrader's
    release sees them: a solution cell without markers is a solution whole."""
    if solution_cell and not any(w in source for w in _SOLUTION_WORDS):
        yield "solution", source.splitlines()
        return
    kind, run = "visible", list[str]()
    for line in source.splitlines():
        if any(w in line for w in (_HIDDEN_WORDS[0], _SOLUTION_WORDS[0])):
            yield kind, run
            kind, run = ("hidden" if _HIDDEN_WORDS[0] in line else "solution"), []
        elif any(w in line for w in (_HIDDEN_WORDS[1], _SOLUTION_WORDS[1])):
            yield kind, run
            kind, run = "visible", []
        else:
            run.append(line)
    yield kind, run


def course_secrets(notebooks: Iterable[Path]) -> CourseSecrets:
    """The secrets of the source notebooks (see the module's docstring)."""
    hidden: list[str] = []
    solutions: list[str] = []
    blocks: list[list[str]] = []
    visible: list[str] = []
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            meta = cell.get("metadata", {}).get("nbgrader", {})
            for kind, lines in _cell_regions(source, bool(meta.get("solution"))):
                if kind == "visible":
                    visible += lines
                elif kind == "hidden":
                    hidden += lines
                else:
                    solutions += lines
                    blocks.append([line for line in lines if line.strip()])
    shown = _squeeze("\n".join(visible))

    def secret(lines: Iterable[str]) -> dict[str, str]:
        found = {_squeeze(line): line.strip() for line in lines if _distinctive(line)}
        return {squeezed: line for squeezed, line in found.items() if squeezed not in shown}

    whole = {_squeeze("".join(block)): block[0].strip() for block in blocks if block}
    return CourseSecrets(
        hidden_lines=secret(hidden),
        solution_lines=secret(solutions),
        solution_blocks={
            squeezed: first
            for squeezed, first in whole.items()
            if len(squeezed) >= MIN_BLOCK and squeezed not in shown
        },
    )


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)


def _texts(name: str, data: bytes) -> list[str]:
    """The texts of a file to search: its raw text and, for a JSON document, its strings
    joined (a notebook's cell lines, with their quotes unescaped)."""
    text = data.decode("utf-8", errors="replace")
    texts = [text]
    if name.endswith(_JSON_SUFFIXES):
        # (not JSON after all: its raw text is searched)
        with contextlib.suppress(ValueError):
            texts.append("\n".join(_json_strings(json.loads(text))))
    return texts


def _marker_lines(name: str, texts: list[str]) -> list[str]:
    notebook = name.endswith(".ipynb")
    found: list[str] = []
    for text in texts:
        for line in text.splitlines():
            stripped = line.strip()
            # a notebook: any line, as nbgrader reads a cell; elsewhere a comment line, as a
            # copied cell would carry it (the library's constants that name the markers are
            # string literals, not markers)
            if any(w in stripped for w in _MARKER_WORDS) and (notebook or stripped[:1] == "#"):
                found.append(stripped)
    return found


def scan_files(files: Iterable[tuple[str, bytes]], secrets: CourseSecrets) -> list[Leak]:
    """Every leak in ``files`` (path with ``/``, content)."""
    leaks: list[Leak] = []
    for name, data in files:
        path = PurePosixPath(name)
        texts = _texts(name, data)
        squeezed = [_squeeze(text) for text in texts]
        notebook = path.suffix == ".ipynb"
        if notebook and "source" in path.parts[:-1]:
            leaks.append(Leak(name, "a notebook in a source/ folder (the instructor's version)"))
        description = path.name == _DESCRIPTION and path.parent.name.endswith(".dist-info")
        if not description:
            leaks += [Leak(name, f"a marker line: {line!r}") for line in _marker_lines(name, texts)]
        checks = [("a line of a hidden test", secrets.hidden_lines)]
        checks.append(("a whole solution region, from", secrets.solution_blocks))
        if notebook:
            checks.append(("a line of a solution", secrets.solution_lines))
        for what, lines in checks:
            leaks += [
                Leak(name, f"{what} {line!r}")
                for secret, line in lines.items()
                if any(secret in text for text in squeezed)
            ]
    return leaks


def scan_wheel(wheel: Path, secrets: CourseSecrets) -> list[Leak]:
    """Every leak in a wheel (or any zip archive): each of its files is read."""
    with zipfile.ZipFile(wheel) as archive:
        return scan_files(
            (
                (info.filename, archive.read(info))
                for info in archive.infolist()
                if not info.is_dir()
            ),
            secrets,
        )


def scan_folder(folder: Path, secrets: CourseSecrets) -> list[Leak]:
    """Every leak in the files under ``folder`` (paths relative to it)."""
    return scan_files(
        (
            (path.relative_to(folder).as_posix(), path.read_bytes())
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ),
        secrets,
    )
