"""testgen on a map whose list no example gives: the list a task's output holds (the usual shape: fetch, then
map over what was fetched) or a context key. The stubs and the start context used to leave it out, so the map
was never driven ("no such key 'leads'") and nothing after it was covered; now each such list gets one item
with what the iterator reads of it, and the generated tests pass on the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.testgen.generation import generate_tests
from engine.validation.loader import require_workflow

LEAD = {"type": "object", "properties": {"email": {"type": "string"}, "region": {"type": "string"}},
        "required": ["email"]}
ITERATOR = {
    "initial": "score",
    "states": {"score": {"type": "task", "action": "score_lead",
                         "input": {"email": "item.email", "region": "item.region"}, "output": "s"},
               "scored": {"type": "final", "result": {"email": "item.email"}},
               "unscored": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "score", "trigger": "done", "dest": "scored"},
                    {"source": "score", "trigger": "error", "dest": "unscored"}],
}
FETCH_THEN_MAP: dict[str, Any] = {
    "id": "score_fetched_leads", "title": "Score fetched leads", "initial": "fetch",
    "context": {"type": "object", "required": ["batch"], "properties": {
        "batch": {"type": "string"},
        "found": {"type": "object", "properties": {"leads": {"type": "array", "items": LEAD}}}}},
    "states": {
        "fetch": {"type": "task", "action": "fetch_leads", "input": {"batch": "batch"}, "output": "found"},
        "each": {"type": "map", "items": "found.leads", "output": "scores", "iterator": ITERATOR},
        "notify": {"type": "task", "action": "notify", "input": {"scores": "scores"}},
        "ok": {"type": "final"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "fetch", "trigger": "done", "dest": "each"},
                    {"source": "fetch", "trigger": "error", "dest": "failed"},
                    {"source": "each", "trigger": "done", "dest": "notify"},
                    {"source": "each", "trigger": "error", "dest": "failed"},
                    {"source": "notify", "trigger": "done", "dest": "ok"},
                    {"source": "notify", "trigger": "error", "dest": "failed"}],
}
MAP_OVER_CONTEXT: dict[str, Any] = {
    "id": "score_given_leads", "title": "Score given leads", "initial": "each",
    "context": {"type": "object", "properties": {"leads": {"type": "array", "items": LEAD}}},
    "states": {
        "each": {"type": "map", "items": "leads", "iterator": ITERATOR},
        "ok": {"type": "final"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "ok"},
                    {"source": "each", "trigger": "error", "dest": "failed"}],
}


def _generate_and_run(tmp_path: Path, flow: dict[str, Any]) -> tuple[Any, str]:
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    _, coverage = generate_tests(require_workflow(path), path, out)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    return coverage, out.read_text(encoding="utf-8")


def test_a_map_over_a_list_a_task_fetched_is_driven(tmp_path: Path) -> None:
    coverage, module = _generate_and_run(tmp_path, FETCH_THEN_MAP)
    assert coverage.uncovered == []
    assert coverage.transitions_covered == 6  # `each --error-->`: the one item's `score` fails
    assert "'each.iterator:score': [Failure('error')]" in module
    assert "{'fetch': [{'leads': [{'email': 'text', 'region': 'text'}]}]" in module  # one item, with what is read
    assert "['fetch', 'each', 'notify', 'ok']" in module


def test_a_map_over_a_context_list_no_example_gives_is_driven(tmp_path: Path) -> None:
    coverage, module = _generate_and_run(tmp_path, MAP_OVER_CONTEXT)
    assert coverage.uncovered == []
    assert coverage.transitions_covered == 2
    assert "run.start({'leads': [{'email': 'text', 'region': 'text'}]})" in module
