"""Deciding purely: (compiled workflow, snapshot, event, environment) → the new snapshot, the transitions taken
(each with the guards it tried and the policies it checked) and the effects for the runtime to carry out.

Nothing here touches a database, a clock or a handler. A refused event raises `TransitionNotAllowed` and
changes nothing; an event from the runtime itself (`Event.system`) that the definition does not handle fails
the instance instead, so none waits for what cannot come — or, for an event that `escalates` (a task whose
attempts were all lost with their workers), marks it `stuck` where it is, for an operator. A task's own `done`
whose output or `assign` cannot be written into the context is the task's failure (`output_path`, `assign`),
which its `error` transitions take as any other. After entering a state, its automatic transitions are
followed at once (guards permitting) and its work is started only if none of them is taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from engine.definition import (
    Agent,
    AskUser,
    ChoiceState,
    FinalState,
    MapState,
    Policy,
    SubflowState,
    TaskState,
    Transition,
    WaitState,
)
from engine.definition.expressions import ExpressionError
from engine.errors import InvalidInput, RedriveRefused, TransitionNotAllowed
from engine.runtime.agent_policies import AGENT_GATE, agent_gate, budget_refusal
from engine.runtime.asking import (
    ASK,
    NO_REPLY,
    NO_REPLY_CLEARS,
    REPLY,
    REPLY_CLEARS,
    ask_record,
    asking,
    no_reply_error,
    replied,
    with_reply,
)
from engine.runtime.context_paths import PathConflict, with_changes
from engine.runtime.context_schema import check_context, schema_problems
from engine.runtime.context_size import CONTEXT_TOO_LARGE, oversize
from engine.runtime.effects import ClearWaits, Complete, Effect, KeepMapList, RequestApproval, RunAction, StartChild
from engine.runtime.entering import RELEASE_GATE, EntryError, entry_effects, leave_effects
from engine.runtime.machines import CompiledWorkflow, Fired, GuardEvaluation
from engine.runtime.map_items import MAP_ITEM, MapItemsError, item_children, map_items, split_item
from engine.runtime.policies import ALLOW, DENY, PolicyDecision, evaluate_policies
from engine.runtime.runtime_events import HELD_DECISIONS, RUNTIME_EVENTS
from engine.runtime.snapshot import (
    AUTO,
    CANCEL,
    CANCELLED,
    FAILED,
    HELD,
    REDRIVE,
    RUNNING,
    START,
    STUCK,
    SUCCEEDED,
    Environment,
    Event,
    Snapshot,
)
from engine.runtime.variables import evaluate_mapping, json_value, variables
from storage.records import record

__all__ = ["MAX_AUTOMATIC_STEPS", "REDRIVABLE", "Decision", "Step", "decide", "redrive_refusal", "reenter", "start"]


class _Once:
    """A value made on first call and kept (as `functools.cache` on a lambda, without building a wrapper each
    time: a transition builds one)."""

    __slots__ = ("_made", "_make", "_value")

    def __init__(self, make: Callable[[], dict[str, Any]]) -> None:
        self._make = make
        self._made = False
        self._value: dict[str, Any] = {}

    def __call__(self) -> dict[str, Any]:
        if not self._made:
            self._value, self._made = self._make(), True
        return self._value

MAX_AUTOMATIC_STEPS = 200
_PASSING = Event(AUTO)  # the event of an automatic transition taken (a record: one serves them all)
REDRIVABLE = frozenset({FAILED, STUCK})  # the statuses a redrive resumes from
_OUTPUT_STATES = (TaskState, WaitState, SubflowState)


class _Misfit(Exception):
    """A transition's `assign` computed values that do not fit what the context schema declares for them."""


@record
class Step:
    """One transition: one history row."""

    source: str | None
    dest: str
    event: str
    actor: str | None
    payload: Any
    transition: int | None
    guards: tuple[GuardEvaluation, ...]
    changes: dict[str, Any]
    status: str
    policies: tuple[PolicyDecision, ...]
    effects: tuple[Effect, ...]
    error: Any = None


