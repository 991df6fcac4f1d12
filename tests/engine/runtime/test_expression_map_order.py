"""CEL maps have no order, and the CEL engine hands them back in a hash order seeded anew in every process. The
maps an expression builds or passes on come out with their keys sorted, so that every worker stores the same
text for the same values."""

from __future__ import annotations

from engine.definition.expressions import evaluate as cel_evaluate
from engine.runtime.variables import evaluate_json, evaluate_mapping

KEYS = ["kilo", "alpha", "juliet", "echo", "bravo", "india", "golf", "delta", "hotel", "charlie", "foxtrot", "lima"]
LITERAL = "{" + ", ".join(f"'{key}': {n}" for n, key in enumerate(KEYS)) + "}"


def test_a_map_built_by_an_expression_has_its_keys_sorted() -> None:
    built = cel_evaluate(LITERAL, {})
    assert list(built) == sorted(KEYS)
    assert built == {key: n for n, key in enumerate(KEYS)}


def test_maps_inside_lists_and_maps_are_sorted_too() -> None:
    built = evaluate_json(f"{{'outer': [{LITERAL}], 'b': {{'z': lead, 'a': 1}}}}", {"lead": {"y": 1, "x": 2}})
    assert list(built) == ["b", "outer"]
    assert list(built["outer"][0]) == sorted(KEYS)
    assert list(built["b"]) == ["a", "z"]
    assert list(built["b"]["z"]) == ["x", "y"]


def test_a_task_input_computed_by_cel_reads_the_same_each_time() -> None:
    scope = {"lead": {key: n for n, key in enumerate(KEYS)}}
    found = evaluate_mapping({"copy": "lead.filter(k, k != 'alpha').size() > 0 ? lead : {}"}, scope)
    assert list(found["copy"]) == sorted(KEYS)


def test_a_map_with_keys_of_several_types_is_ordered_by_type_then_key() -> None:
    assert list(cel_evaluate("{2: 'b', 'x': 'c', 1: 'a', 'a': 'd'}", {})) == [1, 2, "a", "x"]
