"""The jupyter_server extension: authenticated routes under ``/mlmath-lab/``."""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from . import __version__


class InfoHandler(APIHandler):
    """``GET /mlmath-lab/info``: which version of the server side is running.

    The frontend uses it to tell "server extension missing" apart from "course not found".
    """

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(json.dumps({"name": "mlmath_lab", "version": __version__}))


def setup_handlers(web_app: Any) -> None:
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, "mlmath-lab", "info"), InfoHandler)],
    )
