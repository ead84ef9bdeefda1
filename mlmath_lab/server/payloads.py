"""Read the bodies of the progress routes' POST requests; every error names the field.

The check body is what the kernel's ``CheckResult.to_json()`` produces, forwarded unchanged by
the frontend. Only the fields the store keeps are required; the rest (``title``, ``cases``,
``error``) may be present and are ignored, but a field that is present must have its type.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..checks.result import RESULT_FORMAT_VERSION
from .progress import OUTCOMES, CheckRecord

CHECK_STATUSES = OUTCOMES


class BodyError(ValueError):
    """The request body is not what the route expects; the message says which field."""


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


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object.

    Parsed here rather than with ``APIHandler.get_json_body``, which logs a traceback at error
    level for every bad body and answers only "Invalid JSON in body of request".
    """
    if not raw.strip():
        raise BodyError("the body is empty: expected a JSON object")
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BodyError("the body is not UTF-8 text: expected a JSON object") from None
    except json.JSONDecodeError as error:
        raise BodyError(
            f"the body is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(body, dict):
        raise BodyError(f"the body must be a JSON object, not {_a(json_type(body))}")
    return body


def _a(type_name: str) -> str:
    return f"an {type_name}" if type_name[0] in "aeiou" else f"a {type_name}"


def _field(body: dict[str, Any], key: str, expected: str, valid: Any, required: bool) -> Any:
    if key not in body:
        if required:
            raise BodyError(f"'{key}' is missing: expected {expected}")
        return None
    value = body[key]
    if not valid(value):
        raise BodyError(f"'{key}' must be {expected}, not {_a(json_type(value))} ({value!r:.80})")
    return value


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _duration(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def parse_check(body: dict[str, Any]) -> CheckRecord:
    """A check result (``CheckResult.to_json()``) as the store records it."""
    version = _field(body, "version", "a number", lambda v: json_type(v) == "number", False)
    # version 1 (a kernel with an older check library) lacks only each case's own error
    if version is not None and version not in range(1, RESULT_FORMAT_VERSION + 1):
        raise BodyError(
            f"'version' is {version!r}; this server reads versions 1 to {RESULT_FORMAT_VERSION}"
        )
    exercise = _field(body, "exercise", "an exercise id (a non-empty string)", _nonempty_str, True)
    passed = _field(body, "passed", "true or false", lambda v: isinstance(v, bool), True)
    statuses = " or ".join(repr(s) for s in CHECK_STATUSES)
    status = _field(body, "status", statuses, lambda v: v in CHECK_STATUSES, False)
    if status is not None and (status == "passed") != passed:
        raise BodyError(f"'passed' is {json.dumps(passed)} but 'status' is {status!r}")
    summary = _field(body, "summary", "a string", lambda v: isinstance(v, str), True)
    hint = _field(body, "hint", "a string or null", _optional_str, False)
    misconception = _field(body, "misconception", "a string or null", _optional_str, False)
    duration = _field(body, "duration_ms", "a number of milliseconds (≥ 0)", _duration, True)
    return CheckRecord(
        exercise, passed, summary, hint, misconception, float(duration), outcome=status
    )


def parse_checklist(body: dict[str, Any]) -> tuple[str, bool]:
    """A checklist tick: ``{"id": "<reading or checkpoint id>", "done": true}``."""
    item_id = _field(
        body, "id", "a reading or checkpoint id (a non-empty string)", _nonempty_str, True
    )
    done = _field(body, "done", "true or false", lambda v: isinstance(v, bool), True)
    return item_id, done
