"""ASL `Map` → the fields of a Statewright map state: the list (`ItemsPath`), how many at once
(`MaxConcurrency`) and the failures tolerated (`ToleratedFailureCount` / `ToleratedFailurePercentage`).
The item processor itself is built by the importer like a Parallel branch, reading each item under `item`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.definition.map_state import MAX_MAP_CONCURRENCY
from engine.interop.asl_paths import BadPath, parse_reference
from engine.interop.cel_subset import Path, render

__all__ = ["ITEM_ROOT", "MAP_FIELDS", "MapOptions", "MapRefused", "map_options", "processor_of"]

ITEM_ROOT = Path(("item",))  # inside the processor, ASL's `$` (the item) is the child's `item`
MAP_FIELDS = {"ItemsPath", "ItemProcessor", "Iterator", "MaxConcurrency", "ToleratedFailureCount",
              "ToleratedFailurePercentage", "ResultPath", "ResultSelector", "Retry", "Catch", "Label"}


class MapRefused(Exception):
    """A Map field without a counterpart: the construct, why, and where in the state."""

    def __init__(self, construct: str, why: str, *at: str) -> None:
        super().__init__(why)
        self.construct, self.why, self.at = construct, why, at


@dataclass
class MapOptions:
    body: dict[str, Any]
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # (construct, how, field)


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


def map_options(state: dict[str, Any]) -> MapOptions:
    """The map state's own fields (not its iterator, output or error path)."""
    found = MapOptions({"type": "map", "items": _items(state)})
    concurrency = _count(state, "MaxConcurrency", 10_000)
    if not concurrency or concurrency > MAX_MAP_CONCURRENCY:
        found.warnings.append(("MaxConcurrency", f"ASL runs {concurrency or 'all the'} items at once; Statewright "
                               f"runs at most {MAX_MAP_CONCURRENCY}", "MaxConcurrency"))
        concurrency = MAX_MAP_CONCURRENCY
    found.body["max_concurrency"] = int(concurrency)
    count = _count(state, "ToleratedFailureCount", 10_000_000)
    share = _count(state, "ToleratedFailurePercentage", 100)
    if count is not None and share is not None:
        raise MapRefused("ToleratedFailureCount and ToleratedFailurePercentage", "give one of the two",
                         "ToleratedFailurePercentage")
    if count is not None:
        found.body["tolerated_failures"] = int(count)
    if share is not None:
        found.body["tolerated_failure_percentage"] = share
    found.warnings.append(("Map results", "each item's result is the `result` of the final state its run ends in "
                           "(ASL collects each item's whole output): give those final states a `result`", "Type"))
    return found
