"""The formats that cross a process boundary, each defined once as a JSON Schema in this folder.

- ``check-result``: a check's result, from the kernel to the browser and on to the server;
- ``progress``: one user's progress file, and the progress route's answer;
- ``roadmap``: the roadmap route's answer;
- ``checklist-tick``: the body that ticks a reading or checkpoint;
- ``export-index``: the index of a progress export (server/transfer.py).

The server, the progress store, the report and the check library read their constants and
check their values here; the TypeScript parsers are tested against the same files (jest), and
pytest validates real values against them with ``jsonschema`` too. Standard library only: the
kernel side and the server import this package.
"""

from __future__ import annotations

from .schema import (
    SchemaError,
    field_name,
    first_problem,
    json_type,
    load_schema,
    schema_constant,
)

CHECK_RESULT = "check-result"
PROGRESS = "progress"
ROADMAP = "roadmap"
CHECKLIST_TICK = "checklist-tick"
EXPORT_INDEX = "export-index"

# The check result's version the check library writes, and the oldest the server reads.
RESULT_FORMAT_VERSION: int = schema_constant(CHECK_RESULT, "properties", "version", "maximum")
OLDEST_RESULT_FORMAT: int = schema_constant(CHECK_RESULT, "properties", "version", "minimum")
CHECK_STATUSES: tuple[str, ...] = tuple(
    schema_constant(CHECK_RESULT, "properties", "status", "enum")
)
PROGRESS_FORMAT_VERSION: int = schema_constant(PROGRESS, "properties", "version", "const")

__all__ = [
    "CHECKLIST_TICK",
    "CHECK_RESULT",
    "CHECK_STATUSES",
    "EXPORT_INDEX",
    "OLDEST_RESULT_FORMAT",
    "PROGRESS",
    "PROGRESS_FORMAT_VERSION",
    "RESULT_FORMAT_VERSION",
    "ROADMAP",
    "SchemaError",
    "field_name",
    "first_problem",
    "json_type",
    "load_schema",
    "schema_constant",
]
