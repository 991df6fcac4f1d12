"""`statewright worker`: a second Ctrl-C sent as soon as the first one's line shows must abandon the running
action. The handler said so before it marked the worker stopping, so a second signal handled in between (Python
runs a signal's handler at the next bytecode, inside a handler still running) was taken for a first one and the
worker went on waiting — the subprocess test in test_cli_run_interrupts.py hung so on a loaded machine. Here
the second Ctrl-C arrives exactly then: while the first one's line is being printed."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest

from engine.cli import runtime_commands
from engine.runtime.engine import Engine

FLOW: dict[str, Any] = {
    "id": "crunching", "title": "Crunching", "initial": "crunch",
    "states": {"crunch": {"type": "task", "action": "crunch"}, "done": {"type": "final"}},
    "transitions": [{"source": "crunch", "trigger": "done", "dest": "done"}],
}


@pytest.fixture
def restored_signals() -> Iterator[None]:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_a_second_ctrl_c_during_the_first_ones_line_abandons(
        database_url: str, restored_signals: None, monkeypatch: pytest.MonkeyPatch) -> None:
    abandoned: list[str] = []
    said: list[str] = []

    def second_ctrl_c_while_printing(text: str, **_: Any) -> None:
        said.append(text)
        if len(said) == 1:
            handler(signal.SIGINT, None)

    monkeypatch.setattr(runtime_commands, "abandon", lambda worker, db: abandoned.append(db))  # not os._exit
    monkeypatch.setattr(runtime_commands.stderr, "print", second_ctrl_c_while_printing)
    with Engine(database_url) as engine:
        engine.deploy(FLOW)
        engine.start("crunching")
        worker = engine.worker()
        (claimed,) = worker.claim()
        monkeypatch.setattr(worker, "_running", (claimed.job,))  # its action running, as `execute` marks it
        stop = runtime_commands.threading.Event()
        runtime_commands._stop_on_signals(stop, worker, database_url)
        handler = signal.getsignal(signal.SIGINT)
        assert callable(handler)

        handler(signal.SIGINT, None)
        worker.close()

    assert stop.is_set()
    assert len(said) == 1, said  # said once: the second Ctrl-C was not taken for a first
    assert said[0].startswith("stopping: waiting for the action 'crunch' in 'crunch'")
    assert abandoned == [database_url]
