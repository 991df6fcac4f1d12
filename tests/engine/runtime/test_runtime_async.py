"""AsyncEngine: the same core as coroutines; async handlers run in the worker."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.errors import InstanceNotFound
from engine.runtime.actions import ActionRequest
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


def run(scenario: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run` on a thread of its own, as an application's event loop would be: a test process that drove
    a browser before (Playwright's sync API keeps its loop on the main thread) must not matter."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario).result()


def test_the_async_engine_runs_a_flow_end_to_end(database_url: str, clock: ManualClock) -> None:
    async def scenario() -> None:
        engine = AsyncEngine(database_url, clock=clock)
        try:
            await engine.deploy(workflow(
                {"fetch": task("fetch", output="page"),
                 "review": {"type": "approval", "approvers": {"users": ["ann"]}}, "done": final()},
                [edge("fetch", "review", "done"), edge("review", "done", "approve")]))

            @engine.register("fetch")
            async def fetch(request: ActionRequest) -> str:
                await asyncio.sleep(0)
                return "<html>"

            run = await engine.start("flow", {})
            assert run.state == "fetch"
            assert await engine.run_until_idle() >= 1
            assert (await engine.get(run.id)).context == {"page": "<html>"}
            assert [a.instance_id for a in await engine.pending_approvals(user="ann")] == [run.id]
            done = await engine.approve(run.id, actor="ann")
            assert done.status == "succeeded"
            assert [h.event for h in await engine.history(run.id)] == ["(start)", "done", "approve"]
            assert (await engine.replay(run.id)).matches
        finally:
            await engine.close()

    run(scenario())


def test_an_async_worker_stops_when_asked(database_url: str) -> None:
    async def scenario() -> None:
        engine = AsyncEngine(database_url)
        try:
            await engine.deploy(workflow({"fetch": task("fetch"), "done": final()}, [edge("fetch", "done", "done")]))
            engine.register("fetch", lambda request: "ok")
            run = await engine.start("flow", {})
            stop = asyncio.Event()
            worker = asyncio.create_task(engine.run_worker(stop, poll_s=0.05))
            for _ in range(200):
                if (await engine.get(run.id)).status == "succeeded":
                    break
                await asyncio.sleep(0.02)
            stop.set()
            await asyncio.wait_for(worker, 5)
            assert (await engine.get(run.id)).status == "succeeded"
        finally:
            await engine.close()

    run(scenario())


SYNC_ONLY = {"register", "worker", "start_command", "send_command"}  # plain on AsyncEngine too: no database


def test_every_public_engine_method_is_on_the_async_engine_with_the_same_parameters(tmp_path: Path) -> None:
    """A host on asyncio (FastAPI, Litestar) reaches everything an `Engine` does: `send(tenant=)` to scope a
    send to the caller's tenant, `deploy(alongside=)` for flows that start one another, `count_instances`,
    `approvals`, `budget`... — each a coroutine with Engine's parameters, in Engine's order."""
    missing, different = [], []
    for name, method in inspect.getmembers(Engine, inspect.isfunction):
        if name.startswith("_"):
            continue
        twin = getattr(AsyncEngine, name, None)
        if twin is None:
            missing.append(name)
            continue
        assert inspect.iscoroutinefunction(twin) == (name not in SYNC_ONLY), name
        if list(inspect.signature(method).parameters) != list(inspect.signature(twin).parameters):
            different.append(name)
    assert (missing, different) == ([], [])
    assert list(inspect.signature(Engine).parameters) == list(inspect.signature(AsyncEngine).parameters)
    built = AsyncEngine(f"sqlite:///{tmp_path / 'flows.db'}", migrate=False)
    for name in ("database_url", "clock", "handlers", "memory"):
        assert hasattr(built, name), name
    built.engine.close()


def test_an_async_host_scopes_a_send_to_its_tenant_and_closes_the_engine_with_async_with(
        database_url: str, clock: ManualClock) -> None:
    async def scenario() -> None:
        async with AsyncEngine(database_url, clock=clock) as engine:
            await engine.deploy(workflow({"open": {"type": "wait", "duration": "P1D"}, "closed": final()},
                                         [edge("open", "closed", "close")], id="door"))
            run = await engine.start("door", tenant="acme")
            with pytest.raises(InstanceNotFound):
                await engine.send(run.id, "close", tenant="globex")
            assert (await engine.send(run.id, "close", tenant="acme")).state == "closed"
            assert await engine.count_instances(status="succeeded") == 1
            assert [v.id for v in await engine.list_instances(top_level_only=True)] == [run.id]
        assert engine.engine.runtime.store._idle == []  # closed: no connection kept

    run(scenario())
