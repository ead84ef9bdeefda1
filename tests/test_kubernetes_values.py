"""The Kubernetes values files (docs/kubernetes/) and the guide that relies on them.

Nothing here needs a cluster. The values are read as YAML and checked against:

- the key paths of the Zero to JupyterHub chart **4.4.0** (its values.schema.yaml; the paths
  used are listed below, the schema itself is not copied) and of the ngshare chart of ngshare
  **0.6.0** (its values.yaml);
- each other and the guide (image name, ngshare URL and port, content folder, versions);
- the real components they configure: the roles hook is run against stand-in users, the
  student and instructor switches are read by jupyter_server and JupyterLab themselves, and the
  nbgrader configurations are loaded by traitlets.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from traitlets.config import Config, PyFileConfigLoader

from .conftest import COURSE, REPO

DOCS = REPO / "docs"
GUIDE = DOCS / "kubernetes.md"
VALUES = DOCS / "kubernetes" / "values.yaml"
CLASS_START = DOCS / "kubernetes" / "class-start.yaml"
NGSHARE_VALUES = DOCS / "kubernetes" / "ngshare-values.yaml"

CHART_VERSION = "4.4.0"

# Key paths of the jupyterhub chart 4.4.0 that the values files use, each one taken from the
# chart's values.schema.yaml. A key outside this list is a typo or a key of another version.
Z2JH_KEY_PATHS = frozenset(
    {
        "custom",
        "hub",
        "hub.config",
        "hub.services",
        "hub.extraConfig",
        "singleuser",
        "singleuser.image",
        "singleuser.image.name",
        "singleuser.image.tag",
        "singleuser.uid",
        "singleuser.defaultUrl",
        "singleuser.startTimeout",
        "singleuser.memory",
        "singleuser.memory.guarantee",
        "singleuser.memory.limit",
        "singleuser.cpu",
        "singleuser.cpu.guarantee",
        "singleuser.cpu.limit",
        "singleuser.extraEnv",
        "singleuser.storage",
        "singleuser.storage.type",
        "singleuser.storage.capacity",
        "singleuser.storage.homeMountPath",
        "singleuser.storage.dynamic",
        "singleuser.storage.dynamic.volumeNameTemplate",
        "singleuser.initContainers",
        "singleuser.networkPolicy",
        "singleuser.networkPolicy.egress",
        "singleuser.extraFiles",
        "cull",
        "cull.enabled",
        "cull.timeout",
        "cull.every",
        "cull.maxAge",
        "cull.users",
        "scheduling",
        "scheduling.userScheduler",
        "scheduling.userScheduler.enabled",
        "scheduling.podPriority",
        "scheduling.podPriority.enabled",
        "scheduling.userPlaceholder",
        "scheduling.userPlaceholder.enabled",
        "scheduling.userPlaceholder.replicas",
        "prePuller",
        "prePuller.hook",
        "prePuller.hook.enabled",
        "prePuller.continuous",
        "prePuller.continuous.enabled",
    }
)
# Where the schema stops: free-form objects (additionalProperties) and lists of Kubernetes
# objects. Their contents are checked by the tests below, not by the key list.
Z2JH_FREE_FORM = frozenset(
    {
        "custom",
        "hub.services",
        "hub.extraConfig",
        "singleuser.extraEnv",
        "singleuser.initContainers",
        "singleuser.networkPolicy.egress",
    }
)
# hub.config: pass-through traitlets sections, whose names must start with a capital letter.
Z2JH_CONFIG_SECTIONS = "hub.config"
# singleuser.extraFiles.<any key>: these fields only (schema: additionalProperties false).
EXTRA_FILE_FIELDS = frozenset({"mountPath", "data", "stringData", "binaryData", "mode"})

# Key paths of the ngshare chart (ngshare v0.6.0, helmchart/ngshare/values.yaml) in use.
NGSHARE_KEY_PATHS = frozenset(
    {
        "deployment",
        "deployment.replicaCount",
        "deployment.strategy",
        "deployment.resources",
        "ngshare",
        "ngshare.admins",
        "pvc",
        "pvc.storage",
        "pvc.accessModes",
    }
)
NGSHARE_FREE_FORM = frozenset({"deployment.strategy", "deployment.resources"})

# The names KubeSpawner 7.0 fills in when it formats initContainers and extraEnv strings.
KUBESPAWNER_TEMPLATE_FIELDS = (
    "userid",
    "unescaped_username",
    "unescaped_servername",
    "hubnamespace",
    "username",
    "servername",
    "user_server",
    "safe_username",
    "safe_servername",
    "safe_user_server",
    "escaped_username",
    "escaped_servername",
    "escaped_user_server",
    "pod_name",
    "pvc_name",
    "namespace",
)

NBGRADER_INSTRUCTOR_TOOLS_SERVER = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
NBGRADER_INSTRUCTOR_TOOLS_LAB = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)

# KubeSpawner (jupyterhub.traitlets.ByteSpecification): a number and one of K, M, G, T, each
# a power of 1024. Kubernetes' own Gi/Mi are NOT understood there.
BYTE_UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
# Kubernetes quantities, for the ngshare chart and storage sizes.
K8S_BYTE_UNITS = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}
# Docker image references without a registry: lower-case path components, then a tag.
IMAGE_NAME = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*")
IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


# ---------------------------------------------------------------------------------------------
# Reading the files


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: expected a mapping at the top level"
    return data


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return load_yaml(VALUES)


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def at(data: dict[str, Any], dotted: str, source: Path = VALUES) -> Any:
    """The value at a dotted key path; a missing key fails with the path and the file."""
    node: Any = data
    for key in dotted.split("."):
        assert isinstance(node, dict) and key in node, f"{source.name}: {dotted} is missing"
        node = node[key]
    return node


def key_paths(
    node: Any, known: frozenset[str], free_form: frozenset[str], prefix: str = ""
) -> Iterator[tuple[str, str | None]]:
    """Every key path in `node`, with the reason it is not allowed (None when it is)."""
    if not isinstance(node, dict):
        return
    for key, child in node.items():
        path = f"{prefix}{key}"
        if prefix.rstrip(".") == Z2JH_CONFIG_SECTIONS:
            ok = isinstance(key, str) and key[:1].isupper() and isinstance(child, dict)
            yield path, None if ok else "hub.config sections are traitlets class names"
            continue
        if prefix == "singleuser.extraFiles.":
            yield path, None  # the file's key: any name
            yield from key_paths(child, known, free_form, f"{path}.")
            continue
        if prefix.startswith("singleuser.extraFiles."):
            yield path, None if key in EXTRA_FILE_FIELDS else "not a field of an extra file"
            continue
        if path not in known:
            yield path, f"not a key path of the chart this file targets ({CHART_VERSION})"
            continue
        yield path, None
        if path not in free_form:
            yield from key_paths(child, known, free_form, f"{path}.")


def extra_files(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """singleuser.extraFiles by mount path."""
    files = at(values, "singleuser.extraFiles")
    return {spec["mountPath"]: spec for spec in files.values()}


def extra_file_data(values: dict[str, Any], mount_path: str) -> Any:
    files = extra_files(values)
    assert mount_path in files, f"values.yaml: no singleuser.extraFiles entry at {mount_path}"
    spec = files[mount_path]
    return spec["data"] if "data" in spec else spec["stringData"]


def write_extra_files(values: dict[str, Any], root: Path) -> Path:
    """Write the extra files under `root` as the chart mounts them in a pod ("/" → root)."""
    for mount_path, spec in extra_files(values).items():
        target = root / mount_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if "data" in spec:
            assert mount_path.endswith(".json"), f"{mount_path}: data is rendered as JSON here"
            target.write_text(json.dumps(spec["data"]), encoding="utf-8")
        else:
            target.write_text(spec["stringData"], encoding="utf-8")
    return root


def parse_bytes(value: Any, key: str) -> int:
    """A KubeSpawner memory size (ByteSpecification: 512M, 1G, 1.5G; powers of 1024)."""
    text = str(value)
    unit = text[-1:]
    assert unit in BYTE_UNITS, (
        f"values.yaml: {key}: {text!r} must end in K, M, G or T (KubeSpawner's units)"
    )
    try:
        number = float(text[:-1])
    except ValueError:
        pytest.fail(f"values.yaml: {key}: {text!r} is not a number followed by a unit")
    assert number > 0, f"values.yaml: {key}: {text!r} must be positive"
    return int(number * BYTE_UNITS[unit])


def parse_k8s_bytes(value: Any, key: str, source: Path) -> int:
    text = str(value)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)", text)
    assert match, f"{source.name}: {key}: {text!r} is not a Kubernetes size like 512Mi or 10Gi"
    return int(float(match[1]) * K8S_BYTE_UNITS[match[2]])


def parse_k8s_cpu(value: Any, key: str, source: Path) -> float:
    text = str(value)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(m?)", text)
    assert match, f"{source.name}: {key}: {text!r} is not a Kubernetes CPU quantity"
    return float(match[1]) / (1000 if match[2] else 1)


def load_python_config(text: str, path: Path) -> Config:
    """Load a Python config file the way traitlets (and so nbgrader, Jupyter) does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def strict_get_config(values: dict[str, Any]) -> Callable[..., Any]:
    """z2jh's get_config, except that a missing key fails the test instead of giving None."""

    def get_config(key: str, default: Any = None) -> Any:
        return at(values, key)

    return get_config


