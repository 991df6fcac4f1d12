"""Planning a migration, purely: what moving one instance from version N of its workflow to version M would do.

`plan_instance` takes the two compiled versions, the instance, its open work (armed timers, event waits, pending
approvals, action jobs, live children) and an optional state mapping, and says — without touching anything —
where the instance would be (its state kept, mapped, or missing from version M), whether its context fits
version M's schema (each problem with its JSON pointer), what becomes of each piece of open work (carried to
version M or cancelled), and, when moving it would not be safe, `refused` with the reason. Each piece of open
work is said in words (`detail`) and in fields a program reads: a timer's due time and the event it fires, an
event wait's event and key, an approval's approvals so far and its quorum.

Two ways to move an instance:
- **carried**: its state exists in version M with the same definition — the same but for its words for people:
  a title or description (its own, or of the states and transitions inside it) that changed leaves it carried —
  or the mapping moves it to a state that does the same under another id (a rename; not while children run
  under it, a branch or an item being named by its state). Its open work is kept as it is — the timers keep
  their due times, the approval keeps its decisions (shown under the new id), the event wait its key.
- **entered**: its state is mapped to a state that does something else, or its definition changed. What was
  open is cancelled and the state is entered afresh in version M, as on arrival: its policies are checked and its
  work starts (the task's action runs, the approval opens, the wait starts again and the timers are armed from
  now).

A third, for a failed or stuck instance a redrive could resume — **awaits_redrive**: moved as it is, still
failed, for its redrive to resume under version M (engine/runtime/migration_failed.py).

Refused, with the reason: a state missing from version M with no mapping; a state that is final in version M
and that the instance is not already in, unless `allow_final` says so (the migration — or a failed instance's
redrive — would end it there without the work its state was waiting for); a context that does not fit; an
instance inside another (a subflow or branch: it follows its parent); an action running on a worker (its result
is bound to the transition that started it); children still running for a state that changed (parallel branches
or a subflow that would not line up with version M), or for a map in progress; a timer whose event version M no
longer takes from the state; a failed or stuck instance that cannot be moved as it is (migration_failed.py says
when). A refused instance stays on version N and runs on there; each reason also says what would let it move —
a mapping, an operator's redrive, waiting until the work in the way is done, or another version — after which
the migration is run again.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from engine.definition import ApprovalState, FinalState, MapState, State, TaskState, WaitState
from engine.definition.expressions import referenced_names
from engine.definition.renames import meaning
from engine.errors import InvalidInput
from engine.runtime.clock import to_rfc3339
from engine.runtime.context_schema import check_context
from engine.runtime.decide import REDRIVABLE
from engine.runtime.entering import unavailable_facts
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.migration_failed import AWAITS_REDRIVE, awaiting_notes, awaiting_refusal
from engine.runtime.snapshot import FAILED, HELD, RUNNING, STUCK, Environment
from engine.runtime.variables import variables
from storage.approvals import ApprovalDecisionRecord, ApprovalRecord
from storage.events import EventWaitRecord
from storage.instances import InstanceRecord
from storage.jobs import JobRecord
from storage.timers import TimerRecord

__all__ = [
    "CANCELLED",
    "CARRIED",
    "LIVE",
    "MIGRATABLE",
    "UNTOUCHED",
    "InstancePlan",
    "OpenWork",
    "PendingWork",
    "check_mapping",
    "plan_instance",
]

# the statuses a migration lists: every instance that has not ended, and the failed ones a redrive could resume
# (`is_listed_failure` says which: engine/runtime/migration_failed.py)
MIGRATABLE = (RUNNING, HELD, STUCK, FAILED)
CARRIED = "carried"
CANCELLED = "cancelled"
UNTOUCHED = "untouched"  # the instance is refused: its open work stays as it is
ENTERED = "entered"
KEPT, MAPPED, MISSING = "kept", "mapped", "missing"
LIVE = frozenset({RUNNING, HELD, STUCK})


@dataclass(frozen=True, slots=True)
class OpenWork:
    """What an instance has open at its latest transition (`seq` = its version)."""

    timers: tuple[TimerRecord, ...] = ()
    event_waits: tuple[EventWaitRecord, ...] = ()
    approvals: tuple[ApprovalRecord, ...] = ()
    jobs: tuple[JobRecord, ...] = ()  # its action jobs, ready or running
    children: tuple[InstanceRecord, ...] = ()  # its children that have not ended
    decisions: Mapping[int, tuple[ApprovalDecisionRecord, ...]] = field(default_factory=dict)  # by approval id


@dataclass(frozen=True, slots=True)
class PendingWork:
    """One piece of open work and what the migration does with it."""

    kind: str  # 'timer', 'event_wait', 'approval', 'action', 'child'
    detail: str  # in words, e.g. "'timeout' due 2026-12-07T07:10:06Z"
    outcome: str  # CARRIED, CANCELLED, or UNTOUCHED when the instance is refused
    due_at: str | None = None  # a timer's due time (RFC 3339)
    event: str | None = None  # the event a timer fires, or an event wait waits for
    correlation_key: str | None = None  # an event wait's key
    approval_id: int | None = None
    approvals: int | None = None  # an approval's approve decisions so far …
    quorum: int | None = None  # … and how many it needs

    def as_dict(self) -> dict[str, Any]:
        """Every field, those of other kinds `None` (the API's shape)."""
        return {"kind": self.kind, "detail": self.detail, "outcome": self.outcome, "due_at": self.due_at,
                "event": self.event, "correlation_key": self.correlation_key, "approval_id": self.approval_id,
                "approvals": self.approvals, "quorum": self.quorum}


@dataclass(frozen=True, slots=True)
class InstancePlan:
    instance_id: str
    tenant: str
    status: str
    seq: int  # the instance's version (transitions) the plan was made at
    state: str
    target_state: str | None  # None when the state is missing from the new version and not mapped
    state_change: str  # 'kept', 'mapped' or 'missing'
    entry: str | None  # 'carried' (open work kept) or 'entered' (entered afresh); None when refused early
    context_problems: tuple[str, ...] = ()
    pending: tuple[PendingWork, ...] = ()
    refused: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def migrates(self) -> bool:
        return self.refused is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id, "tenant": self.tenant, "status": self.status, "seq": self.seq,
            "state": self.state, "target_state": self.target_state, "state_change": self.state_change,
            "entry": self.entry, "context_valid": not self.context_problems,
            "context_problems": list(self.context_problems), "pending": [p.as_dict() for p in self.pending],
            "refused": self.refused, "notes": list(self.notes),
        }


