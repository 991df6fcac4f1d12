"""Shared memory lists: `append` adds to a list in one statement, so workers appending at once lose nothing;
`get_list` reads it back in order. On each database."""

from __future__ import annotations

import random
import threading

import pytest
from runtime_support import edge, final, finished, run_async, task, workflow

from engine.errors import InvalidInput
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.validation.loader import load_workflow


def test_items_are_appended_in_order_and_read_back_as_a_list(engine: Engine, clock: ManualClock) -> None:
    assert engine.memory.get_list("outcomes") == []
    engine.memory.append("outcomes", {"ticket": "T-1", "resolution": "deflected"})
    engine.memory.append("outcomes", "second, with a ] and a comma")
    engine.memory.append("outcomes", [1, {"nested": ["[]"]}])
    engine.memory.append("outcomes", None)
    assert engine.memory.get_list("outcomes") == [
        {"ticket": "T-1", "resolution": "deflected"}, "second, with a ] and a comma", [1, {"nested": ["[]"]}], None]
    engine.memory.set("empty", [])
    engine.memory.append("empty", "first")
    assert engine.memory.get_list("empty") == ["first"]
    entry = engine.memory.entry("outcomes")
    assert entry is not None
    assert entry.expires_at == clock.now() + 3600


def test_each_append_renews_the_lists_expiry_and_an_expired_list_starts_afresh(engine: Engine,
                                                                             clock: ManualClock) -> None:
    engine.memory.append("recent", 1, ttl_s=60)
    clock.advance(50)
    engine.memory.append("recent", 2, ttl_s=60)
    clock.advance(50)
    assert engine.memory.get_list("recent") == [1, 2]  # the second append kept the list alive
    clock.advance(10)
    assert engine.memory.get_list("recent") == []
    engine.memory.append("recent", 3, ttl_s=None)
    assert engine.memory.get_list("recent") == [3]
    entry = engine.memory.entry("recent")
    assert entry is not None
    assert entry.expires_at is None


def test_lists_live_in_their_scope(engine: Engine) -> None:
    engine.memory.append("seen", "global")
    engine.memory.append("seen", "acme's", tenant="acme")
    assert engine.memory.get_list("seen") == ["global"]
    assert engine.memory.get_list("seen", tenant="acme") == ["acme's"]


def test_appending_to_or_listing_a_value_that_is_not_a_list_is_refused_and_changes_nothing(engine: Engine) -> None:
    engine.memory.set("lead", {"email": "john@example.com"})
    engine.memory.set("label", "[not a list]")
    for key in ("lead", "label"):
        with pytest.raises(InvalidInput, match="not a list"):
            engine.memory.append(key, "x")
        with pytest.raises(InvalidInput, match="not a list"):
            engine.memory.get_list(key)
    assert engine.memory.get("lead") == {"email": "john@example.com"}
    assert engine.memory.get("label") == "[not a list]"
    with pytest.raises(InvalidInput, match="JSON"):
        engine.memory.append("outcomes", float("nan"))
    with pytest.raises(InvalidInput, match="ttl_s"):
        engine.memory.append("outcomes", 1, ttl_s=0)
    assert engine.memory.get_list("outcomes") == []


def test_two_engines_appending_at_once_lose_no_item(database_url: str, clock: ManualClock) -> None:
    per_writer = 40
    engines = [Engine(database_url, clock=clock, rng=random.Random(n)) for n in range(2)]
    start = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def write(number: int, engine: Engine) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                engine.memory.append("log", {"writer": number, "i": i}, ttl_s=None)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n, e)) for n, e in enumerate(engines)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        log = engines[0].memory.get_list("log")
    finally:
        for engine in engines:
            engine.close()
    assert len(log) == 2 * per_writer
    for writer in range(2):  # every item there, each writer's in the order it wrote them
        assert [item["i"] for item in log if item["writer"] == writer] == list(range(per_writer))


def test_the_async_engine_appends_and_lists(database_url: str, clock: ManualClock) -> None:
    async def scenario() -> None:
        engine = AsyncEngine(database_url, clock=clock)
        try:
            await engine.memory.append("outcomes", "a")
            await engine.memory.append("outcomes", "b")
            assert await engine.memory.get_list("outcomes") == ["a", "b"]
        finally:
            await engine.close()

    run_async(scenario())


# A flow that reads another flow's namespace, read-only: its guard and input see `memory.support_squad`.
READER = workflow(
    {"route": {"type": "choice"}, "brief": task("brief", input={"escalated": "memory.support_squad.escalations"},
                                                 output="briefed"),
     "calm": final(), "briefed": final()},
    [edge("route", "brief", guard="size(memory.support_squad.escalations) > 1", priority=1),
     edge("route", "calm"), edge("brief", "briefed", "done")],
    id="ops_reader", memory_namespaces=["support_squad"])


def test_a_flow_reads_the_namespace_it_declares_as_memory_dot_name(engine: Engine) -> None:
    engine.deploy(READER)
    engine.register("brief", lambda request: [e["ticket"] for e in request.input["escalated"]])
    engine.memory.set("support_squad:escalations", [])
    calm = finished(engine, engine.start("ops_reader", {}))
    assert calm.state == "calm"
    engine.memory.append("support_squad:escalations", {"ticket": "T-1"})
    engine.memory.append("support_squad:escalations", {"ticket": "T-2"})
    engine.memory.set("sales_squad:escalations", ["not read"])
    briefed = finished(engine, engine.start("ops_reader", {}))
    assert (briefed.state, briefed.context["briefed"]) == ("briefed", ["T-1", "T-2"])


def test_a_namespace_must_be_a_plain_name_other_than_the_two_scopes() -> None:
    document = READER.model_dump(by_alias=True, exclude_none=True)
    for bad in ("workflow", "global", "support-squad"):
        loaded = load_workflow({**document, "memory_namespaces": ["support_squad", bad]})
        assert loaded.model is None
        schema = [(f.code, f.pointer) for f in loaded.findings if f.code == "schema"]  # the others are the flow's
        assert schema == [("schema", "/memory_namespaces/1")], bad
