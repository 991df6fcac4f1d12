"""Migrating running instances to a new version of their workflow, on SQLite and PostgreSQL: the preview says
what would happen to each instance and changes nothing; the apply that follows does exactly that, one
transaction each, with a `(migrate)` history row; open work carried keeps working under the new version; what
cannot be moved safely is refused with the reason and left untouched."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, run_async, task, workflow

from engine.definition import Workflow
from engine.errors import DefinitionNotFound, InvalidInput
from engine.runtime import events as events_module
from engine.runtime.actions import ActionRequest
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.migration import open_work
from engine.runtime.snapshot import MIGRATE
from storage.instances import InstanceStore
from storage.transaction import Transaction

SCHEMA = {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]}


def _claim(version: int, *, waiting: str = "wait_payment", review_dest: str = "paid",
           context: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> Workflow:
    """route → review (approval, 48 h timeout) | wait_payment (event) | check (task) → paid / refused."""
    states: dict[str, Any] = {
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["finance"]}, "timeout": "PT48H"},
        waiting: {"type": "wait", "event": {"type": "payment_received", "correlation": "ref"}},
        "check": task("check", output="verdict"),
        "paid": final(), "refused": final("failure"),
        **(extra or {}),
    }
    transitions = [
        edge("route", "review", guard="path == 'review'", priority=2),
        edge("route", waiting, guard="path == 'wait'", priority=1),
        edge("route", "check"),
        edge("review", review_dest, "approve"), edge("review", "refused", "reject"),
        edge("review", "refused", "timeout"),
        edge(waiting, "paid", "done"), edge("check", "paid", "done"), edge("check", "refused", "error"),
    ]
    if review_dest != "paid":
        transitions.append(edge(review_dest, "paid", "done"))
    return workflow(states, transitions, id="claim", version=version,
                    context=context or {"type": "object"})


def _start(engine: Engine, path: str, **context: Any) -> str:
    return engine.start("claim", {"path": path, "ref": "R1", "amount": 10, **context}).id


def _plans(report: Any) -> dict[str, dict[str, Any]]:
    return {p["instance_id"]: p for p in report.as_dict()["plans"]}


def test_an_unchanged_approval_is_carried_and_answers_under_the_new_version(engine: Engine,
                                                                          clock: ManualClock) -> None:
    engine.deploy(_claim(1))
    waiting = _start(engine, "review")
    engine.deploy(_claim(2, review_dest="notify", extra={"notify": task("notify")}))

    preview = _plans(engine.migration_preview("claim", 1, 2))[waiting]
    assert (preview["state_change"], preview["entry"], preview["refused"]) == ("kept", "carried", None)
    assert {(p["kind"], p["outcome"]) for p in preview["pending"]} == {("approval", "carried"), ("timer", "carried")}
    assert engine.get(waiting).workflow_version == 1  # a preview changes nothing

    report = engine.migrate("claim", 1, 2, actor="ops")
    assert report.migrated == (waiting,)
    moved = engine.get(waiting)
    assert (moved.workflow_version, moved.state, moved.status) == (2, "review", "running")
    last = engine.history(waiting)[-1]
    assert (last.event, last.actor, last.from_state, last.to_state) == (MIGRATE, "ops", "review", "review")
    assert (last.payload["from_version"], last.payload["to_version"]) == (1, 2)
    assert_consistent(engine, waiting)

    calls: list[str] = []
    engine.register("notify", lambda request: calls.append(request.state))
    after = engine.approve(waiting, actor="fiona", roles=["finance"])  # the carried approval still decides
    assert after.state == "notify"  # ... along version 2's transition
    engine.run_until_idle()
    assert calls == ["notify"]
    assert engine.get(waiting).status == "succeeded"
    assert_consistent(engine, waiting)


def test_a_state_retitled_keeps_its_approval_and_its_decisions(engine: Engine) -> None:
    """Only the words for people changed (the approval's title and description, a transition's description):
    the approval is carried with the decision already taken, not cancelled and opened afresh."""
    def quorum(version: int, **words: str) -> Workflow:
        review = {"type": "approval", "approvers": {"roles": ["finance"]}, "quorum": 2, "timeout": "PT48H", **words}
        return workflow({"review": review, "paid": final(), "refused": final("failure")},
                        [edge("review", "paid", "approve", **({"description": words["title"]} if words else {})),
                         edge("review", "refused", "reject"), edge("review", "refused", "timeout")],
                        id="quorum", version=version)

    engine.deploy(quorum(1))
    waiting = engine.start("quorum", {}).id
    engine.approve(waiting, actor="fiona", roles=["finance"])  # one of the two decisions
    engine.deploy(quorum(2, title="Finance sign-off", description="Two people of finance approve the claim."))

    plan = _plans(engine.migration_preview("quorum", 1, 2))[waiting]
    assert (plan["state_change"], plan["entry"], plan["refused"]) == ("kept", "carried", None)
    assert {(p["kind"], p["outcome"]) for p in plan["pending"]} == {("approval", "carried"), ("timer", "carried")}
    assert engine.migrate("quorum", 1, 2).migrated == (waiting,)
    after = engine.approve(waiting, actor="omar", roles=["finance"])  # the second decision completes the quorum
    assert (after.state, after.status, after.workflow_version) == ("paid", "succeeded", 2)
    assert_consistent(engine, waiting)


def test_the_plan_gives_each_open_works_due_time_event_and_decisions_so_far(engine: Engine) -> None:
    """Beside its words, each piece of open work in fields a program reads, carried or cancelled alike: the
    approval's approvals so far of its quorum, its timer's due time (from the clock: 2030-01-15 12:00 + 48 h) and
    the event it fires, an event wait's event and key."""
    def quorum(version: int, changed: bool = False, **words: str) -> Workflow:
        review = {"type": "approval", "approvers": {"roles": ["finance"]}, "quorum": 3 if changed else 2,
                  "timeout": "PT48H", **words}
        return workflow({"review": review, "paid": final(), "refused": final("failure")},
                        [edge("review", "paid", "approve"), edge("review", "refused", "reject"),
                         edge("review", "refused", "timeout")], id="quorum", version=version)

    engine.deploy(quorum(1))
    waiting = engine.start("quorum", {}).id
    engine.approve(waiting, actor="fiona", roles=["finance"])
    engine.deploy(quorum(2, title="Finance sign-off"))
    engine.deploy(quorum(3, changed=True))
    none = dict.fromkeys(("due_at", "event", "correlation_key", "approval_id", "approvals", "quorum"))
    timer = {**none, "kind": "timer", "due_at": "2030-01-17T12:00:00Z", "event": "timeout",
             "detail": "'timeout' due 2030-01-17T12:00:00Z"}
    (opened,) = engine.approvals(waiting)
    approval = {**none, "kind": "approval", "approval_id": opened.id, "approvals": 1, "quorum": 2,
                "detail": f"#{opened.id} in 'review', quorum 2"}
    for to_version, outcome in ((2, "carried"), (3, "cancelled")):
        pending = _plans(engine.migration_preview("quorum", 1, to_version))[waiting]["pending"]
        assert pending == [{**timer, "outcome": outcome}, {**approval, "outcome": outcome}]

    engine.deploy(_claim(1))
    paying = _start(engine, "wait")
    engine.deploy(_claim(2, extra={"archive": final()}))
    (wait,) = _plans(engine.migration_preview("claim", 1, 2))[paying]["pending"]
    assert wait == {**none, "kind": "event_wait", "event": "payment_received", "correlation_key": "R1",
                    "detail": "for 'payment_received' with key 'R1'", "outcome": "carried"}