# ---------------------------------------------------------------------------------------------
# Every key is one the charts know


@pytest.mark.parametrize("path", [VALUES, CLASS_START], ids=lambda p: p.name)
def test_every_key_path_is_one_the_jupyterhub_chart_knows(path: Path) -> None:
    data = load_yaml(path)
    unknown = [
        f"{key} ({reason})"
        for key, reason in key_paths(data, Z2JH_KEY_PATHS, Z2JH_FREE_FORM)
        if reason
    ]
    assert not unknown, f"{path.name}: unknown keys: {', '.join(unknown)}"


def test_every_key_path_is_one_the_ngshare_chart_knows() -> None:
    data = load_yaml(NGSHARE_VALUES)
    unknown = [
        f"{key} ({reason})"
        for key, reason in key_paths(data, NGSHARE_KEY_PATHS, NGSHARE_FREE_FORM)
        if reason
    ]
    assert not unknown, f"{NGSHARE_VALUES.name}: unknown keys: {', '.join(unknown)}"


def test_the_key_check_catches_a_misspelt_or_misplaced_key() -> None:
    """The allow-list is what stands between a typo and a silently ignored setting."""
    typos = {
        "singleuser": {
            "cpu": {"limt": 2},
            "memory": {"limit": "2G"},
            "extraFiles": {"a": {"mountPath": "/a", "stringdata": ""}},
        },
        "cul": {"enabled": True},
        "hub": {"config": {"loadRoles": {}}},
        "scheduling": {"userPlaceholder": {"replica": 3}},
    }
    flagged = {key for key, reason in key_paths(typos, Z2JH_KEY_PATHS, Z2JH_FREE_FORM) if reason}
    assert flagged == {
        "singleuser.cpu.limt",
        "cul",
        "hub.config.loadRoles",
        "scheduling.userPlaceholder.replica",
        "singleuser.extraFiles.a.stringdata",
    }


