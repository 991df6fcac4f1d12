"""The rules behind the checks, case by case: '*' sources, each place a state is named, triggers per type,
ambiguity, and the order findings come in."""

from __future__ import annotations

from typing import Any

import pytest

from engine.validation.findings import Finding
from engine.validation.loader import load_workflow


def findings(document: dict[str, Any]) -> list[Finding]:
    return load_workflow(document).findings


def where(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in findings(document)]


def test_the_base_order_workflow_is_clean(order: dict[str, Any]) -> None:
    assert findings(order) == []


# '*' sources ---------------------------------------------------------------------------------------------


def test_star_source_applies_to_non_final_states_only(order: dict[str, Any]) -> None:
    order["transitions"].append({"source": "*", "trigger": "cancel", "dest": "rejected"})
    assert findings(order) == []  # no exit-from-final, and a choice is not blamed for an event sent to all


def test_star_error_transition_gives_every_task_its_error_path(order: dict[str, Any]) -> None:
    order["transitions"] = [t for t in order["transitions"] if t.get("trigger") != "error"]
    assert where(order) == [("task-without-error-path", "/states/check")]
    order["transitions"].append({"source": "*", "trigger": "error", "dest": "rejected"})
    assert findings(order) == []


def test_star_transition_lets_a_closed_loop_out(order: dict[str, Any]) -> None:
    order["states"]["remind"] = {"type": "wait", "duration": "PT1H"}
    order["states"]["nudge"] = {"type": "wait", "duration": "PT1H"}
    order["transitions"][3]["dest"] = "remind"  # the choice's default now enters the loop
    order["transitions"] += [{"source": "remind", "trigger": "done", "dest": "nudge"},
                             {"source": "nudge", "trigger": "done", "dest": "remind"}]
    assert where(order) == [("no-path-to-final", "/states/nudge"), ("no-path-to-final", "/states/remind")]
    order["transitions"].append({"source": "*", "trigger": "cancel", "dest": "rejected"})
    assert findings(order) == []


def test_two_star_transitions_on_one_trigger_are_ambiguous_everywhere(order: dict[str, Any]) -> None:
    order["states"]["cancelled"] = {"type": "final", "outcome": "failure"}
    order["transitions"] += [{"source": "*", "trigger": "cancel", "dest": "rejected"},
                             {"source": "*", "trigger": "cancel", "dest": "cancelled"}]
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.transitions) == ("ambiguous-transition", "/transitions/8", (7, 8))
    assert finding.states == ("check", "route", "review")


# every place a state is named ----------------------------------------------------------------------------


def test_unknown_source_names_the_list_element(order: dict[str, Any]) -> None:
    order["transitions"].append({"source": ["review", "reveiw"], "trigger": "cancel", "dest": "rejected"})
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.transitions) == ("unknown-state", "/transitions/7/source/1", (7,))
    assert finding.message == ("Transition 8 (review/reveiw → rejected on 'cancel') leaves from a state that does "
                               "not exist: 'reveiw' is not a state of the workflow (did you mean 'review'?).")


def test_an_unknown_state_with_no_near_name_gets_no_suggestion(order: dict[str, Any]) -> None:
    order["initial"] = "zzz"
    (finding,) = findings(order)
    assert finding.message == "The start state of the workflow is missing: 'zzz' is not a state of the workflow."


def test_missing_initial_is_reported_once_not_as_every_state_unreachable(order: dict[str, Any]) -> None:
    order["initial"] = "start"
    assert where(order) == [("unknown-state", "/initial")]


def test_a_misspelt_destination_is_reported_once_not_with_every_state_after_it_unreachable(
        order: dict[str, Any]) -> None:
    """Before, the states the transition was meant to lead to were each an `unreachable-state` error, listed
    ahead of the one misspelt name that caused them all."""
    next(t for t in order["transitions"] if t["source"] == "check" and t["trigger"] == "done")["dest"] = "rute"
    assert where(order) == [("unknown-state", "/transitions/0/dest")]


