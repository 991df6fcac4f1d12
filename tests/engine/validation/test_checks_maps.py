"""A map state is checked like a parallel branch inside (findings point into its iterator) and refused when its
shape is wrong (no body or two, both tolerances, a concurrency out of range), each with a JSON pointer; the
names its iterator and item input read are the item's, not the workflow's."""

from __future__ import annotations

from typing import Any

import pytest

from engine.validation.catalog import Catalog
from engine.validation.loader import load_workflow


def _flow(**each: Any) -> dict[str, Any]:
    iterator = {"initial": "score", "states": {
        "score": {"type": "task", "action": "score_lead", "input": {"lead": "item", "at": "index"}, "output": "s"},
        "scored": {"type": "final", "result": {"s": "s"}}, "unscored": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "score", "trigger": "done", "dest": "scored"},
                        {"source": "score", "trigger": "error", "dest": "unscored"}]}
    return {"id": "squad", "title": "Squad", "initial": "each",
            "context": {"type": "object", "properties": {"leads": {"type": "array"}}},
            "states": {"each": {"type": "map", "items": "leads", "iterator": iterator, "output": "scores", **each},
                       "end": {"type": "final", "result": {"scores": "scores"}},
                       "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "each", "trigger": "done", "dest": "end"},
                            {"source": "each", "trigger": "error", "dest": "failed"}]}


def _found(document: dict[str, Any], catalog: Catalog | None = None) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in load_workflow(document, catalog).findings]


def test_a_sound_map_has_no_findings_and_its_iterator_reads_the_item() -> None:
    assert _found(_flow()) == []


@pytest.mark.parametrize(("change", "pointer", "words"), [
    ({"iterator": None}, "/states/each", "exactly one of 'iterator'"),
    ({"workflow": "scoring"}, "/states/each", "exactly one of 'iterator'"),
    ({"tolerated_failures": 1, "tolerated_failure_percentage": 5}, "/states/each", "at most one of"),
    ({"max_concurrency": 0}, "/states/each/max_concurrency", "at least 1"),
    ({"max_concurrency": 101}, "/states/each/max_concurrency", "100"),
    ({"tolerated_failure_percentage": 150}, "/states/each/tolerated_failure_percentage", "100"),
])
def test_a_map_of_the_wrong_shape_is_refused_at_the_field(change: dict[str, Any], pointer: str, words: str) -> None:
    loaded = load_workflow(_flow(**change))
    assert loaded.model is None
    (finding,) = loaded.findings
    assert (finding.code, finding.pointer) == ("schema", pointer)
    assert words in finding.message


def test_findings_inside_the_iterator_point_into_it() -> None:
    document = _flow()
    document["states"]["each"]["iterator"]["states"]["orphan"] = {"type": "final"}
    assert ("unreachable-state", "/states/each/iterator/states/orphan") in _found(document)


def test_an_iterator_s_transition_out_of_it_is_said_to_leave_the_iterator_once() -> None:
    """It used to name the iterator twice ("In map state 'each', iterator, transition 2: ... is outside the
    iterator of map state 'each'") and to speak of a branch and its parallel state."""
    document = _flow()
    document["states"]["each"]["iterator"]["transitions"][1]["dest"] = "failed"
    (finding,) = load_workflow(document).findings
    assert (finding.code, finding.pointer) == ("unknown-state", "/states/each/iterator/transitions/1/dest")
    assert finding.message == (
        "In map state 'each' \u203a iterator: Transition 2 (score → failed on 'error') leads to "
        "a state that does not exist: 'failed' is outside the iterator, and the iterator's transitions must stay "
        "inside it (the map state's own transitions lead on once its items are done).")


