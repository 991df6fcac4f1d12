"""What `statewright run` (and `redrive`) says about an instance it leaves behind — one that waits, or one a
Ctrl-C left — so that the user knows what it waits for and which command carries it on, instead of a bare
`cool_off (running)`. A worker named is one that can run the flow's actions (`worker_hints`): with the handlers the
command was given, or asking for yours where an action is none the shipped flows run."""

from __future__ import annotations

import shlex

from engine.cli.worker_hints import actions_of, child_workflows, worker_command
from engine.definition import ApprovalState, MapState, ParallelState, SubflowState, WaitState, Workflow
from engine.definition.expressions import ExpressionError, evaluate
from engine.errors import DefinitionNotFound
from engine.read_models.waits import Waits, waits_of
from engine.runtime.engine import Engine
from engine.runtime.example_run import family_due
from engine.runtime.views import InstanceView

__all__ = ["deployed_workflow", "interrupted_instance", "waiting_words"]


def _in(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86_400:.0f} d"


def _past(seconds: float, max_wait: float | None) -> str:
    """'2 min', and ', past --max-wait 30 s' when the run would not wait that long."""
    past = max_wait is not None and seconds > max_wait
    return _in(seconds) + (f", past --max-wait {max_wait:g} s" if past else "")


def waiting_words(engine: Engine, workflow: Workflow, view: InstanceView, db: str, *,
                  max_wait: float | None = None) -> str:
    """'waits in STATE for …; COMMAND carries it on' for an instance that has not ended (`max_wait`: the
    --max-wait of the run that left it, named beside a timer due after it)."""
    state = workflow.states.get(view.state)
    waits = waits_of(engine, view)
    now = engine.clock.now()
    where = f"{view.id} waits in '{view.state}'"
    in_hand = _in_hand(engine, waits, view, where, db)
    if in_hand is not None:
        return in_hand
    worker = worker_command(engine, db, family_actions(engine, workflow))  # what comes next may run any of them
    if isinstance(state, WaitState) and state.event is not None:
        keyed = f" --correlation-key {_key(state.event.correlation, view)}" if state.event.correlation else ""
        return (f"{where} for the event '{state.event.type}': `statewright publish {state.event.type}{keyed} "
                f"--payload JSON --db {db}` sends it")
    if isinstance(state, SubflowState | ParallelState | MapState):
        return (f"{where} for its children{_childrens_next(engine, view, now, max_wait)}: `statewright instances "
                f"--parent {view.id} --db {db}` lists them, {worker.command} carries them on{worker.note}")
    if waits.armed_timers:
        fire, due_at = min(waits.armed_timers, key=lambda timer: timer[1])
        return (f"{where} for a timer ('{fire}' due in {_past(due_at - now, max_wait)}): {worker.command} fires "
                f"it when it is due{worker.note}")
    if isinstance(state, ApprovalState):
        return f"{where} for an approval"
    events = ", ".join(waits.accepted_events)
    return (f"{where}" + (f" for one of: {events} (`statewright send {view.id} EVENT --db {db}`)" if events else "")
            + f"; {worker.command} runs what is due{worker.note}")


def _childrens_next(engine: Engine, view: InstanceView, now: float, max_wait: float | None) -> str:
    """What comes next among an instance's children: actions ready to run now, a retry or a timer due later."""
    job, timer = family_due(engine, view.id)
    if job is not None and job <= now:
        return " (actions among them are ready to run now)"
    if timer is not None and (job is None or timer <= job):
        return f" (the next timer among them is due in {_past(timer - now, max_wait)})"
    if job is not None:
        return f" (the next retry among them is due in {_past(job - now, max_wait)})"
    return ""


def _in_hand(engine: Engine, waits: Waits, view: InstanceView, where: str, db: str) -> str | None:
    """What a person or a worker is to do now: decide a pending approval, or run the actions queued (a task
    entered, or redriven) — by a worker that has their handlers; None when the instance waits for neither."""
    if waits.approval_pending:
        return (f"{where} for an approval: `statewright approvals --db {db}` lists it, `statewright approve "
                f"{view.id} --actor NAME --role ROLE --db {db}` decides it")
    if waits.queued_actions:
        actions = " and ".join(f"'{action}'" for action in dict.fromkeys(waits.queued_actions))
        worker = worker_command(engine, db, waits.queued_actions)
        return f"{where} for a worker to run {actions}: {worker.command} carries it on{worker.note}"
    return None


def family_actions(engine: Engine, workflow: Workflow) -> list[str]:
    """The actions the workflow's tasks run and those of the deployed workflows its subflows and maps start, theirs
    in turn included: a worker carrying the instance on runs its children's tasks too. A child workflow not
    deployed (its instance fails at once, `not_deployed`) adds none."""
    found: list[str] = []
    seen: set[tuple[str, int | None]] = set()
    todo = [workflow]
    while todo:
        current = todo.pop()
        found.extend(actions_of(current))
        for child in child_workflows(current):
            if child in seen:
                continue
            seen.add(child)
            try:
                todo.append(_deployed(engine, *child))
            except DefinitionNotFound:
                continue
    return list(dict.fromkeys(found))


def _deployed(engine: Engine, workflow_id: str, version: int | None) -> Workflow:
    return engine.runtime.read(lambda tx: engine.runtime.deployments.compiled(tx, workflow_id, version).workflow)


def deployed_workflow(engine: Engine, view: InstanceView) -> Workflow:
    """The workflow `view` runs, as deployed: what `waiting_words` reads for an instance a command did not start
    from a file (`redrive`)."""
    return engine.runtime.read(
        lambda tx: engine.runtime.deployments.compiled(tx, view.workflow_id, view.workflow_version).workflow)


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