def test_every_extra_file_has_one_content_and_an_absolute_path(values: dict[str, Any]) -> None:
    for key, spec in at(values, "singleuser.extraFiles").items():
        where = f"values.yaml: singleuser.extraFiles.{key}"
        assert str(spec.get("mountPath", "")).startswith("/"), f"{where}: mountPath not absolute"
        contents = [field for field in ("data", "stringData", "binaryData") if field in spec]
        assert len(contents) == 1, f"{where}: needs exactly one of data/stringData/binaryData"
        if "data" in spec:
            # z2jh renders `data` as YAML, JSON or TOML by the file's extension, nothing else.
            assert spec["mountPath"].endswith((".json", ".yaml", ".yml", ".toml")), where


# ---------------------------------------------------------------------------------------------
# Resources


def test_memory_limits_are_at_least_the_guarantees(values: dict[str, Any]) -> None:
    guarantee = parse_bytes(
        at(values, "singleuser.memory.guarantee"), "singleuser.memory.guarantee"
    )
    limit = parse_bytes(at(values, "singleuser.memory.limit"), "singleuser.memory.limit")
    assert limit >= guarantee, "values.yaml: singleuser.memory.limit is below its guarantee"
    # A kernel with numpy and torch is ~250-300 MB and the server ~130 MB (docs/kubernetes.md).
    assert guarantee >= 1024**3, "values.yaml: singleuser.memory.guarantee below 1G (torch kernels)"

    mlmath = at(values, "custom.mlmath")
    i_guarantee = parse_bytes(
        mlmath["instructorMemGuarantee"], "custom.mlmath.instructorMemGuarantee"
    )
    i_limit = parse_bytes(mlmath["instructorMemLimit"], "custom.mlmath.instructorMemLimit")
    assert i_limit >= i_guarantee, "values.yaml: custom.mlmath.instructorMemLimit below guarantee"
    assert i_guarantee >= guarantee, "values.yaml: an instructor pod gets less than a student's"