def test_an_iterator_s_loop_and_stray_state_are_said_to_be_the_iterator_s() -> None:
    """`no-path-to-final` and `unreachable-state` in an iterator spoke of "a final state of the branch" and "the
    branch's start state", where every other finding there says "the iterator" (`unknown-state`, above)."""
    document = _flow()
    iterator = document["states"]["each"]["iterator"]
    for sid in ("retry", "again"):  # each leads only to the other, whatever it ends with
        iterator["states"][sid] = {"type": "task", "action": "score_lead", "input": {"lead": "item"}}
        other = "again" if sid == "retry" else "retry"
        iterator["transitions"] += [{"source": sid, "trigger": "done", "dest": other},
                                    {"source": sid, "trigger": "error", "dest": other}]
    iterator["states"]["orphan"] = {"type": "final"}
    iterator["transitions"][1]["dest"] = "retry"
    found = {(f.code, f.pointer): f.message for f in load_workflow(document).findings}
    way = "In map state 'each' \u203a iterator \u203a "
    assert found[("unreachable-state", "/states/each/iterator/states/orphan")] == (
        f"{way}state 'orphan': No transition leads to 'orphan' from the iterator's start state 'score', so it can "
        "never be used. Add a transition into it, or remove it.")
    assert found[("unreachable-state", "/states/each/iterator/states/unscored")].startswith(
        f"{way}state 'unscored': No transition leads to 'unscored' from the iterator's start state 'score',")
    assert found[("no-path-to-final", "/states/each/iterator/states/retry")] == (
        f"{way}state 'retry': From 'retry' no path leads to a final state of the iterator: every way on goes round "
        "a loop that never leaves. Add a transition out of the loop towards a final state.")
    assert not any("branch" in message for message in found.values())


def test_an_item_input_gives_the_iterator_its_names_and_reads_the_item() -> None:
    found = _found(_flow(input={"item": "item.email", "who": "nobody"}))
    assert ("unknown-variable", "/states/each/input/who") in found  # 'nobody' is neither context nor item
    assert ("unknown-variable", "/states/each/iterator/states/score/input/at") in found  # 'index' is not given now
    assert ("unknown-variable", "/states/each/iterator/states/score/input/lead") not in found  # 'item' is


def test_a_map_over_an_unknown_workflow_is_named() -> None:
    document = _flow()
    del document["states"]["each"]["iterator"]
    document["states"]["each"]["workflow"] = "nowhere"
    assert ("unknown-subflow", "/states/each/workflow") in _found(document, Catalog(workflows={}, agents={}))


def test_the_iterator_cannot_read_the_workflows_declared_context() -> None:
    """An item's context is its input only: 'leads', declared in the workflow's schema, is not there (each item
    would fail at run time on an undeclared reference)."""
    document = _flow()
    document["states"]["each"]["iterator"]["states"]["score"]["input"]["first"] = "leads[0]"
    found = _found(document)
    assert ("unknown-variable", "/states/each/iterator/states/score/input/first") in found
    assert ("unknown-variable", "/states/each/iterator/states/score/input/lead") not in found
    assert ("unknown-variable", "/states/end/result/scores") not in found  # outside the iterator it is declared


def test_a_branch_inside_the_iterator_cannot_read_the_workflows_declared_context() -> None:
    document = _flow()
    iterator = document["states"]["each"]["iterator"]
    iterator["states"]["both"] = {"type": "parallel", "branches": [{"name": "one", "initial": "look", "states": {
        "look": {"type": "task", "action": "look", "input": {"lead": "item", "all": "leads"}},
        "seen": {"type": "final"}}, "transitions": [{"source": "look", "trigger": "done", "dest": "seen"}]}]}
    iterator["initial"] = "both"
    iterator["transitions"] += [{"source": "both", "trigger": "done", "dest": "score"},
                                {"source": "both", "trigger": "error", "dest": "unscored"}]
    found = _found(document)
    assert ("unknown-variable", "/states/each/iterator/states/both/branches/0/states/look/input/all") in found
    assert ("unknown-variable", "/states/each/iterator/states/both/branches/0/states/look/input/lead") not in found


def _messages(document: dict[str, Any], pointer: str) -> list[str]:
    return [f.message for f in load_workflow(document).findings if f.pointer == pointer]


def test_a_name_of_the_workflows_schema_read_on_the_items_is_said_to_need_the_maps_input() -> None:
    """'conc' is declared in the workflow's context schema: saying it is not there sends the author to the schema,
    where it already is. The iterator sees only its item's input, so the map's `input` must pass it in."""
    document = _flow()
    document["context"]["properties"]["conc"] = {"type": "integer"}
    document["states"]["each"]["iterator"]["states"]["score"]["input"]["conc"] = "conc"
    (message,) = _messages(document, "/states/each/iterator/states/score/input/conc")
    assert "not in the context schema" not in message
    assert ("'conc' is in the workflow's context schema, but the iterator of map 'each' sees only its item's input "
            "('item' and 'index': the map has no `input`), not the workflow's context.") in message
    assert ('Pass it in through the `input` of map \'each\' (e.g. {"item": "item", "conc": "conc"}, as an '
            "`input` replaces the default 'item' and 'index')") in message
    assert "Declare it in the context schema" not in message


