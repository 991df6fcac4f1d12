"""Writing a decision: in the caller's transaction, the instance row (guarded by its version), one history row
per step, and the outbox the effects ask for — jobs, timers, event waits, approvals, child instances.

Every write of a transition goes through here, so the runtime contract's first point holds in one place:
a transition is the instance update, its history and its outbox, committed together or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import partial
from typing import Any, cast

from engine import tracing
from engine.definition import Agent, RetryRule
from engine.definition.lifecycle_events import APPROVAL_NEEDED
from engine.errors import DefinitionNotFound, InvalidInput
from engine.runtime.agents import AgentDeployments
from engine.runtime.approval_notices import announce_approval
from engine.runtime.budget_view import budget_variable, remaining_budget
from engine.runtime.context_schema import check_context
from engine.runtime.decide import Decision, Step, decide, start
from engine.runtime.deployments import Deployments
from engine.runtime.effects import (
    ArmTimer,
    AwaitEvent,
    ClearWaits,
    Effect,
    KeepMapList,
    RequestApproval,
    RunAction,
    StartChild,
)
from engine.runtime.job_payloads import ActionPayload, ChildDonePayload, JobKind, child_done_key
from engine.runtime.kept_events import offer_kept_event
from engine.runtime.lifecycle import LifecycleEvents
from engine.runtime.machines import CompiledWorkflow, GuardEvaluation
from engine.runtime.memory import memory_variable
from engine.runtime.snapshot import (
    CANCEL,
    CARRIED,
    FAILED,
    HELD,
    NO_AGENTS,
    REDRIVE,
    RUNNING,
    START,
    STUCK,
    SUCCEEDED,
    TERMINAL,
    AgentLookup,
    Environment,
    Event,
    Snapshot,
)
from storage.approvals import ApprovalRecord, ApprovalStore
from storage.codec import dump
from storage.events import EventStore
from storage.history import HistoryRow, HistoryStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.map_lists import MapListStore
from storage.statuses import ApprovalStatus
from storage.timers import TimerStore
from storage.transaction import Transaction

__all__ = ["MAX_NESTING", "NOT_STARTED", "DecisionWriter", "action_job_key", "new_instance_id", "snapshot_of"]

MAX_NESTING = 32
"""Instances one below another at most (subflows, branches, items): a subflow that would start deeper fails as it
starts (kind `too_deep`) — a workflow that starts itself, or two that start each other, would otherwise start
children without end (in one transaction, till Python's recursion limit; or through the worker, for ever)."""

NOT_STARTED = "(not started)"


def new_instance_id(now: float) -> str:
    """32 hex digits, time-ordered: milliseconds then 80 random bits."""
    return f"{int(now * 1000):012x}{secrets.token_hex(10)}"


def action_job_key(instance_id: str, seq: int) -> str:
    """The idempotency key of the action job the transition `seq` of an instance started (`instance_id:seq`)."""
    return f"{instance_id}:{seq}"


def snapshot_of(instance: InstanceRecord) -> Snapshot:
    return Snapshot(instance.state, instance.context, instance.status, instance.result, instance.error)


class DecisionWriter:
    def __init__(self, deployments: Deployments, lifecycle: LifecycleEvents | None = None) -> None:
        self.deployments = deployments
        self.lifecycle = lifecycle or LifecycleEvents()  # which lifecycle events the commits publish
        self._depths: dict[str, int] = {}  # instances' depths below their first parent (`_depth`)

    # --- reading what a decision needs ----------------------------------------------------------------
    def compiled_for(self, tx: Transaction, instance: InstanceRecord) -> CompiledWorkflow:
        return self.deployments.compiled(tx, instance.workflow_id, instance.workflow_version, instance.branch)

    def environment(self, tx: Transaction, compiled: CompiledWorkflow, instance: InstanceRecord,
                    now: float) -> Environment:
        about = {"id": instance.id, "workflow": instance.workflow_id, "version": instance.workflow_version,
                 "tenant": instance.tenant}
        budget = budget_variable(tx, instance.tenant, now) if compiled.reads_budget else None
        memory = memory_variable(tx, instance, now, compiled.memory_namespaces) if compiled.reads_memory else {}
        agents: AgentLookup = NO_AGENTS
        if compiled.agent_ids:  # looked up lazily: only a decision entering an agent's task reads them
            agents = _AgentsInForce(self.deployments.agents, tx, compiled.agent_ids, tenant=instance.tenant, now=now,
                                    budget=budget)
        return Environment(now, about, budget, memory, agents=agents)

    # --- new instances --------------------------------------------------------------------------------
    def create(self, tx: Transaction, compiled: CompiledWorkflow, context: dict[str, Any], *, tenant: str,
               now: float, actor: str | None = None, parent: InstanceRecord | None = None,
               parent_seq: int | None = None, branch: str | None = None, payload: Any = None) -> InstanceRecord:
        """Insert a new instance and commit its first decision (entering the initial state). `branch` names a
        map item's child (its compiled branch with `#index`); `payload` is its start's (what started it: a
        schedule's fire time)."""
        workflow = compiled.workflow
        blank = _blank(workflow.id, workflow.version, compiled.branch if branch is None else branch,
                       workflow.initial, tenant=tenant, now=now, parent=parent, parent_seq=parent_seq)
        first = partial(self._enter_initial, tx, compiled, blank, context, now=now, actor=actor, payload=payload)
        if not tracing.tracing_enabled():  # the start path pays one check, not a span's set-up
            return first()
        with tracing.span("statewright.transition", {
            "statewright.instance_id": blank.id, "statewright.workflow_id": workflow.id,
            "statewright.workflow_version": workflow.version, "statewright.event": "(start)",
        }) as opened:
            created = first()
            if opened is not None:
                opened.set_attributes({"statewright.to_state": created.state, "statewright.status": created.status,
                                       "statewright.seq": created.version})
            return created

    def _enter_initial(self, tx: Transaction, compiled: CompiledWorkflow, blank: InstanceRecord,
                       context: dict[str, Any], *, now: float, actor: str | None, payload: Any) -> InstanceRecord:
        decision = start(compiled, context, self.environment(tx, compiled, blank, now), actor=actor, payload=payload)
        return self.commit(tx, blank, decision, now=now, new=True)

    def create_failed(self, tx: Transaction, effect: StartChild, failure: dict[str, Any], *, parent: InstanceRecord,
                      parent_seq: int, now: float) -> InstanceRecord:
        """A child that cannot run at all (its workflow is not deployed): created failed, so its parent hears."""
        blank = _blank(effect.workflow_id, effect.version or 0, effect.branch, NOT_STARTED, tenant=parent.tenant,
                       now=now, parent=parent, parent_seq=parent_seq)
        step = Step(None, NOT_STARTED, START, None, None, None, (), dict(effect.context), FAILED, (), (), failure)
        decision = Decision(Snapshot(NOT_STARTED, dict(effect.context), FAILED, None, failure), (step,))
        return self.commit(tx, blank, decision, now=now, new=True)

    def create_carried(self, tx: Transaction, effect: StartChild, earlier: InstanceRecord, *,
                       parent: InstanceRecord, parent_seq: int, now: float) -> InstanceRecord:
        """A redriven map's item, or parallel branch, that succeeded in the visit redriven: created as it ended
        then (its final state, context and result), one `(carried)` step naming the child it carries over; nothing
        runs, and its parent hears of its end as of any child's."""
        blank = _blank(earlier.workflow_id, earlier.workflow_version, effect.branch, NOT_STARTED, tenant=parent.tenant,
                       now=now, parent=parent, parent_seq=parent_seq)
        carried = {"carried_from": earlier.id, "visit": earlier.parent_seq, "input": effect.context}
        step = Step(None, earlier.state, CARRIED, None, carried, None, (), dict(earlier.context), SUCCEEDED, (), ())
        decision = Decision(Snapshot(earlier.state, dict(earlier.context), SUCCEEDED, earlier.result, None), (step,))
        return self.commit(tx, blank, decision, now=now, new=True)

    # --- committing a decision ------------------------------------------------------------------------
    def commit(self, tx: Transaction, before: InstanceRecord, decision: Decision, *, now: float,
               cost: float | None = None, new: bool = False) -> InstanceRecord:
        """Write `decision` onto `before`. The instance update is guarded by `before.version`: if the instance
        moved on meanwhile, the transaction fails when its writes are sent (`Runtime.write` turns that into a
        `ConcurrencyConflict` and, unless told not to, runs the work again on fresh data). `new`: `before` is an
        instance not stored yet (version 0, its first decision), inserted as the decision leaves it — before
        the children its effects start."""
        snapshot = decision.snapshot
        after = InstanceRecord(  # spelt out: dataclasses.replace costs more than the rest of this line
            before.id, before.workflow_id, before.workflow_version, before.branch, before.tenant, snapshot.state,
            snapshot.status, snapshot.context, snapshot.result, snapshot.error, before.version + len(decision.steps),
            before.parent_id, before.parent_seq, before.created_at, now,
        )
        if new:
            InstanceStore(tx).insert(after, defer=True)
        else:
            InstanceStore(tx).update(  # deferred: a changed version fails the transaction when it is sent
                before.id, before.version, state=after.state, status=after.status, context=after.context,
                result=after.result, error=after.error, version=after.version, updated_at=now,
                stored_status=before.status, stored_context=before.context, defer=True, row=after,
            )
        HistoryStore(tx).append_rows(_history(before, decision, now, cost))
        wanted = self.lifecycle.wanted(tx)
        if wanted:
            self.lifecycle.publish(tx, decision, wanted=wanted, states=lambda: self.compiled_for(tx, before).states,
                                   before=before, after=after, now=now, cost=cost)
        seq = before.version
        leaving_wait = False  # the event wait of the state left: re-armed if the decision enters another
        for step in decision.steps:
            seq += 1
            for effect in step.effects:
                if isinstance(effect, ClearWaits) and effect.event_waits:
                    leaving_wait = True
                    self._clear(tx, after, effect, now, event_waits=False)
                elif isinstance(effect, AwaitEvent) and leaving_wait:
                    leaving_wait = False
                    EventStore(tx).rearm(instance_id=after.id, seq=seq, tenant=after.tenant,
                                         event_type=effect.event_type, correlation_key=effect.correlation_key)
                    offer_kept_event(tx, instance_id=after.id, tenant=after.tenant, seq=seq, effect=effect, now=now)
                else:
                    self._apply(tx, after, seq, effect, now, wanted=wanted)
        if leaving_wait:
            EventStore(tx).cancel_waits(after.id)
        if after.parent_id is not None and after.status in TERMINAL and before.status not in TERMINAL:
            done: ChildDonePayload = {"child_id": after.id}
            JobStore(tx).enqueue(kind=JobKind.CHILD_DONE, key=child_done_key(after.id), payload=done,
                                 due_at=now, now=now, instance_id=after.parent_id, defer=True)
        return after

    def cancel(self, tx: Transaction, instance: InstanceRecord, *, now: float, actor: str | None) -> InstanceRecord:
        compiled = self.compiled_for(tx, instance)
        event = Event(CANCEL, None, actor)
        decision = decide(compiled, snapshot_of(instance), event, self.environment(tx, compiled, instance, now))
        return self.commit(tx, instance, decision, now=now)

    # --- effects --------------------------------------------------------------------------------------
    def _apply(self, tx: Transaction, instance: InstanceRecord, seq: int, effect: Effect, now: float, *,
               wanted: frozenset[str]) -> None:
        if isinstance(effect, RunAction):
            own: dict[str, Any] = {"seq": seq, "input": effect.input}
            trace = tracing.current_carrier()
            if trace is not None:  # the worker's spans for this task join the trace that started it
                own["trace"] = trace
            if effect.idempotency_key is not None:
                own["idempotency_key"] = effect.idempotency_key
            task, text = _task_fields(effect)
            payload = cast("ActionPayload", {**own, **task})
            JobStore(tx).enqueue(kind=JobKind.ACTION, key=action_job_key(instance.id, seq), payload=payload,
                                 text=lambda: f"{dump(own)[:-1]},{text}", due_at=now, now=now,
                                 instance_id=instance.id, defer=True)  # encoded if sent: a fold may take it
        elif isinstance(effect, ArmTimer):
            TimerStore(tx).arm(instance_id=instance.id, seq=seq, fire=effect.fire, due_at=effect.due_at)
        elif isinstance(effect, AwaitEvent):
            EventStore(tx).await_event(instance_id=instance.id, seq=seq, tenant=instance.tenant,
                                       event_type=effect.event_type, correlation_key=effect.correlation_key)
            offer_kept_event(tx, instance_id=instance.id, tenant=instance.tenant, seq=seq, effect=effect, now=now)
        elif isinstance(effect, RequestApproval):
            approval_id = self._request_approval(tx, instance, seq, effect, now)
            if APPROVAL_NEEDED in wanted:
                self.lifecycle.approval_needed(tx, instance, effect, seq=seq, approval_id=approval_id, now=now)
        elif isinstance(effect, StartChild):
            self._start_child(tx, instance, seq, effect, now)
        elif isinstance(effect, KeepMapList):
            MapListStore(tx).keep(instance.id, seq, effect.items, reuses=effect.reuses, now=now)
        elif isinstance(effect, ClearWaits):
            self._clear(tx, instance, effect, now)

    @staticmethod
    def _request_approval(tx: Transaction, instance: InstanceRecord, seq: int, effect: RequestApproval,
                          now: float) -> int:
        record = ApprovalRecord(
            id=None, instance_id=instance.id, seq=seq, tenant=instance.tenant, workflow_id=instance.workflow_id,
            state=effect.state, kind=effect.kind, policy_id=effect.policy_id, quorum=effect.quorum,
            request=effect.request, status=ApprovalStatus.PENDING, due_at=effect.due_at, created_at=now,
        )
        assignees = [("user", u) for u in effect.users] + [("role", r) for r in effect.roles]
        approval_id = ApprovalStore(tx).open(record, assignees)
        announce_approval(tx, record, approval_id, "requested", now)
        return approval_id

    def _start_child(self, tx: Transaction, parent: InstanceRecord, seq: int, effect: StartChild,
                     now: float) -> None:
        seq = seq if effect.parent_seq is None else effect.parent_seq
        if effect.reuse_from is not None:
            earlier = _succeeded_items(tx, parent.id, effect.reuse_from).get(effect.branch)
            if earlier is not None and _started_with(tx, earlier) == effect.context:
                self.create_carried(tx, effect, earlier, parent=parent, parent_seq=seq, now=now)
                return
        if effect.kind == "branch":
            compiled = self.deployments.compiled(tx, parent.workflow_id, parent.workflow_version, effect.branch)
            self.create(tx, compiled, effect.context, tenant=parent.tenant, now=now, parent=parent, parent_seq=seq,
                        branch=effect.branch)
            return
        if self._depth(tx, parent) >= MAX_NESTING - 1:
            failure = {"kind": "too_deep", "message": (
                f"the subflow '{effect.workflow_id}' would run {MAX_NESTING} instances below the one that started "
                "them all: workflows that start one another without end (one that starts itself) are stopped here")}
            self.create_failed(tx, effect, failure, parent=parent, parent_seq=seq, now=now)
            return
        try:
            compiled = self.deployments.compiled(tx, effect.workflow_id, effect.version)
        except DefinitionNotFound as exc:
            failure = {"kind": "not_deployed", "message": exc.detail}
            self.create_failed(tx, effect, failure, parent=parent, parent_seq=seq, now=now)
            return
        if compiled.workflow.context:
            try:
                check_context(compiled.workflow.context, effect.context)
            except InvalidInput as exc:  # the child cannot start: it is created failed, and its parent hears
                failure = {"kind": "invalid_input", "message": f"the subflow '{effect.workflow_id}': {exc.detail}"}
                self.create_failed(tx, effect, failure, parent=parent, parent_seq=seq, now=now)
                return
        self.create(tx, compiled, effect.context, tenant=parent.tenant, now=now, parent=parent, parent_seq=seq,
                    branch=effect.branch)

    def _depth(self, tx: Transaction, parent: InstanceRecord) -> int:
        """How many instances `parent` runs below, read once: an instance's parents never change, and a map over a
        subflow starts all its items below one parent in one decision."""
        found = self._depths.get(parent.id)
        if found is None:
            if len(self._depths) >= 4096:
                self._depths.clear()
            found = self._depths[parent.id] = InstanceStore(tx).depth(parent, MAX_NESTING)
        return found

    def _clear(self, tx: Transaction, instance: InstanceRecord, clear: ClearWaits, now: float, *,
               event_waits: bool = True) -> None:
        if clear.timers:
            TimerStore(tx).cancel_for_instance(instance.id)
        if clear.event_waits and event_waits:
            EventStore(tx).cancel_waits(instance.id)
        if clear.approvals:
            ApprovalStore(tx).close_for_instance(instance.id, status=ApprovalStatus.CANCELLED, at=now)
        if clear.jobs:
            JobStore(tx).cancel_for_instance(instance.id, now=now)
        if clear.children:
            for child in InstanceStore(tx).children(instance.id):
                if child.status in (RUNNING, HELD, STUCK):
                    self.cancel(tx, child, now=now, actor=None)


class _AgentsInForce(AgentLookup):
    """Reads the agents (and the budget) in the decision's transaction, once, when a decision first asks."""

    def __init__(self, agents: AgentDeployments, tx: Transaction, ids: frozenset[str], *, tenant: str,
                 now: float, budget: dict[str, Any] | None) -> None:
        self._agents, self._tx, self._ids, self._tenant, self._now = agents, tx, ids, tenant, now
        self._found: Mapping[str, Agent] | None = None
        self._budget = budget

    def agent(self, agent_id: str) -> Agent | None:
        if self._found is None:
            self._found = self._agents.in_force(self._tx, self._ids)
        return self._found.get(agent_id)

    def remaining_budget(self) -> float | None:
        if self._budget is not None:  # the decision's `budget` variable, read already
            return float(self._budget["remaining"]) if self._budget.get("set") else None
        return remaining_budget(self._tx, self._tenant, self._now)

    def budget_held(self) -> float:
        return JobStore(self._tx).budget_held(self._tenant)


_SUCCEEDED_ITEMS: dict[tuple[str, int], dict[str, InstanceRecord]] = {}
"""The items that succeeded in a map visit being redriven, by branch, read once per visit and process: ended
instances do not change, and a visit of a thousand items would otherwise read them all at each item's start."""


def _succeeded_items(tx: Transaction, parent_id: str, visit: int) -> dict[str, InstanceRecord]:
    found = _SUCCEEDED_ITEMS.get((parent_id, visit))
    if found is None:
        if len(_SUCCEEDED_ITEMS) >= 16:
            del _SUCCEEDED_ITEMS[next(iter(_SUCCEEDED_ITEMS))]  # the oldest visit
        found = _SUCCEEDED_ITEMS[parent_id, visit] = {
            r.branch: r for r in InstanceStore(tx).succeeded_children(parent_id, visit)}
    return found


def _started_with(tx: Transaction, child: InstanceRecord) -> Any:
    """The context a map's item or a parallel branch started with: what its start set, or, for one carried over
    from an earlier visit, the input it was carried with (None for one carried before inputs were kept). A
    redrive carries a child over only when it would start with the same: one whose item changed (`redrive
    --set leads=…`), or whose input reads a context value that did, runs again."""
    first = HistoryStore(tx).for_instance(child.id, limit=1)
    if not first:
        return None
    if first[0].event == CARRIED:
        return first[0].payload.get("input") if isinstance(first[0].payload, dict) else None
    change = first[0].context_change  # none when it started with an empty context
    return change.get("set", {}) if isinstance(change, dict) else {}


def _blank(workflow_id: str, version: int, branch: str, state: str, *, tenant: str, now: float,
           parent: InstanceRecord | None, parent_seq: int | None) -> InstanceRecord:
    return InstanceRecord(
        id=new_instance_id(now), workflow_id=workflow_id, workflow_version=version, branch=branch, tenant=tenant,
        state=state, status=RUNNING, context={}, result=None, error=None, version=0,
        parent_id=None if parent is None else parent.id, parent_seq=parent_seq, created_at=now, updated_at=now,
    )


# The JSON of a task's retry rules, per rules tuple (one per task state: engine.runtime.entering), kept alive
# by its entry so an id is never reused while the entry stands
_DUMPED: dict[int, tuple[tuple[RetryRule, ...], list[dict[str, Any]] | None]] = {}


def _dumped(rules: tuple[RetryRule, ...]) -> list[dict[str, Any]] | None:
    found = _DUMPED.get(id(rules))
    if found is None or found[0] is not rules:
        if len(_DUMPED) >= 4096:
            _DUMPED.clear()
        found = _DUMPED[id(rules)] = (rules, [rule.model_dump(mode="json") for rule in rules] or None)
    return found[1]


# Per task (and agent version): the fields every action job of the task carries alike, and their JSON without
# the opening brace, so that a job's payload text is its own fields' JSON joined to it, not all of it encoded
# again (the retry rules and the output schema are most of it). The entry keeps the rules and schema it was
# made from alive, so their ids are not reused while it stands.
_TASK_FIELDS: dict[tuple[Any, ...], tuple[Any, Any, dict[str, Any], str]] = {}


def _task_fields(effect: RunAction) -> tuple[dict[str, Any], str]:
    key = (effect.state, effect.action, effect.agent, effect.timeout_s, effect.agent_version, effect.budget_limit,
           id(effect.retry), id(effect.output_schema))
    found = _TASK_FIELDS.get(key)
    if found is None or found[0] is not effect.retry or found[1] is not effect.output_schema:
        fields: dict[str, Any] = {
            "state": effect.state, "action": effect.action, "agent": effect.agent, "timeout_s": effect.timeout_s,
            "agent_version": effect.agent_version, "budget_limit": effect.budget_limit,
            "retry": _dumped(effect.retry)}
        if effect.output_schema is not None:
            fields["output_schema"] = effect.output_schema
        if len(_TASK_FIELDS) >= 4096:
            _TASK_FIELDS.clear()
        found = _TASK_FIELDS[key] = (effect.retry, effect.output_schema, fields, dump(fields)[1:])
    return found[2], found[3]


# The JSON of the guards a step tried, by their evaluations: a transition's guards evaluate alike from one
# instance to the next (an unguarded `done` always so), and their list is written into every history row
_GUARDS: dict[tuple[GuardEvaluation, ...], str] = {}


def _guards_text(evaluations: tuple[GuardEvaluation, ...]) -> str:
    found = _GUARDS.get(evaluations)
    if found is None:
        if len(_GUARDS) >= 4096:
            _GUARDS.clear()
        found = _GUARDS[evaluations] = dump([g.as_dict() for g in evaluations])
    return found


def _stores(changes: dict[str, Any], payload: Any) -> bool:
    """Whether a step's context change stores its payload itself (a task's `done`: its output at `output`)."""
    stored = False
    for key, value in changes.items():
        if type(key) is not str:
            return False
        stored = stored or value is payload
    return stored


def _payload_stored(changes: dict[str, Any], payload: Any) -> tuple[str, str]:
    """The JSON of a step's payload and of its context change (`{"set": changes}`) that stores it: the payload
    encoded once, its text written where the change holds it (as `dump` would write the whole)."""
    text = dump(payload)
    fields = ",".join([f"{dump(key)}:{text if value is payload else dump(value)}" for key, value in changes.items()])
    return text, f'{{"set":{{{fields}}}}}'


def _history(before: InstanceRecord, decision: Decision, now: float, cost: float | None) -> list[HistoryRow]:
    """The decision's history rows, their JSON encoded here: a task's output once, for its row's payload and the
    context change that stores it (`_payload_stored`); the guards' text as kept (`_guards_text`). Each text and
    status an exact `str` (see `HistoryRow`)."""
    rows: list[HistoryRow] = []
    seq = before.version
    last = len(decision.steps) - 1
    for index, step in enumerate(decision.steps):
        seq += 1
        payload, changes = step.payload, step.changes
        change: Any = {"set": changes} if changes else None
        if step.event == REDRIVE:  # the failure it resumes from is cleared
            change = {**(change or {}), "result": None, "error": None}
        ending = index == last and (step.status in TERMINAL or step.status == STUCK)
        if ending:
            change = {**(change or {}), "result": decision.snapshot.result, "error": decision.snapshot.error}
        payload_text: str | None
        change_text: str | None
        alone = not ending and change is not None and payload is not None and len(change) == 1
        if alone and _stores(changes, payload):
            payload_text, change_text = _payload_stored(changes, payload)
        else:
            payload_text = None if payload is None else dump(payload)
            change_text = None if change is None else dump(change)
        rows.append((  # the columns' order (`HistoryRow`)
            before.id, seq, step.source, step.dest, step.event, step.actor, payload_text, change_text,
            str(step.status), _guards_text(step.guards) if step.guards else None,
            dump([p.as_dict() for p in step.policies]) if step.policies else None,
            now, max(0.0, now - before.updated_at) if index == 0 else 0.0, cost if index == 0 else None,
        ))
    return rows
