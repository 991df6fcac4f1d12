"""Tasks started together cannot each spend the same remainder of the tenant's budget. The check before a task
under an agent compared the tenant's remaining budget with the agent's per-task limit, task by task, holding
nothing: ten leads published at once with $0.30 left and a limit of $0.25 all passed it, all called the model and
spent $1.80 — 600% of the budget (found from outside, on SQLite and on PostgreSQL with two workers). The tasks
queued or running under agents now hold their limits: the next task counts them as spent."""

from __future__ import annotations

from typing import Any

from runtime_support import edge, final, task, workflow

from engine.definition import Agent
from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine

CONCIERGE = Agent.model_validate({
    "id": "concierge", "type": "bdr", "version": "1.0.0", "name": "BDR Concierge", "tools": [],
    "model": "gpt-4o-mini", "temperature": 0.1, "max_tokens": 300, "instructions": "Qualify the lead.",
    "policies": {"budget_limit": 0.25},
})
FLOW = workflow({"extract": task("extract_lead", agent="concierge", output="lead"), "qualified": final(),
                 "stopped": final("failure")},
                [edge("extract", "qualified", "done"), edge("extract", "stopped", "error")], id="leads")


def _costly(calls: list[str]) -> Any:
    def handler(request: ActionRequest) -> ActionResult:
        calls.append(request.instance_id)
        return ActionResult({"email": "a@b.c"}, cost=Cost(0.18, tokens=1_050_000, model="gpt-4o-mini"))
    return handler


def test_tasks_entered_together_hold_the_budget_they_may_spend(engine: Engine) -> None:
    calls: list[str] = []
    engine.deploy_agent(CONCIERGE)
    engine.deploy(FLOW)
    engine.register("extract_lead", _costly(calls))
    engine.set_budget("default", 0.30)
    started = [engine.start("leads", {}).id for _ in range(10)]  # all entered before any runs: a burst
    engine.run_until_idle()
    ended = {i: engine.get(i) for i in started}
    assert len(calls) == 1  # one task fits in $0.30 with its $0.25 held; the other nine never call the model
    assert [i for i, v in ended.items() if v.state == "qualified"] == calls
    refused = [engine.history(i)[-1].payload for i, v in ended.items() if v.state == "stopped"]
    assert len(refused) == 9
    assert {(e["kind"], e["held"]) for e in refused} == {("budget_exceeded", 0.25)}
    assert refused[0]["message"] == ("the tenant's remaining budget (0.3000, of which 0.2500 is held by tasks queued "
                                     "or running under agents) does not cover the budget limit of BDR Concierge "
                                     "(0.25) for one task")
    assert engine.budget("default")["spent"] == 0.18


def test_a_task_that_ended_holds_nothing(engine: Engine) -> None:
    """One after the other, each task's hold ends with it: its cost is counted instead."""
    calls: list[str] = []
    engine.deploy_agent(CONCIERGE)
    engine.deploy(FLOW)
    engine.register("extract_lead", _costly(calls))
    engine.set_budget("default", 0.50)
    first = engine.start("leads", {}).id
    engine.run_until_idle()
    second = engine.start("leads", {}).id  # 0.32 left after the first's 0.18: its 0.25 fits
    engine.run_until_idle()
    assert (engine.get(first).state, engine.get(second).state) == ("qualified", "qualified")
    third = engine.start("leads", {}).id  # 0.14 left
    engine.run_until_idle()
    assert engine.get(third).state == "stopped"
    assert "held" not in engine.history(third)[-1].payload