def test_with_an_item_input_the_message_names_its_keys_and_the_entry_to_add() -> None:
    document = _flow(input={"item": "item", "at": "index"})
    document["states"]["each"]["iterator"]["states"]["score"]["input"]["first"] = "leads[0]"
    (message,) = _messages(document, "/states/each/iterator/states/score/input/first")
    assert ("the iterator of map 'each' sees only its item's input (the keys of the map's `input`: 'item' and "
            "'at')") in message
    assert 'Pass it in through the `input` of map \'each\' (add "leads": "leads")' in message


def test_a_name_in_no_schema_read_on_the_items_is_said_to_be_missing_from_the_item() -> None:
    document = _flow()
    document["states"]["each"]["iterator"]["states"]["score"]["input"]["z"] = "zzz"
    (message,) = _messages(document, "/states/each/iterator/states/score/input/z")
    assert ("'zzz' is not in the item's input the iterator of map 'each' sees ('item' and 'index': the map has no "
            "`input`), and no step or transition sets it") in message
    assert "context schema" not in message


def test_a_branch_inside_the_iterator_is_told_of_its_map() -> None:
    document = _flow()
    iterator = document["states"]["each"]["iterator"]
    iterator["states"]["both"] = {"type": "parallel", "branches": [{"name": "one", "initial": "look", "states": {
        "look": {"type": "task", "action": "look", "input": {"all": "leads"}},
        "seen": {"type": "final"}}, "transitions": [{"source": "look", "trigger": "done", "dest": "seen"}]}]}
    iterator["initial"] = "both"
    iterator["transitions"] += [{"source": "both", "trigger": "done", "dest": "score"},
                                {"source": "both", "trigger": "error", "dest": "unscored"}]
    (message,) = _messages(document, "/states/each/iterator/states/both/branches/0/states/look/input/all")
    assert "'leads' is in the workflow's context schema, but the iterator of map 'each' sees only" in message


def test_the_iterator_reads_the_workflows_context_through_the_item_input() -> None:
    found = _found(_flow(input={"item": "item", "index": "index", "leads": "leads"}))
    document = _flow(input={"item": "item", "index": "index", "leads": "leads"})
    document["states"]["each"]["iterator"]["states"]["score"]["input"]["first"] = "leads[0]"
    assert _found(document) == found == []


def test_a_map_failure_may_be_caught_by_its_kinds_without_a_warning() -> None:
    """map_failed, map_items and map_too_large are the engine's own kinds (the map state fires them as `error`)."""
    document = _flow()
    document["states"]["bad_list"] = {"type": "final", "outcome": "failure"}
    document["transitions"].insert(1, {"source": "each", "trigger": "error", "dest": "bad_list", "priority": 1,
                                       "errors": ["map_items", "map_too_large", "map_failed"]})
    assert [code for code, _ in _found(document)] == []


@pytest.mark.parametrize(("items", "words"), [
    ("'abc'", "`'abc'` is a constant, a text"),
    ("3", "`3` is a constant, a number"),
    ("{'a': 1}", "`{'a': 1}` is a constant, a map"),
    ("null", "`null` is a constant, null"),
    ("1 / 0", "it fails to evaluate (division by zero"),
])
def test_constant_items_that_are_no_list_are_refused_at_items(items: str, words: str) -> None:
    """QA: `"items": "'abc'"` validated clean, and every visit of the map failed with kind `map_items`."""
    loaded = load_workflow(_flow(items=items))
    assert [(f.code, f.severity, f.pointer, f.states) for f in loaded.findings] == [
        ("map-items-not-a-list", "error", "/states/each/items", ("each",))]
    assert words in loaded.findings[0].message
    assert "fail it with kind `map_items` every time" in loaded.findings[0].message
    assert loaded.model is None


@pytest.mark.parametrize("items", ["leads", "['a', 'b']", "[]", "[1] + [2]", "leads.filter(l, l != null)"])
def test_items_that_are_a_list_or_read_the_context_are_not_reported(items: str) -> None:
    assert _found(_flow(items=items)) == []


def test_a_constant_that_is_no_list_inside_an_iterator_is_refused_there_too() -> None:
    outer = _flow()
    outer["states"]["each"]["iterator"]["states"]["score"] = {
        "type": "map", "items": "'abc'", "iterator": _flow()["states"]["each"]["iterator"], "output": "s"}
    assert ("map-items-not-a-list", "/states/each/iterator/states/score/items") in _found(outer)
