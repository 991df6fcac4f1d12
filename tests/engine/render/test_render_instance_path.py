"""`statewright render FILE --instance ID` over an instance that ran parallel branches and map items. The
highlight covered the top-level history only: a branch's states past its first, and every state a map's items
went through, were drawn dimmed, as if the instance had never been there. Each branch and item is a child
instance with a history of its own; the highlight now reads them, and a map's states say how many items
went through them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from render_support import graphviz_json, html_lines, json_edges, json_nodes, parse_mermaid, svg_groups, svg_root
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.definition import Workflow
from engine.render import BranchRun, Highlight
from engine.render.style import DIM_STROKE, HIGHLIGHT
from engine.runtime.engine import Engine


def _sorting(result: bool) -> dict[str, Any]:
    """An iterator that sends each item to 'small' or 'big' (never to 'never')."""
    final = {"type": "final", "result": {"v": "item"}} if result else {"type": "final"}
    return {"initial": "sort",
            "states": {"sort": {"type": "choice"}, "small": final, "big": final, "never": final},
            "transitions": [{"source": "sort", "dest": "never", "guard": "item < 0", "priority": 1},
                            {"source": "sort", "dest": "small", "guard": "item < 10", "priority": 2},
                            {"source": "sort", "dest": "big"}]}


FLOW: dict[str, Any] = {
    "id": "fanning", "title": "Fanning", "initial": "both",
    "context": {"type": "object", "properties": {"items": {"type": "array"}}},
    "states": {
        "both": {"type": "parallel", "branches": [
            {"name": "left", "initial": "pick",
             "states": {"pick": {"type": "choice"}, "yes": {"type": "final"}, "no": {"type": "final"}},
             "transitions": [{"source": "pick", "dest": "yes", "guard": "true", "priority": 1},
                             {"source": "pick", "dest": "no"}]},
            {"name": "right", "initial": "inner",
             "states": {"inner": {"type": "map", "items": "items", "iterator": _sorting(False)},
                        "right_done": {"type": "final"}, "right_failed": {"type": "final", "outcome": "failure"}},
             "transitions": [{"source": "inner", "trigger": "done", "dest": "right_done"},
                             {"source": "inner", "trigger": "error", "dest": "right_failed"}]}]},
        "each": {"type": "map", "items": "items", "iterator": _sorting(True), "output": "out"},
        "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "both", "trigger": "done", "dest": "each"},
                    {"source": "both", "trigger": "error", "dest": "failed"},
                    {"source": "each", "trigger": "done", "dest": "done"},
                    {"source": "each", "trigger": "error", "dest": "failed"}],
}
VISITED = ["both/left/pick", "both/left/yes", "both/right/inner", "both/right/right_done",
           "both/right/inner/iterator/sort", "both/right/inner/iterator/small", "both/right/inner/iterator/big",
           "each/iterator/sort", "each/iterator/small", "each/iterator/big", "each", "done"]
NOT_VISITED = ["both/left/no", "both/right/right_failed", "both/right/inner/iterator/never", "each/iterator/never",
               "failed"]


@pytest.fixture
def ran(tmp_path: Path, database_url: str) -> tuple[Path, str, str]:
    """The flow's file, the database and the id of an instance that ran it to its end over items 1, 2 and 30."""
    path = tmp_path / "fanning.json"
    path.write_text(json.dumps(FLOW), encoding="utf-8")
    with Engine(database_url) as engine:
        engine.deploy(FLOW)
        started = engine.start("fanning", {"items": [1, 2, 30]})
        engine.run_until_idle()
        assert engine.get(started.id).state == "done"
    return path, database_url, started.id


