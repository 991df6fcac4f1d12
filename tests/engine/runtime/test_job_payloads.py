"""What a queued job carries is what its kind's TypedDict (engine.runtime.job_payloads) declares: every key it
requires, no key it does not name, and the stored JSON unchanged by the typing (the same keys as before)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from runtime_support import edge, final, finished, task, workflow

from engine.definition import Agent, TaskState
from engine.runtime.actions import ActionRequest
from engine.runtime.effects import RunAction
from engine.runtime.engine import Engine
from engine.runtime.entering import entry_effects
from engine.runtime.job_payloads import ActionPayload, ChildDonePayload, DeliverPayload, JobKind
from storage.jobs import JobRecord, JobStore


def _fits(payload: dict[str, Any], declared: Any) -> None:
    assert declared.__required_keys__ <= set(payload), declared.__required_keys__ - set(payload)
    assert set(payload) <= set(declared.__annotations__), set(payload) - set(declared.__annotations__)


def _jobs(engine: Engine, instance_id: str | None = None) -> list[JobRecord]:
    def read(tx: Any) -> list[JobRecord]:
        store = JobStore(tx)
        if instance_id is not None:
            return store.for_instance(instance_id)
        rows = tx.all("SELECT idempotency_key FROM jobs ORDER BY id")
        return [job for (key,) in rows if (job := store.find(key)) is not None]

    return engine.runtime.read(read)


def test_an_action_job_carries_its_declared_payload(engine: Engine) -> None:
    engine.deploy(workflow({"work": task("work", input={"n": "n + 1"}), "ok": final()},
                           [edge("work", "ok", "done")],
                           context={"type": "object", "properties": {"n": {"type": "integer"}}}))
    engine.register("work")(lambda request: {"n": request.input["n"]})
    started = engine.start("flow", {"n": 1})
    (job,) = _jobs(engine, started.id)
    assert job.kind == JobKind.ACTION
    _fits(job.payload, ActionPayload)
    assert {k: job.payload[k] for k in ("seq", "state", "action", "input", "agent", "retry")} == {
        "seq": 1, "state": "work", "action": "work", "input": {"n": 2}, "agent": None, "retry": None}
    assert finished(engine, started).status == "succeeded"


def test_a_child_end_and_a_published_event_carry_theirs(engine: Engine) -> None:
    engine.deploy(workflow({"wait": {"type": "wait", "event": {"type": "paid", "correlation": "order_id"}},
                            "ok": final()}, [edge("wait", "ok", "done")], id="child",
                           context={"type": "object", "properties": {"order_id": {"type": "string"}}}))
    engine.deploy(workflow({"sub": {"type": "subflow", "workflow": "child", "input": {"order_id": "'A-1'"}},
                            "ok": final()}, [edge("sub", "ok", "done")]))
    parent = engine.start("flow", {})
    engine.run_until_idle()
    assert engine.publish("paid", {"amount": 3}, correlation_key="A-1").delivered
    engine.run_until_idle()
    kinds = {job.kind: job.payload for job in _jobs(engine)}
    _fits(kinds[JobKind.DELIVER], DeliverPayload)
    _fits(kinds[JobKind.CHILD_DONE], ChildDonePayload)
    assert engine.get(parent.id).status == "succeeded"


def test_a_handler_reads_the_payload_it_was_queued_with(engine: Engine) -> None:
    engine.deploy(workflow({"work": task("work", input={"greeting": "'hi'"}), "ok": final()},
                           [edge("work", "ok", "done")]))
    seen: list[ActionRequest] = []
    engine.register("work")(lambda request: seen.append(request) or {})
    finished(engine, engine.start("flow", {}))
    assert [(r.action, r.state, r.input) for r in seen] == [("work", "work", {"greeting": "hi"})]


def test_the_stored_payload_of_each_job_of_a_task_is_its_own(engine: Engine) -> None:
    """Jobs of one task share its fields (retry rules, output schema, limits) and keep their own seq and input in
    the stored JSON, as the worker reads it back."""
    got = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
    state = task("work", input={"n": "n + 1"}, retry={"max_attempts": 2, "initial_interval_s": 0.5}, output="got")
    engine.deploy(workflow({"work": state, "ok": final()}, [edge("work", "ok", "done")],
                           context={"type": "object", "properties": {"n": {"type": "integer"}, "got": got}}))
    first = engine.start("flow", {"n": 1})
    second = engine.start("flow", {"n": 7})
    (one,), (two,) = _jobs(engine, first.id), _jobs(engine, second.id)
    for job, n in ((one, 1), (two, 7)):
        _fits(job.payload, ActionPayload)
        assert job.payload["seq"] == 1
        assert job.payload["input"] == {"n": n + 1}
        assert job.payload["output_schema"] == got
        assert job.payload["retry"][0]["max_attempts"] == 2
    assert {k: v for k, v in one.payload.items() if k != "input"} == {
        k: v for k, v in two.payload.items() if k != "input"}
    engine.register("work")(lambda request: {"n": request.input["n"]})
    assert finished(engine, second).context["got"] == {"n": 8}


def test_a_task_under_an_agent_keeps_every_field_of_its_action() -> None:
    """The agent's limits are added to the task's action as it is entered, and nothing else of it is lost."""
    shipped = json.loads((Path(__file__).parents[3] / "definitions/agents/bdr_concierge.json").read_text())
    agent = Agent.model_validate({**shipped, "version": "2.0.0",
                                  "policies": {**shipped.get("policies", {}), "timeout_seconds": 5,
                                               "budget_limit": 0.5}})
    state = TaskState.model_validate({"type": "task", "action": "act", "agent": "a", "input": {"x": "1"},
                                      "timeout_s": 30, "retry": {"max_attempts": 2}})
    schema = {"type": "object"}

    def entered(under: Agent | None) -> Any:
        found = entry_effects("s", state, context={}, scope=dict, now=0.0, branch="", output_schema=schema,
                              agent=under)
        assert isinstance(found, list)
        (action,) = found
        return action

    plain = entered(None)
    assert plain == RunAction("s", "act", {"x": 1}, agent="a", retry=plain.retry, timeout_s=30.0,
                              output_schema=schema)
    assert plain.retry  # the task's rules, carried
    assert entered(agent) == replace(plain, timeout_s=5.0, agent_version="2.0.0", budget_limit=0.5)
