"""Running a workflow once, as `statewright run` does: start it, work until it ends or waits, and play an
example's events (approvals as an authorised approver, awaited events as published events, the rest sent)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.definition import Example, MapState, ParallelState, State, SubflowState, Workflow
from engine.definition.file_kind import definition_kind
from engine.errors import InvalidInput
from engine.runtime.deployments import parse_definition
from engine.runtime.engine import Engine
from engine.runtime.timers import fire_timer
from engine.runtime.views import InstanceView
from engine.runtime.worker import Worker
from storage.events import EventStore, EventWaitRecord
from storage.jobs import JobRecord, JobStore
from storage.statuses import ApprovalStatus, JobStatus
from storage.timers import TimerRecord, TimerStore
from storage.transaction import Transaction

__all__ = ["Driving", "drive", "find_example", "next_due", "pending_retries", "related_workflows"]


def find_example(workflow: Workflow, name: str) -> Example:
    for example in workflow.examples:
        if example.name == name:
            return example
    known = ", ".join(e.name for e in workflow.examples) or "none"
    raise InvalidInput(f"{workflow.id} has no example '{name}' (its examples: {known})")


def _subflows(states: dict[str, State]) -> set[str]:
    found: set[str] = set()
    for state in states.values():
        if isinstance(state, SubflowState):
            found.add(state.workflow)
        elif isinstance(state, ParallelState):
            for branch in state.branches:
                found |= _subflows(dict(branch.states))
        elif isinstance(state, MapState) and state.workflow:
            found.add(state.workflow)
        elif isinstance(state, MapState) and state.iterator is not None:
            found |= _subflows(dict(state.iterator.states))
    return found


def related_workflows(workflow: Workflow, folders: Iterable[Path]) -> list[Workflow]:
    """The workflows `workflow` runs as subflows (transitively), found among the workflow files in `folders`."""
    by_id: dict[str, Workflow] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            if definition_kind(path) == "agent":
                continue
            try:
                candidate = parse_definition(path)
            except Exception:  # noqa: BLE001, S112 - a file that is not a valid workflow is simply not a candidate
                continue
            by_id.setdefault(candidate.id, candidate)
    wanted, found = _subflows(dict(workflow.states)), {}
    while wanted:
        name = wanted.pop()
        if name in found or name == workflow.id or name not in by_id:
            continue
        found[name] = by_id[name]
        wanted |= _subflows(dict(by_id[name].states))
    return list(found.values())


def _family(engine: Engine, root: str) -> list[InstanceView]:
    """The instance and every descendant, root first."""
    found = [engine.get(root)]
    index = 0
    while index < len(found):
        found += engine.list_instances(parent_id=found[index].id, limit=1000)
        index += 1
    return found


@dataclass(frozen=True, slots=True)
class Driving:
    """Who does the work of a run, and when to stop it: `worker` (None: one of the run's own) runs the rounds,
    and once `stop` is set the run stops after the round in hand — its actions ended, their outcomes committed."""

    worker: Worker | None = None
    stop: threading.Event | None = None

    def work(self, engine: Engine, root: str) -> None:
        """Run what is due of the instance `root` and its descendants — their timers, and their action jobs with
        the inline work these lead to — until none is due now. Nothing of other instances: they may be a worker's,
        with handlers this process lacks (run here, such a job failed as `unknown_action`), or another run's."""
        if self.worker is None:
            raise ValueError("a run is driven by a worker (drive makes one)")
        while not self.stopped:
            now = engine.clock.now()
            jobs, timers = _open_work(engine, root)
            fired = sum(fire_timer(engine.runtime, timer) for timer in timers if timer.due_at <= now)
            due = [job.id for job in jobs if job.due_at <= now]
            ran = self.worker.execute(self.worker.claim_ready(due)) if due else 0
            if not fired and not ran:
                return

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()


def _open_work(engine: Engine, root: str) -> tuple[list[JobRecord], list[TimerRecord]]:
    """The ready action jobs and the armed timers of the instance `root` and its descendants not ended."""
    family = [v.id for v in _family(engine, root) if not v.ended]

    def read(tx: Transaction) -> tuple[list[JobRecord], list[TimerRecord]]:
        return ([j for j in JobStore(tx).for_instances(family) if j.status == JobStatus.READY],
                [t for t in TimerStore(tx).for_instances(family) if t.status == "armed"])

    return engine.runtime.read(read)


def settle(engine: Engine, instance_id: str, *, max_wait: float, deadlines: bool = True,
           driving: Driving = Driving()) -> InstanceView:
    """Work until the instance ends, or waits only for people or events, or for time past `max_wait` seconds
    from now: a retry, a wait state's timer or a deadline (an approval's or an awaited event's timeout) of the
    instance or its children due within `max_wait` is waited for, and run when due. With `deadlines` False
    (an example's events are still to play, and they answer before any deadline), deadlines are not waited
    for. An approval's escalation carries nothing on, so it is never waited for."""
    deadline = time.monotonic() + max_wait
    while True:
        driving.work(engine, instance_id)
        view = engine.get(instance_id)
        if driving.stopped:
            return view
        due = None if view.ended else next_due(engine, instance_id, deadlines=deadlines)
        if due is None:
            return view
        pause = due - engine.clock.now()
        if time.monotonic() + pause > deadline:
            return view
        engine.clock.sleep(max(pause, 0.01))


def next_due(engine: Engine, root: str, *, deadlines: bool = True) -> float | None:
    """When the next retry or timer that carries the instance `root` or one of its children on is due (None:
    none is armed): what `run` may wait for. Other instances in the database are not its concern."""
    jobs, timers = family_due(engine, root, deadlines=deadlines)
    return min((t for t in (jobs, timers) if t is not None), default=None)


def family_due(engine: Engine, root: str, *, deadlines: bool = True) -> tuple[float | None, float | None]:
    """When the next ready action job (a task to run, or its retry) and the next armed timer of the instance
    `root` or one of its children are due: each None when there is none."""
    fires = {"done", "timeout"} if deadlines else {"done"}
    jobs, timers = _open_work(engine, root)
    return (min((j.due_at for j in jobs), default=None),
            min((t.due_at for t in timers if t.fire in fires), default=None))


def pending_retries(engine: Engine, instance_id: str) -> list[tuple[str, int, float]]:
    """The retries the instance waits for: each action's name, the attempt to come and the seconds until it."""
    jobs = engine.runtime.read(lambda tx: JobStore(tx).for_instance(instance_id))
    now = engine.clock.now()
    return [(str(j.payload.get("action")), j.attempt, max(j.due_at - now, 0.0)) for j in jobs
            if j.kind == "action" and j.status == "ready" and j.attempt > 1]


def _waits(engine: Engine, instance_id: str) -> list[EventWaitRecord]:
    return engine.runtime.read(lambda tx: EventStore(tx).waits_for_instance(instance_id))


def _play(engine: Engine, root: str, event: str, payload: Any, actor: str | None) -> None:
    family = [v for v in _family(engine, root) if not v.ended]
    if event in ("approve", "reject"):
        for view in family:
            pending = [a for a in engine.approvals(view.id) if a.status == ApprovalStatus.PENDING]
            if pending:
                decide = engine.approve if event == "approve" else engine.reject
                decide(view.id, actor=actor or "example", roles=pending[0].roles or ["example"],
                       comment="played from an example")
                return
        raise InvalidInput(f"the example sends '{event}' but no approval is pending")
    for view in family:
        waiting = [w for w in _waits(engine, view.id) if w.status == "waiting" and w.event_type == event]
        if waiting:
            engine.publish(event, payload, correlation_key=waiting[0].correlation_key, tenant=view.tenant)
            return
    engine.send(root, event, payload, actor=actor)


def drive(engine: Engine, workflow_id: str, version: int, context: dict[str, Any], example: Example | None, *,
          max_wait: float = 30.0, driving: Driving = Driving(),
          started: Callable[[InstanceView], None] | None = None) -> InstanceView:
    """Start the workflow and run it; with an example, play its events in order (none once `driving` stopped).
    Only the instance and its descendants are worked on: other instances of the database are not its concern.
    `started` hears of the instance as soon as it is started (a command says its id before the work begins)."""
    if driving.worker is None:
        worker = engine.worker()
        try:
            return drive(engine, workflow_id, version, context, example, max_wait=max_wait,
                         driving=Driving(worker, driving.stop), started=started)
        finally:
            worker.close()
    view = engine.start(workflow_id, context, version=version, actor="cli")
    if started is not None:
        started(view)
    events = list(example.events) if example is not None else []
    view = settle(engine, view.id, max_wait=max_wait, deadlines=not events, driving=driving)
    for played, sent in enumerate(events, start=1):
        if view.ended or driving.stopped:
            break
        _play(engine, view.id, sent.event, sent.payload, sent.actor)
        view = settle(engine, view.id, max_wait=max_wait, deadlines=played == len(events), driving=driving)
    return view
