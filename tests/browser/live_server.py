"""A real `statewright serve --demo` on a free loopback port with a temporary SQLite database.

Used by the browser tests and by bench/bench_ui.py. The users the tests sign in as are created through the
API (`POST /api/users`) by the demo admin, whose password `serve --demo` prints once at start-up; so the
tests know their users' passwords and approver roles. (When no demo credentials are printed, e.g. on a
database seeded before, `statewright users add` creates them instead.)

STATEWRIGHT_BROWSER_SERVER=http://127.0.0.1:8000 runs them against a server already running instead (it must
have the users of USERS with PASSWORD) — for watching a failing test against a server under a debugger.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["PASSWORD", "ROOT", "USERS", "LiveServer", "TestUser", "statewright_command"]

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class TestUser:
    username: str
    roles: tuple[str, ...]
    approver_roles: tuple[str, ...] = ()
    display_name: str = ""


USERS: dict[str, TestUser] = {
    "analyst": TestUser("ana", ("analyst", "publisher"), (), "Ana Analyst"),
    "approver": TestUser("sam", ("approver",), ("sales_manager",), "Sam Sales-Manager"),
    "other_approver": TestUser("otto", ("approver",), ("support_lead",), "Otto Support-Lead"),
    "viewer": TestUser("vera", ("viewer",), (), "Vera Viewer"),
    "writer": TestUser("wes", ("analyst",), (), "Wes Writer"),  # edits drafts, may not publish
    "admin": TestUser("ada", ("admin",), (), "Ada Admin"),  # the deployment's admin: users, model prices
}

ROOT = Path(__file__).resolve().parents[2]
_DEMO_ADMIN = re.compile(r"^\W*admin\W+admin\W+(\S+)\W*$", re.MULTILINE)


def statewright_command() -> list[str]:
    """The `statewright` console script of this environment (or the module, where it is not installed)."""
    script = Path(sys.executable).with_name("statewright")
    return [str(script)] if script.exists() else [sys.executable, "-m", "designer.cli"]


def _cli_add_user(user: TestUser, db: str) -> None:
    command = [*statewright_command(), "users", "add", user.username, "--password", PASSWORD, "--db", db]
    for role in user.roles:
        command += ["--role", role]
    for role in user.approver_roles:
        command += ["--approver-role", role]
    if user.display_name:
        command += ["--name", user.display_name]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, timeout=120)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """Start with `with LiveServer() as server:`; `server.url` is the base URL."""

    startup_timeout_s: float = 60.0
    users: dict[str, TestUser] = field(default_factory=lambda: dict(USERS))
    url: str = ""
    database_url: str | None = None  # the server's own database (None for STATEWRIGHT_BROWSER_SERVER)
    serve_args: tuple[str, ...] = ()  # more options of `statewright serve` (e.g. --forwarded-allow-ips)
    log_path: Path | None = None
    _process: subprocess.Popen[bytes] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> LiveServer:
        existing = os.environ.get("STATEWRIGHT_BROWSER_SERVER")
        if existing:
            self.url = existing.rstrip("/")
            self._wait_until_healthy()
            return self
        self._tmp = tempfile.TemporaryDirectory(prefix="statewright-browser-")
        tmp = Path(self._tmp.name)
        db = self.database_url = f"sqlite:///{tmp / 'statewright.db'}"
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.log_path = tmp / "server.log"
        self._serve()
        self._add_users(db)
        return self

    def _serve(self) -> None:
        assert self.log_path is not None
        assert self.database_url is not None
        port = self.url.rsplit(":", 1)[1]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [*statewright_command(), "serve", "--demo", "--host", "127.0.0.1", "--port", port,
                 "--db", self.database_url, *self.serve_args],
                cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def stop(self) -> None:
        """Stop the server (an outage): its database, users and sessions stay for `start_again`."""
        if self._process is None:
            raise RuntimeError("only a server this LiveServer started can be stopped")
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def start_again(self) -> None:
        """Start the stopped server again, on the same port and database."""
        self._serve()

    def _add_users(self, db: str) -> None:
        found = _DEMO_ADMIN.search(self.log())
        if found is None:
            for user in self.users.values():
                _cli_add_user(user, db)
            return
        token = self._token_of("admin", found.group(1))
        for user in self.users.values():
            body = {
                "username": user.username,
                "password": PASSWORD,
                "roles": list(user.roles),
                "approver_roles": list(user.approver_roles),
                "display_name": user.display_name or None,
            }
            self.api("POST", "/api/users", body, token=token)

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"statewright serve exited with {self._process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"statewright serve did not answer within {self.startup_timeout_s} s:\n{self.log()}")

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-6000:]

    def api(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> Any:
        """A JSON request with a bearer token (test set-up and checks outside the browser)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def publish_and_start(self, content: dict[str, Any], context: dict[str, Any], *, token: str) -> dict[str, Any]:
        """Publish a workflow (as a new draft) and start one instance of it: the instance as started."""
        draft = self.api("POST", "/api/drafts", {"content": content}, token=token)
        self.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)
        started: dict[str, Any] = self.api(
            "POST", "/api/instances", {"workflow_id": content["id"], "context": context}, token=token)
        return started

    def token(self, role: str) -> str:
        """A bearer token for one of the test users (login with a cookie, then create a token)."""
        return self._token_of(self.users[role].username, PASSWORD)

    def _token_of(self, username: str, password: str) -> str:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        login = urllib.request.Request(
            f"{self.url}/api/auth/login",
            data=json.dumps({"username": username, "password": password}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with opener.open(login, timeout=30) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
        csrf = next(c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith("sw_csrf="))
        create = urllib.request.Request(
            f"{self.url}/api/auth/tokens",
            data=json.dumps({"name": "browser-tests"}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRF-Token": csrf},
        )
        with opener.open(create, timeout=30) as response:
            return str(json.loads(response.read())["token"])

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._process is not None and self._process.poll() is None:
            self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