def test_cpu_limits_are_at_least_the_guarantees(values: dict[str, Any]) -> None:
    guarantee = float(at(values, "singleuser.cpu.guarantee"))
    limit = float(at(values, "singleuser.cpu.limit"))
    assert 0 < guarantee <= limit, "values.yaml: singleuser.cpu needs 0 < guarantee <= limit"
    mlmath = at(values, "custom.mlmath")
    i_guarantee = float(mlmath["instructorCpuGuarantee"])
    i_limit = float(mlmath["instructorCpuLimit"])
    assert 0 < i_guarantee <= i_limit, "values.yaml: custom.mlmath instructor CPU guarantee > limit"


def test_memory_units_are_kubespawners_not_kubernetes() -> None:
    assert parse_bytes("1.5G", "x") == int(1.5 * 1024**3)
    assert parse_bytes("512M", "x") == 512 * 1024**2
    for wrong in ("1Gi", "2GB", "G", "1g"):
        with pytest.raises((AssertionError, pytest.fail.Exception)):
            parse_bytes(wrong, "x")


def test_thread_pools_fit_the_cpu_limits(values: dict[str, Any]) -> None:
    """torch sizes its pool from the node's cores; the pods pin it to their CPU limit."""
    threads = int(at(values, "singleuser.extraEnv")["OMP_NUM_THREADS"])
    assert 1 <= threads <= float(at(values, "singleuser.cpu.limit")), (
        "values.yaml: singleuser.extraEnv.OMP_NUM_THREADS must be between 1 and the CPU limit"
    )
    mlmath = at(values, "custom.mlmath")
    # mlmath-lab's autograder keeps an OMP_NUM_THREADS that is set: one thread per worker.
    assert mlmath["instructorOmpThreads"] == "1", "values.yaml: custom.mlmath.instructorOmpThreads"


def test_storage_sizes_parse(values: dict[str, Any]) -> None:
    capacity = parse_k8s_bytes(at(values, "singleuser.storage.capacity"), "capacity", VALUES)
    assert capacity >= 1024**3, "values.yaml: singleuser.storage.capacity below 1Gi"
    ngshare = load_yaml(NGSHARE_VALUES)
    parse_k8s_bytes(at(ngshare, "pvc.storage", NGSHARE_VALUES), "pvc.storage", NGSHARE_VALUES)


def test_ngshare_runs_once_with_requests_within_limits() -> None:
    ngshare = load_yaml(NGSHARE_VALUES)
    # Two ngshare pods on one SQLite database can corrupt it (ngshare's admin notes).
    assert at(ngshare, "deployment.replicaCount", NGSHARE_VALUES) == 1
    assert at(ngshare, "deployment.strategy", NGSHARE_VALUES) == {"type": "Recreate"}
    assert at(ngshare, "pvc.accessModes", NGSHARE_VALUES) == ["ReadWriteOnce"]
    assert at(ngshare, "ngshare.admins", NGSHARE_VALUES), "ngshare-values.yaml: no admin"
    resources = at(ngshare, "deployment.resources", NGSHARE_VALUES)
    for resource, parse in (("cpu", parse_k8s_cpu), ("memory", parse_k8s_bytes)):
        request = parse(resources["requests"][resource], f"requests.{resource}", NGSHARE_VALUES)
        limit = parse(resources["limits"][resource], f"limits.{resource}", NGSHARE_VALUES)
        assert request <= limit, f"ngshare-values.yaml: {resource} request above its limit"


# ---------------------------------------------------------------------------------------------
# Culling, scheduling, pre-pulling


def test_culling_is_on_with_a_timeout(values: dict[str, Any]) -> None:
    assert at(values, "cull.enabled") is True, "values.yaml: cull.enabled must be true"
    timeout, every = at(values, "cull.timeout"), at(values, "cull.every")
    assert isinstance(timeout, int) and timeout > 0, "values.yaml: cull.timeout"
    assert isinstance(every, int) and 0 < every <= timeout, "values.yaml: cull.every"
    max_age = at(values, "cull.maxAge")
    assert max_age == 0 or max_age > timeout, "values.yaml: cull.maxAge shorter than the timeout"
    assert at(values, "cull.users") is False, "values.yaml: culling users would drop them"


def test_scheduling_packs_pods_and_placeholders_wait_for_a_class(values: dict[str, Any]) -> None:
    assert at(values, "scheduling.userScheduler.enabled") is True
    assert at(values, "scheduling.userPlaceholder.replicas") == 0, (
        "values.yaml: placeholders cost nodes all term; class-start.yaml raises them"
    )
    class_start = load_yaml(CLASS_START)
    for data, source in ((values, VALUES), (class_start, CLASS_START)):
        # Placeholders are only preempted by real users when pod priority is on.
        assert at(data, "scheduling.podPriority.enabled", source) is True
    assert at(class_start, "scheduling.userPlaceholder.replicas", CLASS_START) > 0


