"""The jupyter_server routes under ``/mlmath-lab/``, all authenticated.

- ``GET  info``                the version of the server side;
- ``GET  roadmap``             the manifest joined with this user's files (see roadmap.py);
- ``GET  progress``            the progress store (see progress.py);
- ``POST progress/check``      record a check result (``CheckResult.to_json()``); the query
                               argument ``notebook`` names the saved notebook it was about,
                               ``saved_again=1`` says it was saved again while the check ran;
- ``POST progress/checklist``  tick or untick a reading or checkpoint: ``{"id", "done"}``.

Errors are JSON ``{"message": "..."}``: 400 for a body that is malformed or names an unknown
exercise or item, 404 when there is no course manifest, 500 when it is broken or progress
cannot be saved. File work runs in a thread so that a slow disk never stalls the server.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .. import __version__
from ..course.manifest import Manifest, ManifestError, ManifestMissing
from .payloads import BodyError, parse_check, parse_checklist, parse_object
from .progress import CheckRecord, Entry, ProgressStore
from .roadmap import Roadmap
from .serverconfig import MlmathLabServer
from .solutions import SolutionCode
from .transfer import ImportRefused, export_archive, export_filename, import_archive

SERVER_SETTING = "mlmath_lab_server"
ROADMAP_SETTING = "mlmath_lab_roadmap"
PROGRESS_SETTING = "mlmath_lab_progress"
SOLUTIONS_SETTING = "mlmath_lab_solutions"

T = TypeVar("T")


class RouteError(web.HTTPError):
    """An error answered as ``{"message": ...}``.

    The message travels outside tornado's ``log_message``, which is a %-format string: an
    exercise id with a ``%`` in it would garble it.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status)
        self.message = message


