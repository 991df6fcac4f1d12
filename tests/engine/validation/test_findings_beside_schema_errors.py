"""While one required field is empty (a task's `action` cleared, a transition with no target yet: a flow being
edited), validation used to stop at that schema error: the unreachable states, dead ends and guard problems of the
rest vanished, and "1 error" read as almost done. The checks now run on the rest, with what is at fault set aside,
and every finding still points into the file. A schema error inside a parallel state's branch (or a map's
iterator) used to name no state — the designer showed the parallel state — and now names the state at fault and
the way there."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.definition import Workflow
from engine.validation.loader import load_workflow
from engine.validation.parsing import validate_model

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "definitions" / "workflows").glob("*.json"))


def _flow() -> dict[str, Any]:
    return {
        "id": "refund", "title": "Refund",
        "initial": "check",
        "states": {
            "check": {"type": "task", "action": "check_refund"},
            "route": {"type": "choice"},
            "orphan": {"type": "task", "action": "file_it"},
            "paid": {"type": "final", "outcome": "success"},
            "refused": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "check", "trigger": "done", "dest": "route"},
            {"source": "check", "trigger": "error", "dest": "refused"},
            {"source": "route", "dest": "paid", "guard": "verdict.auto and true", "priority": 1},
            {"source": "route", "dest": "refused"},
            {"source": "orphan", "trigger": "done", "dest": "paid"},
        ],
    }


def _found(document: Any) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in load_workflow(document).findings]


# What the flow above is told whatever else is wrong with it.
THE_REST = [("unreachable-state", "/states/orphan"), ("guard-syntax", "/transitions/2/guard"),
            ("task-without-error-path", "/states/orphan")]


def test_the_flow_alone_has_its_own_findings() -> None:
    assert sorted(_found(_flow())) == sorted(THE_REST)


def test_a_task_whose_action_is_cleared_still_has_the_rest_checked() -> None:
    document = _flow()
    document["states"]["check"]["action"] = ""
    loaded = load_workflow(document)
    assert loaded.model is None
    assert ("schema", "/states/check/action") in _found(document)
    assert sorted(set(_found(document)) - {("schema", "/states/check/action")}) == sorted(THE_REST)
    assert loaded.findings[0].message == "'action' cannot be empty."  # not pydantic's 'constrained-str'


def test_a_transition_with_no_target_yet_still_has_the_rest_checked() -> None:
    document = _flow()
    del document["transitions"][4]["dest"]
    found = _found(document)
    assert ("schema", "/transitions/4/dest") in found
    # its source is not told it has no way out, nor is anything said about a target it does not have yet
    assert sorted(set(found) - {("schema", "/transitions/4/dest")}) == sorted(THE_REST)


def test_a_transition_leaving_a_misspelt_source_does_not_make_its_states_look_stuck() -> None:
    document = _flow()
    document["transitions"][0]["source"] = "vérifier"  # no state id has an accent
    found = _found(document)
    assert ("schema", "/transitions/0/source") in found
    assert ("guard-syntax", "/transitions/2/guard") in found
    assert ("missing-done-path", "/states/check") not in found
    assert ("unreachable-state", "/states/route") not in found


def test_a_state_of_a_wrong_shape_keeps_its_place_in_the_graph() -> None:
    document = _flow()
    document["states"]["orphan"] = {"type": "approval", "approvers": {"roles": []}}  # nobody named yet
    found = _found(document)
    assert ("schema", "/states/orphan") in found
    assert ("unreachable-state", "/states/orphan") in found  # still true of it
    assert ("guard-syntax", "/transitions/2/guard") in found


def test_the_cli_lists_the_schema_error_and_the_rest(tmp_path: Path) -> None:
    document = _flow()
    document["states"]["check"]["action"] = ""
    path = tmp_path / "refund.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = CliRunner().invoke(build_app("validate"), ["validate", str(path)], env={"COLUMNS": "400"})
    assert done.exit_code == 1
    assert "error schema at /states/check/action: 'action' cannot be empty." in done.output
    assert "error unreachable-state at /states/orphan" in done.output
    assert "error guard-syntax at /transitions/2/guard" in done.output


def _branch_flow() -> dict[str, Any]:
    return {
        "id": "loan", "title": "Loan", "initial": "both",
        "states": {
            "both": {"type": "parallel", "branches": [{
                "name": "credit", "initial": "score",
                "states": {"score": {"type": "task", "action": ""}, "stray": {"type": "choice"},
                           "scored": {"type": "final"}},
                "transitions": [{"source": "score", "trigger": "done", "dest": "scored"},
                                {"source": "score", "trigger": "error"}],
            }]},
            "each": {"type": "map", "items": "[1, 2]", "iterator": {
                "initial": "one", "states": {"one": {"type": "task", "action": "do_one", "timeout_s": 0},
                                             "fin": {"type": "final"}},
                "transitions": [{"source": "one", "trigger": "done", "dest": "fin"},
                                {"source": "one", "trigger": "error", "dest": "fin"}]}},
            "done": {"type": "final"},
        },
        "transitions": [{"source": "both", "trigger": "done", "dest": "each"},
                        {"source": "both", "trigger": "error", "dest": "done"},
                        {"source": "each", "trigger": "done", "dest": "done"},
                        {"source": "each", "trigger": "error", "dest": "done"}],
    }


def test_a_schema_error_in_a_branch_names_the_state_at_fault_and_the_way_there() -> None:
    findings = {f.pointer: f for f in load_workflow(_branch_flow()).findings if f.code == "schema"}
    action = findings["/states/both/branches/0/states/score/action"]
    assert action.message == ("In parallel state 'both' \u203a branch 'credit' \u203a state 'score': 'action' cannot "
                              "be empty.")
    assert action.states == ("score",)
    dest = findings["/states/both/branches/0/transitions/1/dest"]
    assert dest.message == ("In parallel state 'both' \u203a branch 'credit' \u203a transition 2: 'dest' is required "
                            "here.")
    assert dest.transitions == (1,)
    timeout = findings["/states/each/iterator/states/one/timeout_s"]
    assert timeout.message.startswith("In map state 'each' \u203a iterator \u203a state 'one': 'timeout_s' must be")
    assert timeout.states == ("one",)


def test_the_branch_s_other_findings_show_beside_its_schema_errors() -> None:
    found = _found(_branch_flow())
    assert ("unreachable-state", "/states/both/branches/0/states/stray") in found
    assert ("dead-end", "/states/both/branches/0/states/stray") in found


def test_a_schema_error_at_the_top_level_keeps_its_words_and_names_its_state() -> None:
    document = _flow()
    document["states"]["check"]["action"] = ""
    (finding,) = [f for f in load_workflow(document).findings if f.code == "schema"]
    assert (finding.message, finding.states) == ("'action' cannot be empty.", ("check",))


def _resolves(document: Any, pointer: str) -> bool:
    """The pointer names a place in the document, or a field missing from an object in it."""
    node = document
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    for n, token in enumerate(tokens):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return n == len(tokens) - 1 and isinstance(node, dict)
    return True


def _places(node: Any, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [at] if at else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*at, index))
    return found


BREAKS: list[Any] = ["", None, 7, [], {}, "étape", "a >"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SHIPPED), st.data())
def test_a_shipped_flow_broken_anywhere_is_checked_without_crashing_and_every_finding_points_into_it(
        path: Path, data: st.DataObject) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(_places(broken)))
        parent = broken
        for token in place[:-1]:
            parent = parent[token]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = data.draw(st.sampled_from(BREAKS))
        if not _places(broken):
            return
    loaded = load_workflow(broken)
    _, schema = validate_model(Workflow, broken)
    assert [f for f in loaded.findings if f.code == "schema"] == schema  # the schema's findings as they were
    for finding in loaded.findings:
        assert finding.pointer or finding.code in ("schema", "sla-at-risk"), finding
        assert _resolves(broken, finding.pointer), finding


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_a_shipped_flow_with_one_action_cleared_keeps_every_other_finding(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    task = next(sid for sid, state in document["states"].items() if state["type"] == "task")
    before = _found(document)
    document["states"][task]["action"] = ""
    assert _found(document) == [("schema", f"/states/{task}/action"), *before]
