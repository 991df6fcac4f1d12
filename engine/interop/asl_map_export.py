"""A map state's own fields as an ASL `Map`: the list (`ItemsPath`), what each item's run starts with
(`ItemSelector`: the item and its position under the map's `item_key`/`index_key`, or the `input` mapping),
how many at once and the failures tolerated. The item processor itself is written like a Parallel branch."""

from __future__ import annotations

from typing import Any

from engine.definition import MapState
from engine.interop.asl_paths import reference_of
from engine.interop.asl_resources import SUBFLOW_RESOURCE, state_machine_arn
from engine.interop.asl_values import data_reference, template_entry
from engine.interop.cel_subset import OutsideSubset, Path, parse

__all__ = ["ITEM_INDEX", "ITEM_VALUE", "MapNotExpressible", "map_fields", "subflow_processor"]

ITEM_VALUE = "$$.Map.Item.Value"
ITEM_INDEX = "$$.Map.Item.Index"


class MapNotExpressible(Exception):
    """`at`: the map state's field at fault (`items`, `input`, a key)."""

    def __init__(self, construct: str, why: str, *at: str | int) -> None:
        super().__init__(why)
        self.construct, self.why, self.at = construct, why, at


def _items_path(state: MapState) -> str:
    try:
        node = parse(state.items)
    except OutsideSubset as exc:
        raise MapNotExpressible(f"items '{state.items}'", "ItemsPath is a path into the data", "items") from exc
    if not isinstance(node, Path) or not node.parts or node.parts[0] in ("instance", "event", "now", "memory"):
        raise MapNotExpressible(f"items '{state.items}'", "ItemsPath is a path into the data", "items")
    return reference_of(node)


def _selected(state: MapState, key: str, expression: str) -> tuple[str, Any]:
    """One entry of the item's input: the item (or a path into it), its index, a path into the map's data, a
    literal, or an object or list of them."""

    def reference(path: Path) -> str | None:
        if path.parts[:1] == (state.item_key,):
            return ITEM_VALUE + reference_of(Path(path.parts[1:]))[1:]
        if path.parts == (state.index_key,):
            return ITEM_INDEX
        return data_reference(path)

    try:
        return template_entry(key, expression, reference)
    except OutsideSubset as exc:
        raise MapNotExpressible(f"input '{key}'", str(exc), "input", key) from exc


def item_selector(state: MapState) -> dict[str, Any]:
    if not state.input:
        return {f"{state.item_key}.$": ITEM_VALUE, f"{state.index_key}.$": ITEM_INDEX}
    return dict(_selected(state, key, expression) for key, expression in state.input.items())


def map_fields(state: MapState) -> dict[str, Any]:
    """Everything of the Map but its ItemProcessor, Next and Catch."""
    body: dict[str, Any] = {"ItemsPath": _items_path(state), "ItemSelector": item_selector(state),
                            "MaxConcurrency": state.max_concurrency}
    if state.tolerated_failures is not None:
        body["ToleratedFailureCount"] = state.tolerated_failures
    if state.tolerated_failure_percentage is not None:
        body["ToleratedFailurePercentage"] = state.tolerated_failure_percentage
    body["ResultPath"] = f"$.{state.output}" if state.output else None
    return body


def subflow_processor(state: MapState) -> dict[str, Any]:
    """A map over a deployed workflow: each item starts a nested execution with the item's input."""
    assert state.workflow is not None
    run = {"Type": "Task", "Resource": SUBFLOW_RESOURCE,
           "Parameters": {"StateMachineArn": state_machine_arn(state.workflow), "Input.$": "$"}, "End": True}
    return {"StartAt": "Run", "States": {"Run": run}}
