"""The Binder image's environment, built on this machine the way repo2docker builds it.

repo2docker (its conda buildpack, since ``binder/environment.yml`` exists) makes the image in
this order, and :func:`ensure_binder_env` does the same without conda or Docker:

1. the base environment: Python, JupyterLab, Notebook, jupyterhub-singleuser, Node.js. Here: a
   fresh venv of Debian's ``/usr/bin/python3.11`` (readable by every user, unlike root's pyenv)
   with the JupyterLab, Notebook and Jupyter Server versions of the project's ``.venv``;
2. ``binder/environment.yml``, mapped onto this machine (:func:`read_environment_file`):
   ``python=3.11`` is that venv, ``pytorch-cpu`` is the local CPU wheel ``torch==2.13.0``,
   ``nodejs`` is the system's node, every other entry is pip-installed under the same name;
3. the repository copied in (its committed and untracked, not ignored, files: a fresh clone
   plus the work in progress), then ``binder/postBuild`` run from its root with the venv's
   ``bin`` first on PATH and ``HOME`` set to the simulated Binder user's home.

The result is cached in ``/var/tmp/mlmath-lab-binder-env-<hash>`` (the hash covers the build's
inputs: ``binder/``, the package, the frontend sources and lock files, the course, this module),
is world-readable (another test runs its servers as other Unix users), and is marked complete
only when every step succeeded. A build has a hard time limit; on failure the error shows the
tail of its log.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet

REPO = Path(__file__).resolve().parents[2]
ENVIRONMENT_FILE = REPO / "binder" / "environment.yml"
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
CACHE_PARENT = Path("/var/tmp")
CACHE_PREFIX = "mlmath-lab-binder-env-"
BUILD_TIMEOUT = 15 * 60  # seconds, for the whole build
# conda-forge's CPU-only PyTorch, here: the CPU wheel that pip finds on this machine.
LOCAL_TORCH = "torch==2.13.0"
# conda-forge names whose pip name differs.
CONDA_TO_PIP = {"matplotlib-base": "matplotlib"}
# What repo2docker's base environment brings, at the versions this project is developed with.
BASE_PACKAGES = ("jupyterlab", "notebook", "jupyter_server", "ipywidgets")
# The files of the repository that change the image (prefixes of paths relative to the repo).
BUILD_INPUTS = (
    "binder/",
    "pyproject.toml",
    "package.json",
    "yarn.lock",
    ".yarnrc.yml",
    "tsconfig.json",
    "install.json",
    "src/",
    "style/",
    "schema/",
    "jupyter-config/",
    "mlmath_lab/",
    "assignments/",
)
COMPLETE_MARKER = ".complete"
# conda packages that are programs, which this machine has as Debian packages.
SYSTEM_TOOLS = ("git",)
STALE_AFTER = 3600  # seconds since an environment of other inputs was last used


class BinderBuildError(RuntimeError):
    """The simulated Binder build failed; the message names the step and shows its log."""


class EnvironmentFileError(ValueError):
    """``binder/environment.yml`` holds something the simulation cannot map; names the field."""


@dataclass(frozen=True)
class BinderEnv:
    """A built Binder environment.

    ``prefix`` is the venv (repo2docker's ``$NB_PYTHON_PREFIX``), ``repo`` the copy of the
    repository that was built (``$REPO_DIR``), ``home`` the Binder user's home after postBuild.
    """

    prefix: Path
    bin: Path
    python: Path
    repo: Path
    home: Path

    @property
    def workspace(self) -> Path:
        return self.home / "mlmath-lab"

    @property
    def start(self) -> Path:
        return self.repo / "binder" / "start"

    def environ(self, home: Path) -> dict[str, str]:
        """The environment of the Binder user with ``home``: this env's bin first on PATH."""
        return clean_environ(self.bin, home, self.repo)


# ---------------------------------------------------------------- binder/environment.yml


@dataclass(frozen=True)
class EnvironmentPlan:
    """``binder/environment.yml`` mapped onto this machine."""

    python: SpecifierSet  # the pinned Python
    node: SpecifierSet  # the Node.js that builds the extension
    requirements: list[str]  # for pip, torch mapped to the local CPU wheel


def conda_spec_to_pip(spec: str, where: str) -> str:
    """A conda version constraint as pip's: ``=2.12`` means ``2.12.*`` to conda."""
    spec = spec.strip().replace(" ", "")
    if not spec:
        return ""
    if re.fullmatch(r"=\d+(\.\d+)*", spec):
        return f"=={spec[1:]}.*"
    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        raise EnvironmentFileError(
            f"{where}: cannot map the conda version '{spec}' to pip (use =X.Y or >=X)"
        ) from None
    return spec


def read_environment_file(path: Path = ENVIRONMENT_FILE) -> EnvironmentPlan:
    """Read ``environment.yml`` and map each entry onto this machine (see the module doc)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EnvironmentFileError(f"{path}: cannot be read: {error}") from None
    if not isinstance(data, dict):
        raise EnvironmentFileError(f"{path}: must be a mapping with channels and dependencies")
    if data.get("channels") != ["conda-forge"]:
        raise EnvironmentFileError(f"{path}: channels: must be [conda-forge], the CPU torch's")
    dependencies = data.get("dependencies")
    if not isinstance(dependencies, list):
        raise EnvironmentFileError(f"{path}: dependencies: must be a list")

    pins: dict[str, SpecifierSet] = {}
    requirements: list[str] = []
    for index, dependency in enumerate(dependencies):
        where = f"{path}: dependencies[{index}]"
        if isinstance(dependency, dict):
            pip_list = dependency.get("pip")
            if set(dependency) != {"pip"} or not isinstance(pip_list, list):
                raise EnvironmentFileError(f"{where}: only a 'pip:' list may be a mapping")
            requirements += [str(requirement) for requirement in pip_list]
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(.*)", str(dependency).strip())
        if not match:
            raise EnvironmentFileError(f"{where}: '{dependency}' is not a conda package spec")
        name, version = match.groups()
        pip_version = conda_spec_to_pip(version, where)
        if name in ("python", "nodejs"):
            pins[name] = SpecifierSet(pip_version)
        elif name == "pytorch-cpu":
            requirements.append(LOCAL_TORCH)
        elif name in SYSTEM_TOOLS:
            continue  # a program, not a Python package: this machine's own (checked)
        elif name != "pip":
            requirements.append(CONDA_TO_PIP.get(name, name) + pip_version)
    for needed in ("python", "nodejs"):
        if needed not in pins or not str(pins[needed]):
            raise EnvironmentFileError(f"{path}: dependencies: {needed} must be pinned")
    if LOCAL_TORCH not in requirements:
        raise EnvironmentFileError(f"{path}: dependencies: pytorch-cpu is missing")
    if any(re.match(r"torch\b|pytorch\b", r) for r in requirements if r != LOCAL_TORCH):
        raise EnvironmentFileError(f"{path}: dependencies: torch may only come as pytorch-cpu")
    return EnvironmentPlan(pins["python"], pins["nodejs"], requirements)


def base_requirements() -> list[str]:
    """What repo2docker's base environment holds, pinned to this project's ``.venv``.

    ``jupyterhub`` (it provides ``jupyterhub-singleuser``) follows the hub installed next to
    the tests when there is one, else the major version repo2docker's base environment pins.
    """
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in BASE_PACKAGES]
    try:
        pins.append(f"jupyterhub=={importlib.metadata.version('jupyterhub')}")
    except importlib.metadata.PackageNotFoundError:
        pins.append("jupyterhub==5.*")
    return pins


# ---------------------------------------------------------------- the repository and the hash


def repository_files() -> list[str]:
    """The files Binder would see: committed or new, not ignored (paths relative to REPO)."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    names = {name for name in listed.stdout.decode().split("\0") if name}
    return sorted(name for name in names if (REPO / name).is_file())


def input_hash(files: list[str], plan: EnvironmentPlan) -> str:
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    for item in [*base_requirements(), *plan.requirements, str(SYSTEM_PYTHON)]:
        digest.update(item.encode() + b"\0")
    for name in files:
        if name.startswith(BUILD_INPUTS):
            digest.update(name.encode() + b"\0" + (REPO / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def copy_repository(files: list[str], target: Path) -> None:
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, destination)  # keeps the executable bit of postBuild/start


# ---------------------------------------------------------------- running the steps


def clean_environ(bin_dir: Path, home: Path, repo: Path) -> dict[str, str]:
    """A login-like environment for the Binder user: nothing of the test runner's Python.

    ``REPO_DIR`` is where repo2docker put the repository (it sets it in the image).
    """
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX", "JUPYTER_", "JPY_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    node = shutil.which("node")
    path = [str(bin_dir)]
    if node:
        path.append(str(Path(node).parent))
    path += ["/usr/local/bin", "/usr/bin", "/bin"]
    env["PATH"] = os.pathsep.join(dict.fromkeys(path))
    env["HOME"] = str(home)
    env["REPO_DIR"] = str(repo)
    # pip's settings on this machine (where it finds the CPU torch) live in the real home.
    pip_conf = Path.home() / ".config" / "pip" / "pip.conf"
    if pip_conf.is_file() and "PIP_CONFIG_FILE" not in env:
        env["PIP_CONFIG_FILE"] = str(pip_conf)
    return env


class _Steps:
    """Runs build steps into one log, each in its own process group, within one deadline."""

    def __init__(self, log: Path, deadline: float) -> None:
        self.log = log
        self.deadline = deadline

    def run(self, what: str, argv: list[str], env: Mapping[str, str], cwd: Path) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.failure(f"{what}: the build ran out of its {BUILD_TIMEOUT} s")
        started = time.monotonic()
        with self.log.open("ab") as log:
            log.write(f"\n== {what}\n$ {shlex.join(argv)}\n".encode())
            log.flush()
            process = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
            )
            try:
                code = process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
                raise self.failure(f"{what}: killed after the build's {BUILD_TIMEOUT} s") from None
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # whatever it left behind
            log.write(f"== {what}: exit {code} in {time.monotonic() - started:.0f} s\n".encode())
        if code != 0:
            raise self.failure(f"{what} failed with exit code {code}")

    def failure(self, message: str) -> BinderBuildError:
        try:
            tail = self.log.read_text(errors="replace").splitlines()[-60:]
        except OSError:
            tail = []
        return BinderBuildError(f"{message}; log {self.log}, last lines:\n" + "\n".join(tail))


def _check_machine(plan: EnvironmentPlan) -> None:
    """The machine has what environment.yml asks for."""
    if not SYSTEM_PYTHON.exists():
        raise BinderBuildError(f"{SYSTEM_PYTHON} is missing: apt-get install python3.11-venv")
    version = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    if not plan.python.contains(version):
        raise BinderBuildError(
            f"{ENVIRONMENT_FILE}: python{plan.python} does not match {SYSTEM_PYTHON} ({version})"
        )
    node = shutil.which("node")
    if not node:
        raise BinderBuildError("no node on PATH: the extension is built with Node.js")
    node_version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    if not plan.node.contains(node_version.lstrip("v")):
        raise BinderBuildError(f"{ENVIRONMENT_FILE}: nodejs{plan.node} but node is {node_version}")


def _build(root: Path, files: list[str], plan: EnvironmentPlan) -> None:
    venv, repo, home = root / "venv", root / "repo", root / "home"
    steps = _Steps(root / "build.log", time.monotonic() + BUILD_TIMEOUT)
    copy_repository(files, repo)
    home.mkdir()
    pins = root / "constraints.txt"
    pins.write_text(LOCAL_TORCH + "\n", encoding="utf-8")
    build_env = clean_environ(venv / "bin", home, repo)
    # Downloads of the extension's npm packages are shared with the machine's yarn cache: the
    # same lock file gives the same packages, and a cold build does not fetch 150 MB again.
    yarn_global = Path.home() / ".yarn" / "berry"
    if yarn_global.is_dir():
        build_env["YARN_GLOBAL_FOLDER"] = str(yarn_global)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]

    steps.run("python=3.11: a venv", [str(SYSTEM_PYTHON), "-m", "venv", str(venv)], build_env, root)
    steps.run("pip", [*pip, "install", "--upgrade", "pip>=23.1"], build_env, root)
    # torch first, from the constraints: nothing after it may bring the CUDA build.
    steps.run("pytorch-cpu", [*pip, "install", "-c", str(pins), "torch"], build_env, root)
    steps.run(
        "the base environment",
        [*pip, "install", "-c", str(pins), *base_requirements()],
        build_env,
        root,
    )
    steps.run(
        "binder/environment.yml",
        [*pip, "install", "-c", str(pins), *plan.requirements],
        build_env,
        root,
    )
    # repo2docker runs `./binder/postBuild` from $REPO_DIR, as the notebook user.
    steps.run("binder/postBuild", ["./binder/postBuild"], build_env, repo)

    cuda = sorted(path.name for path in venv.glob("lib/python3.*/site-packages/nvidia*"))
    if cuda:
        raise steps.failure(f"CUDA packages were installed: {', '.join(cuda)}")
    if not (venv / "bin" / "mlmath-lab").exists():
        raise steps.failure("postBuild did not install the mlmath-lab command")
    if not list((home / "mlmath-lab").glob("*/*.ipynb")):
        raise steps.failure(f"postBuild placed no notebook in {home / 'mlmath-lab'}")


