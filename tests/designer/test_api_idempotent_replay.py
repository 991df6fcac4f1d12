"""A start repeated with the same idempotency key answers as the first did — `201` with the same instance, as Stripe
replays the original response — and says it is a replay (`Idempotent-Replayed: true`), so a client can tell
"started now" from "started before" without comparing ids it may not have kept. A first start says nothing. A send
repeated with its key says so too. The engine itself says a view is a replay (`InstanceView.replayed`): the API
does not guess it from the instance's creation time, which a clock set back, or two starts within its resolution,
would make wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from designer_support import SEND_FLOW, Env

from designer.api.instances import REPLAYED_HEADER
from engine.runtime.clock import ManualClock


def _start(env: Env, body: dict[str, Any], **headers: str) -> Any:
    return env.call("POST", "/api/instances", "analyst", json={"workflow_id": "send_flow", **body}, headers=headers)


def test_a_replayed_start_says_so_and_a_first_start_does_not(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    first = _start(env, {"idempotency_key": "order-7"})
    assert first.status_code == 201, first.text
    assert REPLAYED_HEADER not in first.headers
    again = _start(env, {"idempotency_key": "order-7"})
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    assert again.headers[REPLAYED_HEADER] == "true"
    lean = _start(env, {"idempotency_key": "order-7"}, Prefer="return=minimal")
    assert (lean.headers[REPLAYED_HEADER], lean.headers["Preference-Applied"]) == ("true", "return=minimal")


def test_starts_without_a_key_are_never_replays(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    answers = [_start(env, {}) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] != answers[1].json()["id"]
    assert [REPLAYED_HEADER in a.headers for a in answers] == [False, False]


def test_the_document_names_the_header(env: Env) -> None:
    document = env.client.get("/schema/openapi.json").json()
    created = document["paths"]["/api/instances"]["post"]["responses"]["201"]
    assert REPLAYED_HEADER in created["headers"]


def test_a_replayed_send_says_so_and_the_event_is_not_applied_twice(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    started = _start(env, {}).json()["id"]
    body = {"event": "close", "idempotency_key": "close-1"}
    first = env.call("POST", f"/api/instances/{started}/events", "analyst", json=body)
    assert (first.status_code, first.json()["status"]) == (200, "succeeded"), first.text
    assert REPLAYED_HEADER not in first.headers
    again = env.call("POST", f"/api/instances/{started}/events", "analyst", json=body,
                     headers={"Prefer": "return=minimal"})
    assert (again.status_code, again.json()["version"]) == (200, first.json()["version"]), again.text
    assert again.headers[REPLAYED_HEADER] == "true"
    history = env.call("GET", f"/api/instances/{started}/history", "analyst").json()
    assert [e["event"] for e in history["items"]].count("close") == 1


def test_the_engine_says_which_answer_is_a_replay_whatever_its_clock(tmp_path: Path) -> None:
    """A start made at the very time of the first (a fixed clock, as a coarse one would be) is still told apart."""
    from engine.runtime.engine import Engine  # noqa: PLC0415

    with Engine(f"sqlite:///{tmp_path / 'replays.db'}", clock=ManualClock()) as engine:
        engine.deploy(SEND_FLOW)
        first = engine.start("send_flow", {}, idempotency_key="k")
        again = engine.start("send_flow", {}, idempotency_key="k")
        assert (first.replayed, again.replayed, again.id) == (False, True, first.id)
        assert first == again  # the same instance: `replayed` says how it was answered, not what it is
        assert "replayed" not in again.as_dict()
        sent = engine.send(first.id, "close", None, idempotency_key="s")
        assert (sent.replayed, engine.send(first.id, "close", None, idempotency_key="s").replayed) == (False, True)
