"""A check's finding about a state inside a parallel state's branch (or a map's iterator) used to name the state
alone — "'check' has no transition out of it" — so with two branches that each have a `check`, neither
`statewright validate` nor the designer's problems said which one was meant (only the pointer did). Every such
finding now leads with the way there, in the words a schema error there has ("In parallel state 'both', branch
'credit', state 'check': ", with the designer's breadcrumb arrow for the commas); a finding at the top level keeps
its words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.definition import Workflow
from engine.validation.catalog import Catalog
from engine.validation.checks import find_catalog_problems
from engine.validation.findings import Finding
from engine.validation.loader import load_workflow

CREDIT = "In parallel state 'both' \u203a branch 'credit' \u203a "
FRAUD = "In parallel state 'both' \u203a branch 'fraud' \u203a "
DEAD_END = ("'check' has no transition out of it, so an instance that gets here is stuck for ever. Add a transition "
            "from it, or make it a final state.")


def _machine(initial: str = "start") -> dict[str, Any]:
    """A start task ending well or badly, and a `check` nothing leads to and nothing leaves."""
    return {
        "initial": initial,
        "states": {initial: {"type": "task", "action": "go"}, "check": {"type": "choice"},
                   "ok": {"type": "final", "outcome": "success"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": initial, "trigger": "done", "dest": "ok"},
                        {"source": initial, "trigger": "error", "dest": "failed"}],
    }


def _flow() -> dict[str, Any]:
    """Parallel state 'both' with branches 'credit' and 'fraud', and the workflow itself, each with its own stray
    `check`."""
    flow: dict[str, Any] = {"id": "loan", "title": "Loan", **_machine("both")}
    flow["states"]["both"] = {"type": "parallel", "branches": [{"name": "credit", **_machine()},
                                                               {"name": "fraud", **_machine()}]}
    return flow


def _by_place(findings: list[Finding]) -> dict[tuple[str, str], str]:
    return {(f.code, f.pointer): f.message for f in findings}


def test_two_branches_states_of_one_id_are_told_apart_by_their_branch() -> None:
    found = _by_place(load_workflow(_flow()).findings)
    branch = "/states/both/branches"
    assert found[("dead-end", f"{branch}/0/states/check")] == CREDIT + "state 'check': " + DEAD_END
    assert found[("dead-end", f"{branch}/1/states/check")] == FRAUD + "state 'check': " + DEAD_END
    assert found[("unreachable-state", f"{branch}/0/states/check")] == (
        CREDIT + "state 'check': No transition leads to 'check' from the branch's start state 'start', so it can "
        "never be used. Add a transition into it, or remove it.")
    assert found[("unreachable-state", f"{branch}/1/states/check")].startswith(FRAUD + "state 'check': No transition")


def test_the_workflow_s_own_findings_keep_their_words() -> None:
    found = _by_place(load_workflow(_flow()).findings)
    assert found[("dead-end", "/states/check")] == DEAD_END
    assert found[("unreachable-state", "/states/check")] == (
        "No transition leads to 'check' from the start state 'both', so it can never be used. Add a transition "
        "into it, or remove it.")


def test_a_branch_of_a_branch_and_a_map_s_iterator_say_the_whole_way() -> None:
    flow = _flow()
    credit = flow["states"]["both"]["branches"][0]
    credit["states"]["inner"] = {"type": "parallel", "branches": [{"name": "deep", **_machine()}]}
    flow["states"]["each"] = {"type": "map", "items": "[1, 2]", "iterator": _machine()}
    found = _by_place(load_workflow(flow).findings)
    assert found[("dead-end", "/states/both/branches/0/states/inner/branches/0/states/check")] == (
        CREDIT + "parallel state 'inner' \u203a branch 'deep' \u203a state 'check': " + DEAD_END)
    assert found[("dead-end", "/states/each/iterator/states/check")] == (
        "In map state 'each' \u203a iterator \u203a state 'check': " + DEAD_END)
    assert found[("dead-end", "/states/check")] == DEAD_END


def test_a_branch_s_transition_and_its_start_say_the_way_there() -> None:
    flow = _flow()
    fraud = flow["states"]["both"]["branches"][1]
    fraud["transitions"][1]["dest"] = "failed_"
    fraud["initial"] = "begin"
    found = _by_place(load_workflow(flow).findings)
    assert found[("unknown-state", "/states/both/branches/1/transitions/1/dest")] == (
        "In parallel state 'both' \u203a branch 'fraud': Transition 2 (start → failed_ on 'error') leads to a state "
        "that does not exist: 'failed_' is not a state of the branch (did you mean 'failed'?).")
    assert found[("unknown-state", "/states/both/branches/1/initial")] == (
        "In parallel state 'both' \u203a branch 'fraud': The start state of the branch is missing: 'begin' is not a "
        "state of the branch.")


LOOP = ("by automatic transitions (transitions 5 and 7) and none of them waits, so an instance that enters this "
        "loop leaves it only when a guard takes it out. Nothing in the loop changes the context (none of those "
        "transitions has an `assign`), so the guards answer the same each time round: once entered, it can never "
        "end unless a guard that reads `now` changes, and the instance fails with kind 'loop' after 200 automatic "
        "transitions in a row. Let the loop pass through a state that waits (a task, an approval, a wait), or give "
        "it an `assign` that makes a guard leave it.")


def _misnamed() -> dict[str, Any]:
    """A machine with a transition to no state (2), two transitions named 'onward' (1 and 3) and two choices
    leading round into one another (5 and 7)."""
    machine = _machine()
    machine["states"].pop("check")
    machine["states"].update({"a": {"type": "choice"}, "b": {"type": "choice"}})
    machine["transitions"][0]["id"] = "onward"
    machine["transitions"][1]["dest"] = "failed_"
    machine["transitions"] += [{"source": "start", "trigger": "retry", "dest": "a", "id": "onward"},
                               {"source": "a", "dest": "ok", "guard": "false"}, {"source": "a", "dest": "b"},
                               {"source": "b", "dest": "ok", "guard": "1 == 2"}, {"source": "b", "dest": "a"}]
    return machine


def _misnamed_in(where: str) -> dict[str, Any]:
    """`_misnamed` as the workflow itself, as branch 'credit' of parallel state 'both', or as the iterator of map
    state 'each'."""
    if where == "workflow":
        return {"id": "loan", "title": "Loan", **_misnamed()}
    flow: dict[str, Any] = {"id": "loan", "title": "Loan", **_machine(where)}
    flow["states"].pop("check")
    flow["states"][where] = ({"type": "parallel", "branches": [{"name": "credit", **_misnamed()}]} if where == "both"
                             else {"type": "map", "items": "[1, 2]", "iterator": _misnamed()})
    return flow


@pytest.mark.parametrize(("where", "at", "way", "machine"), [
    ("workflow", "", "", "the workflow"),
    ("both", "/states/both/branches/0", CREDIT, "the branch"),
    ("each", "/states/each/iterator", "In map state 'each' \u203a iterator \u203a ", "the iterator"),
], ids=["workflow", "branch", "iterator"])
def test_what_named_its_machine_itself_names_a_branch_once_with_the_way_there(
        where: str, at: str, way: str, machine: str) -> None:
    """`unknown-state`, `duplicate-transition-id` and `automatic-cycle` named their branch themselves ("... of
    branch 'credit' of parallel state 'both'"), so, led by the way there, they named it twice: "In parallel state
    'both', branch 'credit', transition 3: Transitions 1 and 3 of branch 'credit' of parallel state 'both' are
    both named 'onward'". The way there names it now, and they say "the branch" or "the iterator" as the
    workflow's own say "the workflow"; the way to a transition stops at its machine, since they name the
    transition themselves."""
    found = _by_place(load_workflow(_misnamed_in(where)).findings)

    def led(element: str | None = None) -> str:
        """The way there, to one of the machine's elements or, with none, to the machine itself."""
        if not way:
            return ""
        return f"{way}{element}: " if element else way.removesuffix(" \u203a ") + ": "

    assert found[("unknown-state", f"{at}/transitions/1/dest")] == (
        led() + "Transition 2 (start → failed_ on 'error') leads to a state that does not exist: "
        f"'failed_' is not a state of {machine} (did you mean 'failed'?).")
    assert found[("duplicate-transition-id", f"{at}/transitions/2/id")] == (
        led() + f"Transitions 1 and 3 of {machine} are both named 'onward': a transition's id is its "
        "stable name, which diffs and review packs match transitions by. Rename one.")
    assert found[("automatic-cycle", f"{at}/states/a")] == (
        led("state 'a'") + "The choices 'a' and 'b' lead into one another " + LOOP)


def test_statewright_validate_names_a_branch_once_in_what_named_it_itself(tmp_path: Path) -> None:
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(_misnamed_in("both")), encoding="utf-8")
    done = CliRunner().invoke(build_app("validate"), ["validate", str(path)], env={"COLUMNS": "400"})
    assert done.exit_code == 1
    lines = [line.strip() for line in done.output.splitlines()]
    at = "/states/both/branches/0"
    credit = "In parallel state 'both' \u203a branch 'credit': "
    assert (f"error unknown-state at {at}/transitions/1/dest: {credit}Transition 2 (start → failed_ on 'error') "
            "leads to a state that does not exist: 'failed_' is not a state of the branch (did you mean "
            "'failed'?).") in lines
    assert (f"error duplicate-transition-id at {at}/transitions/2/id: {credit}Transitions 1 and 3 of the branch are "
            "both named 'onward': a transition's id is its stable name, which diffs and review packs match "
            "transitions by. Rename one.") in lines
    assert (f"warning automatic-cycle at {at}/states/a: {CREDIT}state 'a': The choices 'a' and 'b' lead into one "
            f"another {LOOP}") in lines
    assert "of parallel state 'both'" not in done.output