@record
class Decision:
    snapshot: Snapshot
    steps: tuple[Step, ...]


class _Run:
    """The decision being built: the moving snapshot and the steps so far."""

    def __init__(self, compiled: CompiledWorkflow, snapshot: Snapshot, env: Environment) -> None:
        self.c = compiled
        self.env = env
        self.state = snapshot.state
        self.context = dict(snapshot.context)
        self.status = snapshot.status
        self.result = snapshot.result
        self.error = snapshot.error
        self.steps: list[Step] = []

    def decision(self) -> Decision:
        snapshot = Snapshot(self.state, self.context, self.status, self.result, self.error)
        return Decision(snapshot, tuple(self.steps))

    def scope(self, event: Any = None, context: dict[str, Any] | None = None) -> dict[str, Any]:
        return variables(self.context if context is None else context, event, self.env, self.state)

    def record(self, source: str | None, event: Event, *, transition: int | None = None,
               guards: tuple[GuardEvaluation, ...] = (), changes: dict[str, Any] | None = None,
               policies: tuple[PolicyDecision, ...] = (), effects: Sequence[Effect] = ()) -> None:
        if len(self.steps) >= MAX_AUTOMATIC_STEPS:
            raise _Loop
        self.steps.append(Step(source, self.state, event.name, event.actor, event.payload, transition, guards,
                               changes or {}, self.status, policies, tuple(effects), self.error))

    def sendable(self) -> str:
        """The events a caller may send in the current state, for a refusal: not those the runtime fires."""
        owned = RUNTIME_EVENTS.get(self.c.states[self.state].type, frozenset())
        if self.status == HELD:
            owned |= HELD_DECISIONS
        return ", ".join(t for t in self.c.triggers(self.state) if t not in owned) or "none"

    def stored_on_done(self, event: Event) -> dict[str, Any]:
        """What `done` writes into the context: a task's, subflow's or event wait's result at its `output`, what
        a parallel state's branches wrote, a map's results. A task's own `done` (a system event: its action's
        output, made JSON and copied for the runtime as its outcome was, `action_outcome.normalise`) is stored
        as it is: the step's payload and the value it writes are then one, and its history row encodes it once."""
        state = self.c.states[self.state]
        if type(state) is TaskState and event.system:  # most: a task's own `done`, its output stored as it is
            return {state.output: event.payload} if state.output else {}
        changes: dict[str, Any] = {}
        if isinstance(state, _OUTPUT_STATES) and state.output and not _timer_wait(state):
            output = event.payload
            changes[state.output] = output if event.system and type(state) is TaskState else json_value(output)
            if isinstance(state, WaitState):
                self.check_fits(changes[state.output], state.output)
        elif state.type == "parallel" and isinstance(event.payload, dict):
            changes.update(event.payload.get("context") or {})
        elif isinstance(state, MapState) and state.output and isinstance(event.payload, dict):
            changes[state.output] = event.payload.get("results", [])
        return changes

    def check_fits(self, payload: Any, output: str) -> None:
        """An event wait's payload must fit what the context schema declares at its `output`: `InvalidInput`
        (the instance unchanged, still waiting) names where and why it does not."""
        schema = self.c.output_schemas.get(self.state)
        problems = schema_problems(schema, payload) if schema is not None else []
        if problems:
            raise InvalidInput(f"the event's payload does not fit the schema the context declares at '{output}', "
                               f"where '{self.state}' stores it (pointers within the payload): {'; '.join(problems)}")

    # --- events ---------------------------------------------------------------------------------------
    def fire(self, event: Event) -> None:
        if not self.asks(event):
            self.take(event)

    def take(self, event: Event) -> None:
        """`event` takes the transition it fires (or, a system event none takes, fails the instance)."""
        changes = self.stored_on_done(event) if event.name == "done" else {}
        try:
            written = with_changes(self.context, changes) if changes else self.context
        except PathConflict as exc:
            if event.system:
                self.unwritable(event, "output_path", exc.message)
                return
            raise TransitionNotAllowed(event.name, self.state, exc.message) from exc
        # The variables, built (once) only if a guard or an assignment reads them.
        scope = _Once(lambda: self.scope(event.payload, written if changes else None))

        fired = self.c.fire(self.state, event.name, scope)
        if fired is None or fired.transition is None:
            self.untaken(event, fired)
            return
        self.cross(event, fired, changes, written, scope)

    def untaken(self, event: Event, fired: Fired | None) -> None:
        """No transition takes `event`: a system event fails the instance (or, one that `escalates`, leaves it
        stuck); an event a caller sent is refused."""
        why = self.why_untaken(event, fired)
        guards = () if fired is None else fired.evaluations
        if event.system and event.escalates:
            self.stick(event, why, guards=guards)
        elif event.system:
            self.fail(event, "unhandled", why, guards=guards)
        else:
            raise TransitionNotAllowed(event.name, self.state, f"{why} (accepted here: {self.sendable()})")

    def why_untaken(self, event: Event, fired: Fired | None) -> str:
        """Why no transition leaves the state on `event`: none does; `errors` lists turned its kind away; or no
        guard held."""
        if fired is None:
            return f"no transition leaves '{self.state}' on '{event.name}'"
        if event.name == "error":
            kind = event.payload.get("kind") if isinstance(event.payload, dict) else None
            turned_away = _turned_away(self.state, kind, [self.c.transitions[g.transition] for g in fired.evaluations])
            if turned_away is not None:
                return turned_away
        return "no transition's guard held"

    def cross(self, event: Event, fired: Fired, changes: dict[str, Any], written: dict[str, Any],
              scope: Callable[[], dict[str, Any]]) -> None:
        """Take the transition `event` fired: its `assign` written after what the event stores (`changes`, in
        `written`), then into its destination."""
        assert fired.transition is not None
        state = self.c.states[self.state]
        try:
            if fired.transition.assign:
                assigned = self.assigned(fired, scope())
                written = with_changes(written, assigned)
                changes = {**changes, **assigned}
        except (ExpressionError, PathConflict, _Misfit) as exc:
            why = f"{exc.expression}: {exc.message}" if isinstance(exc, ExpressionError) else str(exc)
            if event.system:
                self.unwritable(event, "assign", why, guards=fired.evaluations)
                return
            raise TransitionNotAllowed(event.name, self.state, f"an assignment failed: {why}") from exc
        too_large = oversize(changes, written) if changes else None
        if too_large is not None:
            if event.system:
                self.fail(event, CONTEXT_TOO_LARGE, f"'{event.name}' in '{self.state}': {too_large}",
                          guards=fired.evaluations, payload=False)
                return
            raise InvalidInput(f"the event '{event.name}' is refused in '{self.state}': {too_large}; the instance "
                               "is as it was")
        self.context = written
        arrival = _Arrival(self.state, event, fired.index, fired.evaluations, changes,
                           leave_effects(state, event.name))
        self.move(fired.transition.dest, arrival)

    def unwritable(self, event: Event, kind: str, message: str, *,
                   guards: tuple[GuardEvaluation, ...] = ()) -> None:
        """A system `event` whose writes into the context cannot be made (`kind`: `output_path`, `assign`). A
        task's own `done` — its action's output — is then the task's failure of that kind, as an output that does
        not fit (`output`) is: its ask of the user or its `error` transitions take it (not retried: the same
        output would fail the same way). Otherwise, or when none takes it, the instance fails. The `error` is
        never turned again: if its own transition's writes fail, the instance fails."""
        if event.name == "done" and isinstance(self.c.states[self.state], TaskState):
            error = Event("error", {"kind": kind, "message": message}, event.actor, system=True)
            if self.asks(error):
                return
            scope = _Once(lambda: self.scope(error.payload))
            fired = self.c.fire(self.state, "error", scope)
            if fired is not None and fired.transition is not None:
                self.cross(error, fired, {}, self.context, scope)
                return
            if fired is not None:
                message = f"{message}; and {self.why_untaken(error, fired)}"
        self.fail(event, kind, message, guards=guards)

    def assigned(self, fired: Fired, scope: dict[str, Any]) -> dict[str, Any]:
        """What the transition's `assign` sets: `ExpressionError` when it does not evaluate, `_Misfit` when its
        values break what the context schema declares for their keys."""
        assert fired.transition is not None
        assert fired.index is not None
        assigned = evaluate_mapping(fired.transition.assign or {}, scope)
        misfits = self.c.assign_misfits(fired.index, assigned)
        if misfits:
            raise _Misfit("the values it sets do not fit the context schema: " + "; ".join(misfits))
        return assigned

    def asks(self, event: Event) -> bool:
        """Whether a system `event` in a task that may ask the user was taken by the ask (`ask`)."""
        state = self.c.states[self.state]
        return event.system and isinstance(state, TaskState) and state.ask_user is not None and self.ask(
            state.ask_user, event)

    def ask(self, ask: AskUser, event: Event) -> bool:
        """The task's "ask the user" recovery (`engine.runtime.asking`): a failure it asks about waits for the
        reply; the reply runs the action again, with it; no reply lets the error go on. False: not for `event`."""
        record = ask_record(self.context, ask.into)
        try:
            if record is None or not record.get("waiting"):
                started = None if event.name != "error" else asking(
                    ask, record, event.payload, scope=self.scope, instance_id=str(self.env.instance.get("id", "")),
                    now=self.env.now)
                if started is None:
                    return False
                self.context = with_changes(self.context, {ask.into: started[0]})
                self.record(self.state, Event(ASK, event.payload, event.actor, system=True),
                            changes={ask.into: started[0]}, effects=started[1])
            elif event.name == "done":
                kept = replied(record, event.payload)
                self.context = with_changes(self.context, {ask.into: kept})
                first = len(self.steps)
                self.arrive(_Arrival(self.state, Event(REPLY, event.payload, event.actor, system=True),
                                     changes={ask.into: kept}, effects=[REPLY_CLEARS]), check_policies=False)
                step = self.steps[first]
                self.steps[first] = replace(step, effects=with_reply(step.effects, self.state, ask.into,
                                                                     event.payload))
            elif event.name == "timeout":
                kept, error = no_reply_error(record)
                self.context = with_changes(self.context, {ask.into: kept})
                self.record(self.state, Event(NO_REPLY, None, system=True), changes={ask.into: kept},
                            effects=[NO_REPLY_CLEARS])
                self.fire(Event("error", error, system=True))
            else:
                return False
        except PathConflict:
            return False  # `into` passes through a value that is not an object: the error goes on as it came
        return True

    def next_items(self, event: Event) -> None:
        """One item of the map ended and it goes on: a step that stays in the state (its history row tells the
        progress), starting the items `event.payload['start']` names."""
        state = self.c.states[self.state]
        payload = event.payload if isinstance(event.payload, dict) else {}
        if not isinstance(state, MapState):
            raise TransitionNotAllowed(event.name, self.state, "the instance is not in a map state")
        start = payload.get("start", [])
        try:
            scope = self.scope() if event.visit_at is None else \
                variables(self.context, None, replace(self.env, now=event.visit_at), self.state)
            if not start:
                items: list[Any] = []
            elif event.items is not None:  # the list the item end read for this visit
                items = list(event.items)
            else:
                items = map_items(state, scope)
            started = item_children(self.state, state, items, start, scope=scope, branch=self.c.branch,
                                    parent_seq=payload.get("parent_seq"), reuse_from=event.reuses)
        except MapItemsError as exc:
            self.fire(Event("error", {"kind": exc.kind, "message": exc.message}, system=True))
            return
        self.record(self.state, event, effects=started)

    def cancel(self, event: Event) -> None:
        self.status = CANCELLED
        self.record(self.state, event, effects=[ClearWaits()])

    def release(self, event: Event) -> None:
        """A gate decided. A policy's: `approve` starts the held state's work (after its agent's gate, if any),
        `reject` fails the instance. An agent's: `approve` runs the action, `reject` takes the task's error path."""
        agent_gate = isinstance(event.payload, dict) and event.payload.get("kind") == AGENT_GATE
        if event.name == "approve":
            self.status = RUNNING
            self.arrive(_Arrival(self.state, event, effects=[RELEASE_GATE]), check_policies=False,
                        check_agent=not agent_gate)
        elif event.name == "reject" and agent_gate:
            self.status = RUNNING
            self.record(self.state, event, effects=[RELEASE_GATE])
            rejected = {"kind": "approval_rejected", "agent": event.payload.get("agent"),
                        "message": "the approval the agent's policy requires was rejected",
                        "decision": json_value(event.payload)}
            self.fire(Event("error", rejected, event.actor, system=True))
        elif event.name == "reject":
            self.status = FAILED
            self.error = {"kind": "policy_rejected", "message": "the policy approval was rejected",
                          "decision": json_value(event.payload)}
            self.record(self.state, event, effects=[RELEASE_GATE])
        else:
            raise TransitionNotAllowed(event.name, self.state, "the instance waits for a policy approval")

    def fail(self, event: Event, kind: str, message: str, *, guards: tuple[GuardEvaluation, ...] = (),
             payload: bool = True) -> None:
        """Fail the instance in its state on `event` (with its payload, unless that is what was too large)."""
        self.status = FAILED
        self.error = {"kind": kind, "message": message, "event": event.name,
                      "payload": json_value(event.payload) if payload else None}
        self.record(self.state, event, guards=guards, effects=[ClearWaits()])

    def stick(self, event: Event, why: str, *, guards: tuple[GuardEvaluation, ...] = ()) -> None:
        """Stay in the state, `stuck`: the event's error is the instance's, raised to an operator."""
        self.status = STUCK
        found = json_value(event.payload)
        self.error = {**(found if isinstance(found, dict) else {"payload": found}), "event": event.name,
                      "stuck": f"{why}: the instance waits for an operator"}
        self.record(self.state, event, guards=guards, effects=[ClearWaits()])

    # --- moving and entering --------------------------------------------------------------------------
    def move(self, dest: str, arrival: _Arrival, extra_policies: Sequence[Policy] = ()) -> None:
        self.state = dest
        self.arrive(arrival, extra_policies=extra_policies)

    def enter(self, arrival: _Arrival) -> None:
        self.record(arrival.source, arrival.event, transition=arrival.transition, guards=arrival.guards,
                    changes=arrival.changes, policies=arrival.policies, effects=arrival.effects)

    def arrive(self, arrival: _Arrival, *, extra_policies: Sequence[Policy] = (), check_policies: bool = True,
               check_agent: bool = True) -> None:
        """Record the step into `self.state`, then gate it by policy, end it, pass through it, or start it."""
        state = self.c.states[self.state]
        if check_policies and (extra_policies or state.policies):
            rules = list(extra_policies) + self._policies(state.policies)
            if rules:
                arrival.policies, decided = evaluate_policies(rules, self.scope())
                if decided is not None and decided.outcome != ALLOW:
                    self.gate(arrival, decided)
                    return
        if isinstance(state, FinalState):
            self.finish(state, arrival)
            return
        automatic = None
        if self.c.accepts(self.state, AUTO):
            # the variables the guards see, built once (if a guard reads them) and read again by the `assign` of
            # the transition taken: nothing changes in between
            scope = _Once(self.scope)
            automatic = self.c.fire(self.state, AUTO, scope)
            if automatic is not None and automatic.transition is not None:
                self.enter(arrival)
                self.pass_through(automatic.index, automatic.evaluations, scope)
                return
        if isinstance(state, ChoiceState):
            self.enter(arrival)
            self.fail(Event(AUTO, system=True), "no_match",
                      f"no transition of the choice '{self.state}' matched and it has no default",
                      guards=automatic.evaluations if automatic is not None else ())
            return
        agent = self.env.agents.agent(state.agent) if isinstance(state, TaskState) and state.agent else None
        started = _ending_on_entry(state, entry_effects(
            self.state, state, context=self.context, scope=self.scope, now=self.env.now, branch=self.c.branch,
            output_schema=self.c.output_schemas.get(self.state), agent=agent))
        if isinstance(started, Event):
            self.enter(arrival)
            self.fire(started)
            return
        if agent is not None:
            self.run_as(agent, arrival, started, check_agent=check_agent)
            return
        arrival.effects.extend(started)
        self.enter(arrival)

    def run_as(self, agent: Agent, arrival: _Arrival, effects: list[Effect], *, check_agent: bool) -> None:
        """Start a task's action under its agent's policies: a person approves first when the agent requires it;
        the tenant's budget must cover the agent's limit; the agent's timeout bounds the action (`effects`, as
        entered under the agent, carry it)."""
        if check_agent and agent.policies.approval_required:
            action = next((e for e in effects if isinstance(e, RunAction)), None)
            if action is not None:
                self.status = HELD
                arrival.effects.append(agent_gate(self.state, agent, action))
                self.enter(arrival)
                return
        refusal = budget_refusal(agent, self.env.agents)
        if refusal is not None:
            self.enter(arrival)
            self.fire(Event("error", refusal, system=True))
            return
        arrival.effects.extend(effects)
        self.enter(arrival)

    def pass_through(self, index: int | None, guards: tuple[GuardEvaluation, ...],
                     scope: Callable[[], dict[str, Any]]) -> None:
        """Take the automatic transition `index` (`scope`: the variables its guard saw, for its `assign`)."""
        assert index is not None
        transition = self.c.transitions[index]
        try:
            changes = evaluate_mapping(transition.assign, scope()) if transition.assign else {}
            written = with_changes(self.context, changes) if changes else self.context
        except (ExpressionError, PathConflict) as exc:
            why = f"{exc.expression}: {exc.message}" if isinstance(exc, ExpressionError) else exc.message
            self.fail(Event(AUTO, system=True), "assign", why, guards=guards)
            return
        too_large = oversize(changes, written) if changes else None
        if too_large is not None:
            self.fail(Event(AUTO, system=True), CONTEXT_TOO_LARGE, f"leaving '{self.state}': {too_large}",
                      guards=guards)
            return
        self.context = written
        source = self.state
        arrival = _Arrival(source, _PASSING, index, guards, changes, leave_effects(self.c.states[source], AUTO))
        self.move(transition.dest, arrival)

    def gate(self, arrival: _Arrival, decided: PolicyDecision) -> None:
        """A policy matched: deny fails the instance; require_approval holds it at an approval gate."""
        policy = next((p for p in self.c.workflow.policies if p.id == decided.policy), None)
        if decided.outcome == DENY or policy is None or policy.approvers is None:
            self.status = FAILED
            self.error = {"kind": "policy_denied", "policy": decided.policy, "reason": decided.reason,
                          "action_required": decided.action_required}
            if decided.outcome != DENY:
                self.error["message"] = "the policy requires an approval but names no approvers"
            self.enter(arrival)
            return
        self.status = HELD
        request = {"policy": policy.id, "reason": policy.reason, "action_required": policy.action_required}
        arrival.effects.append(RequestApproval(self.state, "policy", tuple(policy.approvers.users),
                                               tuple(policy.approvers.roles), 1, request, None, policy.id))
        self.enter(arrival)

    def finish(self, state: FinalState, arrival: _Arrival) -> None:
        try:
            result = evaluate_mapping(state.result, self.scope()) if state.result else {}
        except ExpressionError as exc:
            self.enter(arrival)
            self.fail(Event(AUTO, system=True), "result", f"{exc.expression}: {exc.message}")
            return
        self.status = SUCCEEDED if state.outcome == "success" else FAILED
        self.result = result
        arrival.effects.append(Complete(state.outcome, result))
        self.enter(arrival)

    def _policies(self, ids: Sequence[str]) -> list[Policy]:
        if not ids:
            return []
        by_id = {p.id: p for p in self.c.workflow.policies}
        return [by_id[i] for i in ids if i in by_id]


