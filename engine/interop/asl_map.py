"""ASL `Map` → the fields of a Statewright map state: the list (`ItemsPath`), how many at once
(`MaxConcurrency`) and the failures tolerated (`ToleratedFailureCount` / `ToleratedFailurePercentage`).
The item processor itself is built by the importer like a Parallel branch, reading each item under `item`, or
under the names an `ItemSelector` gives the item (`$$.Map.Item.Value`) and its position (`$$.Map.Item.Index`).
A processor that only starts a nested execution with the item's input is a map over that workflow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from engine.definition.map_state import MAX_MAP_CONCURRENCY
from engine.interop.asl_map_export import ITEM_INDEX, ITEM_VALUE
from engine.interop.asl_paths import BadPath, cel_of_reference, parse_reference
from engine.interop.asl_resources import SUBFLOW_RESOURCE
from engine.interop.asl_values import cel_literal
from engine.interop.cel_subset import Path, render
from engine.interop.ids import to_identifier

__all__ = ["ITEM_ROOT", "MAP_FIELDS", "MapOptions", "MapRefused", "map_options", "processor_of", "selection",
           "subflow_of"]

_T = TypeVar("_T")

ITEM_ROOT = Path(("item",))  # inside the processor, ASL's `$` (the item) is the child's `item`
MAP_FIELDS = {"ItemsPath", "ItemProcessor", "Iterator", "MaxConcurrency", "ToleratedFailureCount",
              "ToleratedFailurePercentage", "ResultPath", "ResultSelector", "Retry", "Catch", "Label", "ItemSelector"}


class MapRefused(Exception):
    """A Map field without a counterpart: the construct, why, and where in the state."""

    def __init__(self, construct: str, why: str, *at: str) -> None:
        super().__init__(why)
        self.construct, self.why, self.at = construct, why, at


@dataclass
class MapOptions:
    body: dict[str, Any]
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # (construct, how, field)
    refusals: list[MapRefused] = field(default_factory=list)  # each field refused, not only the first


def processor_of(state: dict[str, Any]) -> Any:
    """The item processor: `ItemProcessor` (or the older `Iterator`), inline only."""
    processor = state.get("ItemProcessor", state.get("Iterator"))
    if processor is None:
        raise MapRefused("ItemProcessor", "a Map needs an ItemProcessor (or Iterator)", "Type")
    config = processor.get("ProcessorConfig", {}) if isinstance(processor, dict) else {}
    if isinstance(config, dict) and config.get("Mode", "INLINE") != "INLINE":
        raise MapRefused("distributed Map", "only an inline item processor has a counterpart",
                         "ItemProcessor", "ProcessorConfig")
    if isinstance(processor, dict):
        return {k: v for k, v in processor.items() if k != "ProcessorConfig"}
    return processor


def _items(state: dict[str, Any]) -> str:
    raw = state.get("ItemsPath", "$")
    try:
        path = parse_reference(raw)
    except BadPath as exc:
        raise MapRefused("ItemsPath", str(exc), "ItemsPath") from exc
    if not path.parts:
        raise MapRefused("Map ItemsPath '$'", "the whole input is not a list here; give ItemsPath '$.key' naming the "
                         "list", "ItemsPath")
    return render(path)


def _count(state: dict[str, Any], key: str, top: float) -> float | None:
    value = state.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= top:
        raise MapRefused(key, f"a number from 0 to {top:g} is required", key)
    return value


def _read(found: MapOptions, read: Callable[[], _T]) -> _T | None:
    """What `read` returns, or None when it refuses its field (the refusal kept)."""
    try:
        return read()
    except MapRefused as exc:
        found.refusals.append(exc)
        return None


def map_options(state: dict[str, Any]) -> MapOptions:
    """The map state's own fields (not its iterator, output or error path), each field refused by itself."""
    found = MapOptions({"type": "map"})
    items = _read(found, lambda: _items(state))
    if items is not None:
        found.body["items"] = items
    refused = len(found.refusals)
    concurrency = _read(found, lambda: _count(state, "MaxConcurrency", 10_000))
    if not concurrency or concurrency > MAX_MAP_CONCURRENCY:
        if len(found.refusals) == refused:  # not about a number refused
            found.warnings.append(("MaxConcurrency", f"ASL runs {concurrency or 'all the'} items at once; "
                                   f"Statewright runs at most {MAX_MAP_CONCURRENCY}", "MaxConcurrency"))
        concurrency = MAX_MAP_CONCURRENCY
    found.body["max_concurrency"] = int(concurrency)
    count = _read(found, lambda: _count(state, "ToleratedFailureCount", 10_000_000))
    share = _read(found, lambda: _count(state, "ToleratedFailurePercentage", 100))
    if count is not None and share is not None:
        found.refusals.append(MapRefused("ToleratedFailureCount and ToleratedFailurePercentage",
                                         "give one of the two", "ToleratedFailurePercentage"))
    if count is not None:
        found.body["tolerated_failures"] = int(count)
    if share is not None:
        found.body["tolerated_failure_percentage"] = share
    found.warnings.append(("Map results", "each item's result is the `result` of the final state its run ends in "
                           "(ASL collects each item's whole output): give those final states a `result`", "Type"))
    return found