def test_a_carried_timer_fires_at_its_old_due_time(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_claim(1))
    waiting = _start(engine, "review")
    engine.deploy(_claim(2, extra={"archive": final()}))
    engine.migrate("claim", 1, 2)
    clock.advance(timedelta(hours=47))
    engine.run_until_idle()
    assert engine.get(waiting).state == "review"
    clock.advance(timedelta(hours=2))
    engine.run_until_idle()
    ended = engine.get(waiting)
    assert (ended.state, ended.status, ended.workflow_version) == ("refused", "failed", 2)
    assert_consistent(engine, waiting)


def test_a_missing_state_is_refused_untouched_and_a_mapping_moves_it(engine: Engine) -> None:
    engine.deploy(_claim(1))
    waiting = _start(engine, "wait")
    engine.deploy(_claim(2, waiting="await_payment"))

    refused = _plans(engine.migrate("claim", 1, 2))[waiting]
    assert (refused["state_change"], refused["target_state"]) == ("missing", None)
    assert "'wait_payment' is not in version 2" in refused["refused"]
    untouched = engine.get(waiting)
    assert (untouched.workflow_version, untouched.version) == (1, 2)

    # the state renamed, doing the same: its wait is carried to the new id, not cancelled and armed afresh
    mapped = _plans(engine.migrate("claim", 1, 2, mapping={"wait_payment": "await_payment"}))[waiting]
    assert (mapped["state_change"], mapped["entry"], mapped["refused"]) == ("mapped", "carried", None)
    assert [(p["kind"], p["outcome"]) for p in mapped["pending"]] == [("event_wait", "carried")]
    moved = engine.get(waiting)
    assert (moved.workflow_version, moved.state) == (2, "await_payment")
    assert engine.history(waiting)[-1].payload["mapping"] == {"wait_payment": "await_payment"}
    engine.publish("payment_received", {"paid": True}, correlation_key="R1")  # the carried wait answers
    assert engine.get(waiting).status == "succeeded"
    assert_consistent(engine, waiting)