def test_a_state_unreachable_beside_a_misspelt_destination_it_cannot_explain_is_still_reported(
        order: dict[str, Any]) -> None:
    order["states"]["orphan"] = {"type": "final"}
    order["states"]["stray"] = {"type": "task", "action": "check_order"}
    order["transitions"].append({"source": "stray", "trigger": "done", "dest": "orphn"})  # from nowhere reached
    assert ("unreachable-state", "/states/orphan") in where(order)
    assert ("unknown-state", "/transitions/7/dest") in where(order)


def test_sla_at_risk_names_an_unknown_subflow_counted_as_no_limit(order: dict[str, Any]) -> None:
    order["sla"] = "P1D"
    order["states"]["check"] = {"type": "subflow", "workflow": "ghost"}
    sla = next(f for f in findings(order) if f.code == "sla-at-risk")
    assert "at worst no limit" in sla.message
    assert "(subflow 'ghost' is not known here (or calls itself): 0 to no limit)" in sla.message


def test_policies_and_examples_must_name_existing_states(order: dict[str, Any]) -> None:
    order["policies"] = [{"id": "cap", "condition": "amount > 10", "outcome": "deny", "reason": "Too much.",
                          "applies_at": ["start", "reveiw"]}]
    order["examples"] = [{"name": "big", "context": {"amount": 5000}, "expect_state": "aproved"}]
    assert where(order) == [("unknown-state", "/examples/0/expect_state"),
                            ("unknown-state", "/policies/0/applies_at/1")]


def test_exit_from_final_in_a_source_list_points_at_the_element(order: dict[str, Any]) -> None:
    order["transitions"].append({"source": ["review", "approved"], "trigger": "cancel", "dest": "rejected"})
    assert where(order) == [("exit-from-final", "/transitions/7/source/1")]


# triggers per state type ---------------------------------------------------------------------------------


def test_state_that_only_loops_on_itself_is_a_dead_end(order: dict[str, Any]) -> None:
    order["states"]["hold"] = {"type": "wait", "duration": "PT1H"}
    order["transitions"][3]["dest"] = "hold"
    order["transitions"].append({"source": "hold", "trigger": "done", "dest": "hold"})
    (finding,) = findings(order)
    assert (finding.code, finding.pointer) == ("dead-end", "/states/hold")
    assert "only loops back to itself" in finding.message


def test_a_choice_never_fires_a_trigger(order: dict[str, Any]) -> None:
    order["transitions"].append({"source": "route", "trigger": "approve", "dest": "approved"})
    assert where(order) == [("unused-trigger", "/transitions/7/trigger")]


def test_timeout_on_an_approval_without_timeout_is_unused(order: dict[str, Any]) -> None:
    del order["states"]["review"]["timeout"]
    assert where(order) == [("approval-without-timeout", "/states/review"),
                            ("unused-trigger", "/transitions/6/trigger")]
    assert "no `timeout` set" in findings(order)[1].message


def test_custom_events_sent_from_outside_are_not_unused(order: dict[str, Any]) -> None:
    order["transitions"] += [{"source": "check", "trigger": "escalate", "dest": "rejected"},
                             {"source": "review", "trigger": "withdraw", "dest": "rejected"}]
    assert findings(order) == []


def test_wait_for_an_event_needs_done_as_well_as_timeout(order: dict[str, Any]) -> None:
    order["states"]["signature"] = {"type": "wait", "event": {"type": "signed"}, "timeout": "P3D"}
    order["transitions"][3]["dest"] = "signature"
    order["transitions"].append({"source": "signature", "trigger": "timeout", "dest": "rejected"})
    assert where(order) == [("missing-done-path", "/states/signature")]
    order["transitions"].append({"source": "signature", "trigger": "done", "dest": "approved"})
    assert findings(order) == []