@dataclass(slots=True)
class _Arrival:
    """The step being made into a state, completed as the state is entered."""

    source: str | None
    event: Event
    transition: int | None = None
    guards: tuple[GuardEvaluation, ...] = ()
    changes: dict[str, Any] = field(default_factory=dict)
    effects: list[Effect] = field(default_factory=list)
    policies: tuple[PolicyDecision, ...] = ()


def _ending_on_entry(state: object, started: list[Effect] | EntryError) -> list[Effect] | Event:
    """The effects starting a state's work, or the event it ends with as it is entered: `error` when its work
    could not start, `done` (with no results) for a map over an empty list."""
    if isinstance(started, EntryError):
        return Event("error", {"kind": started.kind, "message": started.message}, system=True)
    if isinstance(state, MapState) and not started:
        return Event("done", {"results": [], "failed": [], "total": 0}, system=True)
    return started


def _turned_away(state: str, kind: Any, tried: Sequence[Transition]) -> str | None:
    """Why the `error` transitions `tried` from `state` took no error of `kind`, when their `errors` lists turned
    it away (None when none did: a guard did not hold)."""
    limited = [t.catches for t in tried if t.catches is not None and kind not in t.catches]
    if not limited:
        return None
    caught = ", ".join(sorted(frozenset().union(*limited)))
    what = f"the kind '{kind}'" if isinstance(kind, str) else "an error without a kind"
    why = f"no `error` transition of '{state}' catches {what} (caught: {caught})"
    if len(limited) < len(tried):
        why += "; the guards of the others did not hold"
    return why


