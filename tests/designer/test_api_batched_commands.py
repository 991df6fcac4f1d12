"""Starts and sends that reach the app together are written together (one transaction: `LoopBatches`), and each
request gets the answer it would get alone — its instance, its 404 for another tenant's instance, its 409 for an
event its state does not take, its replay for a repeated key. The requests are made at once on one event loop
through the app's ASGI interface, as uvicorn hands it the requests it has read in one turn of its loop (over real
HTTP that happens when requests arrive while the server is busy, which `bench.bench_api` measures)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from designer_support import SEND_FLOW, Env


async def _all_at_once(env: Env, requests: list[tuple[str, dict[str, Any], dict[str, str]]],
                       ) -> list[httpx.Response]:
    """The requests made at once to the app on one event loop (its ASGI interface, as uvicorn calls it)."""
    transport = httpx.ASGITransport(app=env.app)  # type: ignore[arg-type]  # Litestar's narrower ASGI types
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return list(await asyncio.gather(*(client.post(path, json=body, headers=headers)
                                           for path, body, headers in requests)))


def test_requests_in_flight_together_each_get_their_own_answer(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    analyst, other_tenant = env.headers("analyst"), env.headers("analyst", "globex")
    mine = [env.call("POST", "/api/instances", "analyst", json={"workflow_id": "send_flow"}).json()["id"]
            for _ in range(12)]
    theirs = env.call("POST", "/api/instances", "analyst", "globex", json={"workflow_id": "send_flow"}).json()["id"]
    closed = mine.pop()
    assert env.call("POST", f"/api/instances/{closed}/events", "analyst", json={"event": "close"}).status_code == 200
    batches = env.app.state["batches"]
    before = batches.batches

    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        (f"/api/instances/{i}/events", {"event": "close"}, analyst) for i in mine]
    requests += [
        (f"/api/instances/{theirs}/events", {"event": "close"}, analyst),  # another tenant's: 404, not closed
        (f"/api/instances/{closed}/events", {"event": "close"}, analyst),  # closed already: 409
        ("/api/instances", {"workflow_id": "send_flow", "idempotency_key": "together"}, analyst),
        ("/api/instances", {"workflow_id": "send_flow", "idempotency_key": "together"}, analyst),
        (f"/api/instances/{theirs}/events", {"event": "close", "payload": {"by": "them"}}, other_tenant),
    ]
    with ThreadPoolExecutor(1) as own_thread:  # a loop of its own: a test before may have left one running here
        answers = own_thread.submit(asyncio.run, _all_at_once(env, requests)).result()

    sends, (foreign, again, start_1, start_2, theirs_closed) = answers[:len(mine)], answers[len(mine):]
    assert [(a.status_code, a.json()["id"], a.json()["status"]) for a in sends] == [
        (200, i, "succeeded") for i in mine]
    assert (foreign.status_code, again.status_code, theirs_closed.status_code) == (404, 409, 200)
    assert (start_1.status_code, start_2.status_code, start_1.json()["id"]) == (201, 201, start_2.json()["id"])
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in (start_1, start_2)) == ["", "true"]
    assert batches.batches > before  # they were written together
    history = env.call("GET", f"/api/instances/{theirs}/history", "analyst", "globex").json()["items"]
    assert [(e["event"], e["actor"]) for e in history] == [("(start)", "analyst-globex"), ("close", "analyst-globex")]
