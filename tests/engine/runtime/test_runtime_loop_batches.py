"""Starts and sends made in one turn of an event loop (a server's requests that arrived together) are written in
one transaction on SQLite, and each answers as it would alone: its own instance, its own error, a repeated key's
first answer; a command that raises leaves the others written; with another connection holding the writer, each
waits its turn and is written once, the loop never blocked."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from engine.errors import InstanceNotFound, TransitionNotAllowed
from engine.runtime.engine import Engine, writes_without_waiting
from engine.runtime.loop_writes import LoopBatches
from engine.runtime.together import write_together
from engine.runtime.views import InstanceView
from storage.errors import WriterBusy as StoreWriterBusy

T = TypeVar("T")

FLOW: dict[str, Any] = {
    "id": "door",
    "title": "A door, knocked on while open",
    "initial": "open",
    "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final", "outcome": "success"}},
    "transitions": [
        {"source": "open", "trigger": "done", "dest": "closed"},
        {"source": "open", "trigger": "close", "dest": "closed"},
        {"source": "open", "trigger": "knock", "dest": "open"},  # a repeat would be recorded twice
    ],
}


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "batches.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    with Engine(f"sqlite:///{database}") as opened:
        opened.deploy(FLOW)
        yield opened


def _on_a_loop(main: Callable[[], Awaitable[T]]) -> T:
    with ThreadPoolExecutor(1) as own_thread:  # a loop of its own
        return own_thread.submit(asyncio.run, main()).result()


async def _together(batches: LoopBatches, calls: list[Callable[[], Any]]) -> list[Any]:
    """Each call's command made from its own task, all in one turn of the loop; each answer or error."""
    return await asyncio.gather(*(batches.make(call()) for call in calls), return_exceptions=True)


def _history_events(engine: Engine, instance_id: str) -> list[str]:
    return [entry.event for entry in engine.history(instance_id)]


def test_commands_made_together_are_written_in_one_transaction_each_answered_as_alone(engine: Engine) -> None:
    doors = [engine.start("door", {}).id for _ in range(12)]
    batches = LoopBatches(engine)
    sent = _on_a_loop(lambda: _together(batches, [lambda d=d: engine.send_command(d, "close", actor="a")
                                                  for d in doors]))
    assert [(v.id, v.state, v.status, v.version) for v in sent] == [(d, "closed", "succeeded", 2) for d in doors]
    assert batches.batches == 1
    assert all(_history_events(engine, d) == ["(start)", "close"] for d in doors)


def test_starts_under_one_key_in_one_batch_start_one_instance_and_the_second_is_a_replay(engine: Engine) -> None:
    batches = LoopBatches(engine)
    first, again, other = _on_a_loop(lambda: _together(batches, [
        lambda: engine.start_command("door", {}, idempotency_key="k-1"),
        lambda: engine.start_command("door", {}, idempotency_key="k-1"),
        lambda: engine.start_command("door", {}),
    ]))
    assert (first.id == again.id, first.replayed, again.replayed, other.id != first.id) == (True, False, True, True)
    assert batches.batches == 1
    assert engine.count_instances(workflow_id="door") == 2


def test_a_command_that_raises_gets_its_error_and_the_others_are_written(engine: Engine) -> None:
    doors = [engine.start("door", {}).id for _ in range(3)]
    engine.send(doors[1], "close")  # closed: a second close is refused
    batches = LoopBatches(engine)
    answers = _on_a_loop(lambda: _together(batches, [
        lambda: engine.send_command(doors[0], "knock"),
        lambda: engine.send_command(doors[1], "close"),
        lambda: engine.send_command("no-such-door", "knock"),
        lambda: engine.send_command(doors[2], "close"),
    ]))
    assert isinstance(answers[1], TransitionNotAllowed)
    assert isinstance(answers[2], InstanceNotFound)
    assert batches.batches == 1  # the two others written together all the same
    assert [(a.id, a.state) for a in (answers[0], answers[3])] == [(doors[0], "open"), (doors[2], "closed")]
    assert (_history_events(engine, doors[0]), _history_events(engine, doors[2])) == (
        ["(start)", "knock"], ["(start)", "close"])  # written once each, the batch run again without the two
    assert _history_events(engine, doors[1]) == ["(start)", "close"]


def test_two_sends_to_one_instance_in_one_batch_both_apply_in_order(engine: Engine) -> None:
    door = engine.start("door", {}).id
    batches = LoopBatches(engine)
    knocked, closed = _on_a_loop(lambda: _together(batches, [
        lambda: engine.send_command(door, "knock"), lambda: engine.send_command(door, "close")]))
    assert (knocked.version, closed.version, closed.status) == (2, 3, "succeeded")
    assert _history_events(engine, door) == ["(start)", "knock", "close"]


def test_with_the_writer_held_elsewhere_each_waits_its_turn_the_loop_free(engine: Engine, database: Path) -> None:
    doors = [engine.start("door", {}).id for _ in range(6)]
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # another connection, as another process would
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(5)
        time.sleep(0.2)
        other.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    batches = LoopBatches(engine)

    async def main() -> tuple[list[Any], int]:
        ticks = 0
        done = asyncio.Event()

        async def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.005)
                ticks += 1

        ticking = asyncio.create_task(tick())
        release.set()
        answers = await _together(batches, [lambda d=d: engine.send_command(d, "close") for d in doors])
        done.set()
        await ticking
        return answers, ticks

    answers, ticks = _on_a_loop(main)
    holder.join()
    assert [a.state if isinstance(a, InstanceView) else repr(a) for a in answers] == ["closed"] * len(doors)
    assert ticks >= 10  # the loop went on while the writer was held (200 ms at least)
    assert all(_history_events(engine, d) == ["(start)", "close"] for d in doors)


def test_bad_input_is_refused_before_anything_is_made(engine: Engine) -> None:
    from engine.errors import InvalidInput  # noqa: PLC0415

    with pytest.raises(InvalidInput):
        engine.send_command(engine.start("door", {}).id, "knock", float("nan"))



def test_each_try_of_a_batch_asks_for_the_writer_at_once(engine: Engine) -> None:
    """A batch runs again after a command raised; by then another thread holds the writer. The second try, begun
    under `writes_without_waiting` as the first was, gives up at once (the loop's batch then makes each command
    alone, off the loop) instead of waiting on the loop's thread for SQLite's busy timeout."""
    doors = [engine.start("door", {}).id for _ in range(2)]
    store = engine.runtime.store
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:  # another thread of this process writing meanwhile
        with store.write():
            holding.set()
            release.wait(5)

    tries: list[int] = []

    @contextmanager
    def each_try() -> Iterator[None]:
        tries.append(len(tries) + 1)
        if len(tries) == 2:  # the batch runs again: the writer is someone else's now
            threading.Thread(target=hold).start()
            assert holding.wait(5)
        with writes_without_waiting():
            yield

    def refused(tx: Any) -> InstanceView:
        raise TransitionNotAllowed("knock", "open", "refused for the test")

    works = [engine.send_command(doors[0], "close").work, refused, engine.send_command(doors[1], "close").work]
    begun = time.monotonic()
    try:
        with pytest.raises(StoreWriterBusy):
            write_together(store, works, tries=4, each_try=each_try)
        assert time.monotonic() - begun < 1.0  # not SQLite's 30 s busy timeout, nor the other thread's hold
    finally:
        release.set()
    assert tries == [1, 2]
    assert all(_history_events(engine, d) == ["(start)"] for d in doors)  # nothing of the batch was written
