"""A real JupyterHub for tests: Unix accounts, the hub process, and clients of its REST API and
of the users' single-user servers. Every wait is bounded; everything started is stopped."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

HTTP_TIMEOUT = 60  # seconds, per request
REPO = Path(__file__).resolve().parents[2]
HUB_PACKAGE = REPO / "tests" / "hub"  # package.json pins configurable-http-proxy


def proxy_command() -> Path:
    """configurable-http-proxy from tests/hub, installed with `npm ci` on first use."""
    executable = HUB_PACKAGE / "node_modules" / ".bin" / "configurable-http-proxy"
    if not executable.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=HUB_PACKAGE,
            check=True,
            timeout=300,
            capture_output=True,
        )
    return executable


# ---------------------------------------------------------------- Unix accounts


@dataclass
class UnixAccounts:
    """Users and groups made with useradd/groupadd, removed (with their homes) by close()."""

    home_parent: Path
    users: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def add_group(self, name: str) -> str:
        subprocess.run(["groupadd", name], check=True, timeout=30)
        self.groups.append(name)
        return name

    def add_user(self, name: str, groups: tuple[str, ...] = ()) -> str:
        argv = ["useradd", "--create-home", "--home-dir", str(self.home_parent / name)]
        argv += ["--shell", "/bin/bash", "--user-group", "-K", "HOME_MODE=0700"]
        if groups:
            argv += ["--groups", ",".join(groups)]
        subprocess.run([*argv, name], check=True, timeout=30)
        self.users.append(name)
        return name

    def home(self, name: str) -> Path:
        return Path(pwd.getpwnam(name).pw_dir)

    def close(self) -> None:
        for name in reversed(self.users):
            kill_processes_of(name)
            subprocess.run(["userdel", "--remove", name], timeout=30, capture_output=True)
        for name in reversed(self.groups):
            subprocess.run(["groupdel", name], timeout=30, capture_output=True)
        self.users.clear()
        self.groups.clear()


def kill_processes_of(user: str) -> None:
    """SIGKILL, by process id, whatever a test user still runs (userdel refuses otherwise)."""
    uid = pwd.getpwnam(user).pw_uid
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                os.kill(int(entry.name), signal.SIGKILL)
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue


def run_as(
    user: str, argv: list[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` as ``user`` (runuser), with exactly ``env`` plus the user's HOME and USER."""
    home = pwd.getpwnam(user).pw_dir
    variables = {"PATH": "/usr/local/bin:/usr/bin:/bin", **(env or {}), "HOME": home}
    variables["USER"] = variables["LOGNAME"] = user
    assignments = [f"{key}={value}" for key, value in variables.items()]
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *assignments, *argv],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd or home,
        check=False,
    )


# ---------------------------------------------------------------- the hub process


class HubError(AssertionError):
    """A hub or server request failed; the message has the URL, status and body."""


def _check(response: requests.Response) -> requests.Response:
    if response.status_code >= 400:
        raise HubError(
            f"{response.request.method} {response.url}: {response.status_code} {response.text[:2000]}"
        )
    return response


@dataclass
class Hub:
    """A running hub: its public URL, the admin service token, its process and log."""

    url: str
    admin_token: str
    process: subprocess.Popen[bytes]
    log: Path

    # -- the hub's REST API, as the course-admin service
    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {self.admin_token}"}
        response = requests.request(
            method, f"{self.url}/hub/api/{path}", headers=headers, timeout=HTTP_TIMEOUT, **kwargs
        )
        return _check(response)

    def wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"the hub exited ({self.process.returncode}); log:\n{self.tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise HubError(f"the hub did not answer within {timeout} s; log:\n{self.tail()}")

    def start_servers(self, users: list[str], timeout: float) -> None:
        """Ask for every user's server at once, then wait until each is ready."""
        for user in users:
            self.api("POST", f"users/{user}/server")
        deadline = time.monotonic() + timeout
        waiting = set(users)
        while waiting and time.monotonic() < deadline:
            for user in sorted(waiting):
                server = self.api("GET", f"users/{user}").json()["servers"].get("", {})
                if server.get("ready"):
                    waiting.discard(user)
            time.sleep(1)
        if waiting:
            raise HubError(f"servers not ready in {timeout} s: {sorted(waiting)}\n{self.tail()}")

    def user_token(self, user: str) -> str:
        body = {"note": "mlmath-lab hub test", "expires_in": 3600}
        return str(self.api("POST", f"users/{user}/tokens", json=body).json()["token"])

    def stop(self) -> None:
        """Stop the single-user servers through the API, then the hub's process group."""
        if self.process.poll() is None:
            with contextlib.suppress(Exception):
                for user in self.api("GET", "users").json():
                    if user.get("servers"):
                        self.api("DELETE", f"users/{user['name']}/server")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the proxy, if it outlived the hub

    def tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def start_hub(config: Path, environ: Mapping[str, str], state: Path) -> Hub:
    """Run ``jupyterhub -f config`` (as root) with ``environ``, in its own process group."""
    token = secrets.token_hex(32)
    token_file = state / "admin-token"
    token_file.write_text(token)
    token_file.chmod(0o600)
    port = environ["MLMATH_HUB_BIND_URL"].rsplit(":", 1)[1].rstrip("/")
    log = state / "jupyterhub.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
            env={**environ, "MLMATH_ADMIN_TOKEN_FILE": str(token_file)},
            cwd=state,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Hub(url=f"http://127.0.0.1:{port}", admin_token=token, process=process, log=log)


# ---------------------------------------------------------------- a user's server


@dataclass
class UserServer:
    """A user's single-user server, reached through the hub's proxy with the user's token."""

    hub: Hub
    user: str
    token: str

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.user}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(
            method, f"{self.base}/{path}", headers=headers, timeout=HTTP_TIMEOUT * 5, **kwargs
        )
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return _check(self.request("GET", path, **kwargs)).json()

    def post(self, path: str, body: Any = None) -> Any:
        return _check(self.request("POST", path, json=body)).json()

    def execute(self, code: str, timeout: float = 120) -> list[dict[str, Any]]:
        """Run ``code`` in a new kernel of this server; the IOPub messages it caused."""
        kernel = self.post("api/kernels", {"name": "python3"})
        try:
            return asyncio.run(asyncio.wait_for(self._execute(kernel["id"], code), timeout))
        finally:
            self.request("DELETE", f"api/kernels/{kernel['id']}")

    async def _execute(self, kernel_id: str, code: str) -> list[dict[str, Any]]:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = self.base.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
        request = HTTPRequest(url, headers={"Authorization": f"token {self.token}"})
        connection = await websocket_connect(request)
        msg_id = uuid.uuid4().hex
        connection.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": self.user,
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "buffers": [],
                }
            )
        )
        messages: list[dict[str, Any]] = []
        try:
            while True:
                raw = await connection.read_message()
                if raw is None:
                    raise HubError(f"{url}: the kernel's websocket closed")
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if message["channel"] == "iopub":
                    messages.append(message)
                    if (
                        message["msg_type"] == "status"
                        and message["content"]["execution_state"] == "idle"
                    ):
                        return messages
        finally:
            connection.close()


@contextlib.contextmanager
def stopped_at_exit(hub: Hub) -> Iterator[Hub]:
    try:
        yield hub
    finally:
        hub.stop()
