"""One `transitions.Machine` per deployed (workflow, version[, branch]), built once and shared.

Instances never get a Machine of their own. The machine is the workflow's transition table: for each (state,
trigger), the transitions it would try, in the order it tries them (by priority). Firing walks that list as the
machine's `trigger` does — the first transition whose guard holds is taken — without the library's per-fire
set-up (event data, callbacks, a model's state set and read back under a lock), which cost more than the guards
themselves; it records what every guard it tried evaluated to. (A host that turns the library's INFO lines on
gets them: the machine then fires itself.) Guards are CEL, evaluated against the variables of the step.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from transitions import Machine

from engine.definition import (
    Branch,
    MapIterator,
    MapState,
    ParallelState,
    State,
    TaskState,
    Transition,
    WaitState,
    Workflow,
)
from engine.definition.expressions import ExpressionError
from engine.definition.scope import workflow_reads
from engine.runtime.context_schema import schema_at, schema_problems
from engine.runtime.map_items import ITERATOR
from engine.runtime.snapshot import AUTO
from engine.runtime.variables import evaluate
from storage.records import record

__all__ = ["CompiledWorkflow", "Fired", "GuardEvaluation", "MachineCache", "branch_workflow"]

# `transitions` narrates every callback of every fire at INFO: five lines a transition wherever the host logs
# INFO (Litestar, uvicorn and `logging.basicConfig` do), costing more than the fire itself. Quiet unless the
# application set the logger's level itself.
if logging.getLogger("transitions").level == logging.NOTSET:
    logging.getLogger("transitions").setLevel(logging.WARNING)
_NARRATED = logging.getLogger("transitions.core")


@record
class GuardEvaluation:
    """One transition the machine tried: its guard (None when unguarded) and what it evaluated to."""

    transition: int
    dest: str
    guard: str | None
    value: bool
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"transition": self.transition, "dest": self.dest, "guard": self.guard,
                                 "value": self.value}
        if self.error is not None:
            found["error"] = self.error
        return found


@dataclass(slots=True)
class _Frame:
    scope: dict[str, Any]
    evaluations: list[GuardEvaluation] = field(default_factory=list)


@record
class Fired:
    """The outcome of firing a trigger: the definition transition taken (None: every guard was false)."""

    transition: Transition | None
    index: int | None
    evaluations: tuple[GuardEvaluation, ...]


class _Cursor:
    """The one model object the machine drives when it fires itself (`fire`, with the library's lines on)."""

    state: str


@dataclass(frozen=True, slots=True)
class _Condition:
    """A transition's guard as the machine holds it, naming the definition transition it guards (`fire` reads
    the machine's order of transitions through it)."""

    check: Callable[[_Frame], bool]
    index: int

    def __call__(self, event_data: Any) -> bool:  # the machine's own `trigger` calls it so
        return self.check(event_data.args[0])


def _output_schemas(workflow: Workflow) -> dict[str, dict[str, Any]]:
    """Each task's and event wait's output schema: what the `context` schema declares at the key or path of its
    `output` (a task's result and a wait's event payload must fit it)."""
    found = {sid: schema_at(workflow.context, s.output) for sid, s in workflow.states.items()
             if isinstance(s, TaskState | WaitState) and s.output}
    return {sid: schema for sid, schema in found.items() if schema is not None}


class CompiledWorkflow:
    """A workflow (or one parallel branch of it) compiled into a `transitions.Machine`."""

    def __init__(self, workflow: Workflow, branch: str = "") -> None:
        self.workflow = workflow
        self.branch = branch
        self.states: dict[str, State] = dict(workflow.states)
        self.transitions: list[Transition] = list(workflow.transitions)
        self.reads_budget = _reads(workflow, "budget")
        self.reads_memory = workflow_reads(workflow, "memory")  # else `memory` is not loaded for its decisions
        self.memory_namespaces = tuple(workflow.memory_namespaces or ())
        self.agent_ids = frozenset(s.agent for s in workflow.states.values() if isinstance(s, TaskState) and s.agent)
        self.output_schemas = _output_schemas(workflow)
        # per transition with `assign`: the schema the context declares at each key or path it sets
        self._assign_schemas: dict[int, dict[str, dict[str, Any]]] = {
            index: found for index, t in enumerate(self.transitions) if t.assign and (found := {
                key: schema for key in t.assign if (schema := schema_at(workflow.context, key)) is not None})}
        self._settled: dict[tuple[str, str], Fired] = {}  # answers that no guard took part in (see `fire`)
        self._checks: dict[int, Callable[[_Frame], bool]] = {}
        self._machine = self._build()
        self._tried = self._tried_in_order()
        self._lock = threading.Lock()
        self._cursor = _Cursor()
        self._machine.add_model(self._cursor, initial=workflow.initial)

    def assign_misfits(self, index: int, assigned: dict[str, Any]) -> list[str]:
        """Where the values the transition `index` assigns break what the context schema declares for their keys:
        'key/pointer: problem' each (none when it declares nothing there)."""
        schemas = self._assign_schemas.get(index)
        if not schemas:
            return []
        found = []
        for key, schema in schemas.items():
            for problem in schema_problems(schema, assigned[key]) if key in assigned else ():
                pointer, _, message = problem.partition(": ")
                found.append(f"{key}{'' if pointer == '/' else pointer}: {message}")
        return found

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.workflow.id, self.workflow.version, self.branch)

    def _build(self) -> Machine:
        machine = Machine(
            model=None, states=list(self.states), initial=None, auto_transitions=False, send_event=True,
            ignore_invalid_triggers=False,
        )
        movable = [sid for sid, s in self.states.items() if s.type != "final"]
        order = sorted(range(len(self.transitions)), key=lambda i: -self.transitions[i].priority)
        for index in order:
            transition = self.transitions[index]
            self._checks[index] = self._guard(index)
            machine.add_transition(
                transition.trigger or AUTO,
                cast("list[Any]", transition.sources(movable)),
                transition.dest,
                conditions=[_Condition(self._checks[index], index)],
            )
        return machine

    def _tried_in_order(self) -> dict[tuple[str, str], tuple[int, ...]]:
        """For each (state, trigger), the indexes of the transitions the machine tries, in its order."""
        return {(state, name): tuple(cast("_Condition", c.func).index for t in tried for c in t.conditions)
                for name, event in self._machine.events.items() for state, tried in event.transitions.items()
                if tried}

    def _guard(self, index: int) -> Callable[[_Frame], bool]:
        transition = self.transitions[index]
        source = transition.guard
        kinds = transition.catches
        shown = transition.effective_guard()

        def check(frame: _Frame) -> bool:
            if kinds is not None and _error_kind(frame.scope) not in kinds:
                frame.evaluations.append(GuardEvaluation(index, transition.dest, shown, False))
                return False
            if source is None:
                frame.evaluations.append(GuardEvaluation(index, transition.dest, shown, True))
                return True
            try:
                value = evaluate(source, frame.scope)
            except ExpressionError as exc:
                frame.evaluations.append(GuardEvaluation(index, transition.dest, shown, False, exc.message))
                return False
            if not isinstance(value, bool):
                error = f"the guard gave {type(value).__name__}, not a boolean"
                frame.evaluations.append(GuardEvaluation(index, transition.dest, shown, False, error))
                return False
            frame.evaluations.append(GuardEvaluation(index, transition.dest, shown, value))
            return value

        return check

    def accepts(self, state: str, trigger: str) -> bool:
        """Whether any transition leaves `state` on `trigger` (guards aside): one the machine tries."""
        return (state, trigger) in self._tried

    def triggers(self, state: str) -> list[str]:
        """The triggers the definition accepts in `state` (automatic transitions left out)."""
        return sorted(name for name, event in self._machine.events.items()
                      if name != AUTO and event.transitions.get(state))

    def fire(self, state: str, trigger: str, scope: Callable[[], dict[str, Any]]) -> Fired | None:
        """Fire `trigger` from `state`, guards seeing the variables `scope()` gives; None when no transition
        leaves `state` on it at all.

        When the first transition the machine tries is unguarded, its answer cannot depend on the variables:
        it is kept and given again for that (state, trigger) without firing or building them (a third of a
        `send`'s decision)."""
        settled = self._settled.get((state, trigger))
        if settled is not None:
            return settled
        tried = self._tried.get((state, trigger))
        if tried is None:
            return None
        frame = _Frame(scope())
        if _NARRATED.isEnabledFor(logging.INFO):  # the host asked for the library's lines: the machine fires
            with self._lock:
                self._cursor.state = state
                self._machine.events[trigger].trigger(self._cursor, frame)
        else:
            any(self._checks[i](frame) for i in tried)  # stops at the first that holds, as the machine does
        last = frame.evaluations[-1] if frame.evaluations else None  # the first guard that held ends the walk
        index = last.transition if last is not None and last.value else None
        fired = Fired(None if index is None else self.transitions[index], index, tuple(frame.evaluations))
        if index is not None and len(fired.evaluations) == 1 and fired.evaluations[0].guard is None:
            self._settled[(state, trigger)] = fired
        return fired