def test_a_wait_whose_transition_is_on_the_awaited_event_is_told_to_use_done(order: dict[str, Any]) -> None:
    """The natural slip: waiting for 'signed' and leaving on 'signed'. The event's arrival fires `done`, so the
    finding names the transition to change, not only "add one on 'done'"."""
    order["states"]["signature"] = {"type": "wait", "event": {"type": "signed"}, "timeout": "P3D"}
    order["transitions"][3]["dest"] = "signature"
    order["transitions"] += [{"source": "signature", "trigger": "timeout", "dest": "rejected"},
                             {"source": "signature", "trigger": "signed", "dest": "approved"}]
    (finding,) = findings(order)
    assert (finding.code, finding.pointer) == ("missing-done-path", "/states/signature")
    last = len(order["transitions"])
    assert finding.message.endswith(
        f"The 'signed' event it waits for ends the wait with 'done', not with a trigger of its own name: transition "
        f"{last} (signature → approved on 'signed') is probably meant to be on 'done'; change its trigger to 'done'.")
    order["transitions"][-1]["trigger"] = "done"
    assert findings(order) == []


def test_missing_approval_outcome_names_both_decisions(order: dict[str, Any]) -> None:
    order["transitions"] = [t for t in order["transitions"] if t.get("trigger") not in ("approve", "reject")]
    (finding,) = findings(order)
    assert finding.code == "missing-approval-outcome"
    assert "'approve' and 'reject'" in finding.message


def test_same_guard_written_differently_is_still_ambiguous(order: dict[str, Any]) -> None:
    order["transitions"].append({"source": "route", "dest": "rejected", "guard": "amount>1000", "priority": 1})
    assert where(order) == [("ambiguous-transition", "/transitions/7")]
    order["transitions"][-1]["priority"] = 2
    assert findings(order) == []


def test_a_guard_beside_an_unguarded_twin_is_not_ambiguous(order: dict[str, Any]) -> None:
    order["transitions"].append({"source": "review", "trigger": "approve", "dest": "rejected",
                                 "guard": "amount > 1000000", "priority": 1})
    assert findings(order) == []
    del order["transitions"][-1]["priority"]  # tried after its unguarded twin: it never fires, but is no tie
    assert [f.code for f in findings(order)] == ["shadowed-transition"]


def test_transitions_named_in_a_message_are_counted_from_one(order: dict[str, Any]) -> None:
    """The messages count transitions from 1, as people (and the designer) do; the pointers from 0."""
    order["transitions"].append({"source": "check", "trigger": "done", "dest": "rejected"})
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.transitions) == ("ambiguous-transition", "/transitions/7", (0, 7))
    assert finding.message.startswith("Transitions 1 and 8 both leave 'check' on 'done'")
    order["transitions"].append({"source": "check", "trigger": "done", "dest": "review"})
    (finding,) = findings(order)
    assert finding.message.startswith("Transitions 1, 8 and 9 all leave 'check' on 'done'")


def test_transitions_sharing_an_id_are_counted_from_one(order: dict[str, Any]) -> None:
    order["transitions"][1]["id"] = order["transitions"][4]["id"] = "onward"
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.transitions) == ("duplicate-transition-id", "/transitions/4/id",
                                                                    (1, 4))
    assert finding.message == ("Transitions 2 and 5 of the workflow are both named 'onward': a transition's id is "
                               "its stable name, which diffs and review packs match transitions by. Rename one.")


def _credit_branch_sharing_an_id(order: dict[str, Any]) -> None:
    """Make the order start with parallel state 'enrich', whose branch 'credit' has two transitions named 'onward'."""
    order["states"]["enrich"] = {"type": "parallel", "branches": [{
        "name": "credit", "initial": "score",
        "states": {"score": {"type": "task", "action": "credit_score"}, "ok": {"type": "final"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "score", "trigger": "done", "dest": "ok", "id": "onward"},
                        {"source": "score", "trigger": "error", "dest": "failed", "id": "onward"}]}]}
    order["initial"] = "enrich"
    order["transitions"] += [{"source": "enrich", "trigger": "done", "dest": "check"},
                             {"source": "enrich", "trigger": "error", "dest": "rejected"}]


