"""Migrating a failed or stuck instance: moved as it is, to be resumed by a redrive under the new version.

A failed instance whose bug was in the definition — a final state's `result` reading the wrong key, a guard that
matched nothing — is fixed by deploying a corrected version; a redrive on the old version would run the broken
definition again. A migration moves such an instance to the new version **as it is**: its state kept (or mapped),
its status still `failed` (or `stuck`), its error and context kept, nothing entered or run (`awaits_redrive`).
The operator's redrive then resumes it under the new version, exactly as it would have under the old one
(engine/runtime/redrive.py): the state is entered again, a task's action runs with the idempotency key of the
run that failed (kept while the state is kept, not when it is mapped to another id).

Listed: the failed instances a redrive could resume (`REDRIVABLE`, engine/runtime/decide.py) — top level, failed
in a state of the old version, not ended by a final state of outcome failure their workflow chose (those ended:
nothing failed, nothing to resume). A failed child is not listed: its parent heard of its failure and is the one
redriven. Stuck instances were always listed; they move the same way.

Refused, with the reason (the instance stays on the old version, failed, where a redrive resumes it as before):
- a context the new version's schema does not take: a redrive with corrections (`--set`) fixes it first;
- open work still at its latest transition (a failure cancels it; anything left is not understood, so untouched);
- a map or parallel state that changed, or was mapped to another id: the redrive carries over the items or
  branches that succeeded, which would not line up with the new version's.
"""

from __future__ import annotations

from engine.definition import MapState, ParallelState, State, TaskState
from engine.runtime.decide import REDRIVABLE, redrive_refusal
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.snapshot import FAILED, Snapshot
from storage.instances import InstanceRecord

__all__ = ["AWAITS_REDRIVE", "awaiting_notes", "awaiting_refusal", "is_listed_failure"]

AWAITS_REDRIVE = "awaits_redrive"
"""A plan's `entry` for a failed or stuck instance: moved as it is, still failed, for a redrive to resume."""


def is_listed_failure(old: CompiledWorkflow, instance: InstanceRecord) -> bool:
    """Whether a failed instance is one a migration lists: top level, and one a redrive could resume."""
    if instance.status != FAILED:
        return False
    snapshot = Snapshot(instance.state, instance.context, instance.status, instance.result, instance.error)
    return instance.parent_id is None and redrive_refusal(old, snapshot) is None


def awaiting_refusal(old: CompiledWorkflow, new: CompiledWorkflow, instance: InstanceRecord, target: str, *,
                     same: bool, kept: bool, problems: tuple[str, ...], open_work: tuple[str, ...]) -> str | None:
    """Why the failed or stuck `instance` cannot be moved to `target` of `new` as it is, or None. `same`: the two
    states do the same; `kept`: the state keeps its id; `problems`: its context against `new`'s schema;
    `open_work`: what it still has open, in words."""
    assert instance.status in REDRIVABLE
    if problems:
        return (f"it is {instance.status} and waits for an operator, and its context does not fit the schema of "
                f"version {new.workflow.version}: redrive it with the corrections its context needs (a redrive may "
                "set context values), then migrate it again; or cancel it")
    if open_work:
        return (f"it is {instance.status} but still has open work ({open_work[0]}): redrive or cancel it on "
                f"version {old.workflow.version}")
    state = old.states.get(instance.state)
    if isinstance(state, MapState | ParallelState) and not (same and kept):
        what = "items" if isinstance(state, MapState) else "branches"
        how = "changed" if kept else f"is mapped to '{target}'"
        return (f"it failed in the {state.type} '{instance.state}', which {how} in version {new.workflow.version}: "
                f"a redrive carries over the {what} that succeeded, which would not line up with the new version's; "
                f"redrive it on version {old.workflow.version}, or cancel it")
    return None


def awaiting_notes(old_state: State | None, instance: InstanceRecord, target: str, version: int) -> tuple[str, ...]:
    """What moving the failed or stuck instance does, and what its redrive will then do."""
    notes = [f"it moves as it is, still {instance.status} in '{target}' with its error: `redrive` then resumes it "
             f"under version {version}, entering '{target}' again"]
    if isinstance(old_state, TaskState) and target != instance.state:
        notes.append(f"its redrive runs the action of '{target}' under a new idempotency key (the failed run's key "
                     f"belongs to '{instance.state}'): a side effect that run completed may be repeated")
    return tuple(notes)
