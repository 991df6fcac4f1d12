"""analytics.query/record and memory.get/set (with a time to live): the engine's shared memory."""

from __future__ import annotations

import pytest

from agents.tools import ToolError, ToolRegistry
from engine import Engine, ManualClock, Workflow


def test_the_seeded_ops_metrics_are_queried_by_team(tools: ToolRegistry) -> None:
    rows = tools.call("analytics.query", {"dataset": "ops_metrics", "key": "support_emea"})["rows"]
    assert len(rows) == 1
    assert rows[0]["data"]["cost"] == {"budget": 5000.0, "spent": 6400.0}
    assert tools.call("analytics.query", {"dataset": "ops_metrics"})["count"] == 2


def test_a_row_with_a_row_id_is_recorded_once(tools: ToolRegistry, clock: ManualClock) -> None:
    row = {"dataset": "qa_scores", "key": "sales_squad", "data": {"total": 9.2}, "row_id": "run-1:score"}
    assert tools.call("analytics.record", row)["created"] is True
    assert tools.call("analytics.record", {**row, "data": {"total": 1.0}})["created"] is False
    clock.advance(60)
    tools.call("analytics.record", {"dataset": "qa_scores", "key": "sales_squad", "data": {"total": 7.0}})
    totals = [r["data"]["total"] for r in tools.call("analytics.query", {"dataset": "qa_scores"})["rows"]]
    assert totals == [7.0, 9.2]  # newest first
    with pytest.raises(ToolError):
        tools.call("analytics.record", {"dataset": "", "key": "k", "data": {}})


def test_memory_values_are_replaced_and_expire(tools: ToolRegistry, clock: ManualClock) -> None:
    assert tools.call("memory.get", {"key": "k"})["found"] is False
    tools.call("memory.set", {"key": "k", "value": {"a": 1}, "scope": "support_squad", "ttl_s": 60})
    tools.call("memory.set", {"key": "k", "value": [1, 2], "scope": "support_squad", "ttl_s": 60})
    got = tools.call("memory.get", {"key": "k", "scope": "support_squad"})
    assert (got["found"], got["value"]) == (True, [1, 2])
    assert tools.call("memory.get", {"key": "k"})["found"] is False  # another scope
    clock.advance(61)
    assert tools.call("memory.get", {"key": "k", "scope": "support_squad"})["found"] is False
    tools.call("memory.set", {"key": "forever", "value": "x"})
    clock.advance(10**6)
    assert tools.call("memory.get", {"key": "forever"})["value"] == "x"
    with pytest.raises(ToolError):
        tools.call("memory.set", {"key": "k", "value": 1, "ttl_s": 0})


def test_the_memory_tools_read_and_write_the_engines_shared_memory(tools: ToolRegistry, engine: Engine) -> None:
    tools.call("memory.set", {"key": "threshold", "value": 5})
    assert engine.memory.get("threshold") == 5
    engine.memory.set("handover", {"owner": "ann"})
    assert tools.call("memory.get", {"key": "handover"})["value"] == {"owner": "ann"}
    tools.call("memory.set", {"key": "ticket:T-1", "value": {"resolution": "deflected"}, "scope": "support_squad"})
    assert engine.memory.get("support_squad:ticket:T-1") == {"resolution": "deflected"}  # a namespace of global
    engine.deploy(Workflow.model_validate({
        "id": "held", "title": "Held", "initial": "hold",
        "states": {"hold": {"type": "wait", "duration": "P1D"}, "done": {"type": "final"}},
        "transitions": [{"source": "hold", "dest": "done", "trigger": "done"}]}))
    run = engine.start("held", {})
    tools.call("memory.set", {"key": "lead_data", "value": {"company": "Acme"}, "scope": f"workflow:{run.id}"})
    assert engine.memory.visible(run.id) == {
        "workflow": {"lead_data": {"company": "Acme"}},
        "global": {"threshold": 5, "handover": {"owner": "ann"},
                   "support_squad:ticket:T-1": {"resolution": "deflected"}},
    }
    with pytest.raises(ToolError) as refused:
        tools.call("memory.set", {"key": "k", "value": {1, 2}})
    assert refused.value.kind == "validation"
    with pytest.raises(ToolError) as missing:
        tools.call("memory.get", {"key": "k", "scope": "workflow:no-such-instance"})
    assert missing.value.kind == "not_found"


def test_the_memory_list_tools_append_in_order_and_refuse_what_is_not_a_list(tools: ToolRegistry,
                                                                             engine: Engine) -> None:
    assert tools.call("memory.get_list", {"key": "escalations", "scope": "support_squad"}) == {
        "scope": "support_squad", "key": "escalations", "items": [], "count": 0}
    tools.call("memory.append", {"key": "escalations", "value": {"ticket_id": "T-1"}, "scope": "support_squad"})
    engine.memory.append("support_squad:escalations", {"ticket_id": "T-2"})
    listed = tools.call("memory.get_list", {"key": "escalations", "scope": "support_squad"})
    assert (listed["items"], listed["count"]) == ([{"ticket_id": "T-1"}, {"ticket_id": "T-2"}], 2)
    tools.call("memory.set", {"key": "threshold", "value": 5})
    for tool, parameters in (("memory.append", {"key": "threshold", "value": 6}),
                             ("memory.get_list", {"key": "threshold"})):
        with pytest.raises(ToolError) as refused:
            tools.call(tool, parameters)
        assert refused.value.kind == "validation"
    assert engine.memory.get("threshold") == 5
