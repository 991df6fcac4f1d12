"""A task's "ask the user" recovery: a failure of a kind it asks about waits for the requester's reply, then the
action runs again with the reply in its input and the context; no reply in time lets the error go on."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.errors import InvalidDefinition
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.events import EventStore

ASK = {"errors": ["not_found"], "question": "'Which account did you mean? ' + error.message", "timeout": "PT1H",
       "into": "clarification"}


def _flow(**ask: Any) -> Any:
    return workflow(
        {"lookup": task("find_account", input={"name": "name"}, output="account", ask_user={**ASK, **ask}),
         "found": final(), "missing": final("failure")},
        [edge("lookup", "found", "done"), edge("lookup", "missing", "error", assign={"failure": "event"})],
        id="accounts")


def _accounts(engine: Engine, seen: list[dict[str, Any]]) -> None:
    @engine.register("find_account")
    def find_account(request: ActionRequest) -> dict[str, Any]:
        seen.append(dict(request.input))
        reply = request.input.get("clarification") or {}
        if reply.get("account") == "acme-2":
            return {"id": "acme-2"}
        if reply.get("account") == "boom":
            raise ActionError("unavailable", "the CRM is down", retryable=False)
        raise ActionError("not_found", f"no account named {request.input['name']}", retryable=False)


def test_the_reply_runs_the_action_again_with_it(engine: Engine) -> None:
    engine.deploy(_flow())
    seen: list[dict[str, Any]] = []
    _accounts(engine, seen)
    run = finished(engine, engine.start("accounts", {"name": "acme"}, actor="dana"))
    assert (run.status, run.state) == ("running", "lookup")
    asked = run.context["clarification"]
    assert asked["waiting"] is True
    assert asked["question"] == "Which account did you mean? no account named acme"
    assert asked["error"]["kind"] == "not_found"
    assert asked["correlation_key"] == run.id
    stray = engine.publish("user_reply", {"account": "acme-2"}, correlation_key="someone-else")
    assert stray.delivered == []
    reply = engine.publish("user_reply", {"account": "acme-2"}, correlation_key=run.id, actor="dana")
    assert reply.delivered == [run.id]
    done = finished(engine, run)
    assert (done.status, done.state, done.context["account"]) == ("succeeded", "found", {"id": "acme-2"})
    assert done.context["clarification"]["reply"] == {"account": "acme-2"}
    assert seen == [{"name": "acme"}, {"name": "acme", "clarification": {"account": "acme-2"}}]
    events = [(h.event, h.actor) for h in engine.history(run.id)]
    assert events == [("(start)", "dana"), ("(ask-user)", None), ("(user-reply)", "dana"), ("done", None)]
    assert_consistent(engine, run.id)


def test_no_reply_in_time_lets_the_original_error_take_the_error_path(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_flow())
    _accounts(engine, [])
    run = finished(engine, engine.start("accounts", {"name": "acme"}))
    clock.advance(3599)
    assert finished(engine, run).state == "lookup"
    clock.advance(2)
    ended = finished(engine, run)
    assert (ended.status, ended.state) == ("failed", "missing")
    assert ended.context["failure"]["kind"] == "not_found"
    assert ended.context["failure"]["unanswered"] is True
    assert [h.event for h in engine.history(run.id)][-2:] == ["(no-reply)", "error"]
    waits = engine.runtime.read(lambda tx: EventStore(tx).waits_for_instance(run.id))
    assert [w.status for w in waits] == ["cancelled"]
    late = engine.publish("user_reply", {"account": "acme-2"}, correlation_key=run.id)
    assert late.delivered == []
    assert_consistent(engine, run.id)


def test_other_kinds_and_a_second_failure_take_the_error_path_at_once(engine: Engine) -> None:
    engine.deploy(_flow())
    _accounts(engine, [])
    run = finished(engine, engine.start("accounts", {"name": "acme"}))
    engine.publish("user_reply", {"account": "boom"}, correlation_key=run.id)
    ended = finished(engine, run)
    assert (ended.state, ended.context["failure"]["kind"]) == ("missing", "unavailable")
    again = finished(engine, engine.start("accounts", {"name": "acme"}))
    engine.publish("user_reply", {"account": "nobody"}, correlation_key=again.id)
    ended = finished(engine, again)
    assert (ended.state, ended.context["failure"]["kind"]) == ("missing", "not_found")  # max_asks 1: asked once
    assert ended.context["clarification"]["asks"] == 1


def test_max_asks_asks_again_and_a_custom_correlation_and_event(engine: Engine) -> None:
    engine.deploy(_flow(max_asks=2, event="account_clarified", correlation="'ticket-' + name"))
    _accounts(engine, [])
    run = finished(engine, engine.start("accounts", {"name": "acme"}))
    assert engine.publish("user_reply", {"account": "x"}, correlation_key=run.id).delivered == []
    engine.publish("account_clarified", {"account": "nobody"}, correlation_key="ticket-acme")
    second = finished(engine, run)
    assert (second.state, second.context["clarification"]["asks"]) == ("lookup", 2)
    engine.publish("account_clarified", {"account": "acme-2"}, correlation_key="ticket-acme")
    assert finished(engine, run).state == "found"


def test_cancelling_while_asking_closes_the_wait_and_the_timer(engine: Engine) -> None:
    engine.deploy(_flow())
    _accounts(engine, [])
    run = finished(engine, engine.start("accounts", {"name": "acme"}))
    engine.cancel(run.id)
    waits = engine.runtime.read(lambda tx: EventStore(tx).waits_for_instance(run.id))
    assert [w.status for w in waits] == ["cancelled"]
    assert engine.get(run.id).status == "cancelled"


@pytest.mark.parametrize(("ask", "message"), [
    ({"event": "statewright.task.failed"}, "prefix"), ({"errors": []}, "at least one item"),
    ({"timeout": None}, "timeout"), ({"max_asks": 9}, "at most 5"),
])
def test_a_malformed_ask_is_refused_at_load(engine: Engine, ask: dict[str, Any], message: str) -> None:
    definition = _flow().model_dump(mode="json", by_alias=True, exclude_none=True)
    merged = {**ASK, **ask}
    definition["states"]["lookup"]["ask_user"] = {k: v for k, v in merged.items() if v is not None}
    with pytest.raises(InvalidDefinition, match=message):
        engine.deploy(definition)


def test_a_notifier_flow_hears_the_question_addressed_to_the_requester(engine: Engine) -> None:
    engine.deploy(_flow())
    engine.deploy(workflow({"tell": final()}, [], id="notifier", starts_on=[
        {"event": "statewright.input.requested",
         "context": {"to": "event.requester", "question": "event.question", "reply_as": "event.reply_event",
                     "key": "event.correlation_key"}}]))
    _accounts(engine, [])
    run = finished(engine, engine.start("accounts", {"name": "acme"}, actor="dana"))
    engine.run_until_idle()
    (note,) = engine.list_instances(workflow_id="notifier")
    assert engine.get(note.id).context == {
        "to": "dana", "question": "Which account did you mean? no account named acme", "reply_as": "user_reply",
        "key": run.id}


def test_the_question_and_the_replys_key_may_read_the_shared_memory(engine: Engine) -> None:
    # no other expression of this workflow reads `memory`: the question and the key alone must have it loaded
    engine.deploy(_flow(question="'Ask ' + memory.global.desk + ': ' + error.message",
                        correlation="memory.global.desk + '/' + name"))
    _accounts(engine, [])
    engine.memory.set("desk", "sales-desk")
    run = finished(engine, engine.start("accounts", {"name": "acme"}))
    asked = run.context["clarification"]
    assert (run.status, asked["waiting"]) == ("running", True)
    assert asked["question"] == "Ask sales-desk: no account named acme"
    assert asked["correlation_key"] == "sales-desk/acme"
