"""Parallel branches are state machines of their own: every check applies inside them, with pointers into
the branch, and a branch's transitions stay inside it."""

from __future__ import annotations

from typing import Any

import pytest

from engine.validation.loader import load_workflow

BRANCH = "/states/enrich/branches"


def branch(name: str, initial: str, action: str, output: str, inputs: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "initial": initial,
        "states": {
            initial: {"type": "task", "action": action, "input": inputs, "output": output},
            "ok": {"type": "final", "outcome": "success"},
            "failed": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": initial, "trigger": "done", "dest": "ok"},
            {"source": initial, "trigger": "error", "dest": "failed"},
        ],
    }


@pytest.fixture
def parallel(order: dict[str, Any]) -> dict[str, Any]:
    """The order check with a parallel enrichment (credit score and fraud screen) between task and choice."""
    order["states"]["enrich"] = {"type": "parallel", "branches": [
        branch("credit", "score", "credit_score", "credit", {"customer": "customer", "total": "order.total"}),
        branch("fraud", "screen", "fraud_screen", "fraud", {"customer": "customer"}),
    ]}
    order["states"]["approved"]["result"] = {"total": "order.total", "limit": "credit.limit", "risk": "fraud.risk"}
    order["transitions"][0]["dest"] = "enrich"
    order["transitions"] += [{"source": "enrich", "trigger": "done", "dest": "route"},
                             {"source": "enrich", "trigger": "error", "dest": "rejected"}]
    return order


def where(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in load_workflow(document).findings]


def test_a_clean_parallel_workflow_has_no_findings(parallel: dict[str, Any]) -> None:
    assert where(parallel) == []


def test_dead_end_inside_a_branch_points_into_the_branch(parallel: dict[str, Any]) -> None:
    parallel["states"]["enrich"]["branches"][0]["states"]["failed"] = {"type": "choice"}
    (finding,) = load_workflow(parallel).findings
    assert (finding.code, finding.pointer, finding.states) == ("dead-end", f"{BRANCH}/0/states/failed", ("failed",))


def test_a_branch_transition_must_not_leave_the_branch(parallel: dict[str, Any]) -> None:
    parallel["states"]["enrich"]["branches"][0]["transitions"][1]["dest"] = "rejected"
    findings = load_workflow(parallel).findings
    # the branch's own 'failed', which the transition should lead to, is not also called unreachable
    assert [(f.code, f.pointer) for f in findings] == [("unknown-state", f"{BRANCH}/0/transitions/1/dest")]
    assert findings[0].message == (
        "In parallel state 'enrich' \u203a branch 'credit': Transition 2 (score → rejected on "
        "'error') leads to a state that does not exist: 'rejected' is outside the branch, and a branch's transitions "
        "must stay inside it (the parallel state's own transitions lead on once the branches are done).")


def test_a_branch_needs_its_own_initial_state(parallel: dict[str, Any]) -> None:
    parallel["states"]["enrich"]["branches"][1]["initial"] = "scan"
    assert where(parallel) == [("unknown-state", f"{BRANCH}/1/initial")]
    (finding,) = load_workflow(parallel).findings
    assert finding.message == ("In parallel state 'enrich' \u203a branch 'fraud': The start state of the branch is "
                               "missing: 'scan' is not a state of the branch (did you mean 'screen'?).")


def test_checks_reach_branches_of_branches(parallel: dict[str, Any]) -> None:
    fraud = parallel["states"]["enrich"]["branches"][1]
    deep = branch("deep", "probe", "probe", "probe", {})
    deep["states"]["orphan"] = {"type": "final", "outcome": "success"}
    fraud["states"]["inner"] = {"type": "parallel", "branches": [deep]}
    fraud["transitions"][0]["dest"] = "inner"
    fraud["transitions"] += [{"source": "inner", "trigger": "done", "dest": "ok"},
                             {"source": "inner", "trigger": "error", "dest": "failed"}]
    assert where(parallel) == [("unreachable-state", f"{BRANCH}/1/states/inner/branches/0/states/orphan")]


def test_guard_syntax_inside_a_branch(parallel: dict[str, Any]) -> None:
    parallel["states"]["enrich"]["branches"][0]["transitions"][0]["guard"] = "credit.limit >"
    (finding,) = load_workflow(parallel).findings
    assert (finding.code, finding.pointer, finding.line, finding.column) == (
        "guard-syntax", f"{BRANCH}/0/transitions/0/guard", 1, 15)


def test_a_branch_cannot_count_on_what_a_sibling_branch_sets(parallel: dict[str, Any]) -> None:
    parallel["states"]["enrich"]["branches"][1]["states"]["screen"]["input"]["limit"] = "credit.limit"
    (finding,) = load_workflow(parallel).findings
    assert (finding.code, finding.pointer) == ("unknown-variable", f"{BRANCH}/1/states/screen/input/limit")
    assert "'credit'" in finding.message


def test_with_join_any_only_what_every_branch_sets_is_certain_afterwards(parallel: dict[str, Any]) -> None:
    parallel["states"]["enrich"]["join"] = {"mode": "any"}
    findings = load_workflow(parallel).findings
    assert [(f.code, f.pointer) for f in findings] == [
        ("unknown-variable", "/states/approved/result/limit"),
        ("unknown-variable", "/states/approved/result/risk"),
    ]


def test_a_branch_that_always_fails_sets_nothing_for_after_the_join(parallel: dict[str, Any]) -> None:
    credit = parallel["states"]["enrich"]["branches"][0]
    credit["transitions"][0]["dest"] = "failed"
    credit["states"].pop("ok")
    assert where(parallel) == [("unknown-variable", "/states/approved/result/limit")]