def test_two_branches_of_one_name_are_said_at_the_parallel_state() -> None:
    flow = _flow()
    branches = flow["states"]["both"]["branches"]
    branches[1]["name"] = "credit"
    branches[0]["states"]["inner"] = {"type": "parallel", "branches": [{"name": "deep", **_machine()},
                                                                       {"name": "deep", **_machine()}]}
    found = _by_place(load_workflow(flow).findings)
    said = ("Parallel state '{}' has two branches named '{}': the engine tells branches apart by name, so the second "
            "one's work would be lost at the join. Rename it.")
    assert found[("duplicate-branch", "/states/both/branches/1/name")] == said.format("both", "credit")
    assert found[("duplicate-branch", "/states/both/branches/0/states/inner/branches/1/name")] == (
        CREDIT + "state 'inner': " + said.format("inner", "deep"))


def test_a_schema_error_and_a_check_s_finding_in_one_branch_say_the_way_alike() -> None:
    flow = _flow()
    flow["states"]["both"]["branches"][0]["states"]["start"]["action"] = ""
    found = _by_place(load_workflow(flow).findings)
    assert found[("schema", "/states/both/branches/0/states/start/action")] == (
        CREDIT + "state 'start': 'action' cannot be empty.")
    assert found[("dead-end", "/states/both/branches/0/states/check")] == CREDIT + "state 'check': " + DEAD_END


