"""The autograde exporter writes what nbformat writes, validates once, and fails as nbconvert does."""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mlmath_lab.nbgrader.converter import _reusing_exporter_class, writes_validated

COURSE = Path(__file__).resolve().parent.parent / "assignments"


def _with_outputs() -> nbformat.NotebookNode:
    """A notebook with what writing changes: multi-line sources and outputs, transient
    metadata, an image, non-ASCII text."""
    nb = new_notebook(metadata={"orig_nbformat": 3, "signature": "sha256:x"})
    code = new_code_cell("x = 1\nprint('é → ∑')\n", metadata={"trusted": True})
    code.outputs = [
        new_output("stream", name="stdout", text="é → ∑\nsecond line\n"),
        new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=\n", "text/plain": "<Figure>\nline 2"},
            metadata={"image/png": {"width": 10}},
        ),
        new_output("execute_result", data={"text/html": "<b>a</b>\n<i>b</i>"}, execution_count=1),
        new_output("error", ename="E", evalue="v", traceback=["line 1", "line 2"]),
    ]
    code.execution_count = 1
    nb.cells = [new_markdown_cell("# Title\n\nText\n"), code]
    return nb


def _notebooks() -> list[tuple[str, nbformat.NotebookNode]]:
    found = [
        (str(path.relative_to(COURSE)), nbformat.read(path, as_version=4))
        for path in sorted(COURSE.glob("source/*/*.ipynb"))
    ]
    return [*found, ("outputs", _with_outputs())]


@pytest.mark.parametrize(
    ("name", "nb"), _notebooks(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_text_is_nbformats_to_the_byte(name: str, nb: nbformat.NotebookNode) -> None:
    expected = nbformat.writes(nb)
    owned = copy.deepcopy(nb)
    metadata_before = copy.deepcopy(owned.metadata)

    assert writes_validated(owned) == expected, name
    assert owned.metadata == metadata_before  # the exporter keeps it: not stripped


def _export(nb: nbformat.NotebookNode) -> str:
    exporter = _reusing_exporter_class()(optimistic_validation=True)
    output, _ = exporter.from_notebook_node(nb, resources={})
    return str(output)


def test_a_valid_notebook_is_validated_once_and_written_as_nbconvert_writes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nbconvert.exporters import NotebookExporter

    nb = _with_outputs()
    expected, _ = NotebookExporter(optimistic_validation=True).from_notebook_node(nb, {})
    calls: list[bool] = []
    real = nbformat.validate

    def counted(nbdict: object, *args: object, **kwargs: object) -> None:
        calls.append(bool(kwargs.get("relax_add_props")))
        real(nbdict, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nbformat, "validate", counted)

    assert _export(nb) == expected
    assert calls == [False]  # one strict validation (nbconvert: relaxed, then strict again)


def test_extra_properties_are_written_as_nbformat_does_with_its_error_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nb = _with_outputs()
    nb.cells[0]["unknown_field"] = 1  # invalid strictly, valid under nbconvert's relaxed rule
    with caplog.at_level(logging.ERROR):
        output = _export(nb)
    assert '"unknown_field": 1' in output
    assert "Notebook JSON is invalid" in caplog.text


def test_an_invalid_notebook_fails_as_nbconvert_fails_it() -> None:
    nb = _with_outputs()
    del nb.cells[1]["outputs"]  # invalid under both rules
    with pytest.raises(nbformat.ValidationError):
        _export(nb)
