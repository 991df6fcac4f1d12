"""Graphviz is shared fairly (designer/graphviz_slots.py, docs/api.md#errors): a graph with more edges than `dot`
lays out in time is refused before it runs (422 diagram-too-large, saying how many it has and the limit), and one
user holds at most 2 of the server's Graphviz slots, the next request 429 too-many-diagrams with Retry-After — so
a viewer sending a dozen layouts of a flow whose 120 states each lead to every other (each `dot` killed at 30 s)
no longer makes an admin's 5-state diagram wait a minute. Realistic flows still draw: a 5,000-state chain, the
shipped flows."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem, served, username

from definitions import WORKFLOWS_DIR
from designer.errors import DiagramsBusy, DiagramTooLarge, TooManyDiagrams
from designer.graphviz_slots import MAX_DRAWN_EDGES, SLOTS_PER_USER, GraphvizSlots, drawn_edges, refuse_undrawable
from engine.validation.loader import require_workflow


def everyone_linked(n: int) -> dict[str, Any]:
    """`n` states, each with a transition to every one of them (itself too), and each able to finish."""
    states: dict[str, Any] = {f"s{i}": {"type": "wait", "duration": "P1D"} for i in range(n)}
    states["done"] = {"type": "final", "outcome": "success"}
    transitions = [{"source": f"s{i}", "trigger": f"to_{j}", "dest": f"s{j}"} for i in range(n) for j in range(n)]
    transitions += [{"source": f"s{i}", "trigger": "done", "dest": "done"} for i in range(n)]
    return {"id": "everyone_linked", "title": "Every state leads to every other", "initial": "s0",
            "states": states, "transitions": transitions}


def chain(n: int) -> dict[str, Any]:
    """`n` states, one after the other."""
    states: dict[str, Any] = {f"s{i}": {"type": "wait", "duration": "P1D"} for i in range(n - 1)}
    states["done"] = {"type": "final", "outcome": "success"}
    names = list(states)
    return {"id": "long_chain", "title": "A long chain", "initial": "s0", "states": states,
            "transitions": [{"source": a, "trigger": "done", "dest": b} for a, b in itertools.pairwise(names)]}


def _user_id(env: Env, role: str) -> int:
    found = env.services.accounts.get_user(username(role)).id
    assert found is not None
    return found


def test_a_flow_of_more_edges_than_graphviz_draws_in_time_is_refused_saying_so(env: Env) -> None:
    flow = everyone_linked(120)  # 14,400 transitions among the states, 120 to the end
    for path in ("/api/layout", "/api/render?format=svg", "/api/render?format=png"):
        problem = assert_problem(env.call("POST", path, "viewer", json={"definition": flow}), 422,
                                 "diagram-too-large")
        assert problem["edges"] == 14_520
        assert problem["limit"] == MAX_DRAWN_EDGES == 10_000
        assert problem["detail"].startswith("the flow has 14,520 edges to draw, more than the 10,000 Graphviz lays "
                                            "out in time")
    # its DOT and Mermaid text need no Graphviz: any size
    assert env.call("POST", "/api/render?format=mermaid", "viewer", json={"definition": flow}).status_code == 200
    assert env.call("POST", "/api/render?format=dot", "viewer", json={"definition": flow}).status_code == 200


def test_a_deployed_flow_or_a_draft_past_the_limit_is_refused_too(env: Env) -> None:
    flow = everyone_linked(101)  # 10,201 + 101 edges
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow})
    assert draft.status_code == 201, draft.text
    env.services.engine.deploy(flow)
    for path in (f"/api/drafts/{draft.json()['id']}/layout", f"/api/drafts/{draft.json()['id']}/diagram",
                 "/api/definitions/everyone_linked/layout", "/api/definitions/everyone_linked/diagram?format=pdf",
                 "/api/definitions/everyone_linked/versions/1/review?format=html"):
        assert assert_problem(env.call("GET", path, "viewer"), 422, "diagram-too-large")["edges"] == 10_302, path


def test_a_canvas_graph_past_the_limit_is_refused(env: Env) -> None:
    """The canvas's graph counts the edges `dot` gets: 50 nodes (too few for busy targets to be set apart), each
    step drawn 205 times."""
    box = {"width": 120, "height": 40}
    nodes = [{"id": f"n{i}", **box} for i in range(50)]
    edges = [{"id": f"e{i}-{k}", "source": f"n{i}", "target": f"n{i + 1}"} for i in range(49) for k in range(205)]
    problem = assert_problem(env.call("POST", "/api/layout/canvas", "viewer", json={"nodes": nodes, "edges": edges}),
                             422, "diagram-too-large")
    assert (problem["edges"], problem["limit"]) == (10_045, 10_000)
    assert problem["detail"].startswith("the canvas's graph has 10,045 edges to draw")
    fewer = {"nodes": nodes, "edges": edges[:9_000]}
    assert env.call("POST", "/api/layout/canvas", "viewer", json=fewer).status_code == 200


def test_realistic_flows_still_draw(env: Env) -> None:
    flow = chain(5000)
    laid = env.call("POST", "/api/layout", "viewer", json={"definition": flow})
    assert laid.status_code == 200, laid.text
    assert len(laid.json()["states"]) == 5000
    drawn = env.call("POST", "/api/render?format=svg", "viewer", json={"definition": flow})
    assert drawn.status_code == 200, drawn.text
    shipped = sorted(path.stem for path in WORKFLOWS_DIR.glob("*.json"))
    assert "lead_qualification" in shipped
    for workflow_id in shipped:
        assert env.call("GET", f"/api/definitions/{workflow_id}/diagram", "viewer").status_code == 200, workflow_id


def test_edges_are_counted_per_source_and_in_branches() -> None:
    flow = require_workflow({
        "id": "counted", "title": "Counted", "initial": "a",
        "states": {
            "a": {"type": "wait", "duration": "P1D"}, "b": {"type": "wait", "duration": "P1D"},
            "both": {"type": "parallel", "branches": [
                {"name": "left", "initial": "l1", "states": {"l1": {"type": "wait", "duration": "P1D"},
                                                             "l2": {"type": "final"}},
                 "transitions": [{"source": "l1", "trigger": "done", "dest": "l2"}]},
                {"name": "right", "initial": "r1", "states": {"r1": {"type": "final"}}, "transitions": []}]},
            "end": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": "a", "trigger": "done", "dest": "b"},
                        {"source": ["a", "b"], "trigger": "skip", "dest": "end"},  # two edges: one per source
                        {"source": "b", "trigger": "done", "dest": "both"},
                        {"source": "both", "trigger": "done", "dest": "end"}]})
    assert drawn_edges(flow) == 6
    refuse_undrawable(MAX_DRAWN_EDGES)
    with pytest.raises(DiagramTooLarge, match="has 10,001 edges to draw"):
        refuse_undrawable(MAX_DRAWN_EDGES + 1)


def test_one_user_holds_at_most_two_slots_and_the_others_draw_meanwhile(env: Env) -> None:
    small = {"definition": MINIMAL_WORKFLOW}
    viewer = _user_id(env, "viewer")
    with ExitStack() as held:
        for _ in range(SLOTS_PER_USER):
            held.enter_context(env.services.graphviz.drawing(viewer))
        assert env.services.graphviz.held(viewer) == SLOTS_PER_USER == 2
        for method, path, body in (("POST", "/api/layout", small), ("POST", "/api/render?format=svg", small),
                                   ("GET", "/api/definitions/lead_qualification/diagram", None),
                                   ("GET", "/api/definitions/lead_qualification/layout", None)):
            refused = env.call(method, path, "viewer", json=body)
            problem = assert_problem(refused, 429, "too-many-diagrams")
            assert 1 <= int(refused.headers["Retry-After"]) <= 30
            assert problem["detail"].startswith("you have 2 diagrams or layouts being drawn already, as many as one "
                                                "user may at once")
            assert "at most 2 for one user" in problem["detail"]
            # another user is not held up: their diagram is drawn at once
            assert env.call(method, path, "analyst", json=body).status_code == 200
        # text formats run no Graphviz: no slot needed
        assert env.call("POST", "/api/render?format=mermaid", "viewer", json=small).status_code == 200
    assert env.services.graphviz.held(viewer) == 0
    assert env.call("POST", "/api/layout", "viewer", json=small).status_code == 200


@pytest.fixture(scope="module")
def over_http(env: Env) -> Iterator[str]:
    """The module's app served by uvicorn on loopback: requests in flight at once, each in its own thread."""
    for port in served(env.app):
        yield f"http://127.0.0.1:{port}"


