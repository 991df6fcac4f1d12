"""Exports grow with the flow, not with its square: each state's outgoing transitions come from an index of the
transitions by source, built once per machine, rather than from a scan of every transition for every state."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definition import Transition, Workflow
from engine.interop import EXPORT_FORMATS, export_workflow
from engine.interop.machine_view import MachineView


def _chain(length: int) -> Workflow:
    states: dict[str, Any] = {f"t{i}": {"type": "task", "action": f"step_{i}", "output": f"r{i}"}
                              for i in range(length)}
    states["ok"] = {"type": "final", "outcome": "success"}
    transitions = [{"source": f"t{i}", "trigger": "done", "dest": f"t{i + 1}" if i + 1 < length else "ok"}
                   for i in range(length)]
    return Workflow.model_validate({"id": "chain", "title": "Chain", "initial": "t0", "states": states,
                                    "transitions": transitions})


def _source_lookups(monkeypatch: pytest.MonkeyPatch, fmt: str, length: int) -> int:
    calls = 0
    original = Transition.sources

    def counted(self: Transition, all_states: list[str]) -> list[str]:
        nonlocal calls
        calls += 1
        return original(self, all_states)

    with monkeypatch.context() as patched:
        patched.setattr(Transition, "sources", counted)
        export_workflow(fmt, _chain(length))
    return calls


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_reads_each_transition_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    small, large = (_source_lookups(monkeypatch, fmt, n) for n in (100, 400))
    assert large <= 4 * small + 10, (small, large)  # a scan per state would be 16 times as many
    assert large <= 2 * 401  # once per transition, with a little slack


def test_outgoing_keeps_priority_then_file_order_and_any_source_last_among_equals() -> None:
    flow = Workflow.model_validate({
        "id": "f", "title": "F", "initial": "a",
        "states": {"a": {"type": "wait", "event": {"type": "go"}}, "b": {"type": "wait", "event": {"type": "go"}},
                   "end": {"type": "final", "outcome": "success"}},
        "transitions": [
            {"source": "*", "trigger": "cancel", "dest": "end"},
            {"source": "a", "trigger": "done", "dest": "b"},
            {"source": ["a", "b"], "trigger": "cancel", "dest": "end", "priority": 1},
            {"source": "b", "trigger": "done", "dest": "end"},
            {"source": "a", "trigger": "cancel", "dest": "b"},
        ]})
    view = MachineView(flow.states, flow.transitions)
    around = view.outgoing("a")
    assert [t.dest for t in around["cancel"]] == ["end", "end", "b"]
    assert [t.source for t in around["cancel"]] == [["a", "b"], "*", "a"]
    assert [t.dest for t in view.outgoing("a", include_any=False)["cancel"]] == ["end", "b"]
    assert view.outgoing("end") == {}
    assert [t.dest for t in view.outgoing("b")["done"]] == ["end"]
