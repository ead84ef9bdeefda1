"""A ✔ refers to saved code: a check recorded with its notebook keeps a fingerprint of the
exercise's solution cells, and the progress route says when the saved code no longer matches
(``edited_since_check``), in a real jupyter_server."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from mlmath_lab.formats import PROGRESS, first_problem
from mlmath_lab.server.progress import CheckRecord, ProgressStore
from mlmath_lab.server.solutions import SolutionCode, solution_fingerprints

from .test_routes import (
    ASSIGNMENT,
    NOTEBOOK,
    SOURCE_NOTEBOOK,
    check_result,
    get_json,
    manifest_in_root,  # noqa: F401  (a fixture)
)

SOFTMAX = f"{ASSIGNMENT}/softmax"
DOT_LOOP = f"{ASSIGNMENT}/dot_loop"

pytestmark = pytest.mark.usefixtures("manifest_in_root")


@pytest.fixture
def notebook(jp_root_dir: Path) -> Path:
    """The course notebook in the server's root, where the student works on it."""
    (jp_root_dir / ASSIGNMENT).mkdir()
    target = jp_root_dir / NOTEBOOK
    shutil.copy(SOURCE_NOTEBOOK, target)
    return target


@pytest.fixture
def progress_dir(jp_data_dir: Path) -> Path:
    return jp_data_dir / "mlmath_lab"


