"""AsyncEngine: the same core as coroutines; async handlers run in the worker."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock


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
