"""Long edges of large flows: which ones `dot` lays out without, so that it stays fast."""

from __future__ import annotations

from typing import Any

from engine.definition import Workflow
from engine.render.long_edges import DETACH_ABOVE, MAX_SPAN, plan_detachment


def flow(n: int, extra: list[dict[str, Any]], **states: dict[str, Any]) -> Workflow:
    """`n` tasks in a chain ending in 'end', plus `extra` transitions and states."""
    body = {f"s{i}": {"type": "task", "action": "run"} for i in range(n)} | states
    body["end"] = {"type": "final"}
    chain = [{"source": f"s{i}", "trigger": "done", "dest": f"s{i + 1}" if i + 1 < n else "end"} for i in range(n)]
    return Workflow.model_validate(
        {"id": "flow", "title": "Flow", "initial": "s0", "states": body, "transitions": chain + extra}
    )


def test_small_flows_keep_every_edge() -> None:
    workflow = flow(DETACH_ABOVE - 1, [{"source": "s0", "trigger": "skip", "dest": f"s{DETACH_ABOVE - 2}"}])
    assert not plan_detachment(workflow)


def test_forward_and_backward_edges_are_detached_only_when_they_span_too_far() -> None:
    n = 60
    extra = [
        {"source": "s2", "trigger": "skip", "dest": f"s{2 + MAX_SPAN}"},  # just short enough
        {"source": "s10", "trigger": "skip", "dest": f"s{10 + MAX_SPAN + 1}"},  # one rank too many
        {"source": "s30", "trigger": "retry", "dest": f"s{30 - MAX_SPAN}"},  # a short loop back
        {"source": "s50", "trigger": "restart", "dest": "s0"},  # a long loop back
    ]
    detached = plan_detachment(flow(n, extra)).edges
    assert detached == {(n + 1, "s10"), (n + 3, "s50")}


def test_a_state_entered_from_near_and_far_keeps_the_near_edge() -> None:
    extra = [
        {"source": "s1", "trigger": "escalate", "dest": "desk"},
        {"source": "s40", "trigger": "escalate", "dest": "desk"},
        {"source": "desk", "trigger": "done", "dest": "s42"},
    ]
    detached = plan_detachment(flow(60, extra, desk={"type": "task", "action": "help"})).edges
    assert detached == {(60, "s1")}  # 'desk' is laid out beside s40, so only the edge from s1 is long


def test_a_node_whose_edges_are_all_long_keeps_its_shortest_one() -> None:
    alone = [{"source": "*", "trigger": "cancel", "dest": "end"}]
    assert not plan_detachment(flow(60, alone))  # "any state" would float free without it
    both = [*alone, {"source": "*", "trigger": "pause", "dest": "s30"}]
    assert plan_detachment(flow(60, both)).edges == {(60, "*")}


def test_a_parallel_state_counts_the_ranks_of_its_branches() -> None:
    branch = {"name": "b", "initial": "x0",
              "states": {f"x{i}": {"type": "task", "action": "run"} for i in range(6)} | {"ok": {"type": "final"}},
              "transitions": [{"source": f"x{i}", "trigger": "done", "dest": f"x{i + 1}" if i < 5 else "ok"}
                              for i in range(6)]}
    extra = [{"source": "s3", "trigger": "go", "dest": "fan"}, {"source": "fan", "trigger": "done", "dest": "s4"},
             {"source": "s3", "trigger": "skip", "dest": "s4"}]
    workflow = flow(60, extra, fan={"type": "parallel", "branches": [branch]})
    assert (62, "s3") in plan_detachment(workflow).edges  # s3 → s4 goes around eight ranks of branch
