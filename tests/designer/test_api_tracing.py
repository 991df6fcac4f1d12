"""The API continues a caller's trace: a request with a `traceparent` header is a server span in that trace,
and the instance it starts carries the trace into the worker's spans for its tasks."""

from __future__ import annotations

import pytest
from designer_support import REVIEW_FLOW, Env
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from engine.runtime.actions import ActionRequest, ActionResult

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def _prepare_offer(request: ActionRequest) -> ActionResult:
    return ActionResult({"amount": request.input["amount"]})


@pytest.fixture(scope="module", autouse=True)
def flows(env: Env) -> None:
    env.services.engine.register("prepare_offer", _prepare_offer)
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": REVIEW_FLOW}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201


def test_an_instance_started_over_the_api_runs_in_the_callers_trace(env: Env, spans: InMemorySpanExporter) -> None:
    response = env.call("POST", "/api/instances", "analyst", headers={"traceparent": TRACEPARENT},
                        json={"workflow_id": "review_flow", "context": {"amount": 500}})
    assert response.status_code == 201, response.text
    env.services.engine.run_until_idle()
    finished = spans.get_finished_spans()
    (server,) = [s for s in finished if s.kind is SpanKind.SERVER]
    assert server.name == "HTTP POST /api/instances"
    assert server.attributes["http.response.status_code"] == 201
    assert format(server.context.trace_id, "032x") == TRACE_ID
    (action,) = [s for s in finished if s.name == "statewright.action"]
    assert action.attributes["statewright.instance_id"] == response.json()["id"]
    assert format(action.context.trace_id, "032x") == TRACE_ID

