"""Read the bodies of the progress routes' POST requests; every error names the field.

The check body is what the kernel's ``CheckResult.to_json()`` produces, forwarded unchanged by
the frontend; both bodies are defined in ``mlmath_lab/formats`` (check-result, checklist-tick).
"""

from __future__ import annotations

import json
from typing import Any

from ..formats import CHECK_RESULT, CHECKLIST_TICK, first_problem, json_type
from ..formats.schema import a_or_an
from .progress import CheckRecord


class BodyError(ValueError):
    """The request body is not what the route expects; the message says which field."""


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
        raise BodyError(f"the body must be a JSON object, not {a_or_an(json_type(body))}")
    return body


def parse_check(body: dict[str, Any]) -> CheckRecord:
    """A check result (``CheckResult.to_json()``), as formats/check-result.schema.json defines
    it, reduced to what the store records."""
    problem = first_problem(CHECK_RESULT, body)
    if problem:
        raise BodyError(problem)
    if (body["status"] == "passed") != body["passed"]:
        raise BodyError(
            f"'passed' is {json.dumps(body['passed'])} but 'status' is {body['status']!r}"
        )
    return CheckRecord(
        body["exercise"],
        body["passed"],
        body["summary"],
        body["hint"],
        body["misconception"],
        float(body["duration_ms"]),
        outcome=body["status"],
    )


def parse_checklist(body: dict[str, Any]) -> tuple[str, bool]:
    """A checklist tick: ``{"id": "<reading or checkpoint id>", "done": true}``."""
    problem = first_problem(CHECKLIST_TICK, body)
    if problem:
        raise BodyError(problem)
    return body["id"], body["done"]
