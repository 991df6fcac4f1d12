"""The tool-call KPIs (`tool_calls`, `tool_success_rate`) come from the counts each attempt's row keeps, on
SQLite and PostgreSQL: the metrics never read an attempt's steps, so a request costs the same whether the agents'
tool calls stored a few bytes or megabytes each — and the figures are those of the steps' own rule (a call with
an error failed, unless it found nothing)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine import Engine, ManualClock
from engine.read_models.kpis import KpiScope, collect_kpis
from engine.runtime.actions import ActionError, ActionRequest, ActionResult
from storage.attempts import count_tool_calls

FLOW: dict[str, Any] = {
    "id": "lookup", "title": "Lookup", "initial": "look",
    "states": {"look": {"type": "task", "action": "look_up", "input": {"who": "who"},
                        "retry": {"max_attempts": 2, "backoff": "fixed", "initial_interval_s": 1, "jitter": False}},
               "found": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "look", "dest": "found", "trigger": "done"}],
}
BULK = "x" * 200_000  # a tool's large result: what the KPIs must not read


def _call(**extra: Any) -> dict[str, Any]:
    return {"action": "crm.contacts.search", "parameters": {}, "result": {"page": BULK}, **extra}


def look_up(request: ActionRequest) -> ActionResult:
    if request.input["who"] == "flaky" and request.attempt == 1:
        raise ActionError("unavailable", "the CRM is down", steps=[_call(error={"kind": "unavailable"})])
    if request.input["who"] == "calm":  # found nobody: an answer, not a failed call; a null error is none
        return ActionResult({"ok": False}, steps=[_call(error={"kind": "not_found"}), _call(error=None)])
    return ActionResult({"ok": True}, steps=[_call(), _call(error="timeout")])


def _kpis_and_statements(database_url: str) -> tuple[Any, list[str]]:
    clock = ManualClock()
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(FLOW)
        engine.register("look_up", look_up)
        began = clock.now()
        for who in ("steady", "flaky", "calm"):
            engine.start("lookup", {"who": who})
        engine.run_until_idle()
        clock.advance(2)
        engine.run_until_idle()
        clock.advance(1)
        database = sa.create_engine(database_url)
        statements: list[str] = []
        sa.event.listen(database, "before_cursor_execute",
                        lambda _conn, _cursor, statement, *_: statements.append(statement))
        try:
            overall, _ = collect_kpis(database, KpiScope(since=began, until=clock.now()))
        finally:
            database.dispose()
    return overall, statements


def test_tool_call_kpis_never_read_the_steps(database_url: str) -> None:
    overall, statements = _kpis_and_statements(database_url)
    assert any("action_attempts" in s for s in statements)
    assert not [s for s in statements if "steps" in s.lower()]  # only the counts kept with each attempt
    # steady: 2 calls, 1 failed ("timeout"); flaky: 1 failed, then 2 calls, 1 failed; calm: 2 calls, none failed
    assert (overall.action_attempts, overall.tool_calls) == (4, 7)
    assert overall.tool_success_rate == round(4 / 7, 6)


def test_the_counts_follow_the_rule_of_a_failed_tool_call() -> None:
    steps: list[Any] = [{"action": "a"}, {"error": None}, {"error": {"kind": "not_found"}},
                        {"error": {"kind": "unavailable"}}, {"error": "boom"}, {"error": {"kind": 1}}, "not a call"]
    assert count_tool_calls(steps) == (6, 3)
    assert count_tool_calls([]) == (0, 0)
