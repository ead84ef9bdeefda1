"""nbgrader's settings shared by everyone on the hub: students and instructors.

Installed as <MLMATH_ETC>/global/nbgrader_config.py; the hub puts that folder on every
single-user server's JUPYTER_CONFIG_PATH. (Without a hub, /etc/jupyter/nbgrader_config.py is
the usual place.) Paths come from the environment the hub sets, with production defaults.
"""

import os

c = get_config()  # noqa: F821 (traitlets defines it)

c.CourseDirectory.course_id = "mlmath"  # the course root's nbgrader_config.py says the same
c.Exchange.root = os.environ.get("MLMATH_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
# Submissions readable by their student and the instructors' group only, not by other
# students (nbgrader's own submit leaves them world-readable): see mlmath_lab/exchange.py.
c.ExchangeFactory.submit = "mlmath_lab.exchange.ExchangeSubmit"