def test_the_image_is_pre_pulled_on_every_node(values: dict[str, Any]) -> None:
    assert at(values, "prePuller.hook.enabled") is True
    assert at(values, "prePuller.continuous.enabled") is True
    assert at(values, "singleuser.startTimeout") >= 300


# ---------------------------------------------------------------------------------------------
# The image


def test_the_image_is_the_one_the_guide_builds(values: dict[str, Any], guide: str) -> None:
    name, tag = at(values, "singleuser.image.name"), str(at(values, "singleuser.image.tag"))
    assert IMAGE_NAME.fullmatch(name), f"values.yaml: singleuser.image.name {name!r} is invalid"
    first = name.split("/")[0]
    assert "." not in first and ":" not in first and first != "localhost", (
        f"values.yaml: singleuser.image.name {name!r} names a registry host; use a placeholder"
    )
    assert IMAGE_TAG.fullmatch(tag) and tag != "latest", f"values.yaml: image tag {tag!r}"

    built = re.search(r"^IMAGE=(\S+)", guide, re.MULTILINE)
    assert built, "docs/kubernetes.md: no IMAGE=... line in the build commands"
    assert built[1] == name, f"docs/kubernetes.md builds {built[1]}, values.yaml runs {name}"
    build = re.search(r"^jupyter-repo2docker (?:.*\\\n)*.*$", guide, re.MULTILINE)
    assert build, "docs/kubernetes.md: no jupyter-repo2docker command"
    # The repository (and binder/start, the image's entrypoint) must not be hidden by the
    # user's volume, which is mounted over the home.
    target = re.search(r"--target-repo-dir (\S+)", build[0])
    assert target, "docs/kubernetes.md: repo2docker needs --target-repo-dir outside the home"
    home = at(values, "singleuser.storage.homeMountPath")
    assert not Path(target[1]).is_relative_to(home), (
        f"docs/kubernetes.md: --target-repo-dir {target[1]} is under the volume at {home}"
    )
    for option in (
        "--no-run",
        '--image-name "$IMAGE:$TAG"',
        "--user-id 1000",
        "--user-name jovyan",
    ):
        assert option in build[0], f"docs/kubernetes.md: the repo2docker command lacks {option}"
    assert 'docker push "$IMAGE:$TAG"' in guide, "docs/kubernetes.md: the image is never pushed"
    # repo2docker made uid 1000 "jovyan": the chart must run that user on that home.
    assert at(values, "singleuser.uid") == 1000
    assert at(values, "singleuser.storage.homeMountPath") == "/home/jovyan"


def test_the_guide_and_the_values_target_the_same_chart_version(guide: str) -> None:
    assert f"`jupyterhub` chart **{CHART_VERSION}**" in guide
    installs = re.findall(r"helm upgrade .*?jupyterhub/jupyterhub.*?--version (\S+)", guide, re.S)
    assert installs and set(installs) == {CHART_VERSION}, (
        f"docs/kubernetes.md: helm commands install chart {installs}, the values target "
        f"{CHART_VERSION}"
    )
    assert f"chart: jupyterhub {CHART_VERSION}" in VALUES.read_text(encoding="utf-8").lower()


# ---------------------------------------------------------------------------------------------
# Course content through nbgitpuller


def test_gitpuller_pulls_the_release_content_into_the_students_root(
    values: dict[str, Any], guide: str
) -> None:
    (pull,) = at(values, "singleuser.initContainers")
    name, tag = at(values, "singleuser.image.name"), at(values, "singleuser.image.tag")
    assert pull["image"] == f"{name}:{tag}", (
        "values.yaml: singleuser.initContainers[0].image must be singleuser.image's name:tag"
    )
    script = " ".join(pull["command"])
    home = at(values, "singleuser.storage.homeMountPath")
    root = at(values, "hub.config.KubeSpawner.notebook_dir").replace("~", home, 1)
    assert f'gitpuller "$CONTENT_REPO" "$CONTENT_BRANCH" {root}' in script, (
        f"values.yaml: the initContainer must run gitpuller into the students' root {root}"
    )
    env = {item["name"]: item["value"] for item in pull["env"]}
    repo = urlsplit(env["CONTENT_REPO"])
    assert repo.scheme == "https" and repo.path.strip("/"), "values.yaml: CONTENT_REPO"
    assert env["CONTENT_BRANCH"], "values.yaml: CONTENT_BRANCH"

    # The repository the guide publishes the release notebooks to is the one pulled.
    content_dir = repo.path.rstrip("/").rsplit("/", 1)[-1]
    assert f"git clone {env['CONTENT_REPO']} ../{content_dir}" in guide
    assert (
        f"mlmath-lab lab --prepare-only --course-dir=assignments --workspace=../{content_dir}"
        in guide
    ), "docs/kubernetes.md: the content must be the release versions that mlmath-lab lab writes"

    # It writes to the user's volume, as the user the server runs as.
    (mount,) = pull["volumeMounts"]
    assert mount["name"] == at(values, "singleuser.storage.dynamic.volumeNameTemplate")
    assert mount["mountPath"] == home
    assert pull["securityContext"]["runAsUser"] == at(values, "singleuser.uid")