def test_a_users_slow_layouts_do_not_hold_up_anothers_diagram(env: Env, over_http: str) -> None:
    """Real `dot` runs: the viewer's two layouts of a dense flow take seconds each; a third is refused at once,
    and the admin's small diagram is drawn while the viewer's two still run."""
    viewer = _user_id(env, "viewer")
    slow = {"definition": everyone_linked(20)}  # 400 transitions among 20 states: seconds of `dot` (24: over 30)
    answers: list[int] = []

    def lay_out() -> None:
        with httpx.Client(base_url=over_http, headers=env.headers("viewer"), timeout=60) as client:
            answers.append(client.post("/api/layout", json=slow).status_code)

    threads = [threading.Thread(target=lay_out) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while env.services.graphviz.held(viewer) < 2:
        assert time.monotonic() < deadline, "the viewer's two layouts never ran"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=over_http, timeout=60) as client:
            third = client.post("/api/layout", json=slow, headers=env.headers("viewer"))
            problem = assert_problem(third, 429, "too-many-diagrams")
            assert int(third.headers["Retry-After"]) >= 1
            assert "you have 2 diagrams or layouts being drawn already" in problem["detail"]
            started = time.monotonic()
            diagram = client.get("/api/definitions/lead_qualification/diagram", headers=env.headers("admin"))
            assert diagram.status_code == 200, diagram.text
            took = time.monotonic() - started
        assert env.services.graphviz.held(viewer) == 2, "the viewer's layouts ended before the admin's diagram"
        assert took < 10
    finally:
        for thread in threads:
            thread.join(60)
    assert len(answers) == 2
    assert set(answers) <= {200, 503}  # drawn, or (on a machine loaded past reason) stopped at the 30 s limit


def test_when_every_slot_stays_taken_a_request_waits_then_is_told_to_come_back() -> None:
    slots = GraphvizSlots(slots=2, per_user=1, longest_s=0.3)
    with slots.drawing("ana"), slots.drawing("sam"):
        started = time.monotonic()
        with pytest.raises(DiagramsBusy) as busy, slots.drawing("vera"):
            pass
        assert time.monotonic() - started >= 0.3
        assert busy.value.retry_after_s >= 1
        assert slots.held("vera") == 0  # the wait left nothing behind
        with pytest.raises(TooManyDiagrams), slots.drawing("ana"):
            pass
    freed: list[str] = []

    def draw_when_free() -> None:
        with slots.drawing("vera"):
            freed.append("vera")

    with slots.drawing("ana"), slots.drawing("sam"):
        waiting = threading.Thread(target=draw_when_free)
        waiting.start()
        time.sleep(0.05)
        assert freed == []
    waiting.join(5)
    assert freed == ["vera"]  # a slot freed before the wait ran out: drawn