def _timer_wait(state: object) -> bool:
    """A wait for a duration or deadline: its `done` carries no payload to store."""
    return isinstance(state, WaitState) and state.event is None


class _Loop(Exception):
    """Internal: too many automatic steps; never escapes this module."""


def _settle(run: _Run, action: Any) -> Decision:
    try:
        action()
    except _Loop:
        run.steps = run.steps[: MAX_AUTOMATIC_STEPS - 1]
        run.status = FAILED
        run.error = {"kind": "loop", "message": f"more than {MAX_AUTOMATIC_STEPS} automatic transitions in a row"}
        run.record(run.state, Event(AUTO, system=True), effects=[ClearWaits()])
    return run.decision()


def start(compiled: CompiledWorkflow, context: dict[str, Any], env: Environment, *, actor: str | None = None,
          payload: Any = None) -> Decision:
    """The first transition of a new instance: into the initial state, after the 'start' policies."""
    initial = compiled.workflow.initial
    run = _Run(compiled, Snapshot(initial, dict(context)), env)
    at_start = [p for p in compiled.workflow.policies if "start" in p.applies_at] if not compiled.branch else []
    event = Event(START, payload, actor)
    return _settle(run, lambda: run.move(initial, _Arrival(None, event, changes=dict(context)), at_start))


