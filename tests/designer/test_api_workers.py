"""The designer beside a `statewright worker --handlers app:register`: the worker advertises its actions in the
database, so the designer publishes a flow whose action only that worker has, and the worker runs it to its end;
once the worker stops its row is gone, and publishing such a flow again is refused naming the live workers.
`GET /api/workers` lists them, for operators."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from designer_support import PASSWORD, Env, assert_problem, make_settings, username
from litestar.testing import TestClient

from designer.app import build_services, create_app
from storage.workers import WorkerRecord, WorkerStore

ROOT = Path(__file__).resolve().parents[2]
FAR_FLOW: dict[str, Any] = {
    "id": "far_flow", "title": "Far flow", "initial": "work",
    "states": {"work": {"type": "task", "action": "far_work", "output": "out"},
               "ok": {"type": "final"}, "bad": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                    {"source": "work", "trigger": "error", "dest": "bad"}],
}
ROLES = ("viewer", "approver", "analyst", "publisher", "admin")


def _worker(database_url: str, folder: Path) -> subprocess.Popen[str]:
    (folder / "far_handlers.py").write_text(
        "def register(engine):\n    engine.register('far_work', lambda request: 'done far away')\n")
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-m", "designer.cli", "worker", "--db", database_url, "--handlers", "far_handlers:register",
         "--poll", "0.1", "--heartbeat-s", "0.5"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _until(found: Callable[[], Any], what: str, bound_s: float = 90) -> Any:
    deadline = time.monotonic() + bound_s  # a bound, not a measure: a loaded machine starts Python slowly
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(what)


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[Env]:
    """The designer on `database_url` as `statewright serve` runs it: the shipped handlers, one in-process worker."""
    settings = make_settings(tmp_path, database_url=database_url, workers=1, deploy_shipped=False)
    services = build_services(settings)
    tokens = {}
    for role in ROLES:
        services.accounts.add_user(username(role), PASSWORD, roles=[role], tenant="acme")
        outcome = services.accounts.login(username(role), PASSWORD)
        tokens[("acme", role)] = services.accounts.create_token(outcome.principal, "tests").token
    app = create_app(settings, services=services)
    with TestClient(app) as client:
        yield Env(app=app, client=client, services=services, tokens=tokens)


def _publish(env: Env, flow: dict[str, Any]) -> Any:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow})
    assert draft.status_code == 201, draft.text
    return env.call("POST", f"/api/drafts/{draft.json()['id']}/publish", "publisher", json={"confirm_replace": True})


def _refusal(env: Env, flow: dict[str, Any]) -> str:
    body = assert_problem(_publish(env, flow), 422, "invalid-definition")
    [finding] = [f for f in body["findings"] if f["severity"] == "error"]
    assert (finding["code"], finding["pointer"]) == ("unknown-action", "/states/work/action")
    message: str = finding["message"]
    return message


def _workers(env: Env) -> list[dict[str, Any]]:
    listed = env.call("GET", "/api/workers", "analyst")
    assert listed.status_code == 200, listed.text
    found: list[dict[str, Any]] = listed.json()
    return found


def test_the_designer_publishes_a_flow_whose_action_only_a_worker_beside_it_has(served: Env, tmp_path: Path,
                                                                                 database_url: str) -> None:
    (inside,) = _until(lambda: _workers(served), "the designer's own worker never advertised itself")
    assert "far_work" not in inside["actions"]
    said = f"nor does the live worker ({inside['owner']}) have one"
    assert said in _refusal(served, FAR_FLOW)

    worker = _worker(database_url, tmp_path)
    try:
        far = _until(lambda: [w for w in _workers(served) if w["pid"] == worker.pid],
                     "the worker never advertised itself")
        assert far[0]["actions"] == ["far_work"]
        published = _publish(served, FAR_FLOW)
        assert published.status_code == 201, published.text
        started = served.call("POST", "/api/instances", "analyst", json={"workflow_id": "far_flow", "context": {}})
        assert started.status_code == 201, started.text
        path = f"/api/instances/{started.json()['id']}"
        _until(lambda: served.call("GET", path, "viewer").json()["status"] != "running",
               "the worker never ran the instance to its end")
        ended = served.call("GET", path, "viewer").json()
        assert (ended["status"], ended["state"], ended["context"]) == ("succeeded", "ok", {"out": "done far away"})
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors
    assert [w["owner"] for w in _workers(served)] == [inside["owner"]]  # its row deleted as it stopped

    again = copy.deepcopy(FAR_FLOW)
    again["title"] = "Far flow, again"
    assert said in _refusal(served, again)


def test_only_operators_list_the_workers(env: Env) -> None:
    engine = env.services.engine
    now = engine.clock.now()
    rows = [WorkerRecord("box:7:live", "box", 7, now - 60, now, 6.0, ("bill", "ship")),
            WorkerRecord("box:8:gone", "box", 8, now - 600, now - 60, 6.0, ("bill",))]
    for row in rows:
        engine.runtime.write(lambda tx, row=row: WorkerStore(tx).announce(row))
    for role in ("viewer", "approver"):
        assert_problem(env.call("GET", "/api/workers", role), 403)
    for role, tenant in (("analyst", "acme"), ("publisher", "acme"), ("admin", "globex")):
        listed = env.call("GET", "/api/workers", role, tenant)
        assert listed.status_code == 200, listed.text
        [worker] = listed.json()
        assert {k: worker[k] for k in ("owner", "host", "pid", "actions")} == {
            "owner": "box:7:live", "host": "box", "pid": 7, "actions": ["bill", "ship"]}
        assert worker["last_seen"].endswith("Z")
    assert env.client.get("/api/workers").status_code == 401