def check_mapping(mapping: Mapping[str, str], old: CompiledWorkflow, new: CompiledWorkflow) -> list[str]:
    """What is wrong with a state mapping (empty when it is sound): each old state must be one of version N's,
    each new state one of version M's, and a state is not mapped to a choice (it is never rested in)."""
    problems = []
    for source, dest in mapping.items():
        if source not in old.states:
            problems.append(f"'{source}' is not a state of version {old.workflow.version}")
        if dest not in new.states:
            problems.append(f"'{dest}' (for '{source}') is not a state of version {new.workflow.version}")
        elif new.states[dest].type == "choice":
            problems.append(f"'{dest}' (for '{source}') is a choice state: an instance never rests in one")
    return problems


_MEANINGS: weakref.WeakKeyDictionary[CompiledWorkflow, dict[str, Any]] = weakref.WeakKeyDictionary()
"""Each compiled version's states' meanings, worked out once: a preview compares the same state pair for each
of thousands of instances (at 20,000 instances the comparison was a third of the preview's CPU)."""


def _meaning_of(compiled: CompiledWorkflow, state_id: str) -> Any:
    meanings = _MEANINGS.setdefault(compiled, {})
    if state_id not in meanings:
        meanings[state_id] = meaning(compiled.states[state_id])
    return meanings[state_id]