def test_a_renamed_approval_keeps_its_decisions_and_a_renamed_task_its_queued_action(engine: Engine) -> None:
    """The designer maps a state renamed in a draft to its new id. It used to be entered afresh: the approval's
    decision taken so far was dropped and a new approval opened. A state that does the same under another id now
    keeps its open work — the approval its decisions (under the new id), the queued action its job."""
    def flow(version: int, review: str, check: str) -> Workflow:
        states = {"route": {"type": "choice"},
                  review: {"type": "approval", "approvers": {"roles": ["finance"]}, "quorum": 2, "timeout": "PT48H"},
                  check: task("check", output="verdict"), "paid": final(), "refused": final("failure")}
        return workflow(states, [edge("route", review, guard="path == 'review'", priority=1), edge("route", check),
                                 edge(review, "paid", "approve"), edge(review, "refused", "reject"),
                                 edge(review, "refused", "timeout"), edge(check, "paid", "done"),
                                 edge(check, "refused", "error")], id="renamed", version=version)

    engine.deploy(flow(1, "review", "check"))
    reviewed = engine.start("renamed", {"path": "review"}).id
    checked = engine.start("renamed", {"path": "check"}).id
    engine.approve(reviewed, actor="fiona", roles=["finance"])  # one of the two decisions
    engine.deploy(flow(2, "sign_off", "verify"))
    mapping = {"review": "sign_off", "check": "verify"}

    plans = _plans(engine.migration_preview("renamed", 1, 2, mapping=mapping))
    assert {i: (p["state_change"], p["entry"], p["refused"]) for i, p in plans.items()} == {
        reviewed: ("mapped", "carried", None), checked: ("mapped", "carried", None)}
    assert {(p["kind"], p["outcome"]) for p in plans[reviewed]["pending"]} == {("approval", "carried"),
                                                                                ("timer", "carried")}
    assert [(p["kind"], p["outcome"]) for p in plans[checked]["pending"]] == [("action", "carried")]
    applied = engine.migrate("renamed", 1, 2, mapping=mapping)
    assert set(applied.migrated) == {reviewed, checked}
    assert [(a.state, a.status) for a in engine.approvals(reviewed)] == [("sign_off", "pending")]
    after = engine.approve(reviewed, actor="omar", roles=["finance"])  # the second decision completes the quorum
    assert (after.state, after.status, after.workflow_version) == ("paid", "succeeded", 2)
    engine.register("check", lambda request: {"ok": True})
    engine.run_until_idle()  # the job queued in 'check' runs for 'verify'
    assert (engine.get(checked).status, engine.get(checked).workflow_version) == ("succeeded", 2)
    assert [h.to_state for h in engine.history(checked)][-2:] == ["verify", "paid"]
    assert_consistent(engine, reviewed)
    assert_consistent(engine, checked)


