"""An XState import says everything it cannot map in one pass, each at its field; and what validation finds in
the definition made from a machine config points into the config, naming events as the config does."""

from __future__ import annotations

import json
from typing import Any

from engine.interop import import_document


def _import(config: dict[str, Any]) -> list[tuple[str, str, str]]:
    result = import_document("xstate", json.dumps({"id": "m", **config}), "imported")
    assert not result.ok
    return [(f.code, f.pointer, f.message) for f in result.findings if f.severity == "error"]


def test_a_guard_that_does_not_compile_points_at_its_expression_and_names_the_event() -> None:
    (found,) = _import({"initial": "a", "states": {
        "a": {"on": {"GO": {"target": "e", "guard": {"type": "g", "params": {"expression": "((("}}}}},
        "e": {"type": "final"}}})
    code, pointer, message = found
    assert (code, pointer) == ("guard-syntax", "/states/a/on/GO/guard/params/expression")
    assert "a → e on 'GO'" in message
    assert "'done'" not in message


def test_two_targets_of_one_event_point_at_the_second_in_the_list() -> None:
    (found,) = _import({"initial": "a", "states": {
        "a": {"on": {"GO": [{"target": "e"}, {"target": "f"}]}}, "e": {"type": "final"}, "f": {"type": "final"}}})
    code, pointer, message = found
    assert (code, pointer) == ("ambiguous-transition", "/states/a/on/GO/1")
    assert "on 'GO'" in message


def test_findings_in_a_region_and_in_carried_fields_point_into_the_config() -> None:
    found = _import({"initial": "p", "states": {
        "p": {"type": "parallel", "states": {"left": {"initial": "w", "states": {
            "w": {"invoke": {"src": "work", "onDone": {"target": "ok", "guard": {"type": "g",
                                                                                  "params": {"expression": "1 +"}}}}},
            "ok": {"type": "final"}}}}, "onDone": "end"},
        "t": {"invoke": {"src": "job"}, "meta": {"statewright": {"timeout_s": -5}}, "on": {"x": "end"}},
        "end": {"type": "final"}}})
    pointers = {pointer for _, pointer, _ in found}
    assert "/states/p/states/left/states/w/invoke/onDone/guard/params/expression" in pointers, found
    assert "/states/t/meta/statewright/timeout_s" in pointers, found


def test_every_unsupported_construct_is_reported_at_once_each_at_its_field() -> None:
    """Entry, v4 `cond`, a compound state, history, several targets and exit: once only the first was said,
    and removing it revealed the next."""
    found = _import({"initial": "a", "entry": ["boot"], "states": {
        "a": {"entry": ["log"], "exit": ["bye"], "on": {"GO": {"target": "b", "cond": "isOk"}}},
        "b": {"initial": "x", "states": {"x": {}}, "on": {"GO": "c"}},
        "c": {"type": "history"},
        "d": {"always": [{"target": ["a", "b"]}, {"target": "e", "actions": ["notify"],
                                                  "guard": "isOk"}]},
        "e": {"type": "final"}}})
    assert {code for code, _, _ in found} == {"unsupported-construct"}
    assert sorted(pointer for _, pointer, _ in found) == [
        "/entry", "/states/a/entry", "/states/a/exit", "/states/a/on/GO/cond", "/states/b/states",
        "/states/c/type", "/states/d/always/0/target", "/states/d/always/1/actions/0", "/states/d/always/1/guard"]


def test_a_machine_that_maps_keeps_only_its_warnings() -> None:
    config = {"initial": "a", "context": {"n": 0}, "states": {
        "a": {"on": {"GO": {"target": "e", "guard": {"type": "g", "params": {"expression": "n > 1"}}}}},
        "e": {"type": "final"}}}
    result = import_document("xstate", json.dumps(config), "ok")
    assert result.ok, result.findings
    assert [(f.code, f.pointer) for f in result.findings] == [("approximated", "/context")]
