"""OpenTelemetry traces of a run: a span per transition and per action attempt, carrying the instance id and
workflow, all in the trace of the call that started the instance — across the job outbox, as a worker in
another process would pick it up — and exported over OTLP/HTTP when an endpoint is configured."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from runtime_support import edge, final, task, workflow

from engine import tracing
from engine.log_format import JsonLogFormatter
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.jobs import JobStore

FLOW = workflow(
    {"fetch": task("fetch", output="fetched"), "done": final(), "failed": final("failure")},
    [edge("fetch", "done", "done"), edge("fetch", "failed", "error")],
    id="traced",
)


def _fetch(request: ActionRequest) -> dict[str, Any]:
    if request.context.get("fail"):
        raise ActionError("unavailable", "the service is down", retryable=False)
    return {"ok": True}


@pytest.fixture
def engine(database_url: str, clock: ManualClock) -> Iterator[Engine]:
    with Engine(database_url, clock=clock) as built:
        built.deploy(FLOW)
        built.register("fetch", _fetch)
        yield built


def _named(spans: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in spans.get_finished_spans() if s.name == name]


def test_a_run_is_one_trace_from_the_call_that_started_it(engine: Engine, spans: InMemorySpanExporter) -> None:
    with tracing.span("host request") as outer:  # the host application's own span, or an API request's
        assert outer is not None
        started = engine.start("traced", {})
        trace_id = outer.get_span_context().trace_id
    engine.run_until_idle()  # the worker runs outside the caller's span, from what the job carries

    transitions = _named(spans, "statewright.transition")
    assert [(s.attributes["statewright.event"], s.attributes["statewright.to_state"]) for s in transitions] \
        == [("(start)", "fetch"), ("done", "done")]
    assert len(transitions) == len(engine.history(started.id))
    (action,) = _named(spans, "statewright.action")
    assert action.attributes["statewright.instance_id"] == started.id
    assert action.attributes["statewright.workflow_id"] == "traced"
    assert action.attributes["statewright.action"] == "fetch"
    assert action.attributes["statewright.attempt"] == 1
    assert {s.context.trace_id for s in (*transitions, action)} == {trace_id}
    assert {s.attributes["statewright.instance_id"] for s in transitions} == {started.id}
    assert transitions[-1].attributes["statewright.status"] == "succeeded"
    assert transitions[-1].attributes["statewright.from_state"] == "fetch"
    assert action.parent is not None
    assert action.parent.span_id == transitions[0].context.span_id  # asked for by the step that entered fetch


def test_a_failed_attempt_is_a_failed_span_with_its_error_kind(engine: Engine, spans: InMemorySpanExporter) -> None:
    started = engine.start("traced", {"fail": True})
    engine.run_until_idle()
    assert engine.get(started.id).state == "failed"
    (action,) = _named(spans, "statewright.action")
    assert action.status.status_code is StatusCode.ERROR
    assert action.attributes["statewright.error_kind"] == "unavailable"
    assert [s.attributes["statewright.event"] for s in _named(spans, "statewright.transition")] == ["(start)", "error"]


def test_without_tracing_nothing_is_recorded_and_jobs_carry_no_trace(engine: Engine) -> None:
    assert not tracing.tracing_enabled()
    started = engine.start("traced", {})
    (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(started.id))
    assert "trace" not in job.payload


def test_json_log_lines_carry_the_current_trace_id(spans: InMemorySpanExporter) -> None:
    record = logging.LogRecord("statewright.worker", logging.INFO, __file__, 1, "ran", None, None)
    with tracing.span("work") as opened:
        assert opened is not None
        line = json.loads(JsonLogFormatter().format(record))
        assert line["trace_id"] == format(opened.get_span_context().trace_id, "032x")
    assert json.loads(JsonLogFormatter().format(record))["trace_id"] == ""


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


def test_spans_are_exported_over_otlp_when_an_endpoint_is_configured(
        database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    _Collector.received = []
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{collector.server_address[1]}")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "statewright-test")
    try:
        assert tracing.configure_from_environment()
        with Engine(database_url, clock=clock) as engine:
            engine.deploy(FLOW)
            engine.register("fetch", _fetch)
            engine.start("traced", {})
            engine.run_until_idle()
        tracing.shutdown_tracing()  # flushes the batch
    finally:
        tracing.shutdown_tracing()
        collector.shutdown()
        collector.server_close()
    assert not tracing.tracing_enabled()
    assert _Collector.received, "nothing reached the collector"
    names: set[str] = set()
    services: set[str] = set()
    for path, content_type, body in _Collector.received:
        assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            services |= {a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"}
            for scope in resource_spans.scope_spans:
                names |= {s.name for s in scope.spans}
    assert {"statewright.transition", "statewright.action"} <= names
    assert services == {"statewright-test"}