def test_transitions_sharing_an_id_in_a_branch_name_the_branch_and_the_transitions_once(
        order: dict[str, Any]) -> None:
    """The way there names the branch; the message used to name it again ("... of branch 'credit' of parallel
    state 'enrich'"), then the second transition twice ("..., transition 2: Transitions 1 and 2 of the branch")."""
    _credit_branch_sharing_an_id(order)
    (finding,) = findings(order)
    assert (finding.code, finding.pointer) == ("duplicate-transition-id", "/states/enrich/branches/0/transitions/1/id")
    assert finding.message == (
        "In parallel state 'enrich' \u203a branch 'credit': Transitions 1 and 2 of the branch are both named "
        "'onward': a transition's id is its stable name, which diffs and review packs match transitions by. "
        "Rename one.")


@pytest.mark.parametrize("where", ["branch", "iterator"])
def test_transitions_sharing_an_id_in_a_branch_or_an_iterator_are_the_ones_at_fault(
        order: dict[str, Any], where: str) -> None:
    """As at the top level (`(1, 4)` above), the finding lists both transitions, counted in their own machine's
    `transitions` as its pointer is, and points at the second one's `id`. A branch's or an iterator's finding
    listed none: the designer then marked neither transition."""
    _credit_branch_sharing_an_id(order)
    at = "/states/enrich/branches/0"
    if where == "iterator":
        credit = order["states"]["enrich"]["branches"][0]
        order["states"]["enrich"] = {"type": "map", "items": "[1, 2]",
                                     "iterator": {key: credit[key] for key in ("initial", "states", "transitions")}}
        at = "/states/enrich/iterator"
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.states, finding.transitions) == (
        "duplicate-transition-id", f"{at}/transitions/1/id", (), (0, 1))


# order ---------------------------------------------------------------------------------------------------


def test_findings_come_errors_first_then_by_place_with_indexes_in_numeric_order(order: dict[str, Any]) -> None:
    for _ in range(4):
        order["transitions"].append({"source": "check", "trigger": "cancel", "dest": "rejected"})
    order["transitions"].append({"source": "check", "trigger": "pause", "dest": "nowhere"})  # index 11
    order["transitions"].append({"source": "check", "trigger": "hold", "dest": "limbo"})  # index 12
    order["states"]["review"].pop("timeout")
    order["transitions"].pop(6)  # the approval's timeout transition: now indexes 10 and 11 are unknown
    got = where(order)
    assert got == [
        ("ambiguous-transition", "/transitions/9"),
        ("unknown-state", "/transitions/10/dest"),
        ("unknown-state", "/transitions/11/dest"),
        ("approval-without-timeout", "/states/review"),
    ]
    assert got == where(order)  # the same every time


# guard-syntax covers every expression field ---------------------------------------------------------------

BROKEN = "a >"  # CEL stops at the end: line 1, column 4


def insert_state(document: dict[str, Any], state: dict[str, Any]) -> None:
    """Put a state `hold` on the choice's default way to `approved`."""
    document["states"]["hold"] = state
    document["transitions"][3]["dest"] = "hold"
    document["transitions"] += [{"source": "hold", "trigger": "done", "dest": "approved"},
                                {"source": "hold", "trigger": "error", "dest": "rejected"}]


