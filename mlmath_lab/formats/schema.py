"""Read a value against one of the package's JSON Schemas, with the standard library only.

The server, the progress store and the report must not pay for ``jsonschema`` (and its
optional format checkers) at every request, and the kernel side must not depend on it. The
schemas use a small subset of JSON Schema (2020-12), which this module implements:
``type``, ``enum``, ``const``, ``properties``, ``required``, ``additionalProperties``,
``items``, ``minimum``, ``maximum``, ``minLength``, ``pattern`` and local ``$ref``. Any other
validation keyword in a schema is refused when the schema is loaded, so a schema can never
say more than this reader checks. (The test suite also validates with ``jsonschema`` itself,
and the two must agree.)

A problem is reported as one sentence that names the field and says what it must be, using
the field's ``description``: ``'duration_ms' must be a number of milliseconds (≥ 0), not a
string ('3')``.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib import resources
from typing import Any

# Keywords that only annotate: they never make a value invalid.
_ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "examples"}
_VALIDATORS = {
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "minLength",
    "pattern",
    "$ref",
}


class SchemaError(ValueError):
    """A schema of the package uses a keyword this reader does not implement."""


def _keywords(node: Any, where: str) -> None:
    if isinstance(node, dict):
        unknown = set(node) - _ANNOTATIONS - _VALIDATORS
        if unknown:
            raise SchemaError(f"{where}: keyword(s) {sorted(unknown)} are not implemented")
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    _keywords(sub, f"{where}/{key}/{name}")
            elif key in ("items", "additionalProperties"):
                _keywords(value, f"{where}/{key}")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``<name>.schema.json`` shipped in this package (read once)."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    _keywords(schema, f"{name}.schema.json")
    return schema


def json_type(value: Any) -> str:
    """The JSON name of a value's type, as a JavaScript author would call it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def a_or_an(type_name: str) -> str:
    return f"an {type_name}" if type_name[0] in "aeiou" else f"a {type_name}"


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        # JSON has no NaN or infinity, though Python's json module reads them
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    return json_type(value) == name


def _same(value: Any, expected: Any) -> bool:
    """JSON equality: ``true`` is not ``1`` (Python's ``True == 1`` notwithstanding)."""
    return json_type(value) == json_type(expected) and value == expected


def field_name(path: tuple[str | int, ...]) -> str:
    """A field as the problems name it: 'exercises'['a/x']['last_checked']."""
    if not path:
        return "the top level"
    head, *rest = path
    return f"'{head}'" + "".join(f"[{part!r}]" for part in rest)


def _expected(node: dict[str, Any]) -> str:
    if "description" in node:
        return str(node["description"])
    if "enum" in node:
        return " or ".join(json.dumps(v) for v in node["enum"])
    types = node.get("type", "a value")
    return " or ".join(a_or_an(t) for t in ([types] if isinstance(types, str) else types))


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        reference = node["$ref"]
        if not reference.startswith("#/$defs/"):
            raise SchemaError(f"only local references (#/$defs/…) are implemented: {reference}")
        node = root["$defs"][reference.removeprefix("#/$defs/")]
    return node


def _wrong(path: tuple[str | int, ...], node: dict[str, Any], value: Any) -> str:
    shown = f"{value!r:.80}"
    return (
        f"{field_name(path)} must be {_expected(node)}, not {a_or_an(json_type(value))} ({shown})"
    )


def _problem(
    root: dict[str, Any], node: Any, value: Any, path: tuple[str | int, ...]
) -> str | None:
    if node is True or node == {}:
        return None
    if node is False:
        return f"{field_name(path)} is not expected here"
    node = _resolve(root, node)
    types = node.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is_type(value, name) for name in names):
            return _wrong(path, node, value)
    if "const" in node and not _same(value, node["const"]):
        return f"{field_name(path)} is {value!r:.80}: expected {_expected(node)}"
    if "enum" in node and not any(_same(value, v) for v in node["enum"]):
        return _wrong(path, node, value)
    below = "minimum" in node and _is_type(value, "number") and value < node["minimum"]
    above = "maximum" in node and _is_type(value, "number") and value > node["maximum"]
    if below or above:
        return f"{field_name(path)} is {value!r}: expected {_expected(node)}"
    if isinstance(value, str):
        too_short = len(value) < node.get("minLength", 0)
        if too_short or ("pattern" in node and not re.search(node["pattern"], value)):
            return _wrong(path, node, value)
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            problem = _problem(root, node["items"], item, (*path, index))
            if problem:
                return problem
    if isinstance(value, dict):
        return _object_problem(root, node, value, path)
    return None


def _object_problem(
    root: dict[str, Any], node: dict[str, Any], value: dict[str, Any], path: tuple[str | int, ...]
) -> str | None:
    properties: dict[str, Any] = node.get("properties", {})
    for key in node.get("required", []):
        if key not in value:
            sub = _resolve(root, properties.get(key, {}))
            return f"{field_name((*path, key))} is missing: expected {_expected(sub)}"
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        problem = _problem(root, properties.get(key, extra), item, (*path, key))
        if problem:
            return problem
    return None


def first_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` against the schema ``name``, or None when it conforms."""
    schema = load_schema(name)
    return _problem(schema, schema, value, ())


def schema_constant(name: str, *pointer: str) -> Any:
    """A value stated in a schema (a version, an enum), so that the code does not repeat it."""
    node: Any = load_schema(name)
    for part in pointer:
        node = node[part]
    return node