def test_a_context_that_does_not_fit_the_new_schema_is_refused_with_its_pointer(engine: Engine) -> None:
    engine.deploy(_claim(1))
    fits = _start(engine, "review", amount=10)
    breaks = _start(engine, "review", amount="ten")
    engine.deploy(_claim(2, context=SCHEMA))
    plans = _plans(engine.migration_preview("claim", 1, 2))
    assert (plans[fits]["context_valid"], plans[fits]["refused"]) == (True, None)
    assert not plans[breaks]["context_valid"]
    assert plans[breaks]["context_problems"][0].startswith("/amount:")
    assert "does not fit the schema of version 2" in plans[breaks]["refused"]


def test_a_ready_action_is_carried_and_a_running_one_refused(engine: Engine) -> None:
    engine.deploy(_claim(1))
    ready = _start(engine, "check")
    engine.deploy(_claim(2))
    plan = _plans(engine.migrate("claim", 1, 2))[ready]
    assert [(p["kind"], p["outcome"]) for p in plan["pending"]] == [("action", "carried")]
    engine.register("check", lambda request: {"ok": True})
    engine.run_until_idle()  # the job, carried to the migrate transition, still applies
    assert (engine.get(ready).status, engine.get(ready).workflow_version) == ("succeeded", 2)

    engine.deploy(_claim(3))
    running = engine.start("claim", {"path": "check", "ref": "R2"}).id
    worker = engine.worker(owner="w1")
    seen: list[str] = []

    def check_and_migrate(request: ActionRequest) -> dict[str, bool]:
        seen.extend(p["refused"] for p in engine.migrate("claim", 3, 2).as_dict()["plans"])
        return {"ok": True}

    engine.register("check", check_and_migrate, replace=True)
    worker.run_once()
    assert len(seen) == 1
    assert "is running on a worker" in seen[0]
    assert (engine.get(running).workflow_version, engine.get(running).status) == (3, "succeeded")


def test_an_action_whose_worker_stopped_is_said_so_not_running(engine: Engine, clock: ManualClock) -> None:
    """From an outside QA pass: a job whose worker died (kill -9, its lease lapsed) was refused as "running on a
    worker" while `statewright workers` said none was alive — the operator looked for a process that did not
    exist. Its lease lapsed, it is said as taken by a worker that stopped and waiting for a live one."""
    engine.deploy(_claim(1))
    instance = _start(engine, "check")
    engine.deploy(_claim(2))
    worker = engine.worker(owner="w1")
    seen: list[str] = []

    def outlive_the_lease(request: ActionRequest) -> dict[str, bool]:
        clock.advance(timedelta(hours=1))  # as if this worker had died an hour ago, its lease not renewed
        seen.extend(p["refused"] for p in engine.migrate("claim", 1, 2).as_dict()["plans"])
        return {"ok": True}

    engine.register("check", outlive_the_lease)
    worker.run_once()
    assert len(seen) == 1
    assert "is running on a worker" not in seen[0]
    assert "its action 'check' was taken by a worker that stopped (job " in seen[0]
    assert "a live worker takes it again, or the task ends stuck once its attempts are lost" in seen[0]
    assert engine.get(instance).workflow_version == 1


def test_a_changed_state_with_a_running_action_is_refused(engine: Engine) -> None:
    engine.deploy(_claim(1))
    instance = _start(engine, "check")
    engine.deploy(_claim(2, extra={"check": task("check_again", output="verdict")}))
    worker = engine.worker(owner="w1")
    seen: list[dict[str, Any]] = []
    engine.register("check", lambda request: seen.append(_plans(engine.migrate("claim", 1, 2))[instance]) or {})
    worker.run_once()
    assert seen[0]["entry"] == "entered"
    assert "entered afresh" in seen[0]["refused"]
    assert engine.get(instance).workflow_version == 1


