"""What `statewright run` says about an instance it leaves behind — one that waits, or one a Ctrl-C left — so
that the user knows what it waits for and which command carries it on, instead of a bare `cool_off (running)`."""

from __future__ import annotations

import shlex

from engine.definition import ApprovalState, MapState, ParallelState, SubflowState, WaitState, Workflow
from engine.definition.expressions import ExpressionError, evaluate
from engine.read_models.waits import waits_of
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView

__all__ = ["interrupted_instance", "waiting_words"]


def _in(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86_400:.0f} d"


def waiting_words(engine: Engine, workflow: Workflow, view: InstanceView, db: str) -> str:
    """'waits in STATE for …; COMMAND carries it on' for an instance that has not ended."""
    state = workflow.states.get(view.state)
    waits = waits_of(engine, view)
    now = engine.clock.now()
    where = f"{view.id} waits in '{view.state}'"
    if waits.approval_pending:
        return (f"{where} for an approval: `statewright approvals --db {db}` lists it, `statewright approve "
                f"{view.id} --actor NAME --role ROLE --db {db}` decides it")
    if isinstance(state, WaitState) and state.event is not None:
        keyed = f" --correlation-key {_key(state.event.correlation, view)}" if state.event.correlation else ""
        return (f"{where} for the event '{state.event.type}': `statewright publish {state.event.type}{keyed} "
                f"--payload JSON --db {db}` sends it")
    if isinstance(state, SubflowState | ParallelState | MapState):
        return (f"{where} for its children: `statewright instances --parent {view.id} --db {db}` lists them, "
                f"`statewright worker --db {db}` carries them on")
    if waits.armed_timers:
        fire, due_at = min(waits.armed_timers, key=lambda timer: timer[1])
        return (f"{where} for a timer ('{fire}' due in {_in(due_at - now)}): `statewright worker --db {db}` fires "
                "it when it is due")
    if isinstance(state, ApprovalState):
        return f"{where} for an approval"
    events = ", ".join(waits.accepted_events)
    return (f"{where}" + (f" for one of: {events} (`statewright send {view.id} EVENT --db {db}`)" if events else "")
            + f"; `statewright worker --db {db}` runs what is due")


def _key(correlation: str, view: InstanceView) -> str:
    """The correlation key the wait expects, computed over the context as the engine did on entering it (KEY
    when it reads more than the context)."""
    try:
        value = evaluate(correlation, {**view.context, "context": view.context})
    except ExpressionError:
        return "KEY"
    return shlex.quote(str(value))


def interrupted_instance(engine: Engine, workflow: Workflow, since: float) -> InstanceView | None:
    """The instance of `workflow` this command started (the newest top-level one created since `since`, on the
    engine's clock), for a run interrupted before it could say."""
    newest = engine.list_instances(workflow_id=workflow.id, top_level_only=True, limit=1)
    return newest[0] if newest and newest[0].created_at >= since - 1 else None
