"""The engine's side of the benchmarks: the flows, the handlers, and each workload timed in this process.

- `send_rate`: `Engine.send` to one instance at a time — one event, one transition, one transaction (the
  flow flips between two wait states, so each transition also cancels one event wait and opens the next:
  the outbox a waiting state needs).
- `group_commit_rate`: many instances each running a chain of tasks, worked by one worker whose batch of
  action outcomes commits in one transaction.
- `lead_rate`: the shipped lead-qualification flow end to end.
- `IO_CHAIN_FLOW`: the same chains with actions that wait instead of computing, for worker processes
  (`bench.worker_fleet`): how they scale out when the CPUs are not what bounds them.
- `INCREMENT_FLOW` and `increment_rate`: a chain whose every task returns its input + 1, carried through the
  context — DBOS Transact's 8-step workflow written as a Statewright flow (`bench.bench_dbos`).
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from engine.runtime.actions import ActionRequest, HandlerRegistry
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.definition_files import deploy_files
from engine.runtime.engine import Engine

__all__ = [
    "CHAIN_FLOW",
    "CHAIN_STEPS",
    "INCREMENT_FLOW",
    "IO_CHAIN_FLOW",
    "LEAD_FLOW",
    "OPEN_CLOSE_FLOW",
    "PING_FLOW",
    "async_send_rate",
    "group_commit_rate",
    "increment_rate",
    "lead_contexts",
    "lead_rate",
    "register_step",
    "send_rate",
    "start_chains",
    "trivial_lead_handlers",
]

ROOT = Path(__file__).resolve().parents[1]
LEAD_FLOW = ROOT / "definitions" / "workflows" / "lead_qualification.json"
CHAIN_STEPS = 8

OPEN_CLOSE_FLOW: dict[str, Any] = {  # one transition and a timer to start, one to close
    "id": "bench_flow",
    "title": "Benchmark: open, then close",
    "initial": "open",
    "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final", "outcome": "success"}},
    "transitions": [
        {"source": "open", "trigger": "done", "dest": "closed"},
        {"source": "open", "trigger": "close", "dest": "closed"},
    ],
}
PING_FLOW: dict[str, Any] = {
    "id": "ping", "title": "Ping-pong between two waits", "initial": "a",
    "states": {"a": {"type": "wait", "event": {"type": "never"}}, "b": {"type": "wait", "event": {"type": "never"}},
               "end": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "a", "trigger": "go", "dest": "b"}, {"source": "b", "trigger": "go", "dest": "a"},
                    {"source": ["a", "b"], "trigger": "done", "dest": "end"}],
}

IO_WAIT_S = 0.05


def _chain(flow_id: str, action: str, title: str, *, carry: str | None = None) -> dict[str, Any]:
    """CHAIN_STEPS tasks in a row; with `carry`, each task reads that context key and writes its result back."""
    def task(i: int) -> dict[str, Any]:
        if carry:
            return {"type": "task", "action": action, "input": {carry: carry}, "output": carry}
        return {"type": "task", "action": action, "input": {"i": str(i)}, "output": f"out{i}"}

    # the carried key is given at the start: declared, so that the first task's read of it deploys without a warning
    context = {"type": "object", "properties": {carry: {"type": "integer"}}, "required": [carry]} if carry else {}
    return {
        "id": flow_id, "title": title, "initial": "s0", **({"context": context} if context else {}),
        "states": {
            **{f"s{i}": task(i) for i in range(CHAIN_STEPS)},
            "end": {"type": "final", "outcome": "success"},
            "failed": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            *({"source": f"s{i}", "trigger": "done", "dest": f"s{i + 1}" if i + 1 < CHAIN_STEPS else "end"}
              for i in range(CHAIN_STEPS)),
            {"source": [f"s{i}" for i in range(CHAIN_STEPS)], "trigger": "error", "dest": "failed"},
        ],
    }


CHAIN_FLOW = _chain("chain", "step", f"A chain of {CHAIN_STEPS} tasks")
IO_CHAIN_FLOW = _chain("chain_io", "step_io", f"A chain of {CHAIN_STEPS} tasks that each wait {IO_WAIT_S} s")
INCREMENT_FLOW = _chain("increment", "increment", f"A chain of {CHAIN_STEPS} tasks, each adding 1 to x", carry="x")


def _step(request: ActionRequest) -> dict[str, Any]:
    return {"i": request.input["i"], "attempt": request.attempt}


def _step_io(request: ActionRequest) -> dict[str, Any]:
    """An action bound by waiting, not by the CPU — as a model or API call is."""
    time.sleep(IO_WAIT_S)
    return _step(request)


def _increment(request: ActionRequest) -> int:
    return int(request.input["x"]) + 1


def register_step(registry: HandlerRegistry, *, inline: bool = False) -> None:
    """The chains' handlers, and the lead flow's answering at once, inline (`--handlers
    bench.workloads:register_step` for worker processes). `inline`: the increment chain's too."""
    registry.register("step", _step)
    registry.register("step_io", _step_io)
    registry.register("increment", _increment, inline=inline, replace=True)  # inline or not, as asked now
    trivial_lead_handlers(registry, inline=True)