def _render(ran: tuple[Path, str, str], out: Path) -> bytes:
    path, db, instance = ran
    done = CliRunner().invoke(build_app("render"), ["render", str(path), "--instance", instance, "--db", db,
                                                    "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out.read_bytes()


def test_the_dot_highlights_the_states_and_transitions_of_branches_and_map_items(
        ran: tuple[Path, str, str], tmp_path: Path) -> None:
    graph = graphviz_json(_render(ran, tmp_path / "path.dot").decode())
    nodes, edges = json_nodes(graph), json_edges(graph)
    assert {state: nodes[state]["color"] for state in VISITED} == dict.fromkeys(VISITED, HIGHLIGHT)
    assert {state: nodes[state]["color"] for state in NOT_VISITED} == dict.fromkeys(NOT_VISITED, DIM_STROKE)
    taken = ["both/left/t0:pick", "each/iterator/t1:sort", "each/iterator/t2:sort", "both/right/t0:inner",
             "both/right/inner/iterator/t2:sort"]
    assert {edge: edges[edge]["color"] for edge in taken} == dict.fromkeys(taken, HIGHLIGHT)
    untaken = ["both/left/t1:pick", "each/iterator/t0:sort", "both/right/t1:inner"]
    assert {edge: edges[edge]["color"] for edge in untaken} == dict.fromkeys(untaken, DIM_STROKE)
    # the joins the branches and items reached are drawn taken too
    assert edges["both/left/yes>both:join"]["color"] == HIGHLIGHT
    assert edges["each/iterator/big>each:join"]["color"] == HIGHLIGHT


def test_a_map_s_states_say_how_many_items_went_through_them(ran: tuple[Path, str, str], tmp_path: Path) -> None:
    nodes = json_nodes(graphviz_json(_render(ran, tmp_path / "path.dot").decode()))
    assert "✓ 3 of 3 items" in html_lines(nodes["each/iterator/sort"]["label"])
    assert "✓ 2 of 3 items" in html_lines(nodes["each/iterator/small"]["label"])
    assert "✓ 1 of 3 items" in html_lines(nodes["each/iterator/big"]["label"])
    assert not any("items" in line for line in html_lines(nodes["each/iterator/never"]["label"]))
    assert not any("items" in line for line in html_lines(nodes["both/left/yes"]["label"]))  # a branch: no count


def test_the_svg_and_mermaid_highlight_the_same_states(ran: tuple[Path, str, str], tmp_path: Path) -> None:
    groups = svg_groups(svg_root(_render(ran, tmp_path / "path.svg")), "node")
    assert all("highlighted" in (groups[state].get("class") or "").split() for state in VISITED)
    assert all("dimmed" in (groups[state].get("class") or "").split() for state in NOT_VISITED)
    doc = parse_mermaid(_render(ran, tmp_path / "path.mmd").decode())
    highlighted = doc.classes["highlighted"]
    assert {"both_left_yes", "both_right_inner_iterator_big", "each_iterator_small"} <= highlighted
    assert {"both_left_no", "each_iterator_never"} <= doc.classes["dimmed"]
    assert doc.labels["each_iterator_small"].endswith("✓ 2 of 3 items")


def test_branch_names_map_to_the_drawn_machines() -> None:
    from engine.runtime.instance_path import branch_scope  # noqa: PLC0415 - the runtime's naming, read back

    assert branch_scope("enrich.crm") == "enrich/crm"
    assert branch_scope("score.iterator#12") == "score/iterator"
    assert branch_scope("enrich.crm/score.iterator#0") == "enrich/crm/score/iterator"


def test_item_counts_add_up_over_the_items_of_one_map() -> None:
    items = [BranchRun("each/iterator", ("sort", state), (("sort", None, state),), item=True)
             for state in ("small", "small", "big")]
    path = Highlight.of_history(Workflow.model_validate(FLOW), [("both", "done", "each")], items)
    assert path.items_through("each/iterator/small") == "2 of 3 items"
    assert path.items_through("each/iterator/sort") == "3 of 3 items"
    assert path.items_through("each/iterator/never") is None
    assert {("each/iterator", 1), ("each/iterator", 2)} <= path.branch_transitions
