"""Small workflows for the runtime tests, written inline so each test shows the flow it runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from engine.definition import Workflow
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView
from storage.transaction import Transaction

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own: the browser tests' Playwright (sync API) keeps an event loop running on
    the main thread of a test process for the whole session, and `asyncio.run` there refuses to start."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # noqa: BLE001 - raised again on the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="test-asyncio")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def workflow(states: dict[str, Any], transitions: list[dict[str, Any]], *, id: str = "flow",
             initial: str | None = None, **extra: Any) -> Workflow:
    return Workflow.model_validate({
        "id": id, "title": id.replace("_", " "), "initial": initial or next(iter(states)),
        "states": states, "transitions": transitions, **extra,
    })


def task(action: str, **extra: Any) -> dict[str, Any]:
    return {"type": "task", "action": action, **extra}


def final(outcome: str = "success", **extra: Any) -> dict[str, Any]:
    return {"type": "final", "outcome": outcome, **extra}


def edge(source: str | list[str], dest: str, trigger: str | None = None, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"source": source, "dest": dest, **extra}
    if trigger is not None:
        found["trigger"] = trigger
    return found


def assert_consistent(engine: Engine, instance_id: str) -> None:
    """The invariants of every instance: version == history rows, seq gapless, replay matches."""
    view = engine.get(instance_id)
    history = engine.history(instance_id)
    assert [h.seq for h in history] == list(range(1, len(history) + 1))
    assert view.version == len(history)
    report = engine.replay(instance_id)
    assert report.matches, report.differences


def finished(engine: Engine, instance: InstanceView) -> InstanceView:
    engine.run_until_idle()
    return engine.get(instance.id)


@contextmanager
def counting_writes(engine: Engine, *, first_fails_with: Exception | None = None) -> Iterator[list[int]]:
    """Count the write transactions the engine begins meanwhile (each one a durable commit when it writes). With
    `first_fails_with`, the first of them raises it where it would commit, and rolls back: given `GuardFailed`, as
    a transaction whose deferred guarded write met a row another writer changed first."""
    store = engine.runtime.store
    original = store.write
    count = [0]

    @contextmanager
    def write() -> Iterator[Transaction]:
        count[0] += 1
        with original() as tx:
            yield tx
            if count[0] == 1 and first_fails_with is not None:
                raise first_fails_with

    store.write = write  # type: ignore[method-assign]
    try:
        yield count
    finally:
        del store.write
