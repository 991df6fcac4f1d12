"""Every shipped workflow renders in every format, and each diagram shows every state of the flow."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from render_support import svg_groups, svg_root, svg_title

from definitions import WORKFLOWS_DIR
from engine.definition import ParallelState, Workflow
from engine.render import FORMATS, render
from engine.render.scopes import all_states

SHIPPED = sorted(WORKFLOWS_DIR.glob("*.json"))


def _load(path: Path) -> Workflow:
    return Workflow.model_validate_json(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_shipped_workflow_renders(path: Path, fmt: str) -> None:
    data = render(_load(path), fmt)  # type: ignore[arg-type]
    signature = {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF", "dot": b"digraph", "mermaid": b"stateDiagram-v2"}
    assert signature[fmt] in data[:600]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_svg_has_a_node_for_every_state(path: Path) -> None:
    workflow = _load(path)
    root = svg_root(render(workflow, "svg"))
    titles = {svg_title(group) for group in svg_groups(root, "node").values()}
    states = all_states(workflow)
    assert {qid for qid, state in states.items() if not isinstance(state, ParallelState)} <= titles
    clusters = svg_groups(root, "cluster")
    assert {f"{qid}:cluster" for qid, state in states.items() if isinstance(state, ParallelState)} <= set(clusters)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_dot_source_is_accepted_by_graphviz(path: Path) -> None:
    dot = render(_load(path), "dot")
    done = subprocess.run(["dot", "-Tjson"], input=dot, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["objects"]