def set_field(document: dict[str, Any], field: str) -> None:
    if field == "assign":
        document["transitions"][3]["assign"] = {"x": BROKEN}
    elif field == "input":
        document["states"]["check"]["input"]["customer"] = BROKEN
    elif field == "request":
        document["states"]["review"]["request"]["total"] = BROKEN
    elif field == "result":
        document["states"]["approved"]["result"]["total"] = BROKEN
    elif field == "deadline":
        insert_state(document, {"type": "wait", "deadline": BROKEN})
        document["transitions"].pop()  # a wait does not fail
    elif field == "correlation":
        insert_state(document, {"type": "wait", "event": {"type": "signed", "correlation": BROKEN}})
        document["transitions"].pop()
    elif field == "subflow input":
        insert_state(document, {"type": "subflow", "workflow": "billing", "input": {"order": BROKEN}})
    elif field == "policy":
        document["policies"] = [{"id": "cap", "condition": BROKEN, "outcome": "deny", "reason": "No."}]
    elif field == "start condition":
        document["starts_on"] = [{"event": "placed", "condition": BROKEN}]
    elif field == "start context":
        document["starts_on"] = [{"event": "placed", "context": {"amount": BROKEN}}]


@pytest.mark.parametrize(("deadline", "why"), [
    ("'2030-01-01T09:00:00'", "'2030-01-01T09:00:00' has no UTC offset: end it with Z (UTC) or an offset such as "
                              "+02:00."),
    ("'2030-01-01 09:00:00Z'", "'2030-01-01 09:00:00Z' is not an RFC 3339 time such as 2030-01-01T09:00:00Z."),
    ("'2030-02-30T09:00:00Z'", "'2030-02-30T09:00:00Z' is not a time that exists: day is out of range for month."),
    ("42", "it gives int 42, not an RFC 3339 time."),
    ("timestamp('2030-01-01T09:00:00')", "Function 'timestamp' error"),
])
def test_a_constant_deadline_the_engine_could_not_wait_for_is_a_finding(order: dict[str, Any], deadline: str,
                                                                        why: str) -> None:
    insert_state(order, {"type": "wait", "deadline": deadline})
    order["transitions"].pop()  # a wait does not fail
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.states) == ("deadline-not-a-time", "/states/hold/deadline",
                                                               ("hold",))
    assert finding.message.startswith(f"The deadline of 'hold' is not a time to wait for: {why}")


@pytest.mark.parametrize("deadline", ["'2030-01-01t09:00:00z'", "'2030-01-01T11:00:00.250+02:00'",
                                      "timestamp('2030-01-01T09:00:00Z')", "timestamp(now) + duration('1h')",
                                      "string(amount)"])
def test_a_deadline_that_is_a_time_or_reads_a_variable_passes(order: dict[str, Any], deadline: str) -> None:
    insert_state(order, {"type": "wait", "deadline": deadline})
    order["transitions"].pop()
    assert findings(order) == []

@pytest.mark.parametrize(
    ("field", "pointer", "words"),
    [
        ("assign", "/transitions/3/assign/x", "The assignment to 'x' in transition 4 (route → approved automatically)"),
        ("input", "/states/check/input/customer", "The input 'customer' of 'check'"),
        ("request", "/states/review/request/total", "The request entry 'total' of 'review'"),
        ("result", "/states/approved/result/total", "The result 'total' of 'approved'"),
        ("deadline", "/states/hold/deadline", "The deadline of 'hold'"),
        ("correlation", "/states/hold/event/correlation", "The event correlation of 'hold'"),
        ("subflow input", "/states/hold/input/order", "The input 'order' of 'hold'"),
        ("policy", "/policies/0/condition", "The condition of policy 'cap'"),
        ("start condition", "/starts_on/0/condition", "The condition of start trigger 'placed'"),
        ("start context", "/starts_on/0/context/amount", "The context entry 'amount' of start trigger 'placed'"),
    ],
)
def test_guard_syntax_covers_every_expression_field(order: dict[str, Any], field: str, pointer: str,
                                                    words: str) -> None:
    set_field(order, field)
    (finding,) = findings(order)
    assert (finding.code, finding.pointer, finding.line, finding.column) == ("guard-syntax", pointer, 1, 4)
    assert finding.message.startswith(f"{words} is not a valid CEL expression (line 1, column 4")
