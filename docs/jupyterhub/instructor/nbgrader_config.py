"""nbgrader's settings for instructors: where the course root is.

Installed as <MLMATH_ETC>/instructor/nbgrader_config.py, in front of global/ on the
instructors' JUPYTER_CONFIG_PATH. The formgrader runs in the instructor's server, which
starts in the home folder; with the root set here, nbgrader (formgrader and command line,
from any folder) also reads the course root's own nbgrader_config.py: the stubs, the
feedback filter that hides the hidden tests, and mlmath-lab's autograde limits.
"""

import os

c = get_config()  # noqa: F821 (traitlets defines it)

# Where setup-course.sh put it; the formgrader needs it inside the server's root folder
# (the home folder).
c.CourseDirectory.root = os.path.expanduser("~/mlmath")
