"""hatchling's build hook for mlmath_lab: a wheel or an sdist carries the packaged student course.

The course is packaged by ``mlmath-lab bundle`` (``python -m mlmath_lab.app bundle`` in a clone
where mlmath_lab is not installed), never here: packaging runs nbgrader on the source notebooks,
which a build environment does not have, and a wheel without the course would install a
``mlmath-lab lab`` that opens nothing. So such a build stops, naming the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

INDEX = Path("mlmath_lab", "student_course", "index.json")  # written last by the bundle


class StudentCourseHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # an editable install reads the tree, where a course root is at hand
        if self.target_name not in ("wheel", "sdist") or version == "editable":
            return
        if not (Path(self.root) / INDEX).is_file():
            raise RuntimeError(
                f"{INDEX.parent}/ is missing: a {self.target_name} of mlmath_lab carries the "
                "packaged student course. Make it first, from the repository's root: "
                "`mlmath-lab bundle --course-dir=assignments` (or, where mlmath_lab is not "
                "installed, `python -m mlmath_lab.app bundle --course-dir=assignments`)"
            )
