"""Single-user server settings for everyone on the hub.

The roadmap sidebar shows the course manifest. On a hub the students' servers start in their
home folders, where `mlmath-lab lab` has not put a copy, so it is read from one readable copy
that the instructor installs (setup-course.sh). The manifest holds no solutions or tests.
"""

import os

c = get_config()  # noqa: F821 (traitlets defines it)

c.MlmathLabServer.manifest_path = os.environ.get(
    "MLMATH_MANIFEST", "/srv/nbgrader/mlmath-course.yaml"
)
