"""Migrating running instances from version N of a workflow to version M: a preview, and the move itself.

`preview_migration` plans every instance of the workflow pinned to version N that has not ended, and every
failed one a redrive could resume (engine/runtime/migration_plan.py says what a plan holds;
engine/runtime/migration_failed.py how a failed one moves), and changes nothing. `apply_migration` moves them
one transaction each: the instance row is locked, its plan is made again on what the transaction reads (so
what moved on since the preview is judged as it is now), and a refused instance is left untouched. A migrated
instance gets one history row, event `(migrate)`, naming the versions, the state it left and entered, the
mapping and what was carried or cancelled; its open work is either carried to that row's transition or
cancelled and the state entered afresh — or, failed or stuck, it moves as it is, for a redrive to resume under
version M. Killed halfway, every instance is either migrated or untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

from engine.definition import Workflow
from engine.definition.renames import renamed_states
from engine.errors import ConcurrencyConflict, InvalidInput
from engine.runtime.core import Runtime
from engine.runtime.decide import REDRIVABLE, Decision, Step, reenter
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.migration_failed import AWAITS_REDRIVE, is_listed_failure
from engine.runtime.migration_groups import PlanGroup, PlanPage, group_plans, page_of
from engine.runtime.migration_plan import (
    CARRIED,
    LIVE,
    MIGRATABLE,
    InstancePlan,
    OpenWork,
    check_mapping,
    plan_instance,
)
from engine.runtime.snapshot import FAILED, MIGRATE, Event, Snapshot
from engine.runtime.writer import snapshot_of
from storage.approvals import ApprovalStore
from storage.carried_work import CarriedWork
from storage.events import EventStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.timers import TimerStore
from storage.transaction import Transaction

__all__ = ["MigrationReport", "apply_migration", "open_work", "open_work_of", "preview_migration"]

_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class MigrationReport:
    workflow_id: str
    from_version: int
    to_version: int
    mapping: dict[str, str]
    applied: bool  # False for a preview
    plans: tuple[InstancePlan, ...]
    migrated: tuple[str, ...] = field(default=())  # the instances moved (an apply only)
    allow_final: bool = False  # moving instances into a final state was allowed
    renames: dict[str, str] = field(default_factory=dict)  # of `mapping`, the target's renames it applied

    @property
    def refused(self) -> tuple[InstancePlan, ...]:
        return tuple(p for p in self.plans if not p.migrates)

    @property
    def groups(self) -> tuple[PlanGroup, ...]:
        """The plans grouped by what the migration does to them (engine/runtime/migration_groups.py)."""
        return group_plans(self.plans)

    def page(self, limit: int, *, after: str | None = None, state: str | None = None) -> PlanPage:
        """`limit` plans after the instance `after`, ordered by instance id (of `state`'s instances only)."""
        return page_of(self.plans, limit=limit, after=after, state=state)

    def counts(self) -> dict[str, Any]:
        """What the report says without its plans: the versions, the counts, each refusal's reason (with how
        many it refused) and the groups. `migrated` is how many were moved (0 for a preview), as in the API."""
        reasons: dict[str, int] = {}
        for plan in self.refused:
            assert plan.refused is not None
            reasons[plan.refused] = reasons.get(plan.refused, 0) + 1
        return {
            "workflow_id": self.workflow_id, "from_version": self.from_version, "to_version": self.to_version,
            "mapping": self.mapping, "renames": self.renames, "allow_final": self.allow_final,
            "applied": self.applied, "instances": len(self.plans),
            "failed_or_stuck": sum(1 for p in self.plans if p.status in REDRIVABLE),
            "would_migrate": sum(1 for p in self.plans if p.migrates), "refused": len(self.refused),
            "migrated": len(self.migrated),
            "refusals": [{"reason": r, "instances": n} for r, n in sorted(reasons.items(), key=lambda x: -x[1])],
            "groups": [g.as_dict() for g in self.groups],
        }

    def as_dict(self) -> dict[str, Any]:
        """Everything, each instance's plan included (`statewright migrate --format json`): the API's fields, its
        one page being every plan (`next` null). The instances moved are the plans of an apply not refused."""
        return {**self.counts(), "plans": [p.as_dict() for p in self.plans], "next": None}


_CHUNK = 500
"""Instances whose open work one statement per table reads (a preview of 20,000 instances made six statements
for each of them: two thirds of its time)."""


def open_work(tx: Transaction, instance: InstanceRecord) -> OpenWork:
    """What `instance` has open at its latest transition: the work a migration carries or cancels."""
    return open_work_of(tx, [instance])[instance.id]


def open_work_of(tx: Transaction, instances: Sequence[InstanceRecord]) -> dict[str, OpenWork]:
    """`open_work` of each instance, by id, read a chunk of instances at a time."""
    found: dict[str, OpenWork] = {}
    for start in range(0, len(instances), _CHUNK):
        found.update(_open_work_chunk(tx, instances[start:start + _CHUNK]))
    return found


def _by_instance(records: Iterable[_R], key: Callable[[_R], str | None]) -> dict[str, list[_R]]:
    grouped: dict[str, list[_R]] = {}
    for record in records:
        owner = key(record)
        if owner is not None:
            grouped.setdefault(owner, []).append(record)
    return grouped


def _open_work_chunk(tx: Transaction, instances: Sequence[InstanceRecord]) -> dict[str, OpenWork]:
    ids = [i.id for i in instances]
    approvals = ApprovalStore(tx)
    at = {i.id: i.version for i in instances}  # open work belongs to the instance's latest transition

    def current(owner: str, seq: int | None) -> bool:
        return seq == at[owner]

    pending = _by_instance((a for a in approvals.for_instances(ids)
                            if a.status == "pending" and current(a.instance_id, a.seq)), lambda a: a.instance_id)
    timers = _by_instance((t for t in TimerStore(tx).for_instances(ids)
                           if t.status == "armed" and current(t.instance_id, t.seq)), lambda t: t.instance_id)
    waits = _by_instance((w for w in EventStore(tx).waits_for_instances(ids)
                          if w.status == "waiting" and current(w.instance_id, w.seq)), lambda w: w.instance_id)
    jobs = _by_instance((j for j in JobStore(tx).for_instances(ids)
                         if j.kind == "action" and j.status in ("ready", "running")
                         and j.instance_id is not None and current(j.instance_id, j.payload.get("seq"))),
                        lambda j: j.instance_id)
    children = _by_instance((c for c in InstanceStore(tx).children_of(ids) if c.status in LIVE),
                            lambda c: c.parent_id)
    decisions = approvals.decisions_of([a.id for found in pending.values() for a in found if a.id is not None])
    return {i: OpenWork(
        timers=tuple(timers.get(i, ())), event_waits=tuple(waits.get(i, ())), approvals=tuple(pending.get(i, ())),
        jobs=tuple(jobs.get(i, ())), children=tuple(children.get(i, ())),
        decisions={a.id: tuple(decisions.get(a.id, ())) for a in pending.get(i, ()) if a.id is not None},
    ) for i in ids}


def _versions(rt: Runtime, tx: Transaction, workflow_id: str, from_version: int, to_version: int, *,
              mapping: Mapping[str, str], target: Workflow | None = None) -> tuple[CompiledWorkflow, CompiledWorkflow]:
    if from_version == to_version:
        raise InvalidInput(f"from and to are both version {from_version}: nothing to migrate")
    old = rt.deployments.compiled(tx, workflow_id, from_version)  # DefinitionNotFound when not deployed
    if target is None:
        new = rt.deployments.compiled(tx, workflow_id, to_version)
    elif target.id != workflow_id:
        raise InvalidInput(f"the target is the workflow '{target.id}', not '{workflow_id}'")
    else:
        new = CompiledWorkflow(target.model_copy(update={"version": to_version}))
    problems = check_mapping(mapping, old, new)
    if problems:
        raise InvalidInput("the state mapping does not fit: " + "; ".join(problems))
    return old, new


def _listed(old: CompiledWorkflow, found: Iterable[InstanceRecord]) -> list[InstanceRecord]:
    """The instances a migration lists: those not ended, and the failed ones a redrive could resume."""
    return [i for i in found if i.status != FAILED or is_listed_failure(old, i)]


def preview_migration(rt: Runtime, workflow_id: str, from_version: int, to_version: int, *,
                      mapping: Mapping[str, str] | None = None, tenant: str | None = None,
                      target: Workflow | None = None, renames: bool = False,
                      allow_final: bool = False) -> MigrationReport:
    """What migrating every unended instance of `workflow_id` at `from_version` to `to_version` would do
    (only `tenant`'s when given), and every failed one a redrive could resume. Changes nothing. `target` is version
    `to_version` when it is not deployed yet (a draft about to be published). `renames`: the states version
    `to_version` renamed (`engine.definition.renames`) are mapped to their new ids, unless `mapping` maps them
    otherwise. `allow_final`: moving instances into a final state is meant."""
    given = dict(mapping or {})

    def read(tx: Transaction) -> tuple[dict[str, str], tuple[InstancePlan, ...]]:
        applied: dict[str, str] = {}
        if renames:
            old, new = _versions(rt, tx, workflow_id, from_version, to_version, mapping={}, target=target)
            applied = {k: v for k, v in renamed_states(old.workflow, new.workflow).items() if k not in given}
        old, new = _versions(rt, tx, workflow_id, from_version, to_version, mapping={**applied, **given},
                             target=target)
        found = _listed(old, InstanceStore(tx).at_version(workflow_id, from_version, MIGRATABLE, tenant=tenant))
        work = open_work_of(tx, found)
        now = rt.clock.now()
        return applied, tuple(plan_instance(old, new, i, work[i.id], {**applied, **given}, now=now,
                                            allow_final=allow_final) for i in found)

    applied, plans = rt.read(read)
    return MigrationReport(workflow_id, from_version, to_version, {**applied, **given}, False, plans,
                           allow_final=allow_final, renames=applied)


def apply_migration(rt: Runtime, workflow_id: str, from_version: int, to_version: int, *,
                    mapping: Mapping[str, str] | None = None, tenant: str | None = None,
                    actor: str | None = None, allow_final: bool = False) -> MigrationReport:
    """Migrate every unended instance of `workflow_id` at `from_version` to `to_version`, and every failed one a
    redrive could resume, one transaction each, each re-planned on what its transaction reads; refused instances
    are left untouched."""
    mapping = dict(mapping or {})

    def listing(tx: Transaction) -> list[str]:
        old, _ = _versions(rt, tx, workflow_id, from_version, to_version, mapping=mapping)
        return [i.id for i in _listed(old, InstanceStore(tx).at_version(workflow_id, from_version, MIGRATABLE,
                                                                         tenant=tenant))]

    plans: list[InstancePlan] = []
    migrated: list[str] = []
    for instance_id in rt.read(listing):
        plan = rt.write(partial(_migrate_one, rt, instance_id=instance_id, from_version=from_version,
                                to_version=to_version, mapping=mapping, actor=actor, allow_final=allow_final))
        if plan is None:
            continue  # it ended, or was migrated by someone else, since it was listed
        plans.append(plan)
        if plan.migrates:
            migrated.append(plan.instance_id)
    return MigrationReport(workflow_id, from_version, to_version, mapping, True, tuple(plans), tuple(migrated),
                           allow_final=allow_final)


def _migrate_one(rt: Runtime, tx: Transaction, *, instance_id: str, from_version: int, to_version: int,
                 mapping: dict[str, str], actor: str | None, allow_final: bool) -> InstancePlan | None:
    instance = InstanceStore(tx).get_for_update(instance_id)  # first, as every command that moves an instance
    if instance is None or instance.workflow_version != from_version or instance.status not in MIGRATABLE:
        return None
    old = rt.deployments.compiled(tx, instance.workflow_id, from_version)
    if not _listed(old, [instance]):
        return None  # it failed meanwhile in a way no redrive resumes: it ended
    new = rt.deployments.compiled(tx, instance.workflow_id, to_version)
    work = open_work(tx, instance)
    plan = plan_instance(old, new, instance, work, mapping, now=rt.clock.now(), allow_final=allow_final)
    if not plan.migrates:
        return plan
    assert plan.target_state is not None
    now = rt.clock.now()
    payload = {"from_version": from_version, "to_version": to_version, "state": plan.state,
               "target_state": plan.target_state, "entry": plan.entry, "mapping": mapping or None,
               "pending": [p.as_dict() for p in plan.pending]}
    event = Event(MIGRATE, payload, actor)
    pinned = replace(instance, workflow_version=to_version)  # effects (a branch started) read the new version
    if plan.entry in (CARRIED, AWAITS_REDRIVE):
        decision = _as_it_is(tx, instance, plan.target_state, work, event, carried=plan.entry == CARRIED)
    else:
        env = rt.writer.environment(tx, new, pinned, now)
        decision = reenter(new, snapshot_of(instance), plan.target_state, event, env)
    if not InstanceStore(tx).repin(instance.id, expected_version=instance.version, from_version=from_version,
                                   to_version=to_version):
        raise ConcurrencyConflict(f"the instance {instance.id} moved on meanwhile")
    rt.writer.commit(tx, pinned, decision, now=now)
    return plan


def _as_it_is(tx: Transaction, instance: InstanceRecord, target: str, work: OpenWork, event: Event, *,
              carried: bool) -> Decision:
    """The instance moved to `target` with its status, context, result and error: its open work carried to the
    new transition (`carried`), or — failed or stuck, with none open — nothing but the move (awaits_redrive)."""
    if carried:
        ready = [j for j in work.jobs if j.status == "ready"]
        renamed = target if target != instance.state else None
        if CarriedWork(tx).move(instance.id, instance.version, instance.version + 1, ready, state=renamed) is None:
            raise ConcurrencyConflict(f"a worker claimed the action of {instance.id} meanwhile")
    step = Step(instance.state, target, MIGRATE, event.actor, event.payload, None, (), {}, instance.status, (), ())
    snapshot = Snapshot(target, instance.context, instance.status, instance.result, instance.error)
    return Decision(snapshot, (step,))
