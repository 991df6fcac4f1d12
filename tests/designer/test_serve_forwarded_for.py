"""`statewright serve` takes the client address from the connection, not from `X-Forwarded-For`, unless told which
proxies to trust (`--forwarded-allow-ips`): uvicorn's default trusted the header from 127.0.0.1, so anyone on
the machine (or anything it relays for) could give each login attempt another address and never be throttled
(login throttling counts per username and address, docs/api.md#authentication). A real server on a free
loopback port (tests/browser/live_server.py), used over HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))  # not on the designer tests' path

from live_server import LiveServer

from designer.cli import build_cli

WRONG = {"username": "mallory", "password": "not the password"}
MAX_FAILURES = 5  # Settings.login_max_failures: the first five are answered at once


def _guesses(url: str, addresses: list[str | None]) -> list[int]:
    """The status of one wrong login per address (None: no X-Forwarded-For)."""
    statuses = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for address in addresses:
            headers = {"X-Forwarded-For": address} if address else {}
            statuses.append(client.post("/api/auth/login", json=WRONG, headers=headers).status_code)
            client.cookies.clear()
    return statuses


@pytest.fixture(scope="module")
def default_server() -> Iterator[LiveServer]:
    with LiveServer(users={}) as server:
        yield server


@pytest.fixture(scope="module")
def behind_a_proxy() -> Iterator[LiveServer]:
    with LiveServer(users={}, serve_args=("--forwarded-allow-ips", "127.0.0.1")) as server:
        yield server


def test_a_forged_forwarded_address_does_not_escape_the_throttle(default_server: LiveServer) -> None:
    statuses = _guesses(default_server.url, [None] * MAX_FAILURES + ["203.0.113.7", "198.51.100.1, 203.0.113.9"])
    assert statuses == [401] * MAX_FAILURES + [429, 429]


def test_behind_a_trusted_proxy_each_client_address_counts_apart(behind_a_proxy: LiveServer) -> None:
    """With the proxy named, the address it forwards is the client's: one client's failures throttle that
    client, not the others behind the same proxy."""
    statuses = _guesses(behind_a_proxy.url, ["203.0.113.7"] * (MAX_FAILURES + 1) + ["198.51.100.1"])
    assert statuses == [401] * MAX_FAILURES + [429, 401]


@pytest.mark.parametrize("value", ["nope", "10.0.0.1,300.1.1.1", " , "])
def test_a_forwarded_allow_ips_that_is_no_address_is_refused(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(build_cli(), ["serve", "--db", f"sqlite:///{tmp_path / 's.db'}",
                                              "--forwarded-allow-ips", value])
    assert result.exit_code == 2, result.output
    assert "--forwarded-allow-ips" in result.output
    assert not (tmp_path / "s.db").exists()
