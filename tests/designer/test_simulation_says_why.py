"""A simulated step that fails says why: the simulator used to show only "finished: failure" (or "done refused in
a: no transition's guard held"), not which input, result, guard or assignment failed, nor on what. Its result now
carries the reason in plain words with the state, the expression or field and a pointer into the definition."""

from __future__ import annotations

from typing import Any

from designer.simulation import SimulatedEvent, simulate
from engine.definition import Workflow


def _workflow(states: dict[str, Any], transitions: list[dict[str, Any]]) -> Workflow:
    return Workflow.model_validate({"id": "refund", "title": "Refund", "initial": "check", "states": states,
                                    "transitions": transitions})


PAID = {"type": "final", "outcome": "success"}
REFUSED = {"type": "final", "outcome": "failure"}


def test_a_task_whose_input_reads_a_missing_context_key_says_which_input_and_key() -> None:
    flow = _workflow({"check": {"type": "task", "action": "check_refund", "input": {"order": "order.id"}},
                      "paid": PAID}, [{"source": "check", "trigger": "done", "dest": "paid"}])
    run = simulate(flow, {}, [], now=0)
    assert run.status == "failed"
    assert run.failure is not None
    assert (run.failure.state, run.failure.expression, run.failure.pointer) == (
        "check", "order.id", "/states/check/input/order")
    assert run.failure.summary == (
        "'check' could not start: its input 'order' (`order.id`) could not be evaluated: 'order' is not in the "
        "context. No transition leaves 'check' on 'error', so the instance failed there.")


def test_a_guard_that_cannot_be_evaluated_on_the_way_to_a_failure_end_is_named() -> None:
    flow = _workflow({"check": {"type": "choice"}, "paid": PAID, "refused": REFUSED},
                     [{"source": "check", "dest": "paid", "guard": "verdict.auto", "priority": 1},
                      {"source": "check", "dest": "refused"}])
    run = simulate(flow, {}, [], now=0)
    assert (run.state, run.status) == ("refused", "failed")
    assert run.failure is not None
    assert (run.failure.expression, run.failure.pointer) == ("verdict.auto", "/transitions/0/guard")
    assert "could not be evaluated, so it counted as false: 'verdict' is not in the context" in run.failure.summary
    assert run.failure.summary.startswith("The flow reached 'refused', a failure end, from 'check' automatically.")


def test_a_task_s_simulated_error_that_leads_to_a_failure_end_says_its_kind_and_message() -> None:
    flow = _workflow({"check": {"type": "task", "action": "check_refund"}, "paid": PAID, "refused": REFUSED},
                     [{"source": "check", "trigger": "done", "dest": "paid"},
                      {"source": "check", "trigger": "error", "dest": "refused"}])
    error = SimulatedEvent(event="error", payload={"kind": "timeout", "message": "the CRM did not answer"})
    run = simulate(flow, {}, [error], now=0)
    assert run.failure is not None
    assert run.failure.summary == ("The flow reached 'refused', a failure end, from 'check' on 'error' "
                                   "(timeout: the CRM did not answer).")
    assert run.failure.pointer == "/transitions/1"


def test_a_done_no_guard_takes_says_which_guard_failed_and_why() -> None:
    flow = _workflow({"check": {"type": "task", "action": "check_refund"}, "paid": PAID, "refused": REFUSED},
                     [{"source": "check", "trigger": "done", "dest": "paid", "guard": "event.score > 3"},
                      {"source": "check", "trigger": "error", "dest": "refused"}])
    run = simulate(flow, {}, [SimulatedEvent(event="done", payload={})], now=0)
    (refused,) = run.rejected
    assert refused.reason is not None
    assert (refused.reason.state, refused.reason.expression, refused.reason.pointer) == (
        "check", "event.score > 3", "/transitions/0/guard")
    assert refused.reason.summary == (
        "'done' was refused in 'check': the guard `event.score > 3` of transition 1 (check → paid on 'done') could "
        "not be evaluated, so it counted as false: no such key 'score'.")


