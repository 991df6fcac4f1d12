"""`Engine.send(..., tenant=)`: the tenant check done in the send's own transaction (the API's send relies on it
instead of reading the instance first), refusing another tenant's instance and a branch as not existing."""

from __future__ import annotations

import pytest
from runtime_support import edge, final, task, workflow

from engine.errors import InstanceNotFound
from engine.runtime.engine import Engine

DOOR = workflow({"open": {"type": "wait", "duration": "P1D"}, "closed": final()}, [edge("open", "closed", "close")],
                id="door")
FORK = workflow(
    {"fork": {"type": "parallel", "branches": [
        {"name": "left", "initial": "hold", "states": {"hold": {"type": "wait", "duration": "P1D"}, "end": final()},
         "transitions": [edge("hold", "end", "go")]},
        {"name": "right", "initial": "work", "states": {"work": task("noop"), "end": final()},
         "transitions": [edge("work", "end", "done")]}]},
     "joined": final()},
    [edge("fork", "joined", "done")],
    id="fork",
)


def test_another_tenants_instance_is_not_found_and_stays_as_it_was(engine: Engine) -> None:
    engine.deploy(DOOR)
    run = engine.start("door", tenant="acme")
    with pytest.raises(InstanceNotFound):
        engine.send(run.id, "close", tenant="globex")
    assert (engine.get(run.id).state, engine.get(run.id).version) == ("open", run.version)
    assert engine.send(run.id, "close", tenant="acme").state == "closed"


def test_a_kept_reply_is_not_given_to_another_tenant(engine: Engine) -> None:
    engine.deploy(DOOR)
    run = engine.start("door", tenant="acme")
    engine.send(run.id, "close", tenant="acme", idempotency_key="k1")
    assert engine.send(run.id, "close", tenant="acme", idempotency_key="k1").state == "closed"  # the kept reply
    with pytest.raises(InstanceNotFound):
        engine.send(run.id, "close", tenant="globex", idempotency_key="k1")


def test_a_branch_is_not_addressed_through_its_tenant(engine: Engine) -> None:
    engine.register("noop", lambda request: None)
    engine.deploy(FORK)
    run = engine.start("fork", tenant="acme")
    left = next(c for c in engine.list_instances(parent_id=run.id) if c.branch.endswith("left"))
    with pytest.raises(InstanceNotFound):
        engine.send(left.id, "go", tenant="acme")
    assert engine.send(left.id, "go").state == "end"  # without a tenant (the engine's own callers) it goes through