def edit_cell(path: Path, grade_id: str | None, change: str, index: int | None = None) -> None:
    """Save the notebook with ``change`` appended to one cell (by grade_id, or by index)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        meta = cell["metadata"].get("nbgrader", {})
        if (grade_id is not None and meta.get("grade_id") == grade_id) or i == index:
            source = cell["source"]
            text = "".join(source) if isinstance(source, list) else source
            cell["source"] = text + change
            break
    else:
        raise AssertionError(f"no cell {grade_id or index}")
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


async def record(jp_fetch: Any, exercise: str, passed: bool, **params: str) -> dict[str, Any]:
    response = await jp_fetch(
        "mlmath-lab",
        "progress",
        "check",
        method="POST",
        body=json.dumps(check_result(exercise, passed)),
        params=params,
    )
    assert response.code == 200
    return json.loads(response.body)["progress"]  # type: ignore[no-any-return]


async def progress_of(jp_fetch: Any, exercise: str) -> dict[str, Any]:
    progress = await get_json(jp_fetch, "progress")
    assert first_problem(PROGRESS, progress) is None
    return progress["exercises"][exercise]  # type: ignore[no-any-return]


async def test_a_check_keeps_the_fingerprint_of_the_saved_solution(
    jp_fetch: Any, notebook: Path, progress_dir: Path
) -> None:
    entry = await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    fingerprint = solution_fingerprints(json.loads(notebook.read_text()))["softmax"]
    assert entry["notebook"] == NOTEBOOK
    assert entry["code_sha256"] == fingerprint
    assert entry["edited_since_check"] is False
    stored = json.loads((progress_dir / "progress.json").read_text())["exercises"][SOFTMAX]
    assert stored["code_sha256"] == fingerprint and stored["notebook"] == NOTEBOOK
    assert "edited_since_check" not in stored  # computed at read time, never stored
    assert first_problem(PROGRESS, json.loads((progress_dir / "progress.json").read_text())) is None
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is False


async def test_editing_the_solution_cell_shows_the_pass_as_edited_since(
    jp_fetch: Any, notebook: Path
) -> None:
    await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    edit_cell(notebook, "softmax_solution", "\n# trying something else\n")
    entry = await progress_of(jp_fetch, SOFTMAX)
    assert entry["edited_since_check"] is True
    assert entry["status"] == "passed" and entry["passed_at"]  # the pass stays earned

    # Checking again replaces the state: about the code saved now.
    again = await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    assert again["edited_since_check"] is False and again["attempts"] == 2
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is False

    # Undoing the edit is the checked code again.
    edit_cell(notebook, "softmax_solution", "x = 1\n")
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is True
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "softmax_solution":
            cell["source"] = cell["source"].removesuffix("x = 1\n")
    notebook.write_text(json.dumps(nb))
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is False


async def test_editing_other_cells_leaves_the_pass_as_it_is(jp_fetch: Any, notebook: Path) -> None:
    await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    await record(jp_fetch, DOT_LOOP, False, notebook=NOTEBOOK)
    edit_cell(notebook, None, "\nMy own notes.\n", index=2)  # a markdown cell of notes
    edit_cell(notebook, None, "\nprint('setup')\n", index=1)  # a code cell, not a solution
    edit_cell(notebook, "cross_entropy_solution", "\n# another exercise\n")
    edit_cell(notebook, "softmax", "\n# the test cell\n")  # not the solution either
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is False
    assert (await progress_of(jp_fetch, DOT_LOOP))["edited_since_check"] is False

    edit_cell(notebook, "dot_loop_solution", "\n# fixed it?\n")
    assert (await progress_of(jp_fetch, DOT_LOOP))["edited_since_check"] is True
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is False


async def test_a_notebook_saved_again_while_the_check_ran_is_edited_since(
    jp_fetch: Any, notebook: Path, progress_dir: Path
) -> None:
    # The frontend saw another save (an autosave, say) between its save and the result: the
    # code on disk is not the code checked, whatever it is now.
    entry = await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK, saved_again="1")
    assert entry["edited_since_check"] is True and entry["status"] == "passed"
    stored = json.loads((progress_dir / "progress.json").read_text())
    assert stored["exercises"][SOFTMAX]["code_sha256"] is None
    assert first_problem(PROGRESS, stored) is None
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is True
    again = await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    assert again["edited_since_check"] is False


async def test_a_notebook_gone_or_broken_is_code_no_longer_on_disk(
    jp_fetch: Any, notebook: Path
) -> None:
    await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    notebook.write_text("{ not json", encoding="utf-8")
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is True
    notebook.unlink()
    assert (await progress_of(jp_fetch, SOFTMAX))["edited_since_check"] is True


@pytest.mark.parametrize(
    "path",
    [
        "../outside.ipynb",
        "{outside}",  # absolute
        f"{ASSIGNMENT}/link.ipynb",  # a symlink out of the root
        f"{ASSIGNMENT}/missing.ipynb",
        f"{ASSIGNMENT}",  # a folder
        "",
    ],
)
async def test_a_path_outside_the_root_or_missing_records_without_a_fingerprint(
    jp_fetch: Any, notebook: Path, jp_root_dir: Path, tmp_path: Path, path: str
) -> None:
    outside = jp_root_dir.parent / "outside.ipynb"
    shutil.copy(SOURCE_NOTEBOOK, outside)
    (jp_root_dir / ASSIGNMENT / "link.ipynb").symlink_to(outside)
    entry = await record(jp_fetch, SOFTMAX, True, notebook=path.format(outside=outside))
    assert entry["status"] == "passed" and entry["attempts"] == 1
    assert not {"notebook", "code_sha256", "edited_since_check"} & set(entry)
    assert "edited_since_check" not in await progress_of(jp_fetch, SOFTMAX)


async def test_a_check_without_a_notebook_drops_the_old_fingerprint(
    jp_fetch: Any, notebook: Path
) -> None:
    await record(jp_fetch, SOFTMAX, True, notebook=NOTEBOOK)
    entry = await record(jp_fetch, SOFTMAX, False)  # an older frontend: no notebook
    assert not {"notebook", "code_sha256", "edited_since_check"} & set(entry)


async def test_an_unknown_exercise_is_still_refused_with_a_notebook(
    jp_fetch: Any, notebook: Path
) -> None:
    with pytest.raises(HTTPClientError) as raised:
        await record(jp_fetch, f"{ASSIGNMENT}/nope", True, notebook=NOTEBOOK)
    assert raised.value.code == 400


async def test_an_old_progress_file_without_the_keys_loads_as_before(
    jp_fetch: Any, notebook: Path, progress_dir: Path
) -> None:
    old = {
        "version": 1,
        "exercises": {
            SOFTMAX: {
                "status": "passed",
                "attempts": 1,
                "last_checked": "2025-01-01T12:00:00.000Z",
                "passed_at": "2025-01-01T12:00:00.000Z",
                "summary": "passed all 7 cases",
                "hint": None,
                "misconception": None,
                "duration_ms": 4.2,
                # a file imported with a computed key in it: never trusted
                "edited_since_check": False,
                "a_key_of_a_newer_version": 1,
            }
        },
        "checklist": {},
    }
    progress_dir.mkdir(parents=True, exist_ok=True)
    (progress_dir / "progress.json").write_text(json.dumps(old))
    entry = await progress_of(jp_fetch, SOFTMAX)
    assert "edited_since_check" not in entry
    assert entry["a_key_of_a_newer_version"] == 1 and entry["status"] == "passed"
    assert not list(progress_dir.glob("progress.json.corrupt-*"))


def test_the_fingerprints_follow_the_course_classifier() -> None:
    nb = json.loads(SOURCE_NOTEBOOK.read_text())
    fingerprints = solution_fingerprints(nb)
    # one per graded test cell, each of its own code
    assert set(fingerprints) >= {"dot_loop", "softmax", "rank_k_approx"}
    assert len(set(fingerprints.values())) == len(fingerprints)
    # the nbformat reading and the plain JSON agree (list or string sources)
    from mlmath_lab.course.notebooks import read_notebook

    assert solution_fingerprints(read_notebook(SOURCE_NOTEBOOK)) == fingerprints


def test_reads_are_cached_until_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlmath_lab.server.solutions as solutions

    reads: list[Path] = []
    real = solutions.read_notebook

    def counting(path: Path) -> Any:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(solutions, "read_notebook", counting)
    (tmp_path / ASSIGNMENT).mkdir()
    shutil.copy(SOURCE_NOTEBOOK, tmp_path / NOTEBOOK)
    code = SolutionCode(tmp_path, logging.getLogger("test"))
    first = code.fingerprint(NOTEBOOK, "softmax")
    assert first is not None and code.fingerprint(NOTEBOOK, "dot_loop") is not None
    assert len(reads) == 1
    edit_cell(tmp_path / NOTEBOOK, "softmax_solution", "\n# edit\n")
    assert code.fingerprint(NOTEBOOK, "softmax") != first
    assert len(reads) == 2
    assert code.fingerprint(NOTEBOOK, "no_such_exercise") is None


def test_the_store_keeps_a_fingerprint_only_with_its_notebook(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    base = CheckRecord(SOFTMAX, True, "passed", None, None, 1.0)
    entry = store.record_check(CheckRecord(**{**base.__dict__, "code_sha256": "a" * 64}))
    assert "code_sha256" not in entry
    entry = store.record_check(
        CheckRecord(**{**base.__dict__, "code_sha256": "a" * 64, "notebook": NOTEBOOK})
    )
    assert entry["code_sha256"] == "a" * 64 and entry["notebook"] == NOTEBOOK
    assert first_problem(PROGRESS, store.read()) is None
