"""Shared memory: workflow-scoped and cross-workflow keys with a time to live, stored in the engine's database,
written and read by the embedding API and by handlers, read by CEL expressions, swept by the worker."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, run_async, task, workflow

from engine.errors import InstanceNotFound, InvalidInput
from engine.runtime.actions import ActionRequest
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.machines import CompiledWorkflow
from storage.memory import MemoryStore

# Waits a minute, then routes on what the shared memory holds by then.
ROUTED = workflow(
    {"hold": {"type": "wait", "duration": "PT1M"}, "route": {"type": "choice"}, "fast": final(), "slow": final()},
    [edge("hold", "route", "done"),
     edge("route", "fast", guard="has(memory.workflow.vip) && memory.workflow.vip", priority=2),
     edge("route", "fast", guard="has(memory.global.threshold) && memory.global.threshold > 3", priority=1),
     edge("route", "slow")],
    id="routed",
)


def _routed(engine: Engine, tenant: str = "default") -> str:
    return engine.start("routed", {}, tenant=tenant).id


def _after_the_wait(engine: Engine, clock: ManualClock, *ids: str) -> list[str]:
    clock.advance(60)
    engine.run_until_idle()
    return [engine.get(i).state for i in ids]


def _rows(engine: Engine) -> int:
    return int(engine.runtime.read(lambda tx: tx.scalar("SELECT COUNT(*) FROM shared_memory")))


# --- the embedding API ------------------------------------------------------------------------------------
def test_values_are_set_read_replaced_listed_and_deleted(engine: Engine, clock: ManualClock) -> None:
    entry = engine.memory.set("lead_data", {"email": "john@example.com", "company": "Acme"})
    assert entry.expires_at == clock.now() + 3600  # the document's default TTL
    assert engine.memory.get("lead_data") == {"email": "john@example.com", "company": "Acme"}
    engine.memory.set("lead_data", [1, 2.5, None, True, "x"], ttl_s=None)
    found = engine.memory.entry("lead_data")
    assert found is not None
    assert (found.value, found.expires_at, found.updated_at) == ([1, 2.5, None, True, "x"], None, clock.now())
    engine.memory.set("nothing", None)
    assert engine.memory.entry("nothing") is not None  # a stored null is not an absent key
    assert engine.memory.get("absent", "fallback") == "fallback"
    assert engine.memory.items() == {"lead_data": [1, 2.5, None, True, "x"], "nothing": None}
    assert engine.memory.delete("lead_data") is True
    assert engine.memory.delete("lead_data") is False
    assert engine.memory.items() == {"nothing": None}


def test_an_entry_expires_after_its_ttl_and_is_never_read_again(engine: Engine, clock: ManualClock) -> None:
    engine.memory.set("short", "x", ttl_s=60)
    engine.memory.set("hour", "y")
    engine.memory.set("forever", "z", ttl_s=None)
    clock.advance(59.5)
    assert engine.memory.get("short") == "x"
    clock.advance(0.5)  # exactly at its expiry time it is gone
    assert engine.memory.get("short") is None
    assert engine.memory.entry("short") is None
    assert engine.memory.items() == {"hour": "y", "forever": "z"}
    assert engine.memory.delete("short") is False  # nothing unexpired was there
    clock.advance(10 * 86400)
    assert engine.memory.items() == {"forever": "z"}
    engine.memory.set("hour", "again", ttl_s=5)  # an expired key written again starts afresh
    assert engine.memory.get("hour") == "again"


def test_workflow_memory_belongs_to_one_instance_and_global_memory_to_every_one(engine: Engine) -> None:
    engine.deploy(ROUTED)
    first, second = _routed(engine), _routed(engine)
    engine.memory.set("lead_data", {"owner": "first"}, instance_id=first)
    engine.memory.set("threshold", 2)
    assert engine.memory.get("lead_data", instance_id=first) == {"owner": "first"}
    assert engine.memory.get("lead_data", instance_id=second) is None
    assert engine.memory.get("lead_data") is None  # not in the global memory either
    assert engine.memory.visible(first) == {"workflow": {"lead_data": {"owner": "first"}}, "global": {"threshold": 2}}
    assert engine.memory.visible(second) == {"workflow": {}, "global": {"threshold": 2}}


def test_tenants_do_not_see_each_others_memory(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(ROUTED)
    engine.memory.set("threshold", 5, tenant="acme")
    assert engine.memory.get("threshold") is None
    assert engine.memory.get("threshold", tenant="globex") is None
    acme, globex = _routed(engine, "acme"), _routed(engine, "globex")
    assert engine.memory.visible(acme)["global"] == {"threshold": 5}
    engine.memory.set("k", 1, instance_id=acme)  # the instance's own tenant by default
    assert engine.memory.get("k", tenant="acme", instance_id=acme) == 1
    with pytest.raises(InvalidInput, match="belongs to the tenant 'acme', not 'globex'"):
        engine.memory.set("k", 2, tenant="globex", instance_id=acme)
    assert _after_the_wait(engine, clock, acme, globex) == ["fast", "slow"]


NOT_JSON = [
    ({1, 2}, "the value is a set"),
    (object(), "the value is a object"),
    (float("nan"), "the value is nan, which JSON cannot hold"),
    ({"a": [b"x"]}, r"the value.a\[0\] is a bytes"),
    ({1: "one"}, "the value has the key 1, not a string"),
    ((1, 2), "the value is a tuple"),
    (datetime(2030, 1, 1, tzinfo=UTC), "the value is a datetime"),
]


@pytest.mark.parametrize(("value", "reason"), NOT_JSON, ids=[reason.split()[-1] for _, reason in NOT_JSON])
def test_a_value_that_is_not_json_is_refused_and_nothing_is_stored(engine: Engine, value: Any, reason: str) -> None:
    engine.deploy(ROUTED)
    run = _routed(engine)
    with pytest.raises(InvalidInput, match=f"a memory value must be JSON.*: {reason}"):
        engine.memory.set("k", value)
    with pytest.raises(InvalidInput, match=reason):
        engine.memory.set("k", value, instance_id=run)
    assert (engine.memory.items(), engine.memory.items(instance_id=run), _rows(engine)) == ({}, {}, 0)


def test_bad_ttls_keys_and_tenants_are_refused_and_nothing_is_stored(engine: Engine) -> None:
    for ttl in (0, -1, float("inf"), float("nan"), True, "60"):
        with pytest.raises(InvalidInput, match="ttl_s is a positive number of seconds"):
            engine.memory.set("k", 1, ttl_s=ttl)  # type: ignore[arg-type]
    for key in ("", "x" * 201, 7):
        with pytest.raises(InvalidInput, match="a memory key"):
            engine.memory.set(key, 1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="a tenant"):
        engine.memory.set("k", 1, tenant="")
    assert _rows(engine) == 0


def test_an_unknown_instance_has_no_memory(engine: Engine) -> None:
    with pytest.raises(InstanceNotFound):
        engine.memory.set("k", 1, instance_id="no-such-instance")
    with pytest.raises(InstanceNotFound):
        engine.memory.get("k", instance_id="no-such-instance")


# --- CEL --------------------------------------------------------------------------------------------------
def test_a_guard_reading_workflow_memory_takes_a_different_transition(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(ROUTED)
    vip, other, lapsed = _routed(engine), _routed(engine), _routed(engine)
    engine.memory.set("vip", True, instance_id=vip)
    engine.memory.set("vip", False, instance_id=other)
    engine.memory.set("vip", True, instance_id=lapsed, ttl_s=30)  # expired when the guard reads it
    assert _after_the_wait(engine, clock, vip, other, lapsed) == ["fast", "slow", "slow"]
    (routed,) = [h for h in engine.history(vip) if h.to_state == "fast"]
    assert {"transition": 1, "dest": "fast", "guard": "has(memory.workflow.vip) && memory.workflow.vip",
            "value": True} in routed.guards
    for instance_id in (vip, other, lapsed):
        assert_consistent(engine, instance_id)


def test_a_guard_reading_global_memory_sees_the_tenants_value(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(ROUTED)
    low, high = _routed(engine), _routed(engine, "acme")
    engine.memory.set("threshold", 2)
    engine.memory.set("threshold", 4, tenant="acme")
    assert _after_the_wait(engine, clock, low, high) == ["slow", "fast"]


def test_an_input_mapping_reads_memory_one_agent_wrote_for_another(engine: Engine) -> None:
    """The document's example: agent A stores `lead_data` in the workflow's memory, agent B retrieves it."""
    engine.deploy(workflow(
        {"extract": task("extract"), "qualify": task("qualify", input={"lead": "memory.workflow.lead_data"},
                                                     output="qualified"), "done": final()},
        [edge("extract", "qualify", "done"), edge("qualify", "done", "done")], id="agents"))

    @engine.register("extract")
    def extract(request: ActionRequest) -> None:
        assert request.memory is not None
        request.memory.workflow.set("lead_data", {"email": "john@example.com", "company": "Acme"})

    engine.register("qualify", lambda request: request.input["lead"]["company"])
    done = finished(engine, engine.start("agents", {}))
    assert (done.state, done.context) == ("done", {"qualified": "Acme"})


def test_workflows_that_do_not_read_memory_never_load_it(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = workflow({"work": task("work"), "done": final()}, [edge("work", "done", "done")], id="plain")
    in_branch = workflow(
        {"fan": {"type": "parallel", "branches": [{"name": "b", "initial": "go", "states": {
            "go": task("work", input={"x": "memory.global.x"}), "ok": final()},
            "transitions": [edge("go", "ok", "done")]}]}, "done": final()},
        [edge("fan", "done", "done")], id="branchy")
    assert not CompiledWorkflow(plain).reads_memory
    assert CompiledWorkflow(ROUTED).reads_memory
    assert CompiledWorkflow(in_branch).reads_memory

    def refuse(*_: Any) -> Any:
        raise AssertionError("memory was loaded for a workflow that does not read it")

    monkeypatch.setattr(MemoryStore, "visible", refuse)
    engine.deploy(plain)
    engine.register("work", lambda request: "ok")
    assert finished(engine, engine.start("plain", {})).state == "done"


# --- handlers ---------------------------------------------------------------------------------------------
def test_a_handler_writes_memory_that_a_later_guard_reads(engine: Engine) -> None:
    engine.deploy(workflow(
        {"score": task("score"), "route": {"type": "choice"}, "hot": final(), "cold": final()},
        [edge("score", "route", "done"), edge("route", "hot", guard="memory.workflow.score >= 70", priority=1),
         edge("route", "cold")], id="scored"))
    seen: list[Any] = []

    @engine.register("score")
    def score(request: ActionRequest) -> None:
        assert request.memory is not None
        seen.append(request.memory.workflow.get("score", "unset"))
        request.memory.workflow.set("score", request.context["points"], ttl_s=600)
        request.memory.global_.set("last_scored", request.instance_id)

    hot = finished(engine, engine.start("scored", {"points": 85}))
    cold = finished(engine, engine.start("scored", {"points": 20}))
    assert (hot.state, cold.state) == ("hot", "cold")
    assert seen == ["unset", "unset"]
    assert engine.memory.get("score", instance_id=hot.id) == 85
    assert engine.memory.get("last_scored") == cold.id


def test_branches_and_subflows_share_their_top_level_workflows_memory(engine: Engine) -> None:
    engine.deploy(workflow(
        {"check": {"type": "choice"}, "gold": final(result={"plan": "'gold'"}),
         "basic": final(result={"plan": "'basic'"})},
        [edge("check", "gold", guard="memory.workflow.plan == 'gold'", priority=1), edge("check", "basic")],
        id="child_plan"))
    branch = {"initial": "note", "states": {"note": task("note"), "ok": final()},
              "transitions": [edge("note", "ok", "done")]}
    engine.deploy(workflow(
        {"plan": task("plan"),
         "fan": {"type": "parallel", "branches": [{"name": "crm", **branch}, {"name": "web", **branch}]},
         "delegate": {"type": "subflow", "workflow": "child_plan", "output": "child"},
         "both": final(), "missing": final()},
        [edge("plan", "fan", "done"), edge("fan", "delegate", "done"),
         edge("delegate", "both", "done", guard="memory.workflow.notes.size() == 2", priority=1),
         edge("delegate", "missing", "done")], id="shared"))
    @engine.register("plan")
    def plan(request: ActionRequest) -> None:
        assert request.memory is not None
        request.memory.workflow.set("plan", "gold")

    @engine.register("note")
    def note(request: ActionRequest) -> None:  # each branch adds itself to the workflow's notes
        assert request.memory is not None
        notes = request.memory.workflow.get("notes", [])
        request.memory.workflow.set("notes", sorted([*notes, request.instance_id]))

    run = engine.start("shared", {})
    worker = engine.worker(batch=1)  # one branch at a time, so neither overwrites the other's note
    try:
        for _ in range(50):
            if not worker.run_once():
                break
    finally:
        worker.close()
    done = engine.get(run.id)
    assert (done.state, done.context["child"]) == ("both", {"plan": "gold"})
    children = engine.list_instances(parent_id=run.id)
    assert len(children) == 3
    assert sorted(engine.memory.get("notes", instance_id=run.id)) == sorted(c.id for c in children if c.branch)
    for child in children:
        assert engine.memory.visible(child.id) == engine.memory.visible(run.id)
        assert_consistent(engine, child.id)


# --- the sweep --------------------------------------------------------------------------------------------
def test_the_worker_sweeps_expired_rows_at_most_once_a_minute(engine: Engine, clock: ManualClock) -> None:
    engine.memory.set("brief", 1, ttl_s=10)
    engine.memory.set("kept", 2, ttl_s=None)
    engine.memory.set("later", 3, ttl_s=600)
    engine.run_until_idle()  # sweeps: nothing has expired yet
    assert _rows(engine) == 3
    clock.advance(11)
    assert engine.memory.get("brief") is None  # expired: never read, though its row is still there
    assert _rows(engine) == 3
    clock.advance(30)
    engine.run_until_idle()  # 41 s since the last sweep
    assert _rows(engine) == 3
    clock.advance(30)
    engine.run_until_idle()  # 71 s
    assert _rows(engine) == 2
    assert engine.memory.items() == {"kept": 2, "later": 3}
    clock.advance(600)
    assert engine.memory.sweep() == 1
    assert engine.memory.items() == {"kept": 2}


def test_the_async_engine_offers_the_same_memory(database_url: str, clock: ManualClock) -> None:
    async def scenario() -> None:
        engine = AsyncEngine(database_url, clock=clock)
        try:
            await engine.memory.set("threshold", 5, ttl_s=60)
            assert await engine.memory.get("threshold") == 5
            assert await engine.memory.items() == {"threshold": 5}
            clock.advance(60)
            assert await engine.memory.entry("threshold") is None
            assert await engine.memory.delete("threshold") is False
        finally:
            await engine.close()

    run_async(scenario())


def test_the_designers_simulation_reads_memory_as_empty_rather_than_failing() -> None:
    from designer.simulation import simulate  # noqa: PLC0415 - the designer's simulator, no database

    flow = workflow(
        {"route": {"type": "choice"}, "known": final(), "fresh": final()},
        [edge("route", "known", guard="has(memory.workflow.lead) || has(memory.global.lead)", priority=1),
         edge("route", "fresh")], id="memo")
    result = simulate(flow, {}, [])
    assert (result.state, result.status) == ("fresh", "succeeded")
    assert result.steps[-1].guards[0].error is None
