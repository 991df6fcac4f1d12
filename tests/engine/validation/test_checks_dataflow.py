"""`unknown-variable`: a name must be set on every path to the expression that reads it."""

from __future__ import annotations

from typing import Any

import pytest

from engine.validation.checks.dataflow import free_names
from engine.validation.loader import load_workflow


def unknown(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer, message) of each unknown-variable finding; any other finding fails the test."""
    findings = load_workflow(document).findings
    assert {f.code for f in findings} <= {"unknown-variable"}, findings
    return [(f.pointer, f.message) for f in findings]


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("lead.score >= 70", {"lead"}),
        ("items.exists(i, i > limit)", {"items", "limit"}),
        ("items.map(x, x * rate).filter(y, y > floor)", {"items", "rate", "floor"}),
        ("scores.all(k, v, v > 0)", {"scores"}),
        ("cel.bind(t, a + b, t * t)", {"a", "b"}),
        ("size(orders) > 0 && orders[0].id == order_id", {"orders", "order_id"}),
    ],
)
def test_free_names_leave_out_the_variables_macros_bind(source: str, names: set[str]) -> None:
    assert free_names(source) == names


def test_output_is_certain_only_after_done(order: dict[str, Any]) -> None:
    order["states"]["rejected"]["result"] = {"total": "order.total"}
    ((pointer, message),) = unknown(order)
    assert pointer == "/states/rejected/result/total"
    assert "'order' is set only on some of the paths to it (by the output of 'check')" in message


def test_a_guard_on_done_may_read_the_tasks_output(order: dict[str, Any]) -> None:
    order["transitions"][0]["guard"] = "order.total > 0"
    order["transitions"].append({"source": "check", "trigger": "done", "dest": "rejected"})
    assert unknown(order) == []
    order["transitions"][1]["guard"] = "order.total > 0"  # the error transition: no output then
    assert [p for p, _ in unknown(order)] == ["/transitions/1/guard"]


def test_an_assignment_on_every_path_makes_a_name_certain(order: dict[str, Any]) -> None:
    order["states"]["approved"]["result"]["by"] = "decided_by"
    assert [p for p, _ in unknown(order)] == ["/states/approved/result/by"]
    order["transitions"][3]["assign"] = {"decided_by": "'rules'"}
    assert [p for p, _ in unknown(order)] == ["/states/approved/result/by"]  # approve still misses it
    order["transitions"][4]["assign"] = {"decided_by": "event.actor"}
    assert unknown(order) == []


def test_a_name_set_inside_a_loop_is_not_certain_at_the_loop_head(order: dict[str, Any]) -> None:
    # route → review, and review may send the order back to check with a note for another try.
    order["transitions"].append({"source": "review", "trigger": "rework", "dest": "check",
                                 "assign": {"note": "event.comment"}})
    order["states"]["check"]["input"]["note"] = "note"
    ((pointer, message),) = unknown(order)
    assert pointer == "/states/check/input/note"
    assert "set only on some of the paths" in message
    order["states"]["check"]["input"].pop("note")
    order["states"]["review"]["request"]["total"] = "order.total"  # after the loop: still certain
    assert unknown(order) == []


def test_names_nothing_provides_say_so(order: dict[str, Any]) -> None:
    order["transitions"][2]["guard"] = "amount > threshold"
    ((pointer, message),) = unknown(order)
    assert pointer == "/transitions/2/guard"
    assert "'threshold' is not in the context schema, and no step or transition sets it" in message


def test_reserved_names_and_macro_variables_are_always_readable(order: dict[str, Any]) -> None:
    order["context"]["properties"]["items"] = {"type": "array"}
    order["transitions"][2]["guard"] = (
        "items.exists(i, i.price > amount) && budget.remaining > 0 && instance.id != '' && now != ''"
        " && memory.size() >= 0 && context.amount == amount"
    )
    order["transitions"][4]["assign"] = {"approver": "event.actor"}
    assert unknown(order) == []


def test_start_triggers_see_only_the_event(order: dict[str, Any]) -> None:
    order["starts_on"] = [{"event": "order_placed", "condition": "event.total > 0",
                           "context": {"amount": "event.total", "customer": "customer"}}]
    assert [p for p, _ in unknown(order)] == ["/starts_on/0/context/customer"]


def test_a_policy_is_checked_where_it_applies(order: dict[str, Any]) -> None:
    order["policies"] = [{"id": "big", "condition": "order.total > 5000", "outcome": "require_approval",
                          "reason": "Big orders need a manager.", "applies_at": ["review"]}]
    assert unknown(order) == []  # at review the order is known
    order["policies"][0]["applies_at"] = ["start", "review"]
    assert [p for p, _ in unknown(order)] == ["/policies/0/condition"]


def test_a_policy_named_by_a_state_is_checked_there(order: dict[str, Any]) -> None:
    order["policies"] = [{"id": "big", "condition": "order.total > 5000", "outcome": "deny",
                          "reason": "Too big.", "applies_at": []}]
    order["states"]["check"]["policies"] = ["big"]  # on entering check, the order is not known yet
    assert [p for p, _ in unknown(order)] == ["/policies/0/condition"]


def test_expressions_of_unreachable_states_are_left_to_unreachable_state(order: dict[str, Any]) -> None:
    order["states"]["orphan"] = {"type": "final", "result": {"x": "nothing_sets_this"}}
    findings = load_workflow(order).findings
    assert [(f.code, f.pointer) for f in findings] == [("unreachable-state", "/states/orphan")]


def test_no_context_schema_means_context_names_are_unknown(order: dict[str, Any]) -> None:
    order["context"] = {"type": "object"}
    pointers = [p for p, _ in unknown(order)]
    assert pointers == ["/states/check/input/customer", "/transitions/2/guard"]


def test_a_misspelt_name_in_a_guard_is_told_the_name_it_is_likely_meant_as(order: dict[str, Any]) -> None:
    order["transitions"][2]["guard"] = "amount > 1000 && custmer == 'ACME'"  # the schema declares 'customer'
    ((pointer, message),) = unknown(order)
    assert pointer == "/transitions/2/guard"
    assert "'custmer' is not in the context schema, and no step or transition sets it (did you mean 'customer'?)" \
        in message
    order["transitions"][2]["guard"] = "amount > 1000 && ordr.total > 5"  # a task's output, set on the way
    ((_, message),) = unknown(order)
    assert "(did you mean 'order'?)" in message
    order["transitions"][2]["guard"] = "amount > 1000 && zebra"  # nothing like it: no guess
    ((_, message),) = unknown(order)
    assert "did you mean" not in message
