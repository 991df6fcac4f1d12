"""The events a caller may `send` to an instance: its state's triggers, less those the runtime fires itself.

`Engine.send` refuses an event the runtime owns in the current kind of state (a task's `done`/`error`, an
approval's `approve`/`reject`/`timeout`, ...: `RUNTIME_EVENTS`), and an ended or stuck instance takes no events; so a
client offering only these never offers an event it will see refused for that reason.
"""

from __future__ import annotations

from engine.definition import Workflow
from engine.runtime.runtime_events import HELD_DECISIONS, RUNTIME_EVENTS
from engine.runtime.snapshot import HELD, STUCK, TERMINAL

__all__ = ["caller_events"]


def caller_events(workflow: Workflow, state_id: str, status: str) -> list[str]:
    """The triggers leaving `state_id` that a caller may send while the instance has `status`, sorted."""
    state = workflow.states.get(state_id)
    if state is None or status in TERMINAL or status == STUCK:
        return []
    owned = set(RUNTIME_EVENTS.get(state.type, frozenset()))
    if status == HELD:
        owned |= HELD_DECISIONS
    every_state = list(workflow.states)
    triggers = {
        t.trigger
        for t in workflow.transitions
        if t.trigger is not None and state_id in t.sources(every_state)
    }
    return sorted(triggers - owned)
