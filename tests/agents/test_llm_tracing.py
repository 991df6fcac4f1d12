"""With tracing on, each model call is a span (OpenTelemetry's GenAI names and token counts) inside the span
of the action attempt that made it, and the request carries `traceparent`, so a provider or proxy that traces
joins the same trace."""

from __future__ import annotations

from chat_completions_server import Reply, chat_completions_server, completion
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from agents.executors import LlmSettings, register_llm
from agents.handlers import shipped_definitions
from engine import Engine, ManualClock

FLOW = {
    "id": "llm_traced", "version": 1, "title": "One llm-backed task", "initial": "extract",
    "states": {
        "extract": {"type": "task", "agent": "bdr_concierge", "action": "extract_lead",
                    "input": {"email": "email"}, "output": "lead"},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "extract", "trigger": "done", "dest": "done"},
                    {"source": "extract", "trigger": "error", "dest": "failed"}],
}


def _run(database_url: str, clock: ManualClock, replies: list[Reply]) -> tuple[str, list[dict[str, str]]]:
    with chat_completions_server() as (url, script), Engine(database_url, clock=clock) as engine:
        script.replies += replies
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        engine.deploy_agent(shipped_definitions()[1]["bdr_concierge"])  # the agent its task names
        engine.deploy(FLOW)
        run = engine.start("llm_traced", {"email": "ann@example.com"})
        engine.run_until_idle()
        return engine.get(run.id).state, script.headers


def test_a_model_call_is_a_span_inside_its_action_with_tokens(database_url: str, clock: ManualClock,
                                                              spans: InMemorySpanExporter) -> None:
    state, headers = _run(database_url, clock, [Reply(completion('{"email": "ann@example.com"}', prompt=120,
                                                                 completion_tokens=30))])
    assert state == "done"
    finished = spans.get_finished_spans()
    (call,) = [s for s in finished if s.name == "chat gpt-4o-mini"]
    (action,) = [s for s in finished if s.name == "statewright.action"]
    assert call.parent is not None
    assert call.parent.span_id == action.context.span_id
    assert call.attributes["gen_ai.request.model"] == "gpt-4o-mini"
    assert (call.attributes["gen_ai.usage.input_tokens"], call.attributes["gen_ai.usage.output_tokens"]) == (120, 30)
    sent_trace = headers[0]["traceparent"].split("-")[1]
    assert sent_trace == format(call.context.trace_id, "032x")


def test_a_failed_model_call_is_a_failed_span_with_the_error_kind(database_url: str, clock: ManualClock,
                                                                 spans: InMemorySpanExporter) -> None:
    state, _ = _run(database_url, clock, [Reply({"error": "no such model"}, status=400)])
    assert state == "failed"
    (call,) = [s for s in spans.get_finished_spans() if s.name == "chat gpt-4o-mini"]
    assert call.status.status_code is StatusCode.ERROR
    assert call.attributes["statewright.error_kind"] == "llm_http"