def _item_read(value: str) -> str | None:
    """`$$.Map.Item.Value.email` → `item.email`; `$$.Map.Item.Index` → `index`; None for anything else."""
    if value == ITEM_INDEX:
        return "index"
    if value == ITEM_VALUE or value.startswith((ITEM_VALUE + ".", ITEM_VALUE + "[")):
        try:
            rest = parse_reference("$" + value[len(ITEM_VALUE):])
        except BadPath as exc:
            raise MapRefused("ItemSelector", str(exc), "ItemSelector") from exc
        return render(Path(("item", *rest.parts)))
    return None


def _template(value: Any) -> str:
    """A static part of the selector: nested objects may read paths in their `key.$` fields too."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{cel_literal(k.removesuffix('.$'))}: {_entry(k, v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_template(v) for v in value) + "]"
    return cel_literal(value)


def _entry(key: str, value: Any) -> str:
    if not key.endswith(".$"):
        return _template(value)
    if not isinstance(value, str):
        raise MapRefused("ItemSelector", f"the field '{key}' takes a path", "ItemSelector")
    read = _item_read(value)
    if read is not None:
        return read
    try:
        return cel_of_reference(value)
    except BadPath as exc:
        raise MapRefused("ItemSelector", str(exc), "ItemSelector") from exc


def selection(state: dict[str, Any]) -> tuple[dict[str, Any], Path | None]:
    """What each item's run starts with, and the root its processor's `$` reads from: without an ItemSelector
    the item itself (`item`); with one, the selected object, which is the item's context."""
    selector = state.get("ItemSelector")
    if selector is None:
        return {}, ITEM_ROOT
    if not isinstance(selector, dict) or not selector:
        raise MapRefused("ItemSelector", "an object of the fields each item's run starts with", "ItemSelector")
    mapping = {to_identifier(key.removesuffix(".$")): _entry(key, value) for key, value in selector.items()}
    item_keys = [k for k, v in mapping.items() if v == "item"]
    index_keys = [k for k, v in mapping.items() if v == "index"]
    if len(mapping) == 2 and len(item_keys) == 1 and len(index_keys) == 1:
        return {"item_key": item_keys[0], "index_key": index_keys[0]}, None
    return {"input": mapping}, None


def subflow_of(processor: Any) -> str | None:
    """The workflow a processor runs per item when all it does is start that state machine with the item's input."""
    states = processor.get("States") if isinstance(processor, dict) else None
    if not isinstance(states, dict) or len(states) != 1:
        return None
    (only,) = states.values()
    params = only.get("Parameters") if isinstance(only, dict) else None
    if not isinstance(params, dict) or only.get("Resource") != SUBFLOW_RESOURCE or only.get("End") is not True \
            or set(only) - {"Type", "Resource", "Parameters", "End", "Comment"} \
            or set(params) != {"StateMachineArn", "Input.$"} or params["Input.$"] != "$":
        return None
    arn = params["StateMachineArn"]
    return to_identifier(arn.rsplit(":stateMachine:", 1)[1]) if isinstance(arn, str) and ":stateMachine:" in arn \
        else None
