"""`ActionRequest.report_spend`: a handler's running spend is kept apart from its outcome (so a worker killed
mid-attempt loses none of it: tests/agents/test_llm_killed_mid_attempt.py), and an attempt that ends records
its outcome's cost once — the tally neither counted beside it nor left behind. On each database."""

from __future__ import annotations

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    return engine.runtime.read(lambda tx: [tuple(r) for r in tx.all(sql)])


def test_an_attempt_that_ends_records_its_outcomes_cost_once_and_drops_its_tally(engine: Engine) -> None:
    def think(request: ActionRequest) -> ActionResult:
        request.report_spend(Cost(0.1, tokens=100, model="m"))
        request.report_spend(Cost(0.25, tokens=250, model="m"))  # the running total: it replaces the first
        assert _rows(engine, "SELECT amount, tokens FROM attempt_spend") == [(0.25, 250)]
        return ActionResult({"ok": True}, cost=Cost(0.3, tokens=300, model="m"))

    engine.register("think", think)
    engine.deploy(workflow({"think": task("think", output="out"), "done": final()}, [edge("think", "done", "done")],
                           id="thinking"))
    run = engine.start("thinking")
    engine.run_until_idle()
    assert engine.get(run.id).state == "done"
    assert _rows(engine, "SELECT amount FROM costs") == [(pytest.approx(0.3),)]
    assert _rows(engine, "SELECT count(*) FROM attempt_spend") == [(0,)]


def test_a_request_made_outside_a_worker_reports_to_nobody() -> None:
    request = ActionRequest(action="a", input={}, context={}, idempotency_key="k", attempt=1, instance_id="i",
                            workflow_id="w", state="s", tenant="t")
    request.report_spend(Cost(1.0))  # no worker keeps it; nothing fails
