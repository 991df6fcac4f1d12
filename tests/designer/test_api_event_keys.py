"""An event's idempotency key sent again (docs/api.md#events): the same event is a duplicate, changing nothing;
the key with another event is refused as start, send and decide refuse a key reused for another request.
Before, a key sent again with another event was answered as a duplicate of the first, and the new event was
dropped without a word."""

from __future__ import annotations

import pytest
from designer_support import PAYMENT_FLOW, Env, assert_problem


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.deploy(PAYMENT_FLOW)


def _publish(env: Env, body: dict[str, object]) -> dict[str, object]:
    response = env.call("POST", "/api/events", "analyst", json=body)
    assert response.status_code == 202, response.text
    found: dict[str, object] = response.json()
    return found


def test_the_same_event_sent_again_is_a_duplicate(env: Env) -> None:
    event = {"type": "payment_received", "payload": {"paid": 12}, "correlation_key": "K1", "idempotency_key": "same"}
    first = _publish(env, event)
    again = _publish(env, event)
    assert (first["duplicate"], again["duplicate"], again["event_id"]) == (False, True, first["event_id"])


@pytest.mark.parametrize("change", [{"type": "order.paid"}, {"payload": {"paid": 13}}, {"correlation_key": "K2"}])
def test_a_key_sent_again_with_another_event_is_refused(env: Env, change: dict[str, object]) -> None:
    key = f"reused-{next(iter(change))}"
    event = {"type": "payment_received", "payload": {"paid": 12}, "correlation_key": "K1", "idempotency_key": key}
    _publish(env, event)
    refused = env.call("POST", "/api/events", "analyst", json={**event, **change})
    problem = assert_problem(refused, 422, "invalid-input")
    assert f"the idempotency key '{key}' was used before for another" in problem["detail"]
