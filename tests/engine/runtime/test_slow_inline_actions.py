"""QA: an inline handler that slept 3 s held the SQLite write lock the whole time (another process's `start`
waited 3.07 s), and nothing said so. An inline action slower than `SLOW_INLINE_S` is logged, once per action."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

import pytest

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine
from engine.runtime.fold import SLOW_INLINE_S


def test_a_slow_inline_action_is_named_in_the_log_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    action = f"lookup_{uuid.uuid4().hex[:8]}"

    def lookup(_: ActionRequest) -> dict[str, bool]:
        time.sleep(SLOW_INLINE_S + 0.05)
        return {"found": True}

    flow = {"id": "slow", "title": "Slow", "initial": "look",
            "states": {"look": {"type": "task", "action": action, "output": "answer"}, "done": {"type": "final"},
                       "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "look", "trigger": "done", "dest": "done"},
                            {"source": "look", "trigger": "error", "dest": "failed"}]}
    with caplog.at_level(logging.WARNING, logger="statewright.worker"), \
            Engine(f"sqlite:///{tmp_path / 'slow.db'}") as engine:
        engine.register(action, lookup, inline=True)
        engine.deploy(flow)
        runs = [engine.start("slow", {}) for _ in range(2)]
        engine.run_until_idle()
        assert [engine.get(r.id).state for r in runs] == ["done", "done"]  # slow, but not failed
    said = [r.getMessage() for r in caplog.records if action in r.getMessage()]
    assert len(said) == 1, said
    assert f"the inline action '{action}' took" in said[0]
    assert "register it without inline=True" in said[0]
