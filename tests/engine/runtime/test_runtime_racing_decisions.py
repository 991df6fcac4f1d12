"""An approver's decision sent twice at once without an idempotency key (a double click, two tabs, a retry that
overtook a slow first answer): the one the instance's row made wait finds the first recorded, changes nothing,
and is answered as a replay (`InstanceView.replayed`) — as a repeat under the same key is. Before, it was
answered as a first decision, so the designer could not say `Idempotent-Replayed: true` for it. A different
decision racing one's own is still refused (`VersionConflict`), whichever lands first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from runtime_support import assert_consistent, edge, final, workflow

from engine.definition import Workflow
from engine.errors import VersionConflict
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView

ROUNDS = 4  # each on an instance of its own: the two threads overlap in most, the outcome is the same in all


def _review(quorum: int) -> Workflow:
    state = {"type": "approval", "approvers": {"roles": ["manager"]}, "quorum": quorum}
    return workflow(
        {"review": state, "approved": final(), "rejected": final("failure")},
        [edge("review", "approved", "approve"), edge("review", "rejected", "reject")],
        id=f"racing_review_{quorum}",
    )


def _at_once(*calls: Callable[[], InstanceView]) -> list[InstanceView | Exception]:
    """Each call on a thread of its own, all released together; each one's answer or exception, in order."""
    ready = threading.Barrier(len(calls))

    def run(call: Callable[[], InstanceView]) -> InstanceView | Exception:
        ready.wait(timeout=30)
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - the refusal is what the test looks at
            return exc

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.parametrize("quorum", [1, 2], ids=["deciding", "one-of-two"])
def test_the_same_decision_twice_at_once_is_taken_once_and_the_other_is_a_replay(engine: Engine,
                                                                               quorum: int) -> None:
    engine.deploy(_review(quorum))
    for _ in range(ROUNDS):
        run = engine.start(f"racing_review_{quorum}", {})

        def approve(run_id: str = run.id) -> InstanceView:
            return engine.approve(run_id, actor="carol", roles=["manager"])

        answers = _at_once(approve, approve)
        assert all(isinstance(answer, InstanceView) for answer in answers), answers
        views = [answer for answer in answers if isinstance(answer, InstanceView)]
        assert sorted(view.replayed for view in views) == [False, True]  # one decided, one told it was a replay
        assert views[0] == views[1]  # the replay answers the instance as the decision left it
        assert views[0].state == ("approved" if quorum == 1 else "review")
        (approval,) = engine.approvals(run.id)
        assert [(d["actor"], d["decision"]) for d in approval.decisions] == [("carol", "approve")]
        assert len(engine.history(run.id)) == views[0].version  # nothing done twice
        assert_consistent(engine, run.id)


def test_a_different_decision_racing_ones_own_is_still_refused(engine: Engine) -> None:
    engine.deploy(_review(2))
    for _ in range(ROUNDS):
        run = engine.start("racing_review_2", {})
        answers = _at_once(lambda run_id=run.id: engine.approve(run_id, actor="carol", roles=["manager"]),
                           lambda run_id=run.id: engine.reject(run_id, actor="carol", roles=["manager"]))
        taken = [answer for answer in answers if isinstance(answer, InstanceView)]
        refused = [answer for answer in answers if isinstance(answer, VersionConflict)]
        assert (len(taken), len(refused)) == (1, 1), answers
        assert not taken[0].replayed
        (approval,) = engine.approvals(run.id)
        assert len(approval.decisions) == 1
        assert f"carol decided '{approval.decisions[0]['decision']}'" in str(refused[0])