def send_rate(engine: Engine, count: int) -> float:
    """Transitions per second of `send` to one instance of PING_FLOW, one after the other."""
    engine.deploy(PING_FLOW)
    run = engine.start("ping")
    started = time.perf_counter()
    for n in range(count):
        engine.send(run.id, "go", {"k": n})
    return count / (time.perf_counter() - started)


def async_send_rate(url: str, count: int, *, in_flight: int = 16) -> float:
    """Transitions per second of `AsyncEngine.send` from `in_flight` tasks of one event loop, each sending to an
    instance of PING_FLOW of its own, one after the other (as an async web app embedding the engine would)."""
    async def run() -> float:
        async with AsyncEngine(url) as engine:
            await engine.deploy(PING_FLOW)
            ids = [(await engine.start("ping")).id for _ in range(in_flight)]
            each = max(1, count // in_flight)

            async def sender(instance_id: str) -> None:
                for n in range(each):
                    await engine.send(instance_id, "go", {"k": n})

            started = time.perf_counter()
            await asyncio.gather(*(sender(i) for i in ids))
            return each * in_flight / (time.perf_counter() - started)

    return asyncio.run(run())


def start_chains(engine: Engine, instances: int, flow: dict[str, Any] = CHAIN_FLOW) -> list[str]:
    engine.deploy(flow)
    return [engine.start(flow["id"], {"n": n}).id for n in range(instances)]


def group_commit_rate(engine: Engine, instances: int, *, batch: int) -> float:
    """Transitions per second of one in-process worker taking `instances` chains (started beforehand, not
    timed) to their end, `batch` action outcomes per transaction."""
    register_step(engine.handlers)
    start_chains(engine, instances)
    worker = engine.worker(batch=batch)
    try:
        started = time.perf_counter()
        worker.run_until_idle()
        elapsed = time.perf_counter() - started
    finally:
        worker.close()
    return instances * CHAIN_STEPS / elapsed


def lead_contexts(count: int) -> list[dict[str, Any]]:
    """The flow's own examples, each lead given an address of its own (the known contact keeps its own)."""
    examples = json.loads(LEAD_FLOW.read_text())["examples"]
    contexts = []
    for n in range(count):
        example = examples[n % len(examples)]
        context = dict(example["context"])
        user, at, domain = context["email"].partition("@")
        if at and example["name"] != "known_contact_is_duplicate":
            context["email"] = f"{user}.{n}@{domain}"
        contexts.append(context)
    return contexts


def trivial_lead_handlers(registry: HandlerRegistry, *, inline: bool = False) -> None:
    """The lead flow's actions answering at once with fixed outputs (a 100-point lead, no duplicate);
    `inline`: registered as inline actions (`HandlerRegistry`), run in the transaction of the step before."""
    outputs: dict[str, Any] = {
        "extract_lead": {"email": "a@b.c", "name": "A", "title": "VP", "company": "C", "domain": "b.c",
                         "company_size": 500, "use_case": "sales automation", "timeline_days": 30},
        "search_crm_duplicates": {"duplicate": False, "contact_id": None},
        "score_lead": {"score": 100},
        "book_meeting": {"meeting_id": "M-1"},
        "record_lead_in_crm": {"contact_id": "C-1"},
        "publish_lead_qualified": {"event_id": "E-1"},
        # on the paths these leads do not take; registered so that the flow deploys (deploy checks every action)
        "add_crm_note": {"note_id": "N-1"},
        "add_to_nurture": {"sequence": "S-1"},
        "request_manual_booking": {"requested": True},
    }
    for name, output in outputs.items():  # a new function at each call: replacing the last one
        registry.register(name, lambda _request, output=output: output, inline=inline, replace=True)


def deploy_lead_flow(engine: Engine) -> None:
    """The shipped lead-qualification flow with the agents its tasks name, deployed first as the product does (a
    flow naming an agent that is not deployed is refused)."""
    deploy_files(engine, [LEAD_FLOW.parent.parent / "agents", LEAD_FLOW])


def lead_rate(engine: Engine, count: int, *, offline: bool, inline: bool = False) -> tuple[float, float]:
    """(leads per second, transitions per second) from the first start until every lead has ended, with the
    shipped offline handlers or with trivial ones (`inline`: registered inline)."""
    if offline:
        from agents.handlers import register  # noqa: PLC0415 - only for the end-to-end row

        register(engine)
    else:
        trivial_lead_handlers(engine.handlers, inline=inline)
    deploy_lead_flow(engine)
    contexts = lead_contexts(count)
    started = time.perf_counter()
    ids = [engine.start("lead_qualification", context).id for context in contexts]
    engine.run_until_idle()
    elapsed = time.perf_counter() - started
    views = [engine.get(i) for i in ids]
    unfinished = [v.id for v in views if not v.ended]
    if unfinished:
        raise RuntimeError(f"{len(unfinished)} leads did not finish")
    broken = [v.error for v in views if v.error is not None]  # a step failed: the lead did not take its path
    if broken:
        raise RuntimeError(f"{len(broken)} leads failed on the way, e.g. {broken[0]}")
    return count / elapsed, sum(v.version for v in views) / elapsed


def increment_rate(engine: Engine, count: int, *, concurrent: int = 1, inline: bool = False,
                   start_threads: int = 1) -> float:
    """Workflows per second of `count` INCREMENT_FLOW instances, from each start until its end, `concurrent` at
    a time: that many started, then this thread's worker (batch 32) runs them all to their end, then the next
    wave (not when every start of the wave answered with its instance ended). Each instance must end with x = its
    start + CHAIN_STEPS. `inline`: the action registered inline (each start runs its chain in its own transaction,
    as DBOS runs a workflow's steps in the caller, and answers with the instance ended: no worker runs).
    `start_threads`: each wave started from that many threads (callers starting at once, whose commits the
    database may flush together)."""
    register_step(engine.handlers, inline=inline)
    engine.deploy(INCREMENT_FLOW)
    ids: list[str] = []
    started = time.perf_counter()
    for first in range(0, count, concurrent):
        wave = range(first, min(first + concurrent, count))
        if start_threads > 1:
            with ThreadPoolExecutor(start_threads) as pool:
                views = list(pool.map(lambda n: engine.start("increment", {"x": n}), wave))
        else:
            views = [engine.start("increment", {"x": n}) for n in wave]
        ids += [view.id for view in views]
        if not all(view.ended for view in views):  # a caller whose start answered with the end has no worker to run
            engine.run_until_idle()
    elapsed = time.perf_counter() - started
    wrong = [(i, v.status, v.context.get("x")) for n, i in enumerate(ids)
             if not ((v := engine.get(i)).status == "succeeded" and v.context.get("x") == n + CHAIN_STEPS)]
    if wrong:
        raise RuntimeError(f"{len(wrong)} increment chains did not end with x + {CHAIN_STEPS}: {wrong[:3]}")
    return count / elapsed