def _same(old: CompiledWorkflow, source: str, new: CompiledWorkflow, target: str) -> bool:
    """Whether state `source` of `old` and `target` of `new` do the same (a changed title or description does not
    count)."""
    return source in old.states and target in new.states and _meaning_of(old, source) == _meaning_of(new, target)


def _context_problems(new: CompiledWorkflow, context: dict[str, Any]) -> tuple[str, ...]:
    schema = new.workflow.context
    if not schema:
        return ()
    try:
        check_context(schema, context)
    except InvalidInput as exc:
        prefix = "the context does not fit the workflow's schema: "
        detail = exc.detail.removeprefix(prefix)
        return tuple(detail.split("; ")) if detail != exc.detail else (exc.detail,)
    return ()


def _describe(work: OpenWork) -> list[PendingWork]:
    """Each piece of open work, in words and fields (its outcome still to be said: UNTOUCHED)."""
    found: list[PendingWork] = []
    for t in work.timers:
        due = to_rfc3339(t.due_at)
        found.append(PendingWork("timer", f"'{t.fire}' due {due}", UNTOUCHED, due_at=due, event=t.fire))
    for w in work.event_waits:
        key = f" with key '{w.correlation_key}'" if w.correlation_key is not None else ""
        found.append(PendingWork("event_wait", f"for '{w.event_type}'{key}", UNTOUCHED, event=w.event_type,
                                 correlation_key=w.correlation_key))
    for a in work.approvals:
        gate = f" (policy '{a.policy_id}')" if a.policy_id else ""
        decided = work.decisions.get(a.id, ()) if a.id is not None else ()
        approving = sum(1 for d in decided if d.decision == "approve")
        found.append(PendingWork("approval", f"#{a.id} in '{a.state}'{gate}, quorum {a.quorum}", UNTOUCHED,
                                 approval_id=a.id, approvals=approving, quorum=a.quorum))
    for j in work.jobs:
        found.append(PendingWork("action", f"'{j.payload.get('action')}' (job {j.id}, {j.status})", UNTOUCHED))
    for c in work.children:
        what = f"branch '{c.branch}'" if c.branch else f"subflow {c.workflow_id} v{c.workflow_version}"
        found.append(PendingWork("child", f"{what}: instance {c.id} ({c.status})", UNTOUCHED))
    return found


def _running_words(job: JobRecord, now: float | None) -> str:
    """A claimed action job in words: running on a worker — or, its lease lapsed, taken by a worker that stopped
    and waiting for a live one to take it again (an operator looking for the worker would find none)."""
    action = job.payload.get("action")
    if now is not None and job.lease_expires is not None and job.lease_expires < now:
        return (f"its action '{action}' was taken by a worker that stopped (job {job.id}, its lease lapsed at "
                f"{to_rfc3339(job.lease_expires)}): a live worker takes it again, or the task ends stuck once its "
                "attempts are lost")
    return f"its action '{action}' is running on a worker (job {job.id})"


def _carry_refusal(state_id: str, state: State, new: CompiledWorkflow, work: OpenWork,
                   now: float | None) -> str | None:
    running = [j for j in work.jobs if j.status != "ready"]
    if running:
        return (f"{_running_words(running[0], now)}; its result belongs to the transition that started it — "
                "migrate the instance once it has finished")
    if isinstance(state, MapState) and work.children:
        return (f"the map '{state_id}' is in progress ({_count(len(work.children), 'item')} running); "
                "migrate it after the map")
    for t in work.timers:
        if t.fire != "escalate" and not new.accepts(state_id, t.fire):
            return (f"its timer fires '{t.fire}', which no transition of version {new.workflow.version} takes "
                    f"from '{state_id}': migrate it once it has left '{state_id}', or to a version with a "
                    f"transition for '{t.fire}' from there")
    return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _context_refusal(old: CompiledWorkflow, new: CompiledWorkflow) -> str:
    """A running (or held) instance's context is changed by its own steps alone — a redrive corrects only a failed
    or stuck one's — so it can stay where it is, or move to a version its context fits."""
    return (f"its context does not fit the schema of version {new.workflow.version}: leave it on version "
            f"{old.workflow.version}, where it runs on to its end, or migrate it to a version whose schema takes "
            "its context (a running instance's context cannot be corrected; a failed or stuck one's can, with a "
            "redrive)")


