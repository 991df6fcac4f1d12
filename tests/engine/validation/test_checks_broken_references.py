"""Every finding in one pass, broken references or not: the checks that follow paths read the graph that can be
built — the transitions that exist — and count a broken name as leading where it was probably meant to, so they
neither wait for `unknown-state` to be fixed nor blame the states it hides."""

from __future__ import annotations

from typing import Any

from engine.validation.loader import load_workflow


def where(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in load_workflow(document).findings]


def test_an_orphan_is_reported_beside_a_bad_guard_and_a_missing_state(order: dict[str, Any]) -> None:
    """`unreachable-state` used to wait until no reached state had a broken destination: an analyst fixed the
    guard and the name, validated again, and only then learnt of the orphan."""
    order["states"]["orphan"] = {"type": "task", "action": "check_order"}
    order["transitions"][2]["guard"] = "amount >= && 3"
    order["transitions"][3]["dest"] = "missing_state"
    order["transitions"] += [{"source": "orphan", "trigger": "done", "dest": "approved"},
                             {"source": "orphan", "trigger": "error", "dest": "rejected"}]
    assert where(order) == [("unreachable-state", "/states/orphan"), ("guard-syntax", "/transitions/2/guard"),
                            ("unknown-state", "/transitions/3/dest")]


def test_the_states_a_misspelt_source_leads_to_are_not_called_unreachable(order: dict[str, Any]) -> None:
    order["states"]["escalated"] = {"type": "final", "outcome": "failure"}
    order["transitions"].append({"source": "reveiw", "trigger": "escalate", "dest": "escalated"})
    assert where(order) == [("unknown-state", "/transitions/7/source")]


def test_a_misspelt_start_still_leaves_the_path_checks_nothing_to_measure_from(order: dict[str, Any]) -> None:
    order["initial"] = "chek"
    order["states"]["orphan"] = {"type": "final"}
    assert where(order) == [("unknown-state", "/initial")]


def test_a_state_only_a_misspelt_destination_leads_to_still_has_its_unknown_names_reported(
        order: dict[str, Any]) -> None:
    """What the misspelt transition hides cannot be known to be set on the way; a name nothing sets anywhere is
    missing on every way there, and is reported now rather than after the name is fixed."""
    order["states"]["review"]["request"] = {"total": "order.total", "why": "reasn"}
    order["transitions"][2]["dest"] = "reveiw"
    assert where(order) == [("unknown-state", "/transitions/2/dest"),
                            ("unknown-variable", "/states/review/request/why")]  # 'order' is set on the way


def test_expressions_of_a_state_nothing_leads_to_are_still_left_to_unreachable_state(order: dict[str, Any]) -> None:
    order["states"]["orphan"] = {"type": "final", "result": {"x": "nothing_sets_this"}}
    order["transitions"][3]["dest"] = "aproved"
    assert where(order) == [("unreachable-state", "/states/orphan"), ("unknown-state", "/transitions/3/dest")]
