"""Whatever a file holds, loading it gives findings or a clean model, never an unhandled exception."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.validation.analysis import analyze
from engine.validation.catalog import Catalog
from engine.validation.checks import CODES
from engine.validation.findings import Finding, has_errors
from engine.validation.loader import Loaded, load_workflow

FIXTURES = Path(__file__).parent / "fixtures"
KEYS = ["id", "title", "initial", "states", "transitions", "type", "source", "dest", "trigger", "guard",
        "priority", "assign", "branches", "name", "action", "output", "input", "timeout", "approvers", "roles",
        "policies", "condition", "context", "properties", "result", "outcome", "join", "mode", "event",
        "duration", "workflow", "agent", "starts_on", "applies_at", "reason", "*"]
STATE_TYPES = ["task", "choice", "approval", "wait", "parallel", "subflow", "final", "nope"]
SCALARS = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
           | st.text(max_size=20) | st.sampled_from([*KEYS, *STATE_TYPES, "PT1H", "P", "a >", "x.y == 1"]))
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6),
    max_leaves=40,
)
KNOWN_CODES = set(CODES) | {"invalid-json", "schema", "duplicate-state", "duplicate-key"}
SEEDS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*/*.json"))
         if p.parent.name in ("clean", "defective")]


def rich_seed() -> dict[str, Any]:
    """A definition touching every state type, a branch, policies and start triggers."""
    document: dict[str, Any] = json.loads((FIXTURES / "clean" / "unknown-variable.json").read_text(encoding="utf-8"))
    document["states"]["fan"] = {"type": "parallel", "join": {"mode": "any"}, "branches": [
        {"name": "one", "initial": "w", "states": {"w": {"type": "wait", "event": {"type": "ping",
                                                                                  "correlation": "customer"}},
                                                   "f": {"type": "final"}},
         "transitions": [{"source": "w", "trigger": "done", "dest": "f", "assign": {"pinged": "true"}}]}]}
    document["states"]["ask"] = {"type": "approval", "approvers": {"users": ["ada"]}, "timeout": "PT1H",
                                 "request": {"a": "amount"}}
    document["states"]["child"] = {"type": "subflow", "workflow": "onboarding", "output": "account"}
    document["transitions"] += [
        {"source": "*", "trigger": "cancel", "dest": "rejected"},
        {"source": ["bill", "check"], "trigger": "escalate", "dest": "ask"},
        {"source": "ask", "trigger": "approve", "dest": "fan"}, {"source": "ask", "trigger": "reject", "dest": "child"},
        {"source": "fan", "trigger": "done", "dest": "approved"}, {"source": "child", "trigger": "done",
                                                                   "dest": "approved"},
    ]
    document["policies"] = [{"id": "cap", "condition": "amount > 1", "outcome": "deny", "reason": "No.",
                             "applies_at": ["start", "bill"]}]
    document["starts_on"] = [{"event": "placed", "condition": "event.x > 0", "context": {"amount": "event.x"}}]
    return document


SEEDS.append(rich_seed())


def assert_well_formed(loaded: Loaded[Any]) -> None:
    assert isinstance(loaded, Loaded)
    assert all(isinstance(f, Finding) and f.message for f in loaded.findings)
    assert {f.code for f in loaded.findings} <= KNOWN_CODES
    assert loaded.ok or loaded.findings, "a refused definition must say why"
    if loaded.model is None:
        assert has_errors(loaded.findings)
    else:
        analyze(loaded.model)  # anything that loads can be analysed too


def paths_in(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths_in(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths_in(value, (*prefix, index))
    return found


def parent_of(document: Any, path: tuple[Any, ...]) -> Any:
    for token in path[:-1]:
        document = document[token]
    return document


def mutate(document: dict[str, Any], data: st.DataObject) -> None:
    """One random change: delete or rename a key, change a value's type, drop a state, or retarget a
    transition (the last two keep the file valid JSON Schema-wise, so they reach the graph checks)."""
    kind = data.draw(st.sampled_from(["delete", "rename", "retype", "drop-state", "retarget", "retarget"]))
    states, transitions = document.get("states"), document.get("transitions")
    if kind == "drop-state" and isinstance(states, dict) and states:
        del states[data.draw(st.sampled_from(sorted(states)))]
        return
    if kind == "retarget" and isinstance(transitions, list) and transitions \
            and isinstance(transition := data.draw(st.sampled_from(transitions)), dict):
        names = [*(states if isinstance(states, dict) else {}), "nowhere", "approved"]
        transition[data.draw(st.sampled_from(["source", "dest"]))] = data.draw(
            st.sampled_from([*names, "*"]) | st.lists(st.sampled_from(names), min_size=1, max_size=3))
        return
    path = data.draw(st.sampled_from(paths_in(document)))
    parent = parent_of(document, path)
    if kind == "delete":
        del parent[path[-1]]
    elif kind == "rename" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(KEYS) | st.text(max_size=8))] = parent.pop(path[-1])
    else:
        parent[path[-1]] = data.draw(JSON)


@given(JSON)
@settings(max_examples=300, deadline=None)
def test_random_json_never_raises(document: Any) -> None:
    assert_well_formed(load_workflow(json.dumps(document)))
    if isinstance(document, dict):
        assert_well_formed(load_workflow(document))


@given(st.binary(max_size=200) | st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_random_bytes_and_text_never_raise(source: bytes | str) -> None:
    assert_well_formed(load_workflow(source))


@given(st.sampled_from(SEEDS), st.data())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_definitions_give_findings_or_a_clean_load(seed: dict[str, Any], data: st.DataObject) -> None:
    document = copy.deepcopy(seed)
    for _ in range(data.draw(st.integers(1, 4))):
        if paths_in(document):
            mutate(document, data)
    catalog = Catalog() if data.draw(st.booleans()) else None
    assert_well_formed(load_workflow(document, catalog))
    assert_well_formed(load_workflow(json.dumps(document), catalog))
