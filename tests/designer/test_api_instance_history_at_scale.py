"""An instance's long history is read in bounded pieces, asked over HTTP of the module's app served by uvicorn on
loopback:

- its detail summarises a long history (its first transition, the latest 500, two aggregates)
  instead of reading every transition: its path covers the latest 500 and says so, its cost and the moves its
  diagram marks still cover them all;
- its history is paged newest first (`order=desc`, `offset` from the latest or `before` a seq) as well as
  oldest first (where `before` bounds a page too), with a 400 problem for an order or a seq that is none.

The long history is copied in bulk (`bench.bulk_rows`), not made one transition at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from designer_support import Env, assert_problem, served

from bench.bulk_rows import lengthen_history

FLIP: dict[str, Any] = {
    "id": "flip_flop", "title": "Flip-flop", "initial": "here",
    "states": {"here": {"type": "wait", "duration": "P1D"}, "there": {"type": "wait", "duration": "P1D"},
               "gone": {"type": "final"}},
    "transitions": [{"source": "here", "trigger": "flip", "dest": "there"},
                    {"source": "there", "trigger": "flip", "dest": "here"},
                    {"source": "here", "trigger": "leave", "dest": "gone"},
                    {"source": ["here", "there"], "trigger": "done", "dest": "gone"}],  # the waits' timeouts
}
LONG = 1_200  # transitions: more than two of the page's 500


@pytest.fixture(scope="module")
def viewer(env: Env) -> Iterator[httpx.Client]:
    """The viewer's client of the module's app served over loopback."""
    for port in served(env.app):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=env.headers("viewer"), timeout=30) as client:
            yield client


@pytest.fixture(scope="module")
def long_instance(env: Env) -> str:
    engine = env.services.engine
    engine.deploy(FLIP)
    instance_id = engine.start("flip_flop", {}, tenant="acme", actor="ada").id
    lengthen_history(sa.create_engine(env.services.settings.database_url), instance_id, LONG, here="here",
                     there="there", event="flip", cost=0.25)
    return instance_id


def test_a_long_historys_detail_has_the_latest_path_and_the_whole_cost_and_moves(
        viewer: httpx.Client, long_instance: str) -> None:
    detail = viewer.get(f"/api/instances/{long_instance}").json()
    assert detail["history_total"] == LONG
    assert detail["path_truncated"] is True
    assert len(detail["path"]) == 501  # where the window's first transition left, and the 500 states entered
    assert detail["path"][-2:] == ["here", "there"]  # seq 1,200 (even) went here → there
    assert detail["state"] == "there"
    assert detail["started_by"] == "ada"
    assert detail["cost"] == pytest.approx(0.25 * (LONG - 1))  # every transition but the start cost 0.25
    assert detail["moves"] == [
        {"from_state": None, "to_state": "here", "event": "(start)"},
        {"from_state": "here", "to_state": "there", "event": "flip"},
        {"from_state": "there", "to_state": "here", "event": "flip"},
    ]


def test_a_short_historys_detail_has_its_whole_path(env: Env, viewer: httpx.Client) -> None:
    engine = env.services.engine
    engine.deploy(FLIP)
    instance_id = engine.start("flip_flop", {}, tenant="acme", actor="bo").id
    for event in ("flip", "flip", "leave"):
        engine.send(instance_id, event)
    detail = viewer.get(f"/api/instances/{instance_id}").json()
    assert (detail["path"], detail["path_truncated"], detail["history_total"]) == (
        ["here", "there", "here", "gone"], False, 4)
    assert (detail["started_by"], detail["cost"], len(detail["moves"])) == ("bo", 0.0, 4)


def _seqs(viewer: httpx.Client, instance_id: str, **params: Any) -> tuple[list[int], int]:
    response = viewer.get(f"/api/instances/{instance_id}/history", params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    return [e["seq"] for e in page["items"]], page["total"]


def test_history_pages_newest_first(viewer: httpx.Client, long_instance: str) -> None:
    assert _seqs(viewer, long_instance, order="desc", limit=500) == (list(range(LONG, LONG - 500, -1)), LONG)
    assert _seqs(viewer, long_instance, order="desc", limit=3, offset=2) == ([LONG - 2, LONG - 3, LONG - 4], LONG)
    assert _seqs(viewer, long_instance, order="desc", limit=500, before=701)[0] == list(range(700, 200, -1))
    assert _seqs(viewer, long_instance, order="desc", limit=500, before=201)[0] == list(range(200, 0, -1))
    assert _seqs(viewer, long_instance, order="desc", limit=5, before=1)[0] == []
    assert _seqs(viewer, long_instance, order="desc", limit=5, before=LONG + 99)[0] == list(
        range(LONG, LONG - 5, -1))  # a cursor past the end starts at the latest
    assert _seqs(viewer, long_instance, order="desc", limit=5, offset=LONG)[0] == []
    assert _seqs(viewer, long_instance, order="asc", limit=3, offset=10)[0] == [11, 12, 13]  # as before
    assert _seqs(viewer, long_instance, limit=2)[0] == [1, 2]


def test_history_pages_before_a_seq_oldest_first_too(viewer: httpx.Client, long_instance: str) -> None:
    assert _seqs(viewer, long_instance, before=10, offset=5, limit=50)[0] == [6, 7, 8, 9]
    assert _seqs(viewer, long_instance, order="asc", before=3, limit=50)[0] == [1, 2]
    assert _seqs(viewer, long_instance, before=5, offset=5)[0] == []


def test_history_paging_refuses_what_it_cannot_do(viewer: httpx.Client, long_instance: str) -> None:
    path = f"/api/instances/{long_instance}/history"
    assert_problem(viewer.get(path, params={"order": "newest"}), 400, "bad-request")
    body = assert_problem(viewer.get(path, params={"order": "desc", "before": 0}), 400, "bad-request")
    assert body["errors"][0]["key"] == "before"