def test_a_branch_whose_name_is_set_aside_is_said_as_its_schema_error_says_it() -> None:
    flow = _flow()
    flow["states"]["both"]["branches"][0]["name"] = ""
    found = _by_place(load_workflow(flow).findings)
    assert found[("schema", "/states/both/branches/0/name")].startswith("In parallel state 'both' \u203a branch '#1': ")
    assert found[("dead-end", "/states/both/branches/0/states/check")] == (
        "In parallel state 'both' \u203a branch '#1' \u203a state 'check': " + DEAD_END)


def test_what_the_catalog_decides_in_a_branch_says_the_way_there_as_validation_does() -> None:
    flow = _flow()
    for machine in (flow, *flow["states"]["both"]["branches"]):
        machine["states"].pop("check")
    catalog = Catalog(actions=frozenset({"go"}))
    flow["states"]["both"]["branches"][1]["states"]["start"]["action"] = "g0"
    (alone,) = find_catalog_problems(Workflow.model_validate(flow), catalog)
    assert alone.message.startswith(FRAUD + "state 'start': Task 'start' runs action 'g0', but no handler")
    (loaded,) = load_workflow(flow, catalog).findings
    assert loaded == alone  # the designer's analysis merges the two lists: one finding, not two


def test_statewright_validate_prints_which_branch_each_finding_is_in(tmp_path: Path) -> None:
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(_flow()), encoding="utf-8")
    done = CliRunner().invoke(build_app("validate"), ["validate", str(path)], env={"COLUMNS": "400"})
    assert done.exit_code == 1
    lines = [line.strip() for line in done.output.splitlines()]
    assert f"error dead-end at /states/both/branches/0/states/check: {CREDIT}state 'check': {DEAD_END}" in lines
    assert f"error dead-end at /states/both/branches/1/states/check: {FRAUD}state 'check': {DEAD_END}" in lines
    assert f"error dead-end at /states/check: {DEAD_END}" in lines


