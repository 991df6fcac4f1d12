"""Agents as runtime objects: a task that names a deployed agent runs as that agent — its configuration reaches
the handler, the engine enforces its policies (approval before the action, budget limit before and after, timeout),
and every attempt's tool calls are recorded in the instance history."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.definition import Agent
from engine.errors import InvalidDefinition, NotAuthorized, VersionConflict
from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine


def agent(**policies: Any) -> Agent:
    return Agent.model_validate({
        "id": "closer", "type": "bdr", "version": policies.pop("version", "1.0.0"), "name": "Closer",
        "tools": ["crm.contacts.search"], "model": "gpt-4o-mini", "temperature": 0.1, "max_tokens": 300,
        "instructions": "Close the deal.", "policies": policies,
    })


FLOW = workflow(
    {"call": task("call_lead", agent="closer", input={"lead": "lead"}, output="call"),
     "won": final(), "lost": final("failure")},
    [edge("call", "won", "done"), edge("call", "lost", "error")],
    id="calls",
)


class Recorder:
    """A handler that records its requests and answers with a tool-call step and an optional cost."""

    def __init__(self, cost: float | None = None) -> None:
        self.requests: list[ActionRequest] = []
        self.cost = cost

    def __call__(self, request: ActionRequest) -> ActionResult:
        self.requests.append(request)
        step = {"step_id": "step_001", "action": "crm.contacts.search", "parameters": {"email": request.input["lead"]},
                "result": {"found": 0}, "timestamp": "2030-01-15T12:00:00Z"}
        cost = None if self.cost is None else Cost(self.cost, tokens=1200, model="gpt-4o-mini")
        return ActionResult({"outcome": "booked"}, cost=cost, steps=[step])


def _setup(engine: Engine, handler: Any, **policies: Any) -> None:
    engine.deploy_agent(agent(**policies))
    engine.deploy(FLOW)
    engine.register("call_lead", handler)


def test_the_handler_receives_the_deployed_agent_and_its_tool_calls_are_history(engine: Engine) -> None:
    handler = Recorder()
    _setup(engine, handler)
    run = finished(engine, engine.start("calls", {"lead": "ann@example.com"}))
    assert run.state == "won"
    (request,) = handler.requests
    assert request.agent == "closer"
    assert request.agent_definition is not None
    assert (request.agent_definition.model, request.agent_definition.max_tokens) == ("gpt-4o-mini", 300)
    done = engine.history(run.id)[-1]
    assert done.event == "done"
    (attempt,) = done.attempts
    assert (attempt["attempt"], attempt["outcome"], attempt["agent"]) == (1, "done", "closer")
    assert attempt["steps"] == [{"step_id": "step_001", "action": "crm.contacts.search",
                                 "parameters": {"email": "ann@example.com"}, "result": {"found": 0},
                                 "timestamp": "2030-01-15T12:00:00Z"}]
    assert done.as_dict()["attempts"][0]["at"].endswith("Z")
    assert_consistent(engine, run.id)


def test_retried_attempts_and_the_steps_of_a_failed_attempt_are_kept(engine: Engine) -> None:
    calls: list[int] = []

    def flaky(request: ActionRequest) -> dict[str, Any]:
        calls.append(request.attempt)
        if request.attempt == 1:
            raise ActionError("rate_limited", "slow down", steps=[{"action": "crm.contacts.search",
                                                                   "parameters": {}, "error": {"kind": "rate"}}])
        return {"outcome": "booked"}

    engine.deploy_agent(agent())
    engine.deploy(workflow(
        {"call": task("call_lead", agent="closer", retry={"max_attempts": 3, "backoff": "fixed",
                                                           "retry_on": ["rate_limited"]}), "won": final()},
        [edge("call", "won", "done")], id="calls"))
    engine.register("call_lead", flaky)
    run = engine.start("calls", {})
    engine.run_until_idle()
    engine.clock.advance(5)  # type: ignore[attr-defined]
    run = finished(engine, run)
    assert run.state == "won"
    assert calls == [1, 2]
    attempts = engine.history(run.id)[-1].attempts
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "retry"), (2, "done")]
    assert attempts[0]["error"] == {"kind": "rate_limited", "message": "slow down"}
    assert attempts[0]["steps"][0]["action"] == "crm.contacts.search"
    assert attempts[1]["steps"] == []


def test_approval_required_holds_the_task_until_an_approver_decides(engine: Engine) -> None:
    handler = Recorder()
    _setup(engine, handler, approval_required=True, approvers={"roles": ["sales_lead"]})
    run = finished(engine, engine.start("calls", {"lead": "bo@example.com"}))
    assert (run.state, run.status) == ("call", "held")
    assert handler.requests == []
    (pending,) = engine.pending_approvals(roles=["sales_lead"])
    assert pending.kind == "agent"
    assert pending.request["agent"] == "closer"
    assert pending.request["action"] == "call_lead"
    assert pending.request["input"] == {"lead": "bo@example.com"}
    with pytest.raises(NotAuthorized):
        engine.approve(run.id, actor="mallory", roles=["viewer"])
    assert engine.get(run.id).status == "held"
    engine.approve(run.id, actor="lena", roles=["sales_lead"], comment="go")
    run = finished(engine, run)
    assert (run.state, run.status) == ("won", "succeeded")
    assert len(handler.requests) == 1
    assert [(h.event, h.actor) for h in engine.history(run.id)][1] == ("approve", "lena")
    assert_consistent(engine, run.id)


def test_a_rejected_agent_approval_takes_the_tasks_error_path(engine: Engine) -> None:
    handler = Recorder()
    _setup(engine, handler, approval_required=True)  # no approvers named: the 'approver' role decides
    run = finished(engine, engine.start("calls", {"lead": "cy@example.com"}))
    engine.reject(run.id, actor="rita", roles=["approver"], comment="not this one")
    run = finished(engine, run)
    assert run.state == "lost"
    assert handler.requests == []
    error = engine.history(run.id)[-1]
    assert (error.event, error.actor) == ("error", "rita")
    assert error.payload["kind"] == "approval_rejected"
    assert error.payload["decision"]["comment"] == "not this one"


def test_a_policy_gate_and_the_agents_gate_are_passed_in_turn(engine: Engine) -> None:
    handler = Recorder()
    engine.deploy_agent(agent(approval_required=True))
    engine.deploy(workflow(
        {"call": task("call_lead", agent="closer", input={"lead": "lead"}, policies=["big_deal"]), "won": final()},
        [edge("call", "won", "done")], id="calls",
        policies=[{"id": "big_deal", "condition": "amount > 1000", "outcome": "require_approval",
                   "reason": "big deal", "approvers": {"roles": ["cfo"]}}]))
    engine.register("call_lead", handler)
    run = finished(engine, engine.start("calls", {"lead": "di@example.com", "amount": 5000}))
    assert [a.kind for a in engine.approvals(run.id)] == ["policy"]
    engine.approve(run.id, actor="carl", roles=["cfo"])
    run = finished(engine, run)
    assert run.status == "held"
    assert [a.kind for a in engine.approvals(run.id)] == ["policy", "agent"]
    assert handler.requests == []
    engine.approve(run.id, actor="ava", roles=["approver"])
    assert finished(engine, run).state == "won"
    assert len(handler.requests) == 1


def test_the_budget_limit_must_fit_in_the_tenants_remaining_budget_before_the_action(engine: Engine) -> None:
    handler = Recorder()
    _setup(engine, handler, budget_limit=0.25)
    engine.set_budget("default", 0.10)
    run = finished(engine, engine.start("calls", {"lead": "ed@example.com"}))
    assert run.state == "lost"
    assert handler.requests == []
    error = engine.history(run.id)[-1].payload
    assert (error["kind"], error["agent"], error["budget_limit"]) == ("budget_exceeded", "closer", 0.25)
    engine.set_budget("default", 10.0)
    assert finished(engine, engine.start("calls", {"lead": "ed@example.com"})).state == "won"


def test_an_action_costing_more_than_the_budget_limit_fails_and_its_cost_is_kept(engine: Engine) -> None:
    _setup(engine, Recorder(cost=0.40), budget_limit=0.25)
    run = finished(engine, engine.start("calls", {"lead": "flo@example.com"}))
    assert run.state == "lost"
    error = engine.history(run.id)[-1]
    assert error.payload["kind"] == "budget_exceeded"
    assert error.payload["cost"] == pytest.approx(0.40)
    assert error.attempts[0]["steps"][0]["action"] == "crm.contacts.search"
    (spent,) = engine.cost_totals(by="agent")
    assert (spent.key, spent.amount) == ("closer", pytest.approx(0.40))
    assert "call" not in run.context


def test_the_agents_timeout_bounds_the_action(engine: Engine) -> None:
    async def slow(request: ActionRequest) -> dict[str, Any]:
        await asyncio.sleep(5)
        return {"late": True}

    _setup(engine, slow, timeout_seconds=1)
    run = finished(engine, engine.start("calls", {"lead": "gus@example.com"}))
    assert run.state == "lost"
    assert engine.history(run.id)[-1].payload["kind"] == "timeout"


def test_a_new_agent_version_applies_to_tasks_entered_after_it(engine: Engine) -> None:
    handler = Recorder()
    _setup(engine, handler)
    finished(engine, engine.start("calls", {"lead": "a@example.com"}))
    newer = agent(version="1.1.0", approval_required=True)
    engine.deploy_agent(newer)
    assert engine.deploy_agent(newer).created is False
    with pytest.raises(VersionConflict):
        engine.deploy_agent(agent(version="1.1.0"))
    assert [(a.id, a.version) for a in engine.agents()] == [("closer", "1.1.0")]
    held = finished(engine, engine.start("calls", {"lead": "b@example.com"}))
    assert held.status == "held"
    engine.approve(held.id, actor="ava", roles=["approver"])
    finished(engine, held)
    assert [r.agent_definition.version for r in handler.requests if r.agent_definition] == ["1.0.0", "1.1.0"]


def test_a_task_naming_an_agent_that_is_not_deployed_is_refused_at_deploy(engine: Engine) -> None:
    """Deploy checks the flow against the deployed agents (`Engine.catalog`): a task would otherwise run without
    the policies its agent was meant to impose."""
    with pytest.raises(InvalidDefinition, match="/states/call/agent: Task 'call' is assigned to agent 'closer'"):
        engine.deploy(FLOW)