def test_kubespawner_can_format_every_templated_string(values: dict[str, Any]) -> None:
    """KubeSpawner str.format()s initContainers and extraEnv: a stray brace breaks every spawn."""
    fields = {name: f"<{name}>" for name in KUBESPAWNER_TEMPLATE_FIELDS}

    def strings(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, dict):
            for key, child in node.items():
                yield from strings(child, f"{path}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from strings(child, f"{path}[{index}]")

    for key in ("singleuser.initContainers", "singleuser.extraEnv"):
        for path, text in strings(at(values, key), key):
            try:
                text.format(**fields)
            except (KeyError, ValueError, IndexError) as error:
                pytest.fail(f"values.yaml: {path}: KubeSpawner cannot format it ({error!r})")


# ---------------------------------------------------------------------------------------------
# The exchange


def test_embedded_python_compiles(values: dict[str, Any]) -> None:
    snippets = {
        f"hub.extraConfig.{key}": code for key, code in at(values, "hub.extraConfig").items()
    }
    for key, spec in at(values, "singleuser.extraFiles").items():
        if spec["mountPath"].endswith(".py"):
            snippets[f"singleuser.extraFiles.{key}"] = spec["stringData"]
    assert len(snippets) >= 3, "values.yaml: the roles hook and two nbgrader configs expected"
    for key, code in snippets.items():
        try:
            compile(code, f"values.yaml: {key}", "exec")
        except SyntaxError as error:
            pytest.fail(f"values.yaml: {key}: {error}")


def test_the_nbgrader_config_sets_the_ngshare_exchange_and_the_course_id(
    values: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loaded by traitlets, as nbgrader loads /etc/jupyter/nbgrader_config.py in every pod.

    ngshare_exchange cannot be installed beside JupyterLab 4 with its declared dependencies
    (docs/kubernetes.md), so the module is a recorder of the one call the file must make:
    configureExchange(c, url), which sets every ExchangeFactory class (ngshare_exchange 0.5.3).
    """
    calls: list[tuple[Any, str]] = []
    recorder = types.ModuleType("ngshare_exchange")
    recorder.configureExchange = lambda c, url=None: calls.append((c, url))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ngshare_exchange", recorder)

    text = extra_file_data(values, "/etc/jupyter/nbgrader_config.py")
    config = load_python_config(text, tmp_path / "etc" / "nbgrader_config.py")

    assert len(calls) == 1, "nbgrader_config.py must call ngshare_exchange.configureExchange once"
    configured, url = calls[0]
    assert isinstance(configured, Config), "configureExchange must be given the config `c`"
    assert url, "configureExchange needs the ngshare URL (the exchange is not the proxy's)"

    course = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    assert config.CourseDirectory.course_id == course.CourseDirectory.course_id, (
        "values.yaml: the nbgrader config's course_id differs from assignments/nbgrader_config.py"
    )

    # The URL is the ngshare service the hub registers, on the port the network policy opens.
    service = urlsplit(at(values, "hub.services.ngshare.url"))
    exchange = urlsplit(url)
    assert (exchange.hostname, exchange.port) == (service.hostname, service.port), (
        f"nbgrader_config.py talks to {url}, the hub registers {service.geturl()}"
    )
    assert exchange.path.rstrip("/") == "/services/ngshare", "ngshare serves /services/ngshare"
    (rule,) = at(values, "singleuser.networkPolicy.egress")
    assert rule["to"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "ngshare"}}}]
    assert [port["port"] for port in rule["ports"]] == [service.port], (
        "values.yaml: singleuser.networkPolicy.egress must open the ngshare port"
    )


def test_the_guide_passes_one_shared_token_to_both_charts(guide: str) -> None:
    assert '--set ngshare.hub_api_token="$NGSHARE_TOKEN"' in guide
    assert '--set hub.services.ngshare.apiToken="$NGSHARE_TOKEN"' in guide
    for path in (VALUES, NGSHARE_VALUES, CLASS_START):
        data = json.dumps(load_yaml(path))
        for secret in ("apiToken", "api_token", "hub_api_token", "client_secret", "cookieSecret"):
            assert f'"{secret}"' not in data, f"{path.name}: {secret} must be passed with --set"


# ---------------------------------------------------------------------------------------------
# Instructors and students


def test_the_roles_hook_gives_instructors_their_pod_and_everyone_else_the_students(
    values: dict[str, Any],
) -> None:
    code = at(values, "hub.extraConfig")["mlmath-roles.py"]
    config = Config()
    namespace = {"c": config, "get_config": strict_get_config(values)}
    exec(compile(code, "hub.extraConfig.mlmath-roles.py", "exec"), namespace)
    hook = config.KubeSpawner.pre_spawn_hook
    assert callable(hook), "hub.extraConfig must set c.KubeSpawner.pre_spawn_hook"

    mlmath = at(values, "custom.mlmath")
    student_env = at(values, "singleuser.extraEnv")

    def user(*groups: str) -> types.SimpleNamespace:
        return types.SimpleNamespace(groups=[types.SimpleNamespace(name=g) for g in groups])

    # The hub keeps one spawner per user: its traits start from the chart's settings.
    spawner = types.SimpleNamespace(user=user("mlmath-students"), environment=dict(student_env))
    hook(spawner)
    assert spawner.environment["JUPYTER_CONFIG_PATH"] == student_env["JUPYTER_CONFIG_PATH"]
    assert spawner.cpu_limit == at(values, "singleuser.cpu.limit")
    assert spawner.mem_limit == at(values, "singleuser.memory.limit")
    assert spawner.notebook_dir == at(values, "hub.config.KubeSpawner.notebook_dir")

    spawner.user = user("mlmath-students", mlmath["instructorGroup"])
    hook(spawner)
    assert spawner.environment["JUPYTER_CONFIG_PATH"] == mlmath["instructorConfigPath"]
    assert spawner.environment["OMP_NUM_THREADS"] == mlmath["instructorOmpThreads"]
    assert spawner.cpu_guarantee == float(mlmath["instructorCpuGuarantee"])
    assert spawner.cpu_limit == float(mlmath["instructorCpuLimit"])
    assert spawner.mem_guarantee == mlmath["instructorMemGuarantee"]
    assert spawner.mem_limit == mlmath["instructorMemLimit"]
    assert spawner.notebook_dir == mlmath["instructorNotebookDir"]

    # Removed from the group: the same spawner object gets the student pod again.
    spawner.user = user("mlmath-students")
    hook(spawner)
    assert spawner.environment == student_env
    assert spawner.cpu_guarantee == at(values, "singleuser.cpu.guarantee")
    assert spawner.mem_guarantee == at(values, "singleuser.memory.guarantee")
    assert spawner.notebook_dir == at(values, "hub.config.KubeSpawner.notebook_dir")


def test_the_instructor_group_is_one_the_authenticator_lets_in(values: dict[str, Any]) -> None:
    oauth = at(values, "hub.config.GenericOAuthenticator")
    assert oauth["manage_groups"] is True, "values.yaml: groups must come from the provider"
    assert at(values, "custom.mlmath.instructorGroup") in oauth["allowed_groups"]
    # JupyterHub 5 refuses load_groups together with an authenticator that manages groups.
    assert "load_groups" not in at(values, "hub.config.JupyterHub")


def test_the_students_switches_turn_the_instructor_tools_off(values: dict[str, Any]) -> None:
    student = at(values, "singleuser.extraEnv")["JUPYTER_CONFIG_PATH"]
    server = extra_file_data(values, f"{student}/jupyter_server_config.d/mlmath-lab-student.json")
    enabled = server["ServerApp"]["jpserver_extensions"]
    for extension in NBGRADER_INSTRUCTOR_TOOLS_SERVER:
        assert enabled.get(extension) is False, f"values.yaml: {student}: {extension} not off"
    lab = extra_file_data(values, f"{student}/labconfig/page_config.json")
    for plugin in NBGRADER_INSTRUCTOR_TOOLS_LAB:
        assert lab["disabledExtensions"].get(plugin) is True, f"{student}: {plugin} not off"
    instructor = at(values, "custom.mlmath.instructorConfigPath")
    assert not instructor.startswith(student) and not student.startswith(instructor)


READ_SWITCHES = """
import json
from jupyter_core.paths import jupyter_path
from jupyter_server.serverapp import ServerApp
from jupyterlab_server.config import get_page_config

app = ServerApp()
app.find_server_extensions()  # what a starting server does with jupyter_server_config.d
page = get_page_config(jupyter_path("labextensions"))  # what JupyterLab sends the browser
print(json.dumps({"server": app.jpserver_extensions, "disabled": page.get("disabledExtensions")}))
"""


def read_switches(config_path: list[Path], home: Path) -> dict[str, Any]:
    """Ask jupyter_server and JupyterLab which nbgrader tools a pod with this path gets."""
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": os.pathsep.join(str(p) for p in config_path),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "HOME": str(home),
    }
    result = subprocess.run(
        [sys.executable, "-c", READ_SWITCHES],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_jupyter_gives_the_tools_to_instructors_and_not_to_students(
    values: dict[str, Any], tmp_path: Path
) -> None:
    """The real lookup: the switches shipped as extra files, read by jupyter_server and
    JupyterLab. Instructors come first on the path, as they come before the image's own
    settings in a pod; the student folder after them stands for an image that turned the
    tools off (binder/postBuild does)."""
    pod = write_extra_files(values, tmp_path / "pod")
    student = pod / at(values, "singleuser.extraEnv")["JUPYTER_CONFIG_PATH"].lstrip("/")
    instructor = pod / at(values, "custom.mlmath.instructorConfigPath").lstrip("/")
    home = tmp_path / "home"
    home.mkdir()

    as_student = read_switches([student], home)
    as_instructor = read_switches([instructor, student], home)
    for extension in NBGRADER_INSTRUCTOR_TOOLS_SERVER:
        assert as_student["server"].get(extension) is False, f"a student's server loads {extension}"
        assert as_instructor["server"].get(extension) is True, f"no {extension} for instructors"
    for plugin in NBGRADER_INSTRUCTOR_TOOLS_LAB:
        assert plugin in as_student["disabled"], f"a student's JupyterLab shows {plugin}"
        assert plugin not in as_instructor["disabled"], f"an instructor's JupyterLab hides {plugin}"
    # The students' own tools stay.
    assert as_student["server"].get("nbgrader.server_extensions.assignment_list") is True


def test_the_instructor_config_reads_the_course_and_sizes_the_autograder(
    values: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    course = home / "mlmath_lab" / "assignments"
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        (COURSE / "nbgrader_config.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setenv("HOME", str(home))

    instructor = at(values, "custom.mlmath.instructorConfigPath")
    text = extra_file_data(values, f"{instructor}/nbgrader_config.py")
    config = load_python_config(text, tmp_path / "pod" / "nbgrader_config.py")

    assert config.CourseDirectory.root == str(course), "the course root is the cloned repository"
    assert "mlmath_lab.feedback.HideHiddenTests" in config.GenerateFeedback.preprocessors, (
        "the course's feedback settings (no hidden tests) must apply in the instructor's pod"
    )
    workers = config.Autograder.workers
    assert 1 <= workers <= float(at(values, "custom.mlmath.instructorCpuLimit")), (
        "values.yaml: c.Autograder.workers must not exceed the instructor pod's CPU limit"
    )
    assert f"mlmath-lab autograde 01-linear-algebra --workers {workers}" in GUIDE.read_text(
        encoding="utf-8"
    ), "docs/kubernetes.md: the grading command should use the configured worker count"


def string_constants(code: str, keep: Callable[[ast.AST], ast.expr | None]) -> set[str]:
    """The string constants that `keep` picks out of the nodes of `code`."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        picked = keep(node)
        if isinstance(picked, ast.Constant) and isinstance(picked.value, str):
            found.add(picked.value)
    return found


def test_the_roles_hook_only_reads_keys_that_exist(values: dict[str, Any]) -> None:
    """get_config() returns None for a missing key in the hub: check every key the hook reads."""
    code = at(values, "hub.extraConfig")["mlmath-roles.py"]
    read = string_constants(
        code,
        lambda node: (
            node.args[0]
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "get_config"
            else None
        ),
    )
    assert "custom.mlmath" in read
    for key in read:
        at(values, key)
    subscripts = string_constants(
        code,
        lambda node: (
            node.slice
            if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "mlmath"
            else None
        ),
    )
    assert subscripts, "the hook reads its settings from custom.mlmath"
    missing = subscripts - set(at(values, "custom.mlmath"))
    assert not missing, f"values.yaml: custom.mlmath lacks {sorted(missing)}"