def _entry_refusal(state_id: str, old_state: State | None, target: str, work: OpenWork,
                   now: float | None) -> str | None:
    running = [j for j in work.jobs if j.status != "ready"]
    if running:
        return (f"{_running_words(running[0], now)}, and '{target}' is entered afresh in the new version: the "
                "running action's result would not apply — migrate the instance once it has finished")
    if work.children:
        if isinstance(old_state, MapState):
            what, changed = _count(len(work.children), "item"), "its iterator or workflow changed"
        else:
            what, changed = _count(len(work.children), "child instance"), "its branches or subflow changed"
        return (f"{what} {'runs' if len(work.children) == 1 else 'run'} for '{state_id}', which does not line up "
                f"with the new version's '{target}' ({changed}); migrate it after they end")
    return None


def plan_instance(old: CompiledWorkflow, new: CompiledWorkflow, instance: InstanceRecord, work: OpenWork,
                  mapping: Mapping[str, str] | None = None, *, now: float | None = None,
                  allow_final: bool = False) -> InstancePlan:
    """What migrating `instance` (pinned to `old`) to `new` would do; see the module's docstring. `now`: the
    clock's time, which tells a running action from one whose worker stopped (its lease lapsed). `allow_final`:
    moving an instance into a final state it is not already in is meant (refused otherwise)."""
    mapping = mapping or {}
    plan = partial(InstancePlan, instance.id, instance.tenant, instance.status, instance.version, instance.state)
    untouched = tuple(_describe(work))
    if instance.parent_id is not None:
        return plan(target_state=None, state_change=KEPT, entry=None, pending=untouched,
                    refused=f"it runs inside the instance {instance.parent_id}; migrate that one")
    if instance.state in mapping:
        target: str | None = mapping[instance.state]
        change = MAPPED if target != instance.state else KEPT
    else:
        target = instance.state if instance.state in new.states else None
        change = KEPT if target is not None else MISSING
    problems = _context_problems(new, instance.context)
    if target is None:
        return plan(target_state=None, state_change=MISSING, entry=None, context_problems=problems,
                    pending=untouched, refused=f"the state '{instance.state}' is not in version "
                    f"{new.workflow.version}; map it to one of its states")
    same = _same(old, instance.state, new, target)
    into_final = None if allow_final else _final_refusal(old, new, instance, target, untouched)
    if instance.status in REDRIVABLE:
        refused = into_final or awaiting_refusal(old, new, instance, target, same=same, kept=change == KEPT,
                                                 problems=problems, open_work=tuple(p.detail for p in untouched))
        return plan(target_state=target, state_change=change, entry=AWAITS_REDRIVE, context_problems=problems,
                    pending=untouched, refused=refused, notes=() if refused else awaiting_notes(
                        old.states.get(instance.state), instance, target, new.workflow.version))
    # a state mapped to one that does the same (a rename) keeps its open work too, unless children run under it:
    # a branch or item is named by its state, a name the mapping would leave behind
    carried = same and (change == KEPT or not work.children)
    if into_final or problems:
        refused = into_final or _context_refusal(old, new)
    elif carried:
        refused = _carry_refusal(target, new.states[target], new, work, now)
    else:
        refused = _entry_refusal(instance.state, old.states.get(instance.state), target, work, now)
    outcome = UNTOUCHED if refused else CARRIED if carried else CANCELLED
    pending = tuple(replace(p, outcome=outcome) for p in untouched)
    return plan(target_state=target, state_change=change, entry=CARRIED if carried else ENTERED,
                context_problems=problems, pending=pending, refused=refused,
                notes=() if refused else _notes(new, target, carried, work) + (
                    () if carried else _unavailable_on_entry(new, target, instance, now)))