def test_the_apply_does_what_the_dry_run_said(engine: Engine) -> None:
    engine.deploy(_claim(1))
    ids = [_start(engine, path, amount=amount) for path in ("review", "wait", "check")
           for amount in (1, "bad")]
    engine.deploy(_claim(2, waiting="await_payment", context=SCHEMA))
    preview = engine.migration_preview("claim", 1, 2)
    applied = engine.migrate("claim", 1, 2, actor="ops")
    assert [p.as_dict() for p in applied.plans] == [p.as_dict() for p in preview.plans]
    assert set(applied.migrated) == {p.instance_id for p in preview.plans if p.migrates}
    summary = preview.as_dict()
    assert (summary["instances"], summary["would_migrate"], summary["refused"]) == (6, 2, 4)
    for instance_id in ids:
        view = engine.get(instance_id)
        assert view.workflow_version == (2 if instance_id in applied.migrated else 1)
        assert_consistent(engine, instance_id)
    assert engine.migration_preview("claim", 1, 2).as_dict()["would_migrate"] == 0  # nothing left to move


def test_bad_requests_are_named(engine: Engine) -> None:
    engine.deploy(_claim(1))
    with pytest.raises(InvalidInput, match="both version 1"):
        engine.migration_preview("claim", 1, 1)
    with pytest.raises(DefinitionNotFound, match="version 2 is not deployed"):
        engine.migration_preview("claim", 1, 2)
    engine.deploy(_claim(2))
    with pytest.raises(InvalidInput, match=r"'nowhere' .* is not a state of version 2"):
        engine.migrate("claim", 1, 2, mapping={"review": "nowhere"})
    with pytest.raises(InvalidInput, match="is a choice state"):
        engine.migrate("claim", 1, 2, mapping={"review": "route"})