def test_an_assignment_that_fails_is_named_with_its_expression() -> None:
    """The task's `done` failing in an assignment is the task's error (kind `assign`): its `error` transition
    leads to the failure end, and the reason names the assignment."""
    flow = _workflow({"check": {"type": "task", "action": "check_refund"}, "paid": PAID, "refused": REFUSED},
                     [{"source": "check", "trigger": "done", "dest": "paid", "assign": {"total": "event.sum.net"}},
                      {"source": "check", "trigger": "error", "dest": "refused"}])
    run = simulate(flow, {}, [SimulatedEvent(event="done", payload={})], now=0)
    assert (run.state, run.status, run.rejected) == ("refused", "failed", [])
    assert run.failure is not None
    assert (run.failure.expression, run.failure.pointer) == ("event.sum.net", "/transitions/0/assign/total")
    assert "the assignment 'total' of transition 1 (check → paid on 'done')" in run.failure.summary


def test_an_error_kind_no_error_transition_catches_says_which_they_catch() -> None:
    flow = _workflow({"check": {"type": "task", "action": "check_refund", "output": "verdict.score"}, "paid": PAID,
                      "refused": REFUSED},
                     [{"source": "check", "trigger": "done", "dest": "paid"},
                      {"source": "check", "trigger": "error", "dest": "refused", "errors": ["timeout"]}])
    run = simulate(flow, {"verdict": "pending"}, [SimulatedEvent(event="done", payload=4)], now=0)
    assert (run.state, run.status, run.rejected) == ("check", "failed", [])
    assert run.failure is not None
    assert run.failure.summary == (
        "'check' failed (output_path): cannot write 'verdict.score': 'verdict' holds a string, not an object; and no "
        "`error` transition of 'check' catches the kind 'output_path' (caught: timeout).")


def test_a_final_state_whose_result_fails_names_the_result() -> None:
    flow = _workflow({"check": {"type": "final", "result": {"paid": "payment.id"}}}, [])
    run = simulate(flow, {}, [], now=0)
    assert run.failure is not None
    assert (run.failure.kind, run.failure.pointer, run.failure.field) == ("result", "/states/check/result/paid",
                                                                          "result 'paid'")


def test_a_run_that_succeeds_has_no_failure() -> None:
    flow = _workflow({"check": {"type": "task", "action": "check_refund"}, "paid": PAID, "refused": REFUSED},
                     [{"source": "check", "trigger": "done", "dest": "paid"},
                      {"source": "check", "trigger": "error", "dest": "refused"}])
    run = simulate(flow, {}, [SimulatedEvent(event="done", payload={})], now=0)
    assert (run.status, run.failure, [r.reason for r in run.rejected]) == ("succeeded", None, [])


def test_a_failure_of_a_kind_the_error_transitions_turn_away_says_which_they_catch() -> None:
    """In a task that asks the user, an `error` is the runtime's: one of a kind neither asked about nor caught
    fails the instance, and the reason says which kinds the `error` transitions take (they are there)."""
    flow = _workflow({"check": {"type": "task", "action": "check_refund",
                                "ask_user": {"errors": ["not_found"], "timeout": "PT1H"}},
                      "paid": PAID, "refused": REFUSED},
                     [{"source": "check", "trigger": "done", "dest": "paid"},
                      {"source": "check", "trigger": "error", "dest": "refused", "errors": ["timeout"]}])
    boom = SimulatedEvent(event="error", payload={"kind": "boom", "message": "it broke"})
    run = simulate(flow, {}, [boom], now=0)
    assert (run.state, run.status) == ("check", "failed")
    assert run.failure is not None
    assert run.failure.summary == (
        "The work of 'check' failed (boom: it broke), and no `error` transition of 'check' catches the kind 'boom' "
        "(caught: timeout), so the instance failed there. Add an `error` transition that catches it.")
