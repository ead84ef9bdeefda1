"""The server extension loads in a real jupyter_server and its routes require authentication."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from mlmath_lab import __version__


async def test_info_route_answers_with_the_version(jp_fetch, monkeypatch) -> None:
    for name in ("BINDER_LAUNCH_HOST", "BINDER_REQUEST"):
        monkeypatch.delenv(name, raising=False)
    response = await jp_fetch("mlmath-lab", "info")
    assert response.code == 200
    info = {"name": "mlmath_lab", "version": __version__, "temporary": False}
    assert json.loads(response.body) == info
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://binder.example/")
    response = await jp_fetch("mlmath-lab", "info")
    assert json.loads(response.body) == {**info, "temporary": True}


async def test_info_route_refuses_requests_without_a_token(jp_fetch) -> None:
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch("mlmath-lab", "info", headers={"Authorization": ""})
    assert raised.value.code == 403
