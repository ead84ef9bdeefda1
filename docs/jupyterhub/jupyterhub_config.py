"""JupyterHub for the mlmath_lab course: one hub, real Unix users, nbgrader's exchange.

Every path and name comes from an environment variable with a production default, so the
same file serves a real deployment and tests/test_jupyterhub.py (which sets them all):

MLMATH_ENV              the single-user environment, built from binder/ (default /opt/mlmath-lab/env)
MLMATH_ETC              where global/ and instructor/ of this folder are installed
                        (default /etc/mlmath-lab)
MLMATH_EXCHANGE_ROOT    nbgrader's exchange (default /srv/nbgrader/exchange)
MLMATH_MANIFEST         a copy of course.yaml that every user can read
                        (default /srv/nbgrader/mlmath-course.yaml)
MLMATH_INSTRUCTORS      comma-separated Unix user names of the instructors
MLMATH_STUDENTS         comma-separated Unix user names of the students
MLMATH_HUB_STATE        the hub's database and cookie secret (default /srv/jupyterhub)
MLMATH_HUB_BIND_URL     where users connect (default http://:8000)
MLMATH_HUB_INTERNAL_URL where the single-user servers reach the hub (default http://127.0.0.1:8081)
MLMATH_PROXY_API_URL    the proxy's REST API (default http://127.0.0.1:8001)
MLMATH_PROXY_COMMAND    configurable-http-proxy's executable (default from PATH)
MLMATH_AUTHENTICATOR    "pam" (default: the users' Unix passwords) or "dummy" (tests only)
MLMATH_ADMIN_TOKEN_FILE optional: a file holding the API token of the "course-admin" service,
                        for scripts that start servers and issue user tokens
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it)


def names(variable: str) -> list[str]:
    return [name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()]


env_prefix = Path(os.environ.get("MLMATH_ENV", "/opt/mlmath-lab/env"))
etc = Path(os.environ.get("MLMATH_ETC", "/etc/mlmath-lab"))
state = Path(os.environ.get("MLMATH_HUB_STATE", "/srv/jupyterhub"))
instructors = names("MLMATH_INSTRUCTORS")
students = names("MLMATH_STUDENTS")

# -- the hub and its proxy -----------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("MLMATH_HUB_BIND_URL", "http://:8000")
c.JupyterHub.hub_bind_url = os.environ.get("MLMATH_HUB_INTERNAL_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("MLMATH_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.command = [
    os.environ.get("MLMATH_PROXY_COMMAND", "configurable-http-proxy")
]
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every single-user server

# -- who may log in ------------------------------------------------------------------------
# Users log in with their Unix account (PAM, JupyterHub's default). The dummy authenticator
# accepts any password: it is for tests, on 127.0.0.1, and nowhere else.
c.JupyterHub.authenticator_class = os.environ.get("MLMATH_AUTHENTICATOR", "pam")
c.Authenticator.allowed_users = set(instructors + students)
# The hub group "instructors" decides which configuration a user's server gets (below).
c.JupyterHub.load_groups = {"instructors": {"users": instructors}}

token_file = os.environ.get("MLMATH_ADMIN_TOKEN_FILE")
if token_file:
    c.JupyterHub.services = [
        {"name": "course-admin", "api_token": Path(token_file).read_text().strip()}
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "course-admin",
            "description": "start and stop servers, issue user tokens",
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
            "services": ["course-admin"],
        }
    ]

# -- the single-user servers ----------------------------------------------------------------
# LocalProcessSpawner (the default) runs each server as the user's Unix account, in the
# home folder, from the environment built from binder/.
c.Spawner.cmd = [str(env_prefix / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.Spawner.environment = {
    # Kernels, nbgrader and mlmath-lab come from the course environment.
    "PATH": f"{env_prefix / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_PREFER_ENV_PATH": "1",
    # Read by the configuration files in global/ and instructor/.
    "MLMATH_EXCHANGE_ROOT": os.environ.get("MLMATH_EXCHANGE_ROOT", "/srv/nbgrader/exchange"),
    "MLMATH_MANIFEST": os.environ.get("MLMATH_MANIFEST", "/srv/nbgrader/mlmath-course.yaml"),
}


def role_configuration(spawner) -> None:
    """Instructors get instructor/ in front of global/: the formgrader and the course root.

    Jupyter reads the first folder of JUPYTER_CONFIG_PATH with the highest priority, so
    instructor/ turns back on what global/ and the environment turn off for students.
    """
    folders = [etc / "global"]
    if any(group.name == "instructors" for group in spawner.user.groups):
        folders.insert(0, etc / "instructor")
    spawner.environment = {
        **spawner.environment,
        "JUPYTER_CONFIG_PATH": os.pathsep.join(str(folder) for folder in folders),
    }


c.Spawner.pre_spawn_hook = role_configuration
