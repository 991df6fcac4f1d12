"""Helpers shared by the designer tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from litestar.testing import TestClient

from designer._services import Services
from designer.settings import Settings

PASSWORD = "correct horse battery"
TENANTS = ("acme", "globex")


def username(role: str, tenant: str = "acme") -> str:
    return f"{role}-{tenant}"


@dataclass
class Env:
    app: Litestar
    client: TestClient[Litestar]
    services: Services
    tokens: dict[tuple[str, str], str]  # (tenant, role) -> bearer token

    def headers(self, role: str, tenant: str = "acme") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(tenant, role)]}"}

    def call(self, method: str, path: str, role: str, tenant: str = "acme", **kwargs: Any) -> httpx.Response:
        """One request as the given role's user, authenticated by bearer token (no cookies)."""
        self.client.cookies.clear()
        headers = {**self.headers(role, tenant), **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)


def served(app: Any, **config: Any) -> Iterator[int]:
    """`app` served by uvicorn on loopback in a thread (no lifespan), for the body of a fixture: yields the port,
    then stops the server."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning",
                                           **config))
    thread = threading.Thread(target=server.run, name="test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(30)


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    static = tmp / "static"
    (static / "assets").mkdir(parents=True, exist_ok=True)
    (static / "index.html").write_text("<!doctype html><title>Statewright</title><div id=root></div>")
    (static / "assets" / "app.js").write_text("console.log('statewright')")
    values: dict[str, Any] = {"database_url": f"sqlite:///{tmp / 'designer.db'}", "static_dir": static}
    values.update(overrides)
    return Settings(**values)


def login(client: TestClient[Litestar], user: str, password: str = PASSWORD) -> str:
    """Sign in through the API; returns the CSRF token (the cookies stay in the client)."""
    client.cookies.clear()
    response = client.post("/api/auth/login", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return str(response.cookies["sw_csrf"])


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if slug is not None:
        assert body["type"].endswith("/" + slug), body["type"]
    return body


def json_bodies(env: Env) -> list[tuple[str, str]]:
    """(method, path) of every operation of the OpenAPI document that takes a JSON body, with sample ids."""
    document = env.client.get("/schema/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                concrete = path.replace("{approval_id}", "1").replace("{format}", "asl")
                for name in ("draft_id", "instance_id", "workflow_id", "username", "token_id", "collection"):
                    concrete = concrete.replace("{" + name + "}", "x")
                found.append((method.upper(), concrete))
    return found


MINIMAL_WORKFLOW: dict[str, Any] = {
    "id": "tiny_flow",
    "title": "Tiny flow",
    "initial": "review",
    "states": {
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}, "timeout": "PT1H"},
        "done": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "review", "trigger": "approve", "dest": "done"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
    ],
}


REVIEW_FLOW: dict[str, Any] = {
    "id": "review_flow",
    "title": "Offer review",
    "description": "Prepare an offer, have a sales manager approve it.",
    "context": {
        "type": "object",
        "properties": {"amount": {"type": "number"}, "flaky": {"type": "boolean"}},
        "required": ["amount"],
    },
    "initial": "prepare",
    "states": {
        "prepare": {
            "type": "task",
            "action": "prepare_offer",
            "input": {"amount": "amount"},
            "output": "offer",
            "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 0.01, "jitter": False},
        },
        "size_gate": {"type": "choice"},
        "review": {
            "type": "approval",
            "description": "Check the offer before it goes out.",
            "approvers": {"roles": ["sales_manager"]},
            "timeout": "PT1H",
            "request": {"amount": "offer.amount"},
        },
        "approved": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "prepare", "trigger": "done", "dest": "size_gate"},
        {"source": "prepare", "trigger": "error", "dest": "failed"},
        {"source": "size_gate", "dest": "approved", "guard": "offer.amount < 100", "priority": 1},
        {"source": "size_gate", "dest": "review"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
    ],
    "examples": [
        {
            "name": "big_offer_is_reviewed",
            "context": {"amount": 500},
            "events": [{"event": "done", "payload": {"amount": 500}}, {"event": "approve"}],
            "expect_state": "approved",
        }
    ],
}

PAYMENT_FLOW: dict[str, Any] = {
    "id": "payment_flow",
    "title": "Await a payment",
    "context": {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
    "initial": "await_payment",
    "states": {
        "await_payment": {
            "type": "wait",
            "event": {"type": "payment_received", "correlation": "order"},
            "timeout": "P1D",
            "output": "payment",
        },
        "paid": {"type": "final", "outcome": "success"},
        "lapsed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "await_payment", "trigger": "done", "dest": "paid"},
        {"source": "await_payment", "trigger": "timeout", "dest": "lapsed"},
    ],
}

SEND_FLOW: dict[str, Any] = {
    "id": "send_flow",
    "title": "Close on request",
    "initial": "open",
    "states": {
        "open": {"type": "wait", "duration": "P1D"},
        "closed": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "open", "trigger": "done", "dest": "closed"},
        {"source": "open", "trigger": "close", "dest": "closed"},
    ],
}

CHARGE_FLOW: dict[str, Any] = {
    "id": "charge_flow",
    "title": "Charge a card",
    "description": "A task with no error path: its failure fails the instance, which can then be redriven.",
    "initial": "charge",
    "states": {
        "charge": {"type": "task", "action": "charge_card", "output": "receipt"},
        "charged": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "charge", "trigger": "done", "dest": "charged"}],
}
