"""``mlmath-lab validate``, run as an instructor runs it, on the real course and on broken
copies of it. Each broken copy must be reported with its file, its cell and the reason."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import COURSE, mlmath_lab

NOTEBOOK = Path("source/01-linear-algebra/linear_algebra.ipynb")


def validate(course: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return mlmath_lab("validate", f"--course-dir={course}", *args, timeout=timeout)


def load(course: Path) -> dict:
    return json.loads((course / NOTEBOOK).read_text())


def save(course: Path, nb: dict) -> None:
    (course / NOTEBOOK).write_text(json.dumps(nb, indent=1))


def cell_with(nb: dict, grade_id: str) -> dict:
    return next(
        c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    )


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("PROBLEM ")]


@pytest.mark.slow
def test_the_course_validates_solutions_pass_and_stubs_fail() -> None:
    result = validate(COURSE)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "all checks passed" in result.stdout
    assert "running linear_algebra.ipynb (source)" in result.stderr
    assert "running linear_algebra.ipynb (release)" in result.stderr


def test_invalid_json_names_the_file_and_the_line(course_copy: Path) -> None:
    path = course_copy / NOTEBOOK
    path.write_text(path.read_text()[:-40])
    result = validate(course_copy, "--no-execute")
    assert result.returncode == 1
    [problem] = problems(result)
    assert str(path) in problem and "not valid JSON (line" in problem


def test_a_duplicated_grade_id_is_reported_at_the_second_cell(course_copy: Path) -> None:
    nb = load(course_copy)
    cell_with(nb, "matmul_loop")["metadata"]["nbgrader"]["grade_id"] = "dot_loop"
    save(course_copy, nb)
    result = validate(course_copy, "--no-execute")
    assert result.returncode == 1
    found = [p for p in problems(result) if "is used twice" in p]
    assert len(found) == 1 and "(dot_loop)" in found[0] and "grade_id 'dot_loop'" in found[0]


@pytest.mark.slow
def test_a_solution_left_in_a_plain_cell_leaks_into_the_release(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "softmax_solution")
    source = "".join(cell["source"])
    cell["source"] = re.sub(r"^ *### (BEGIN|END) SOLUTION *\n?", "", source, flags=re.MULTILINE)
    del cell["metadata"]["nbgrader"]  # the instructor pasted the answer into a plain cell
    save(course_copy, nb)
    result = validate(course_copy, timeout=900)
    assert result.returncode == 1
    found = problems(result)
    index = nb["cells"].index(cell)
    assert any(
        f"cell {index}: defines 'softmax'" in p and "release would contain the solution" in p
        for p in found
    ), found
    assert any("(softmax)" in p and "passes on the release" in p for p in found), found


def test_a_solution_cell_without_markers_would_lose_its_def_line(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "softmax_solution")
    source = "".join(cell["source"])
    cell["source"] = re.sub(r"^ *### (BEGIN|END) SOLUTION *\n?", "", source, flags=re.MULTILINE)
    save(course_copy, nb)
    found = problems(validate(course_copy, "--no-execute"))
    assert any("(softmax_solution)" in p and "replace the whole cell" in p for p in found), found


def test_hidden_tests_outside_a_graded_cell_are_reported(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "softmax_solution")
    cell["source"] = "### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS\n" + "".join(
        cell["source"]
    )
    save(course_copy, nb)
    result = validate(course_copy, "--no-execute")
    assert any(
        "(softmax_solution)" in p and "hidden-test markers outside" in p for p in problems(result)
    )


@pytest.mark.slow
def test_a_test_that_the_stub_passes_is_free_points(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "dot_loop")
    cell["source"] = "# a test that checks nothing\nassert True\n"
    save(course_copy, nb)
    result = validate(course_copy, timeout=900)
    assert result.returncode == 1
    [problem] = problems(result)
    assert str(course_copy / NOTEBOOK) in problem
    assert "(dot_loop)" in problem and "free points" in problem


def test_outputs_left_in_a_source_notebook_are_reported(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "dot_loop")
    cell["execution_count"] = 3
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
    save(course_copy, nb)
    found = problems(validate(course_copy, "--no-execute"))
    assert any("(dot_loop)" in p and "has outputs" in p for p in found)
    assert any("(dot_loop)" in p and "execution count" in p for p in found)


def test_manifest_and_notebooks_must_agree(course_copy: Path) -> None:
    manifest = course_copy / "course.yaml"
    # renamed where it is declared and where the learning paths select it
    manifest.write_text(
        manifest.read_text()
        .replace(
            "- {id: 01-linear-algebra/softmax, title: Numerically stable softmax}",
            "- {id: 01-linear-algebra/softmax2, title: A renamed exercise}",
        )
        .replace("- 01-linear-algebra/softmax\n", "- 01-linear-algebra/softmax2\n")
    )
    found = problems(validate(course_copy, "--no-execute"))
    assert any(
        "exercise '01-linear-algebra/softmax2'" in p and "no graded test cell" in p for p in found
    ), found
    assert any("(softmax)" in p and "not in the manifest" in p for p in found), found


def test_a_test_cell_checking_another_exercise_is_reported(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "softmax")
    cell["source"] = "".join(cell["source"]).replace(
        'check("01-linear-algebra/softmax"', 'check("01-linear-algebra/dot_loop"'
    )
    save(course_copy, nb)
    found = problems(validate(course_copy, "--no-execute"))
    assert any("(softmax)" in p and "checks '01-linear-algebra/dot_loop'" in p for p in found)


def test_outside_a_course_it_says_where_it_looked(tmp_path: Path) -> None:
    result = validate(tmp_path / "nowhere")
    assert result.returncode == 1
    assert "not a course root" in result.stderr and "Traceback" not in result.stderr


def test_the_course_root_is_found_as_nbgrader_finds_it_or_the_error_names_the_option(
    tmp_path: Path,
) -> None:
    # nbgrader's own setting, given as nbgrader's commands take it, from any folder
    given = f"--CourseDirectory.root={COURSE}"
    found = mlmath_lab("validate", "--no-execute", "01-linear-algebra", given, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert f"course {COURSE}: all checks passed" in found.stdout + found.stderr
    # nothing given and no course here: the error names the option this command reads
    lost = mlmath_lab("validate", "--no-execute", cwd=tmp_path)
    assert lost.returncode == 1
    assert "no course here" in lost.stderr and "--course-dir=PATH" in lost.stderr


def test_every_checker_is_proven_and_its_mistakes_counted() -> None:
    result = validate(COURSE, "--no-execute", "01-linear-algebra")
    assert result.returncode == 0, result.stderr[-4000:]
    lines = [line for line in result.stdout.splitlines() if ": proven; recognises" in line]
    assert len(lines) == 9, result.stdout
    softmax = next(line for line in lines if line.startswith("01-linear-algebra/softmax:"))
    recognised, known = map(int, re.findall(r"recognises (\d+) of (\d+)", softmax)[0])
    assert recognised == known >= 3


def test_a_hidden_region_with_its_own_reference_is_reported(course_copy: Path) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "dot_loop")
    cell["source"] = "".join(cell["source"]).replace(
        "### END HIDDEN TESTS",
        "import torch\nassert dot_loop(np.ones(2), np.ones(2)) == 2.0\n### END HIDDEN TESTS",
    )
    save(course_copy, nb)
    found = [p for p in problems(validate(course_copy, "--no-execute")) if "(dot_loop)" in p]
    assert any("imports torch" in p for p in found), found
    assert any("the hidden region asserts (line" in p for p in found), found


def test_a_wrong_solution_is_caught_by_the_proof_without_running_a_kernel(
    course_copy: Path,
) -> None:
    nb = load(course_copy)
    cell = cell_with(nb, "softmax_solution")
    source = "".join(cell["source"])
    head, _, _ = source.partition("### BEGIN SOLUTION")
    cell["source"] = (
        head
        + "### BEGIN SOLUTION\n    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n"
        + "    ### END SOLUTION\n"
    )
    save(course_copy, nb)
    found = [p for p in problems(validate(course_copy, "--no-execute")) if "(softmax)" in p]
    assert any("checker: the solution fails the check" in p for p in found), found
    assert any("exp overflows" in p or "softmax-overflow" in p for p in found), found


@pytest.mark.slow
def test_the_proofs_in_the_prewarmed_children_find_what_the_in_process_proofs_find(
    course_copy: Path,
) -> None:
    """With execution, the checkers are proven in the executor's children: a wrong solution,
    and a solution cell that raises on its own, are reported exactly as without."""
    nb = load(course_copy)
    cell = cell_with(nb, "softmax_solution")
    head, _, _ = "".join(cell["source"]).partition("### BEGIN SOLUTION")
    cell["source"] = (
        head
        + "### BEGIN SOLUTION\n    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n"
        + "    ### END SOLUTION\n"
    )
    save(course_copy, nb)
    in_process = [
        p
        for p in problems(validate(course_copy, "--no-execute", "01-linear-algebra"))
        if "checker" in p
    ]
    executed = validate(course_copy, "01-linear-algebra")
    assert "proving the checkers of linear_algebra.ipynb (in a child)" in executed.stderr
    in_children = [p for p in problems(executed) if "checker" in p]
    assert in_process and in_children == in_process, (in_process, executed.stderr[-3000:])

    broken = cell_with(nb, "dot_loop_solution")
    broken["source"] = "raise RuntimeError('needs a file that is not there')\n"
    save(course_copy, nb)
    found = problems(validate(course_copy, "01-linear-algebra"))
    assert any(
        "(dot_loop_solution): the solution cell raises when run on its own: RuntimeError" in p
        for p in found
    ), found


def test_a_title_that_drifted_from_its_checker_is_reported(course_copy: Path) -> None:
    manifest = course_copy / "course.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "- {id: 01-linear-algebra/softmax, title: Numerically stable softmax}",
            "- {id: 01-linear-algebra/softmax, title: Softmax}",
        )
    )
    found = problems(validate(course_copy, "--no-execute", "01-linear-algebra"))
    assert any(
        "exercise '01-linear-algebra/softmax'" in p
        and "title 'Softmax' differs from its checker's 'Numerically stable softmax'" in p
        for p in found
    ), found


def test_exercises_listed_out_of_order_are_reported(course_copy: Path) -> None:
    manifest = course_copy / "course.yaml"
    text = manifest.read_text()
    first = "- {id: 01-linear-algebra/dot_loop, title: Dot product by loop}"
    second = "- {id: 01-linear-algebra/matmul_loop, title: Matrix product by triple loop}"
    manifest.write_text(text.replace(first, "@@").replace(second, first).replace("@@", second))
    found = problems(validate(course_copy, "--no-execute", "01-linear-algebra"))
    assert any("another order than the notebook" in p for p in found), found


def test_the_zygote_starts_with_the_command_only_when_validate_will_use_it() -> None:
    from mlmath_lab.app import _early_zygote_preload
    from mlmath_lab.course.execute import validate_preload

    assert _early_zygote_preload(["validate", "--course-dir=x"]) == validate_preload()


def test_autograde_preloads_torch_optim_only_for_notebooks_that_step_an_optimizer() -> None:
    from mlmath_lab.app import _early_zygote_preload
    from mlmath_lab.autograde.executor import (
        AUTOGRADE_BASE_PRELOAD,
        DEFAULT_PRELOAD,
        OPTIMIZER_PRELOAD,
    )

    course = f"--course-dir={COURSE}"
    # 01's notebook never uses torch: its children do not import it
    assert _early_zygote_preload(["autograde", course, "01-linear-algebra"]) == (
        AUTOGRADE_BASE_PRELOAD
    )
    for assignment in ("04-optimization", "07-neural-networks"):
        wanted = (*DEFAULT_PRELOAD, OPTIMIZER_PRELOAD)
        assert (
            _early_zygote_preload(["autograde", assignment, "--course-dir", str(COURSE)]) == wanted
        )
    for unused in (
        ["validate", "--no-execute"],
        ["validate", "--Validator.executor=kernel"],
        ["validate", "--Validator.executor", "kernel"],
        ["validate", "--help"],
        ["report", "01-linear-algebra"],
    ):
        assert _early_zygote_preload(unused) is None, unused