def decide(compiled: CompiledWorkflow, snapshot: Snapshot, event: Event, env: Environment) -> Decision:
    """Apply `event` to `snapshot`. Raises `TransitionNotAllowed` (and changes nothing) if it is refused."""
    if event.name == REDRIVE:
        return _redrive(compiled, snapshot, event, env)
    if snapshot.ended:
        raise TransitionNotAllowed(event.name, snapshot.state, f"the instance has ended ({snapshot.status})")
    run = _Run(compiled, snapshot, env)
    if event.name == CANCEL:
        return _settle(run, lambda: run.cancel(event))
    if snapshot.status == STUCK:
        raise TransitionNotAllowed(event.name, snapshot.state, "the instance is stuck and waits for an operator "
                                   "(it can be cancelled)")
    if snapshot.status == HELD:
        return _settle(run, lambda: run.release(event))
    if event.name == MAP_ITEM:
        return _settle(run, lambda: run.next_items(event))
    return _settle(run, lambda: run.fire(event))


def reenter(compiled: CompiledWorkflow, snapshot: Snapshot, state: str, event: Event, env: Environment) -> Decision:
    """Leave `snapshot`'s state for `state` of `compiled`, entered afresh as if just arrived (a migration to
    another version of the workflow): what was open is cancelled, the context is kept, policies are checked and
    the state's work starts."""
    run = _Run(compiled, Snapshot(state, dict(snapshot.context)), env)
    return _settle(run, lambda: run.arrive(_Arrival(snapshot.state, event, effects=[ClearWaits()])))


