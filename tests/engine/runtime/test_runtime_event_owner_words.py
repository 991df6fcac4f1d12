"""A caller's `send` of an event the runtime fires itself is refused with words for that kind of state: a task's
refusal used to say "approvals are decided with approve/reject", which has nothing to do with a task."""

from __future__ import annotations

import pytest
from runtime_support import edge, final, task, workflow

from engine.errors import TransitionNotAllowed
from engine.runtime.engine import Engine


def test_the_refusal_says_what_moves_each_kind_of_state_on(engine: Engine) -> None:
    engine.deploy(workflow(
        {"work": task("work"), "hold": {"type": "wait", "event": {"type": "paid"}}, "done": final()},
        [edge("work", "hold", "done"), edge("hold", "done", "done")], id="owned"))
    run = engine.start("owned")
    with pytest.raises(TransitionNotAllowed, match="a task's done and error come from its action") as refused:
        engine.send(run.id, "done")
    assert "approv" not in str(refused.value)
    engine.register("work", lambda _: {})
    engine.run_until_idle()
    with pytest.raises(TransitionNotAllowed, match=r"a wait moves on when its event is published \(publish"):
        engine.send(run.id, "done")
