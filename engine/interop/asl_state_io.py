"""What an ASL state reads and where it writes: `InputPath` (a prefix of every path the state reads),
`OutputPath` (only `$`: every state shares the context), `ResultPath` (the key its result is stored under),
`ResultSelector`, and payload templates (`Parameters`) read field by field, so each field that cannot be
imported is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.interop.asl_machine import Machine, Where
from engine.interop.asl_paths import BadPath, parse_reference
from engine.interop.asl_values import Refused, cel_of_template, mapping_of_template
from engine.interop.cel_subset import Path
from engine.interop.ids import to_identifier

__all__ = ["check_output_path", "input_prefix", "mapping", "result_key", "result_target", "template"]


def input_prefix(m: Machine, name: str, state: dict[str, Any]) -> Path | None:
    """The path every path the state reads lies under (None: the context itself, or an InputPath refused)."""
    raw = state.get("InputPath", "$")
    if raw is None:
        m.refuse(name, "InputPath null", "a state that reads nothing has no Statewright counterpart", "InputPath")
        return None
    try:
        prefix = parse_reference(raw)
    except BadPath as exc:
        m.refuse(name, "InputPath", str(exc), "InputPath")
        return None
    if m.root is not None:
        prefix = Path((*m.root.parts, *prefix.parts))
    return prefix if prefix.parts else None


def check_output_path(m: Machine, name: str, state: dict[str, Any]) -> None:
    if state.get("OutputPath", "$") != "$":
        m.refuse(name, "OutputPath", "the context is shared by every state; narrowing what the next state sees has "
                 "no Statewright counterpart", "OutputPath")


def result_key(m: Machine, name: str, state: dict[str, Any], sid: str, what: str) -> str | None:
    """Where a result goes: `$.key` → key; null → discarded; `$` (the default) → the state's own key. None too
    when the ResultPath is refused."""
    if "ResultPath" in state and state["ResultPath"] is None:
        return None
    raw = state.get("ResultPath", "$")
    try:
        path = parse_reference(raw)
    except BadPath as exc:
        m.refuse(name, "ResultPath", str(exc), "ResultPath")
        return None
    if not path.parts:
        m.warn(name, "ResultPath '$'", f"ASL replaces the state's data with the {what}; Statewright keeps the "
               f"context and stores the {what} under '{sid}' (paths that read it later need the '{sid}.' prefix)",
               "ResultPath")
        return sid
    if not all(isinstance(part, str) for part in path.parts):
        m.refuse(name, "ResultPath", f"'{raw}' indexes a list; results are stored under object keys", "ResultPath")
        return None
    given = ".".join(map(str, path.parts))
    key = ".".join(to_identifier(str(part)) for part in path.parts)
    if key != given:
        m.warn(name, "ResultPath", f"the key '{given}' is stored as '{key}'", "ResultPath")
    return key


def result_target(m: Machine, name: str, sid: str, state: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """(output key, assignment on done): a ResultSelector becomes an assignment computed from the result."""
    key = result_key(m, name, state, sid, "result")
    selector = state.get("ResultSelector")
    if selector is None:
        return key, {}
    value = template(m, name, selector, ("ResultSelector",), result_root="event")
    return None, ({key: value} if key and value is not None else {})


def _fields_refused(m: Machine, name: str, value: Any, at: Where, convert: Callable[[Any], object]) -> bool:
    """Whether some field of the template `value` (at `at` in the state) cannot be converted: each such field is
    refused at itself (a template that is not an object, as a whole)."""
    construct = ".".join(map(str, at))
    parts = [((key,), {key: item}) for key, item in value.items()] if isinstance(value, dict) else [((), value)]
    refused = False
    for below, part in parts:
        try:
            convert(part)
        except Refused as exc:
            m.refuse(name, f"{construct} '{below[0]}'" if below else construct, str(exc), *at, *below)
            refused = True
    return refused


def mapping(m: Machine, name: str, value: Any, at: Where, *, prefix: Path | None = None,
            token: str | None = None) -> dict[str, str] | None:
    """Task `Parameters` (at `at` in the state) as an input mapping; None when a field is refused."""
    def convert(part: Any) -> object:
        return mapping_of_template(part, prefix, token)
    if _fields_refused(m, name, value, at, convert):
        return None
    return mapping_of_template(value, prefix, token)


def template(m: Machine, name: str, value: Any, at: Where, *, prefix: Path | None = None,
             result_root: str | None = None) -> str | None:
    """A payload template (at `at` in the state) as one CEL value; None when a field is refused."""
    def convert(part: Any) -> object:
        return cel_of_template(part, prefix, result_root)
    if _fields_refused(m, name, value, at, convert):
        return None
    return cel_of_template(value, prefix, result_root)
