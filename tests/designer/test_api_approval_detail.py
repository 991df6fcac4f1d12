"""An approval request's detail shows its instance's latest transitions — the same entries the instance's history
pages give — and reads only those, however long the history: a request asked again and again for months must
not cost its approver the reading of every transition (with its payload) to open it. It says how many there are
in all and whether it shows fewer, so an approver (and the inbox) knows the list is cut."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from designer_support import Env

from engine.runtime.engine import Engine

# A review whose requester asks again (a revised offer, each time a new request) until the manager decides.
ASKED_AGAIN: dict[str, Any] = {
    "id": "asked_again",
    "title": "Asked again",
    "initial": "review",
    "states": {
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
        "agreed": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "review", "trigger": "revise", "dest": "review"},
        {"source": "review", "trigger": "approve", "dest": "agreed"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
    ],
}
SHOWN = 50  # a page of GET /api/instances/{id}/history


@dataclass
class Reads:
    """The history rows the engine read, call by call (a spy: every call goes through to the database)."""

    calls: list[tuple[str, dict[str, Any], int]] = field(default_factory=list)

    def rows(self) -> int:
        return sum(count for _, _, count in self.calls)


@pytest.fixture
def reads(env: Env, monkeypatch: pytest.MonkeyPatch) -> Reads:
    engine = env.services.engine
    seen = Reads()

    def spy(name: str, read: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
        def counted(instance_id: str, **options: Any) -> list[Any]:
            found = read(instance_id, **options)
            seen.calls.append((name, options, len(found)))
            return found

        return counted

    monkeypatch.setattr(engine, "history", spy("history", engine.history))
    monkeypatch.setattr(engine, "trail", spy("trail", engine.trail))
    return seen


def _sent_back_and_forth(engine: Engine, times: int) -> str:
    engine.deploy(ASKED_AGAIN)
    instance = engine.start("asked_again", tenant="acme", actor="ana")
    for _ in range(times):
        engine.send(instance.id, "revise", actor="ana")
    return instance.id


def _pending(env: Env, instance_id: str) -> int:
    inbox = env.call("GET", f"/api/approvals?instance={instance_id}", "approver").json()["items"]
    assert len(inbox) == 1, inbox
    return int(inbox[0]["id"])


def test_the_detail_shows_the_latest_transitions_and_reads_only_those(env: Env, reads: Reads) -> None:
    instance_id = _sent_back_and_forth(env.services.engine, 300)  # 301 transitions: the start and 300 sends
    approval = _pending(env, instance_id)
    reads.calls.clear()
    detail = env.call("GET", f"/api/approvals/{approval}", "approver")
    assert detail.status_code == 200, detail.text
    shown = detail.json()["history"]
    assert [e["seq"] for e in shown] == list(range(301 - SHOWN + 1, 302))
    assert (shown[-1]["event"], shown[-1]["to_state"]) == ("revise", detail.json()["state"])
    assert reads.rows() == SHOWN, reads.calls  # not 301
    assert (detail.json()["history_total"], detail.json()["history_truncated"]) == (301, True)
    page = env.call("GET", f"/api/instances/{instance_id}/history?offset={301 - SHOWN}&limit={SHOWN}", "viewer")
    assert shown == page.json()["items"]  # the very entries the instance's history gives, payloads and all


def test_the_decision_answers_with_the_latest_transitions_its_own_last(env: Env, reads: Reads) -> None:
    instance_id = _sent_back_and_forth(env.services.engine, 120)
    approval = _pending(env, instance_id)
    reads.calls.clear()
    decided = env.call("POST", f"/api/approvals/{approval}/decision", "approver", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text
    shown = decided.json()["history"]
    assert [e["seq"] for e in shown] == list(range(122 - SHOWN + 1, 123))
    assert (shown[-1]["event"], shown[-1]["to_state"]) == ("approve", "agreed")
    assert reads.rows() == SHOWN, reads.calls
    assert (decided.json()["history_total"], decided.json()["history_truncated"]) == (122, True)


def test_a_short_history_is_shown_whole(env: Env) -> None:
    instance_id = _sent_back_and_forth(env.services.engine, 2)
    shown = env.call("GET", f"/api/approvals/{_pending(env, instance_id)}", "approver").json()["history"]
    assert [(e["seq"], e["event"], e["to_state"]) for e in shown] == [
        (1, "(start)", "review"), (2, "revise", "review"), (3, "revise", "review")]


@pytest.mark.parametrize(("sends", "truncated"), [(2, False), (SHOWN - 1, False), (SHOWN, True)])
def test_the_detail_says_how_many_transitions_there_are_and_whether_it_shows_fewer(
    env: Env, sends: int, truncated: bool
) -> None:
    """`sends` revisions after the start: SHOWN - 1 of them fill the list exactly, one more cuts it."""
    instance_id = _sent_back_and_forth(env.services.engine, sends)
    detail = env.call("GET", f"/api/approvals/{_pending(env, instance_id)}", "approver").json()
    assert (detail["history_total"], detail["history_truncated"]) == (sends + 1, truncated)
    assert len(detail["history"]) == min(sends + 1, SHOWN)
