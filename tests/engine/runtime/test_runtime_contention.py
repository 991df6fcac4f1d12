"""Two engines (two connection pools, as two processes would have) deciding the same instance at the same
moment: an approval against a withdrawal. The database may break a deadlock between them; the engine retries
it, so each caller sees either its success or a refusal (`TransitionNotAllowed`, the API's 409) — never a
storage error — and exactly one of the two moved the instance."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial

import pytest
from runtime_support import edge, final, workflow

from engine.errors import TransitionNotAllowed
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

ROUNDS = 20
FLOW = workflow(
    {"review": {"type": "approval", "approvers": {"roles": ["lead"]}, "timeout": "PT4H"},
     "published": final(), "abandoned": final("failure")},
    [edge("review", "published", "approve"), edge("review", "abandoned", "reject"),
     edge("review", "abandoned", "timeout"), edge("review", "abandoned", "withdraw")],
    id="contended",
)


@pytest.fixture
def engines(database_url: str, clock: ManualClock) -> Iterator[tuple[Engine, Engine]]:
    with Engine(database_url, clock=clock) as first, Engine(database_url, clock=clock) as second:
        first.deploy(FLOW)
        yield first, second


def _race(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls at once on their own threads; what each ended with: 'ok', 'refused' or the error."""
    barrier = threading.Barrier(len(calls))
    outcomes = [""] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            calls[i]()
            outcomes[i] = "ok"
        except TransitionNotAllowed:
            outcomes[i] = "refused"
        except Exception as exc:  # noqa: BLE001 - any other outcome is what the test reports
            outcomes[i] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_approve_racing_a_withdrawal_ends_one_way_with_no_storage_error(engines: tuple[Engine, Engine]) -> None:
    first, second = engines
    for _ in range(ROUNDS):
        instance_id = first.start("contended").id
        assert first.get(instance_id).state == "review"
        outcomes = _race([partial(first.approve, instance_id, actor="ann", roles=["lead"]),
                          partial(second.send, instance_id, "withdraw", {"why": "changed mind"})])
        assert sorted(outcomes) == ["ok", "refused"], outcomes
        after = first.get(instance_id)
        expected = "published" if outcomes[0] == "ok" else "abandoned"
        assert (after.state, after.status) == (expected, "succeeded" if expected == "published" else "failed")
        assert [h.to_state for h in first.history(instance_id)] == ["review", expected]