def _final_refusal(old: CompiledWorkflow, new: CompiledWorkflow, instance: InstanceRecord, target: str,
                   work: tuple[PendingWork, ...]) -> str | None:
    """Moving an instance into a final state ends it — at once, or at its redrive — without the work its state
    was waiting for: a slip in a mapping would complete business work unseen, so it takes an explicit
    `allow_final`. A failed instance kept in the final state it failed in (its `result` fixed) needs none."""
    state = new.states[target]
    if not isinstance(state, FinalState):
        return None
    if target == instance.state and isinstance(old.states.get(instance.state), FinalState):
        return None
    if instance.status in REDRIVABLE:
        ends = f"its redrive would end the instance there (outcome {state.outcome}) without running '{instance.state}'"
    else:
        waited = f"its open work ({', '.join(f'{p.kind} {p.detail}' for p in work)})" if work else (
            f"what '{instance.state}' does")
        ends = f"the migration would end the instance there at once (outcome {state.outcome}), without {waited}"
    return (f"'{target}' is a final state of version {new.workflow.version}: {ends}; map '{instance.state}' to a "
            "state that is not final, or allow moving instances into a final state explicitly (statewright "
            "migrate --allow-final; allow_final in the API)")


def _wait_starts(state: WaitState) -> str:
    """What entering a wait afresh starts: only a duration, or an event's timeout, is timed from now."""
    if state.event is not None:
        awaited = f"it waits again for '{state.event.type}'"
        return f"{awaited}, its timeout timed from now" if state.timeout is not None else f"{awaited}, with no timeout"
    if state.deadline is not None:
        return "it waits again until its deadline, worked out anew"
    return "it waits again, timed from now"


def _notes(new: CompiledWorkflow, target: str, carried: bool, work: OpenWork) -> tuple[str, ...]:
    if carried:
        return ()
    state = new.states[target]
    starts = _wait_starts(state) if isinstance(state, WaitState) else {
        "task": "its action runs", "approval": "an approval opens", "parallel": "its branches start",
        "map": "its items start", "subflow": "its subflow starts", "final": "the instance ends there",
    }.get(state.type, "it is entered")
    lost = " (decisions already taken on its open approval are dropped)" if work.approvals else ""
    return (f"'{target}' is entered afresh in version {new.workflow.version}: {starts}{lost}",)



# What a preview cannot know for an instance: what the budget, shared memory or an event will hold when it enters
_KNOWN_ONLY_THEN = frozenset({"budget", "memory", "event"})


def _unavailable_on_entry(new: CompiledWorkflow, target: str, instance: InstanceRecord,
                          now: float | None) -> tuple[str, ...]:
    """What entering `target` afresh could not compute from this instance's context: an approval's request facts
    (shown to its approvers as not available) or a task's input (the task fails on entry, kind `input`) that read
    a key the instance does not hold — a version whose request reads a key only its own earlier steps set."""
    state = new.states[target]
    if isinstance(state, ApprovalState):
        facts = state.request
    elif isinstance(state, TaskState):
        facts = state.input
    else:
        return ()
    judged = {k: v for k, v in facts.items() if not referenced_names(v) & _KNOWN_ONLY_THEN}
    if not judged:
        return ()
    about = {"id": instance.id, "workflow": instance.workflow_id, "version": new.workflow.version,
             "tenant": instance.tenant}
    missing = unavailable_facts(judged, variables(instance.context, None, Environment(now or 0.0, about), target))
    said = "; ".join(f"'{key}': {why}" for key, why in missing.items())
    if not missing:
        return ()
    if isinstance(state, ApprovalState):
        return (f"its approvers would see {_count(len(missing), 'fact')} of the request of '{target}' as not "
                f"available for this instance ({said}); the others are shown",)
    return (f"the task '{target}' would fail as it is entered (kind input): its input cannot be computed for this "
            f"instance ({said})",)