def make_world_readable(root: Path) -> None:
    """Every directory searchable and every file readable by all (executables stay so)."""
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = Path(folder, name)
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            wanted = mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
            if stat.S_ISDIR(mode) or mode & stat.S_IXUSR:
                wanted |= stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
            if wanted != mode:
                path.chmod(stat.S_IMODE(wanted))
    root.chmod(0o755)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """One build per hash at a time, across processes (two test sessions may ask at once)."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale(keep: Path) -> None:
    """Environments of other inputs (over a GB each, with torch) that nobody used for a while.

    Each use touches the marker, and a build holds its lock: what another test session uses
    or builds stays.
    """
    for other in CACHE_PARENT.glob(CACHE_PREFIX + "*"):
        if other == keep or not other.is_dir():
            continue
        marker = other / COMPLETE_MARKER
        last_used = (marker if marker.exists() else other).stat().st_mtime
        if time.time() - last_used < STALE_AFTER:
            continue
        lock_path = other.with_name(other.name + ".lock")
        with lock_path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being built right now
            marker.unlink(missing_ok=True)
            shutil.rmtree(other, ignore_errors=True)
        lock_path.unlink(missing_ok=True)


def ensure_binder_env() -> BinderEnv:
    """The Binder environment of the current sources: cached, else built now (minutes)."""
    plan = read_environment_file()
    files = repository_files()
    root = CACHE_PARENT / f"{CACHE_PREFIX}{input_hash(files, plan)}"
    env = BinderEnv(
        prefix=root / "venv",
        bin=root / "venv" / "bin",
        python=root / "venv" / "bin" / "python",
        repo=root / "repo",
        home=root / "home",
    )
    with _locked(root.with_name(root.name + ".lock")):
        if (root / COMPLETE_MARKER).exists():
            (root / COMPLETE_MARKER).touch()  # in use: not stale
            return env
        _check_machine(plan)
        if root.exists():
            shutil.rmtree(root)  # an earlier build that did not complete
        old_umask = os.umask(0o022)
        try:
            root.mkdir(mode=0o755)
            _build(root, files, plan)
            make_world_readable(root)
        finally:
            os.umask(old_umask)
        (root / COMPLETE_MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
    _remove_stale(keep=root)
    return env
