"""A developer's common misuses of the embedding API are refused at the call, with a typed error saying what was
expected — not an `AttributeError` from deep inside (`deploy(None)`, `send(id, 123)`), a `ValueError` from
`dict("abc")`, or a handler accepted at `register` that fails each task later ("'int' object is not callable")."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine

FLOW = {"id": "refund", "title": "Refund", "initial": "wait",
        "states": {"wait": {"type": "wait", "event": {"type": "never_published"}}, "done": {"type": "final"}},
        "transitions": [{"source": "wait", "trigger": "paid", "dest": "done"},
                        {"source": "wait", "trigger": "done", "dest": "done"}]}


def test_misused_calls_are_refused_with_what_they_take(tmp_path: Path) -> None:
    with Engine(f"sqlite:///{tmp_path / 'misuse.db'}") as engine:
        engine.deploy(FLOW)
        for wrong in (None, [1], 42):
            with pytest.raises(TypeError, match="deploy takes a Workflow, a dict, JSON text"):
                engine.deploy(wrong)  # type: ignore[arg-type]
        for context in ([1, 2], "abc", 5):
            with pytest.raises(TypeError, match="the context must be a dict"):
                engine.start("refund", context)  # type: ignore[arg-type]
        run = engine.start("refund", {})
        with pytest.raises(TypeError, match="the event must be its name, a str, not int"):
            engine.send(run.id, 123)  # type: ignore[arg-type]
        assert engine.get(run.id).version == run.version  # refused before anything was read or written
        with pytest.raises(TypeError, match="the handler of the action 'x' must be callable"):
            engine.register("x", 42)  # type: ignore[call-overload]
        for name in ("", "   ", None):
            with pytest.raises(ValueError, match="an action's name must be"):
                engine.register(name, lambda _request: {})  # type: ignore[arg-type]
        assert engine.handlers.get("x") is None
        assert engine.send(run.id, "paid").status == "succeeded"  # the right calls still work