def _error_kind(scope: dict[str, Any]) -> Any:
    event = scope.get("event")
    return event.get("kind") if isinstance(event, dict) else None


def _reads(workflow: Workflow, name: str) -> bool:
    """Whether any guard or policy condition of the workflow mentions `name` (cheap text test, conservative)."""
    texts = [t.guard or "" for t in workflow.transitions] + [p.condition for p in workflow.policies]
    return any(name in text for text in texts)


def _inner_machine(state: State | None, state_id: str, name: str, workflow_id: str) -> Branch | MapIterator:
    """One parallel branch (by name), or a map's `iterator`."""
    if isinstance(state, MapState) and state.iterator is not None and name == ITERATOR:
        return state.iterator
    if not isinstance(state, ParallelState):
        raise KeyError(f"'{state_id}' is not a parallel or map state of {workflow_id}")
    found = next((b for b in state.branches if b.name == name), None)
    if found is None:
        raise KeyError(f"the parallel state '{state_id}' has no branch '{name}'")
    return found


def branch_workflow(workflow: Workflow, path: str) -> Workflow:
    """The synthetic workflow one parallel branch runs: its states and transitions, the parent's policies and,
    unless a map's iterator is on the path (its context is the item), the parent's context schema: a branch
    works on a copy of the parent's context, so its tasks' outputs have the schemas the parent declares, which
    an executor asks a model for and checks the reply against.

    `path` is `state.branch`, nested as `state.branch/state.branch`; a map's iterator is `state.iterator`.
    """
    states: dict[str, State] = dict(workflow.states)
    found: Branch | MapIterator | None = None
    in_map = False
    for part in path.split("/"):
        state_id, _, branch_name = part.partition(".")
        found = _inner_machine(states.get(state_id), state_id, branch_name, workflow.id)
        in_map = in_map or isinstance(found, MapIterator)
        states = dict(found.states)
    assert found is not None
    return Workflow.model_validate({
        "id": workflow.id,
        "version": workflow.version,
        "title": f"{workflow.title} — {path}",
        "initial": found.initial,
        "states": {sid: s.model_dump(by_alias=True, exclude_none=True) for sid, s in found.states.items()},
        "transitions": [t.model_dump(by_alias=True, exclude_none=True) for t in found.transitions],
        "policies": [p.model_dump(by_alias=True, exclude_none=True) for p in workflow.policies],
        "memory_namespaces": workflow.memory_namespaces,
        "context": {} if in_map else workflow.context,
    })


class MachineCache:
    """Compiled workflows by (id, version, branch), least recently used dropped beyond `size`."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int, str], CompiledWorkflow] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int, str]) -> CompiledWorkflow | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, compiled: CompiledWorkflow) -> CompiledWorkflow:
        with self._lock:
            existing = self._items.get(compiled.key)
            if existing is not None:
                return existing
            self._items[compiled.key] = compiled
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            return compiled

    def __len__(self) -> int:
        return len(self._items)
