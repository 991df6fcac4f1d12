"""`action-input-mismatch`: a task's `input` against the JSON Schema its action's handler was registered with
(`HandlerRegistry.register(..., input_schema=...)`), when the catalog knows it — the handlers registered in the
process that validates (`statewright validate --handlers`, the designer's server, `Engine.deploy`).

Three things are certain before any instance runs: a key the schema requires that the task's `input` does not
give (a task with no `input` gives none: the handler gets `{}`), a key the schema does not allow
(`additionalProperties: false`), and a constant (`"3"`, `"'fast'"`) that does not fit the key's schema. Each would
fail the task at run time with kind `validation`, before the handler is called."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from engine.definition import TaskState
from engine.json_schemas import compile_schema
from engine.validation.catalog import Catalog
from engine.validation.checks._report import error
from engine.validation.checks.constants import constant_of
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_action_input_mismatches"]

CODE = "action-input-mismatch"


def find_action_input_mismatches(all_machines: list[Machine], catalog: Catalog) -> list[Finding]:
    """Every task whose action has a known input schema, checked against it."""
    if not catalog.action_inputs:
        return []
    found: list[Finding] = []
    for machine in all_machines:
        for sid, state in machine.states.items():
            if isinstance(state, TaskState) and (schema := catalog.action_inputs.get(state.action)) is not None:
                found += _mismatches(machine, sid, state, schema)
    return found


def _mismatches(machine: Machine, sid: str, state: TaskState, schema: dict[str, Any]) -> list[Finding]:
    given = state.input or {}
    found: list[Finding] = []
    required = schema.get("required")
    missing = [k for k in required if isinstance(k, str) and k not in given] if isinstance(required, list) else []
    if missing:
        names = " or ".join([", ".join(f"'{k}'" for k in missing[:-1]), f"'{missing[-1]}'"] if len(missing) > 1
                            else [f"'{missing[0]}'"])
        example = f'"{missing[0]}": "{missing[0]}"'
        message = (f"Task '{sid}' gives the action '{state.action}' no {names}, which its handler requires (the "
                   f"input schema it was registered with); add {'it' if len(missing) == 1 else 'each'} to the "
                   f"task's `input` as a CEL expression ({example} passes the context's). An instance would "
                   "fail here with kind validation.")
        where = machine.state_pointer(sid, "input") if given else machine.state_pointer(sid)
        found.append(error(CODE, message, where, states=(sid,)))
    declared = schema.get("properties")
    properties: dict[str, Any] = declared if isinstance(declared, dict) else {}
    for key, source in given.items():
        if schema.get("additionalProperties") is False and key not in properties:
            allowed = ", ".join(f"'{k}'" for k in properties) or "none"
            message = (f"The action '{state.action}' takes no input '{key}': the input schema its handler was "
                       f"registered with allows only {allowed}. An instance would fail here with kind validation.")
            found.append(error(CODE, message, machine.state_pointer(sid, "input", key), states=(sid,)))
            continue
        constant = constant_of(source)
        if key not in properties or constant is None or constant.error is not None:
            continue
        problems = _constant_problems(json.dumps(schema, sort_keys=True), key, constant.value)
        if problems:
            message = (f"The input '{key}' of task '{sid}' is always {json.dumps(constant.value)}, which does not fit "
                       f"the input schema of the action '{state.action}': {'; '.join(problems)}. An instance would "
                       "fail here with kind validation.")
            found.append(error(CODE, message, machine.state_pointer(sid, "input", key), states=(sid,)))
    return found


def _constant_problems(schema_text: str, key: str, value: Any) -> list[str]:
    """Why `{key: value}` breaks the schema at `key` (the schema's other requirements set aside)."""
    validator = _lenient(schema_text)
    if validator is None:
        return []
    return [error.message for error in validator.iter_errors({key: value})
            if list(error.instance_path)[:1] == [key]][:3]


@lru_cache(maxsize=256)
def _lenient(schema_text: str) -> Any:
    """The schema with nothing required, compiled (None if it does not compile: it was checked when registered)."""
    schema = json.loads(schema_text)
    schema.pop("required", None)
    try:
        return compile_schema(schema)
    except Exception:  # noqa: BLE001 - jsonschema_rs's own errors
        return None
