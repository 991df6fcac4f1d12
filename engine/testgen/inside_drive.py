"""What a generated test does while the flow is in a parallel or map state whose children wait.

Each wait inside is driven as the engine would see it from outside: a wait for an event gets its event published
with the correlation key the child computes from its own context (one per map item, from the item), and a payload
its `output` path's schema accepts; a duration, a deadline, or (when the path lets them fire) the event waits'
timeouts are passed by moving the test's manual clock. The test repeats this round after round — a branch may
wait more than once, a map runs its items a batch at a time — until the flow leaves the state, and then checks
that the children took the transitions out of those waits that the path claims.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from typing import Any

from engine.definition import MapState, ParallelState, WaitState, Workflow
from engine.definition.durations import parse_duration
from engine.definition.expressions import ExpressionError
from engine.definition.moments import parse_rfc3339
from engine.runtime.context_schema import schema_at
from engine.runtime.variables import evaluate_json
from engine.testgen.child_runs import fails, reached
from engine.testgen.inner_waits import InnerWait, Unknown, child_scope, inner_waits, item_count
from engine.testgen.stub_data import FlowReads
from engine.testgen.values import value_for_schema

__all__ = ["InsideDrive", "InsideEvent", "inside_drive", "inside_timeouts", "wait_payload"]


@dataclass(frozen=True)
class InsideEvent:
    """An event to publish `count` times over (once per child that waits for it), with its key and payload."""

    type: str
    key: str | None
    payload: Any
    count: int


@dataclass(frozen=True)
class InsideDrive:
    """How far to move the clock each round (`seconds`, and at least past `until`), at most how many rounds, the
    events to publish, the waits (named, for the test's comment), and the moves (child branch, wait, next state)
    the children make — which the test checks and the coverage counts."""

    seconds: float
    rounds: int
    until: str | None
    events: tuple[InsideEvent, ...]
    names: tuple[str, ...]
    moves: tuple[tuple[str, str, str], ...]
    timeouts: bool
    fails: bool = False  # the state ends with `error` (a branch or item the timeouts lead to a failure)
    timed_out: bool = False  # with `timeouts`: a wait known to be reached (no guard inside decides) times out
    error_kind: str = "join"  # the kind of that error: `join` for a parallel state, `map_failed` for a map


def inside_timeouts(state_id: str, state: Any) -> list[InnerWait]:
    """The event waits inside `state` that declare a timeout (a path can let them fire)."""
    return [w for w in inner_waits(state_id, state) if w.state.event is not None and w.state.timeout is not None
            and "timeout" in w.leaves]


def inside_drive(workflow: Workflow, state_id: str, state: Any, context: dict[str, Any], *, reads: FlowReads,
                 timeouts: bool = False) -> InsideDrive | str | None:
    """What the test does in `state` entered with `context` — events arriving, or with `timeouts` every event
    wait that has a timeout left to time out — or None when nothing inside waits, or why it cannot be driven.
    `reads` (the flow's, built once: reading every expression is not cheap) completes the events' payloads."""
    try:
        waits = inner_waits(state_id, state, context)
    except Unknown as exc:
        return str(exc)
    if not waits:
        return None
    found = _Found(workflow, reads, timeouts, reached(state_id, state, timeouts=timeouts))
    try:
        for wait in waits:
            found.add(wait)
    except Unknown as exc:
        return f"{exc} ({found.names[-1]} inside {state_id})"
    return InsideDrive(seconds=found.seconds + 1, rounds=_rounds(state, [context]) + 1, until=found.until,
                       events=tuple(InsideEvent(t, k, json.loads(p), n) for (t, k, p), n in found.events.items()),
                       names=tuple(found.names), moves=tuple(dict.fromkeys(found.moves)), timeouts=timeouts,
                       timed_out=found.timed_out,
                       fails=fails(state, [context], timeouts=timeouts),
                       error_kind="map_failed" if isinstance(state, MapState) else "join")


class _Found:
    """What the waits seen so far need: the clock's step, the latest deadline, the events (by type, key and
    payload, with how many children take each), the waits' names and the moves out of them."""

    def __init__(self, workflow: Workflow, reads: FlowReads, timeouts: bool,
                 reached: set[tuple[str, str]]) -> None:
        self.workflow, self.reads, self.timeouts, self.reached = workflow, reads, timeouts, reached
        self.seconds = 0.0
        self.until: str | None = None
        self.events: dict[tuple[str, str | None, str], int] = {}
        self.names: list[str] = []
        self.moves: list[tuple[str, str, str]] = []
        self.timed_out = False

    def add(self, wait: InnerWait) -> None:
        fires = self.timeouts and wait.state.timeout is not None and "timeout" in wait.leaves
        self.names.append(_described(wait, fires=fires))
        if not wait.contexts:  # a map over no items: nothing runs it
            return
        dest = wait.leaves.get("timeout" if fires else "done")
        if dest is not None and (wait.branch, wait.sid) in self.reached:  # a wait past a guard is driven, not claimed
            self.moves.append((wait.branch, wait.sid, dest))
            self.timed_out = self.timed_out or fires
        if wait.state.duration is not None:
            self.seconds = max(self.seconds, parse_duration(wait.state.duration).total_seconds())
        elif wait.state.deadline is not None:
            self.until = _latest(wait, self.until)
        elif fires:
            self.seconds = max(self.seconds, parse_duration(str(wait.state.timeout)).total_seconds())
        else:
            payload = json.dumps(_payload(self.workflow, self.reads, wait), sort_keys=True)
            for key in _keys(wait):
                group = (wait.state.event.type if wait.state.event else "", key, payload)
                self.events[group] = self.events.get(group, 0) + 1


def _described(wait: InnerWait, *, fires: bool) -> str:
    if wait.state.duration is not None:
        return f"{wait.name} ({wait.state.duration})"
    if wait.state.deadline is not None:
        return f"{wait.name} (deadline {wait.state.deadline})"
    event = wait.state.event.type if wait.state.event else ""
    return f"{wait.name} ({'timeout ' + str(wait.state.timeout) if fires else 'event ' + event})"


def _latest(wait: InnerWait, until: str | None) -> str:
    """The latest of `until` and the deadline each child running the wait computes."""
    assert wait.state.deadline is not None
    latest = until
    for context in wait.contexts:
        try:
            value = evaluate_json(wait.state.deadline, child_scope(context))
            moment = parse_rfc3339(value) if isinstance(value, str) else None
        except (ExpressionError, ValueError) as exc:
            raise Unknown(f"the deadline '{wait.state.deadline}' cannot be evaluated on the test data: {exc}") from exc
        if moment is None:
            raise Unknown(f"the deadline '{wait.state.deadline}' gives no RFC 3339 time on the test data")
        if latest is None or moment > parse_rfc3339(latest):
            latest = value
    assert latest is not None
    return latest


def _keys(wait: InnerWait) -> list[str | None]:
    """The correlation key each child running the wait computes (None: it takes the event with any key)."""
    assert wait.state.event is not None
    source = wait.state.event.correlation
    if source is None:
        return [None] * len(wait.contexts)
    try:
        keys = [evaluate_json(source, child_scope(context)) for context in wait.contexts]
    except ExpressionError as exc:
        raise Unknown(f"the correlation '{source}' cannot be evaluated on the test data: {exc.message}") from exc
    return [None if key is None else str(key) for key in keys]


def _payload(workflow: Workflow, reads: FlowReads, wait: InnerWait) -> Any:
    """A payload for the event: `wait_payload` at the wait's `output` (a branch shares its parent's context
    schema; a map item's context is its own)."""
    output = wait.state.output
    if output is None:
        return {}
    return wait_payload(workflow, reads, output, own_context=".iterator" in wait.branch)


def wait_payload(workflow: Workflow, reads: FlowReads, output: str, chosen: Any = None, *,
                 own_context: bool = False) -> Any:
    """A payload for the event a wait stores at `output`, which the engine refuses unless it fits the context
    schema there: what the schema declares at `output` (nothing for a wait with a context of its own, a map
    item's), with `chosen` laid over it (the fields the test chose, for the guards) and a default for every other
    value the flow reads. The same for a wait at the top of the flow and one inside a branch or an item."""
    schema = None if own_context else schema_at(workflow.context, output)
    value = value_for_schema({"type": "object", **schema} if schema and "type" not in schema else schema) \
        if schema else {}
    return reads.complete(output, value if chosen is None else _laid_over(value, chosen))


def _laid_over(base: Any, chosen: Any) -> Any:
    """`chosen` with what `base` has and it lacks, object by object."""
    if not (isinstance(base, dict) and isinstance(chosen, dict)):
        return copy.deepcopy(chosen)
    merged = copy.deepcopy(base)
    for key, value in chosen.items():
        merged[key] = _laid_over(base[key], value) if key in base else copy.deepcopy(value)
    return merged


def _rounds(state: Any, contexts: list[dict[str, Any]]) -> int:
    """At most how many rounds `state` needs: each wait in a branch once (branches run side by side, so the
    busiest branch counts), and a map's iterator once per batch of items."""
    machines: list[tuple[Any, list[dict[str, Any]]]] = []
    if isinstance(state, ParallelState):
        machines = [(branch, contexts) for branch in state.branches]
    elif isinstance(state, MapState) and state.iterator is not None:
        machines = [(state.iterator, [{} for _ in range(1)])]
    per_machine = [sum(_rounds(inner, inner_contexts) + isinstance(inner, WaitState)
                       for inner in machine.states.values()) for machine, inner_contexts in machines]
    rounds = max(per_machine, default=0)
    if isinstance(state, MapState):
        count = max((item_count(state, c) for c in contexts), default=0) or 1
        rounds *= math.ceil(count / state.max_concurrency)
    return rounds
