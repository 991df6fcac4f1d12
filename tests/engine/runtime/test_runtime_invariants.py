"""Hypothesis: random sequences of events, decisions, clock jumps and worker runs keep the invariants —
the state is always a declared state, the version equals the number of history rows (gapless), replay
matches, and a refused event changes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_support import edge, final, task, workflow

from engine.errors import NotAuthorized, StatewrightError, TransitionNotAllowed, VersionConflict
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

FLOW = workflow(
    {"intake": {"type": "choice"},
     "drafting": {"type": "wait", "event": {"type": "uploaded", "correlation": "key"}, "timeout": "PT2H",
                  "output": "upload"},
     "checking": task("check", output="check", retry={"max_attempts": 2, "initial_interval_s": 60}),
     "review": {"type": "approval", "approvers": {"roles": ["lead"]}, "quorum": 2, "timeout": "PT4H"},
     "revise": {"type": "wait", "duration": "PT30M"},
     "published": final(), "abandoned": final("failure")},
    [edge("intake", "drafting", guard="size < 5", priority=1), edge("intake", "checking"),
     edge("drafting", "checking", "done"), edge("drafting", "abandoned", "timeout"),
     edge("drafting", "drafting", "nudge", assign={"nudges": "has(context.nudges) ? context.nudges + 1 : 1"}),
     edge("checking", "review", "done", guard="event.ok"), edge("checking", "revise", "done"),
     edge("checking", "abandoned", "error"), edge("review", "published", "approve"),
     edge("review", "revise", "reject"), edge("review", "abandoned", "timeout"),
     edge("revise", "checking", "done"), edge(["revise", "review"], "abandoned", "withdraw")],
    id="doc",
)
STATES = set(FLOW.states) | {"(not started)"}

actions = st.one_of(
    st.tuples(st.just("send"), st.sampled_from(["nudge", "withdraw", "submit", "done", "approve", "bogus"])),
    st.tuples(st.just("approve"), st.sampled_from(["ann", "ben", "cy"])),
    st.tuples(st.just("reject"), st.sampled_from(["ann", "eve"])),
    st.tuples(st.just("publish"), st.sampled_from(["k", "other"])),
    st.tuples(st.just("advance"), st.sampled_from([60, 1800, 7200, 20000])),
    st.tuples(st.just("work"), st.none()),
    st.tuples(st.just("cancel"), st.none()),
)


def _apply(engine: Engine, clock: ManualClock, instance_id: str, action: tuple[str, Any]) -> None:
    kind, arg = action
    before = engine.get(instance_id), engine.history(instance_id)
    try:
        if kind == "send":
            engine.send(instance_id, arg, {"note": "x"})
        elif kind in ("approve", "reject"):
            decide = engine.approve if kind == "approve" else engine.reject
            decide(instance_id, actor=arg, roles=["lead"] if arg != "eve" else [])
        elif kind == "publish":
            engine.publish("uploaded", {"bytes": 3}, correlation_key=arg)
        elif kind == "advance":
            clock.advance(arg)
        elif kind == "work":
            engine.run_until_idle()
        else:
            engine.cancel(instance_id, actor="ops")
    except (TransitionNotAllowed, NotAuthorized, VersionConflict):  # refused (VersionConflict: an approver
        # contradicting their own decision on a quorum not yet reached): nothing changed
        assert (engine.get(instance_id), engine.history(instance_id)) == before
    except StatewrightError as exc:  # pragma: no cover - any other error is a finding
        raise AssertionError(f"{kind} {arg}: {exc}") from exc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 9), steps=st.lists(actions, max_size=14), fail_checks=st.booleans())
def test_random_event_sequences_keep_the_invariants(engine: Engine, clock: ManualClock, size: int,
                                                    steps: list[tuple[str, Any]], fail_checks: bool) -> None:
    engine.deploy(FLOW)

    def check(request: ActionRequest) -> dict[str, bool]:
        if fail_checks and request.attempt == 1:
            raise ActionError("flaky", "try again")
        return {"ok": request.context.get("size", 0) % 2 == 0}

    engine.register("check", check, replace=True)
    run = engine.start("doc", {"size": size, "key": "k"})
    for action in steps:
        _apply(engine, clock, run.id, action)
        view = engine.get(run.id)
        history = engine.history(run.id)
        assert view.state in STATES
        assert [h.seq for h in history] == list(range(1, view.version + 1))
        assert engine.replay(run.id).matches