def redrive_refusal(compiled: CompiledWorkflow, snapshot: Snapshot) -> str | None:
    """Why `snapshot` cannot be redriven, or None. Only a failed or stuck instance can; not one that never started, nor
    one that reached a final state of outcome failure through its own transitions (its workflow chose that end:
    nothing failed that could be run again)."""
    if snapshot.status not in REDRIVABLE:
        return f"its status is {snapshot.status}; only a failed or stuck instance can be redriven"
    state = compiled.states.get(snapshot.state)
    if state is None:
        return "it failed before it started"
    if isinstance(state, FinalState) and snapshot.error is None:
        return (f"it ended in its final state '{snapshot.state}', the failure its workflow leads to; "
                "there is no failed step to resume")
    return None


def _fixed(compiled: CompiledWorkflow, snapshot: Snapshot, fixes: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """The failed instance's context with the redrive's `fixes` (context path -> value) written in; refused when a
    path runs into a value that is no object, `InvalidInput` when the result breaks the workflow's context schema."""
    try:
        fixed = with_changes(snapshot.context, fixes)
    except PathConflict as exc:
        raise RedriveRefused(instance_id, snapshot.state, exc.message) from exc
    check_context(compiled.workflow.context, fixed)
    return fixed


def _redrive(compiled: CompiledWorkflow, snapshot: Snapshot, event: Event, env: Environment) -> Decision:
    """Resume a failed instance in the state it failed in, entered again as if just arrived (policies checked,
    its work started afresh); the context is kept — with the corrections in `event.payload['set']`, if any (a
    context path -> value each, recorded as the step's context change) — and the error cleared. A task's action
    runs as a new job whose handler sees `event.payload['idempotency_key']` — the key of the run that failed — so
    a side effect done before the failure is recognised."""
    refusal = redrive_refusal(compiled, snapshot)
    if refusal is not None:
        raise RedriveRefused(str(env.instance.get("id", "")), snapshot.state, refusal)
    fixes = event.payload.get("set") if isinstance(event.payload, dict) else None
    context = _fixed(compiled, snapshot, fixes, str(env.instance.get("id", ""))) if fixes else dict(snapshot.context)
    run = _Run(compiled, Snapshot(snapshot.state, context), env)
    decision = _settle(run, lambda: run.arrive(_Arrival(snapshot.state, event, changes=dict(fixes or {}))))
    payload = event.payload if isinstance(event.payload, dict) else {}
    key, visit = payload.get("idempotency_key"), payload.get("carry_from")
    if not (key or isinstance(visit, int)) or not decision.steps:
        return decision
    first, *rest = decision.steps
    resumed = tuple(_resumed(e, snapshot.state, key, visit if isinstance(visit, int) else None)
                    for e in first.effects)
    return Decision(decision.snapshot, (replace(first, effects=resumed), *rest))


def _resumed(effect: Effect, state: str, key: str | None, visit: int | None) -> Effect:
    """An effect of re-entering `state` on a redrive: its task's action under the failed run's idempotency key;
    its map's items, or its parallel branches, carrying over those that succeeded in the failed visit."""
    if isinstance(effect, RunAction) and effect.state == state and key:
        return replace(effect, idempotency_key=key)
    if visit is not None and isinstance(effect, KeepMapList):
        return replace(effect, reuses=visit)
    if visit is not None and isinstance(effect, StartChild) and _runs_inside(effect, state):
        return replace(effect, reuse_from=visit)
    return effect


def _runs_inside(child: StartChild, state: str) -> bool:
    """Whether `child` is an item of the map `state` or a branch of the parallel state `state` (not a subflow)."""
    if split_item(child.branch)[1] is not None:
        return child.name == state
    return child.kind == "branch" and child.branch.rpartition("/")[2] == f"{state}.{child.name}"