class _Handler(APIHandler):
    @property
    def roadmap(self) -> Roadmap:
        return self.settings[ROADMAP_SETTING]  # type: ignore[no-any-return]

    @property
    def store(self) -> ProgressStore:
        return self.settings[PROGRESS_SETTING]  # type: ignore[no-any-return]

    @property
    def solutions(self) -> SolutionCode:
        return self.settings[SOLUTIONS_SETTING]  # type: ignore[no-any-return]

    def reply(self, data: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if not isinstance(error, RouteError):
            super().write_error(status_code, **kwargs)
            return
        self.log.warning(
            "%s %s: %d %s", self.request.method, self.request.path, status_code, error.message
        )
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": error.message}))

    def manifest(self) -> Manifest:
        try:
            return self.roadmap.manifest()
        except ManifestMissing as error:
            raise RouteError(404, str(error)) from None
        except ManifestError as error:
            raise RouteError(500, str(error)) from None

    def parsed(self, parse: Callable[[dict[str, Any]], T]) -> T:
        """The body, read by ``parse``; a malformed one is a 400 that names the field."""
        try:
            return parse(parse_object(self.request.body))
        except BodyError as error:
            raise RouteError(400, str(error)) from None

    def saved(self, change: Callable[[], Entry]) -> Entry:
        try:
            return change()
        except OSError as error:
            raise RouteError(500, f"cannot save progress in {self.store.path}: {error}") from None


class InfoHandler(_Handler):
    """``GET /mlmath-lab/info``: which version of the server side is running.

    The frontend uses it to tell "server extension missing" apart from "course not found",
    and to offer an export of the progress when the session keeps nothing (``temporary``).
    """

    @web.authenticated
    def get(self) -> None:
        server: MlmathLabServer = self.settings[SERVER_SETTING]
        self.reply(
            {"name": "mlmath_lab", "version": __version__, "temporary": server.is_temporary()}
        )


class RoadmapHandler(_Handler):
    @web.authenticated
    async def get(self) -> None:
        self.reply(await asyncio.to_thread(self._roadmap))

    def _roadmap(self) -> dict[str, Any]:
        return self.roadmap.to_json(self.manifest())


class ProgressHandler(_Handler):
    """``GET /mlmath-lab/progress``: the store, each fingerprinted exercise saying whether its
    saved code was edited since its last check (``edited_since_check``)."""

    @web.authenticated
    async def get(self) -> None:
        self.reply(await asyncio.to_thread(self._read))

    def _read(self) -> dict[str, Any]:
        try:
            progress = self.store.read()
        except OSError as error:
            raise RouteError(500, f"cannot read progress from {self.store.path}: {error}") from None
        return self.solutions.annotate_progress(progress)


class CheckHandler(_Handler):
    """``POST /mlmath-lab/progress/check[?notebook=<path>[&saved_again=1]]``: record a check.

    With ``notebook`` (relative to the server root), the entry keeps the fingerprint of the
    exercise's solution code in that saved file. With ``saved_again=1`` too (the frontend saw
    the notebook saved again while the check ran), the code on disk is not the code checked:
    the fingerprint is null, and the exercise shows as edited since. A path outside the root,
    or a notebook that is missing, broken or without the exercise, records the check without
    a fingerprint: the result is never lost for it.
    """

    @web.authenticated
    async def post(self) -> None:
        record = self.parsed(parse_check)
        notebook = self.get_query_argument("notebook", None)
        saved_again = self.get_query_argument("saved_again", "") in ("1", "true")
        entry = await asyncio.to_thread(self._record, record, notebook, saved_again)
        self.reply({"exercise": record.exercise, "progress": entry})

    def _record(self, record: CheckRecord, notebook: str | None, saved_again: bool) -> Entry:
        if record.exercise not in self.manifest().exercise_ids():
            raise RouteError(400, f"unknown exercise '{record.exercise}'")
        if notebook:
            grade_id = record.exercise.partition("/")[2]
            fingerprint = self.solutions.fingerprint(notebook, grade_id)
            if fingerprint is not None:
                code = None if saved_again else fingerprint
                record = replace(record, notebook=notebook, code_sha256=code)
        entry = self.saved(lambda: self.store.record_check(record))
        return self.solutions.annotate(record.exercise, entry)


class ChecklistHandler(_Handler):
    @web.authenticated
    async def post(self) -> None:
        item_id, done = self.parsed(parse_checklist)
        self.reply(await asyncio.to_thread(self._tick, item_id, done))

    def _tick(self, item_id: str, done: bool) -> Entry:
        if item_id not in self.manifest().checklist_ids():
            raise RouteError(400, f"unknown checklist item '{item_id}'")
        return self.saved(lambda: self.store.set_checklist(item_id, done))


class ExportHandler(_Handler):
    """``GET /mlmath-lab/progress/export``: the progress and notebooks, as one zip."""

    @web.authenticated
    async def get(self) -> None:
        data = await asyncio.to_thread(self._export)
        self.set_header("Content-Disposition", f'attachment; filename="{export_filename()}"')
        self.set_header("Cache-Control", "no-store")
        self.finish(data, set_content_type="application/zip")  # APIHandler's default: JSON

    def _export(self) -> bytes:
        try:
            return export_archive(self.manifest(), self.roadmap.root, self.store)
        except OSError as error:
            raise RouteError(500, f"cannot export the progress: {error}") from None


class ImportHandler(_Handler):
    """``POST /mlmath-lab/progress/import`` (the zip as the body): checked whole, then merged."""

    @web.authenticated
    async def post(self) -> None:
        self.reply(await asyncio.to_thread(self._import, self.request.body))

    def _import(self, data: bytes) -> dict[str, Any]:
        try:
            report = import_archive(data, self.manifest(), self.roadmap.root, self.store)
        except ImportRefused as error:
            raise RouteError(400, f"not imported: {error}") from None
        except OSError as error:
            raise RouteError(500, f"the import stopped: {error}") from None
        return report.to_json()


def setup_handlers(
    web_app: Any, server: MlmathLabServer, root_dir: Path, log: logging.Logger
) -> None:
    """Make the roadmap and the progress store of this server, and route to them."""
    manifest_path = server.manifest_file(root_dir)
    progress_dir = server.progress_folder()
    web_app.settings[SERVER_SETTING] = server
    web_app.settings[ROADMAP_SETTING] = Roadmap(root_dir, manifest_path, log)
    web_app.settings[PROGRESS_SETTING] = ProgressStore(progress_dir, log)
    web_app.settings[SOLUTIONS_SETTING] = SolutionCode(root_dir, log)
    log.info("mlmath_lab: roadmap from %s, progress in %s", manifest_path, progress_dir)

    base_url = web_app.settings["base_url"]
    routes: list[tuple[str, type[_Handler]]] = [
        ("info", InfoHandler),
        ("roadmap", RoadmapHandler),
        ("progress", ProgressHandler),
        ("progress/check", CheckHandler),
        ("progress/checklist", ChecklistHandler),
        ("progress/export", ExportHandler),
        ("progress/import", ImportHandler),
    ]
    web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, "mlmath-lab", route), handler) for route, handler in routes],
    )