def test_an_event_read_before_a_migration_reaches_the_carried_wait(engine: Engine,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The delivery read the wait, then the migration carried it to a later transition before the delivery
    claimed it: the event still reaches the instance."""
    engine.deploy(_claim(1))
    waiting = _start(engine, "wait")
    engine.deploy(_claim(2, extra={"archive": final()}))
    resume = events_module._resume  # the moment between reading the waits and claiming one
    migrated: list[str] = []

    def migrate_then_resume(*args: Any) -> str | None:
        migrated.extend(engine.migrate("claim", 1, 2).migrated)
        return resume(*args)

    monkeypatch.setattr(events_module, "_resume", migrate_then_resume)
    engine.publish("payment_received", {"paid": True}, correlation_key="R1")
    assert migrated == [waiting]
    assert (engine.get(waiting).status, engine.get(waiting).workflow_version) == ("succeeded", 2)
    assert_consistent(engine, waiting)


def test_the_async_engine_previews_and_migrates(database_url: str, clock: ManualClock) -> None:
    async def scenario() -> tuple[int, tuple[str, ...], int]:
        engine = AsyncEngine(database_url, clock=clock)
        try:
            await engine.deploy(_claim(1))
            started = await engine.start("claim", {"path": "review", "ref": "R1"})
            await engine.deploy(_claim(2))
            preview = await engine.migration_preview("claim", 1, 2)
            applied = await engine.migrate("claim", 1, 2, actor="ops")
            return preview.as_dict()["would_migrate"], applied.migrated, (await engine.get(started.id)).workflow_version
        finally:
            await engine.close()

    would, migrated, version = run_async(scenario())
    assert (would, len(migrated), version) == (1, 1, 2)


def _fan(version: int, end: str) -> Workflow:
    """fan: two parallel branches, each waiting for its event; then `end`."""
    def branch(name: str) -> dict[str, Any]:
        return {"name": name, "initial": "w", "states": {
            "w": {"type": "wait", "event": {"type": f"{name}_done"}}, "end": final()},
            "transitions": [edge("w", "end", "done")]}

    return workflow({"fan": {"type": "parallel", "branches": [branch("a"), branch("b")]}, end: final()},
                    [edge("fan", end, "done")], id="fan", version=version)


def test_a_parallel_state_is_carried_with_its_branches_and_joins_under_the_new_version(engine: Engine) -> None:
    engine.deploy(_fan(1, "ok"))
    parent = engine.start("fan", {}).id
    engine.deploy(_fan(2, "closed"))
    preview = engine.migration_preview("fan", 1, 2)
    assert [p.instance_id for p in preview.plans] == [parent]  # its branches follow it: not listed
    plan = preview.plans[0]
    assert (plan.entry, plan.refused) == ("carried", None)
    assert [(p.kind, p.outcome) for p in plan.pending] == [("child", "carried"), ("child", "carried")]
    assert engine.migrate("fan", 1, 2).migrated == (parent,)
    engine.publish("a_done", {})
    engine.publish("b_done", {})
    engine.run_until_idle()
    ended = engine.get(parent)
    assert (ended.state, ended.status, ended.workflow_version) == ("closed", "succeeded", 2)
    assert_consistent(engine, parent)


def test_a_parallel_state_whose_branches_changed_is_refused_while_they_run(engine: Engine) -> None:
    engine.deploy(_fan(1, "ok"))
    parent = engine.start("fan", {}).id
    changed = _fan(2, "ok").model_dump(mode="json", by_alias=True, exclude_none=True)
    changed["states"]["fan"]["branches"][1]["states"]["w"]["event"]["type"] = "b_finished"
    engine.deploy(changed)
    plan = engine.migrate("fan", 1, 2).plans[0]
    assert plan.entry == "entered"
    assert plan.refused is not None
    assert "2 child instances run for 'fan', which does not line up" in plan.refused
    assert engine.get(parent).workflow_version == 1


def _statements_of_a_preview(engine: Engine, workflow_id: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Any]:
    """The reads of instances and their open work a preview sends, counted where every store's read passes
    (`Transaction.all` and `.one`)."""
    sent: list[str] = []

    def counting(read: Any) -> Any:
        def counted(tx: Transaction, sql: str, params: Any = ()) -> Any:
            if "FROM definitions" not in sql:  # versions are read once and cached: not the instances' reads
                sent.append(sql)
            return read(tx, sql, params)
        return counted

    monkeypatch.setattr(Transaction, "all", counting(Transaction.all))
    monkeypatch.setattr(Transaction, "one", counting(Transaction.one))
    try:
        preview = engine.migration_preview(workflow_id, 1, 2)
    finally:
        monkeypatch.undo()
    return len(sent), preview


def test_a_preview_reads_open_work_a_table_at_a_time_whatever_the_number_of_instances(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six statements an instance made a preview of 20,000 instances take seconds; the open work each plan
    shows is the same as each instance's own reading (approvals with decisions, timers, event waits)."""
    engine.deploy(_claim(1))
    engine.deploy(_claim(2, extra={"archive": final()}))

    def at_version_1(path: str) -> str:
        return engine.start("claim", {"path": path, "ref": "R1", "amount": 10}, version=1).id

    few = [at_version_1(path) for path in ("review", "wait")]
    statements_for_few, _ = _statements_of_a_preview(engine, "claim", monkeypatch)
    many = few + [at_version_1(path) for path in ("review", "wait") * 40]
    statements_for_many, preview = _statements_of_a_preview(engine, "claim", monkeypatch)
    assert statements_for_many == statements_for_few, (statements_for_few, statements_for_many)
    alone = engine.runtime.read(lambda tx: {i: open_work(tx, record) for i in many
                                            if (record := InstanceStore(tx).get(i)) is not None})
    together = {plan.instance_id: plan for plan in preview.plans}
    assert set(together) == set(many)
    for instance_id, work in alone.items():
        shown = [(p.kind, p.approval_id, p.approvals, p.event) for p in together[instance_id].pending]
        expected = ([("timer", None, None, "timeout")] * len(work.timers)
                    + [("event_wait", None, None, "payment_received")] * len(work.event_waits)
                    + [("approval", a.id, len(work.decisions.get(a.id, ())), None) for a in work.approvals])
        assert shown == expected, instance_id