def _at_transitions(findings: list[Finding], machine: str = "") -> dict[tuple[str, str], Finding]:
    """The findings at a transition of the machine at `machine`, by code and pointer inside that machine."""
    return {(f.code, f.pointer.removeprefix(machine)): f for f in findings
            if f.pointer.startswith(f"{machine}/transitions/")}


# The defective fixtures with a finding at one of their transitions, each moved into a branch and into an iterator
# (but for the codes never reported on a map's items: what the context schema says is not their context).
_DEFECTIVE = Path(__file__).parent / "fixtures" / "defective"
_AT_A_TRANSITION = [path for path in sorted(_DEFECTIVE.glob("*.json")) if _at_transitions(load_workflow(path).findings)]
_MOVED = [pytest.param(path, where, id=f"{path.stem}-{where}") for path in _AT_A_TRANSITION
          for where in ("branch", "iterator")
          if where == "branch" or path.stem not in ("type-mismatch", "unknown-field", "guard-not-boolean",
                                                    "variable-not-in-schema")]


def _moved_in(document: dict[str, Any], where: str) -> str:
    """Move the workflow's own machine into branch 'inner' of parallel state 'nest' (or into the iterator of map
    state 'nest'), the one state the workflow starts in; the pointer of that machine."""
    machine = {key: document.pop(key) for key in ("initial", "states", "transitions")}
    document["initial"] = "nest"
    document["states"] = {
        "nest": ({"type": "parallel", "branches": [{"name": "inner", **machine}]} if where == "branch"
                 else {"type": "map", "items": "[1, 2]", "iterator": machine}),
        "nest_done": {"type": "final"}, "nest_failed": {"type": "final", "outcome": "failure"}}
    document["transitions"] = [{"source": "nest", "trigger": "done", "dest": "nest_done"},
                               {"source": "nest", "trigger": "error", "dest": "nest_failed"}]
    return "/states/nest/branches/0" if where == "branch" else "/states/nest/iterator"


@pytest.mark.parametrize(("path", "where"), _MOVED)
def test_a_finding_at_a_nested_transition_reads_as_at_the_top_level_led_by_the_way_to_its_machine(
        path: Path, where: str) -> None:
    """A defective fixture's flow, moved into a branch or an iterator: each finding at one of its transitions says
    what it says at the top level — the transition named once, by the message — led by the way to the machine
    ("In parallel state 'nest', branch 'inner': Transition 3 (…) leaves the final state …"), and lists the same
    states and transitions. The way used to go on to the transition ("…, transition 3: Transition 3 (…)"),
    naming it twice."""
    document = json.loads(path.read_text(encoding="utf-8"))
    top = _at_transitions(load_workflow(document).findings)
    at = _moved_in(document, where)
    nested = _at_transitions(load_workflow(document).findings, at)
    way = ("In parallel state 'nest' \u203a branch 'inner': " if where == "branch"
           else "In map state 'nest' \u203a iterator: ")
    machine = "the branch" if where == "branch" else "the iterator"
    for place, said in top.items():
        moved = nested.pop(place)
        assert moved.message == way + said.message.replace("the workflow", machine)
        assert (moved.states, moved.transitions) == (said.states, said.transitions)
    # read on the items, a name of the workflow's context is not there (the item's input is)
    assert all(code == "unknown-variable" and where == "iterator" for code, _ in nested)


def test_an_assignment_through_a_non_object_names_its_transition_once_in_a_branch_as_at_the_top_level() -> None:
    """`path-through-non-object` at a transition's `assign` named no transition: at the top level only its pointer
    said which one wrote the path, and in a branch only the way there did ("…, transition 2: 'note.text' runs
    through 'note' …"). Its message names the transition now, as every other finding at a transition does, and
    the way there stops at the branch."""
    flow = _flow()
    flow["context"] = {"type": "object", "properties": {"note": {"type": "string"}}}
    for machine in (flow, flow["states"]["both"]["branches"][0]):
        machine["states"].pop("check")
        machine["transitions"][0]["assign"] = {"note.text": "'checked'"}
    found = _by_place(load_workflow(flow).findings)
    said = ("Transition 1 ({} → ok on 'done') assigns 'note.text', which runs through 'note': the context schema "
            "declares 'note' as string, not an object, so the write would fail. Fix the path or the schema.")
    assert found[("path-through-non-object", "/transitions/0/assign/note.text")] == said.format("both")
    assert found[("path-through-non-object", "/states/both/branches/0/transitions/0/assign/note.text")] == (
        "In parallel state 'both' \u203a branch 'credit': " + said.format("start"))
