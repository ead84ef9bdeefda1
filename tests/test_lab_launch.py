"""How ``mlmath-lab lab`` starts JupyterLab: options merged, never given twice; the notebook
it opens; nbgrader's instructor tools turned off for the student."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlmath_lab.course.manifest import Assignment, Exercise, Manifest, Module, Phase
from mlmath_lab.lab_launch import (
    STUDENT_DISABLED_PLUGINS,
    LabOptionError,
    config_path_with,
    first_unfinished_notebook,
    lab_command,
    open_url,
    write_student_config,
)

OURS = {
    "ServerApp.root_dir": "/ws",
    "LabApp.default_url": "/lab/tree/01/a.ipynb",
    "ServerApp.allow_root": "True",
}


def test_an_option_lab_sets_given_again_is_given_once() -> None:
    command = lab_command(OURS, ["--ServerApp.allow_root=True", "--no-browser"])
    assert command.args.count("--ServerApp.allow_root=True") == 1
    assert "--no-browser" in command.args
    assert command.notes == []


def test_the_students_value_wins_and_it_is_said() -> None:
    command = lab_command(OURS, ["--ServerApp.root_dir", "/elsewhere", "--port=8899"])
    assert "--ServerApp.root_dir=/ws" not in command.args
    assert command.args[-3:] == ["--ServerApp.root_dir", "/elsewhere", "--port=8899"]
    assert command.notes == ["using your ServerApp.root_dir=/elsewhere (instead of /ws)"]


def test_flags_aliases_and_other_names_of_the_same_option_count() -> None:
    command = lab_command(
        OURS, ["--allow-root", "--notebook-dir=/nb", "--ServerApp.default_url=/tree"]
    )
    assert not any(arg.startswith("--ServerApp.allow_root") for arg in command.args)
    assert "--ServerApp.root_dir=/ws" not in command.args
    assert "--LabApp.default_url=/lab/tree/01/a.ipynb" not in command.args
    assert "--allow-root" in command.args and "--notebook-dir=/nb" in command.args


def test_a_repeated_option_with_two_values_keeps_the_last() -> None:
    command = lab_command({}, ["--ServerApp.port=1", "--ServerApp.port=2"])
    assert command.args == ["--ServerApp.port=2"]


def test_an_alias_without_its_value_is_refused_with_the_reason() -> None:
    with pytest.raises(LabOptionError, match="--notebook-dir needs a value"):
        lab_command(OURS, ["--notebook-dir"])


def _manifest() -> Manifest:
    def assignment(name: str, exercises: int) -> Assignment:
        ids = tuple(Exercise(f"{name}/e{i}", f"E{i}") for i in range(exercises))
        return Assignment(name, name, (f"{name}.ipynb",), ids)

    module = Module("m", "M", "", (assignment("01-a", 2), assignment("02-b", 1)), (), ())
    return Manifest(Path("course.yaml"), "course", (Phase("p", "P", "", (module,)),))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    for name in ("01-a", "02-b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.ipynb").write_text("{}")
    return tmp_path


def test_a_new_workspace_opens_the_first_notebook(workspace: Path) -> None:
    assert first_unfinished_notebook(_manifest(), {}, workspace) == "01-a/01-a.ipynb"


def test_the_first_notebook_with_an_exercise_not_passed_is_opened(workspace: Path) -> None:
    progress = {
        "exercises": {
            "01-a/e0": {"status": "passed", "passed_at": "2026-01-01T00:00:00Z"},
            # passed once, failed since: a pass stays earned
            "01-a/e1": {"status": "failed", "passed_at": "2026-01-02T00:00:00Z"},
            "02-b/e0": {"status": "failed", "passed_at": None},
        }
    }
    assert first_unfinished_notebook(_manifest(), progress, workspace) == "02-b/02-b.ipynb"
    progress["exercises"]["02-b/e0"]["passed_at"] = "2026-01-03T00:00:00Z"
    # all passed: back to the start of the course
    assert first_unfinished_notebook(_manifest(), progress, workspace) == "01-a/01-a.ipynb"


def test_notebooks_missing_from_the_workspace_are_skipped(workspace: Path) -> None:
    (workspace / "01-a" / "01-a.ipynb").unlink()
    assert first_unfinished_notebook(_manifest(), {}, workspace) == "02-b/02-b.ipynb"
    assert open_url("02-b/a b.ipynb") == "/lab/tree/02-b/a%20b.ipynb"
    assert open_url(None) == "/lab"


def test_the_student_config_turns_off_the_instructor_tools(tmp_path: Path) -> None:
    folder = write_student_config(tmp_path)
    page = json.loads((folder / "labconfig" / "page_config.json").read_text())
    assert set(page["disabledExtensions"]) == set(STUDENT_DISABLED_PLUGINS)
    server = json.loads((folder / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": False,
    }
    assert config_path_with(folder, {"JUPYTER_CONFIG_PATH": "/a:/b"}) == f"{folder}:/a:/b"
