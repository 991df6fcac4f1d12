"""testgen on a flow without examples whose context schema says nothing (an outside QA pass: an order pipeline
imported from Step Functions, context `{"type": "object"}`). The written tests started it with `{}`, so its
first task's input (`order.id`) could not be evaluated, its map had no `order.items`, and 3 of its 13
transitions were covered. Now the start context holds what the flow's inputs and maps read of it — a one-item
list where a map runs, a value where an input reads one — and the main path is covered."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.definition import Workflow
from engine.testgen import choose_plans
from engine.testgen.generation import generate_tests
from engine.testgen.playback import RouteStep, path_script
from engine.validation.loader import load_workflow, require_workflow

PIPELINE = Path(__file__).parent / "documents" / "imported_order_pipeline.json"  # `import asl` of the QA file


def _workflow(document: dict[str, Any]) -> Workflow:
    loaded = load_workflow(document)
    assert loaded.model is not None, loaded.findings
    return loaded.model


def _flow(states: dict[str, Any], transitions: list[dict[str, Any]], **extra: Any) -> Workflow:
    return _workflow({"id": "f", "title": "F", "initial": next(iter(states)), "context": {"type": "object"},
                      "states": {**states, "ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
                      "transitions": transitions, **extra})


def _done(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [t for source, dest in pairs for t in ({"source": source, "trigger": "done", "dest": dest},
                                                 {"source": source, "trigger": "error", "dest": "failed"})]


def _start(workflow: Workflow) -> dict[str, Any]:
    """The context the path through every `done` starts from (no guard in these flows changes it)."""
    plans, _ = choose_plans(workflow)
    (plan,) = [p for p in plans if p.outcome == "success"]
    return plan.context


def test_the_imported_pipeline_is_covered_along_its_main_path(tmp_path: Path) -> None:
    out = tmp_path / "test_pipeline.py"
    plans, coverage = generate_tests(require_workflow(PIPELINE), PIPELINE, out)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{len(plans)} passed" in result.stdout
    assert (coverage.transitions_covered, coverage.transitions_total) == (12, 13)
    # the parallel state's and the map's `error` are driven by a task inside failing; a map fails with kind
    # `map_failed`, which `event.kind != 'timeout'` sends to notify_failure, never to failed_4
    assert [u.goal for u in coverage.uncovered] == ["ship_items --error--> failed_4"]
    assert "'map_failed'" in coverage.uncovered[0].reason
    main = next(p for p in plans if {"fraud_and_stock", "ship_items"} <= set(p.states()))  # past both
    assert main.context["order"]["items"] == [{"sku": "text", "qty": "text"}]  # one item, with what is read
    assert main.context["order"]["id"] == "text"
    assert main.context["order"]["total"] > 1000
    assert "run.start({})" not in out.read_text(encoding="utf-8")


def test_a_value_an_input_reads_is_given_in_the_type_the_schema_declares() -> None:
    workflow = _flow({"charge": {"type": "task", "action": "charge",
                                 "input": {"id": "order.id", "amount": "order.total", "lines": "order.lines[0].sku",
                                           "who": "{'name': customer.name}", "run": "instance.id"}}},
                     _done(("charge", "ok")))
    typed = _workflow({**json.loads(workflow.model_dump_json(by_alias=True)), "context": {
        "type": "object", "properties": {"order": {"type": "object", "properties": {"total": {"type": "number"}}}}}})
    assert _start(workflow) == {"order": {"id": "text", "total": "text", "lines": [{"sku": "text"}]},
                                "customer": {"name": "text"}}
    assert _start(typed)["order"]["total"] == 0


def test_what_the_flow_writes_before_it_reads_is_not_invented() -> None:
    workflow = _flow({"check": {"type": "task", "action": "check", "input": {"id": "order.id"}, "output": "checked"},
                      "mark": {"type": "choice"},
                      "notify": {"type": "task", "action": "notify",
                                 "input": {"ok": "checked.ok", "status": "order.status", "at": "now"}}},
                     [*_done(("check", "mark")), {"source": "mark", "dest": "notify",
                                                  "assign": {"order.status": "'checked'"}},
                      *_done(("notify", "ok"))])
    assert _start(workflow) == {"order": {"id": "text"}}


def test_a_map_over_a_context_list_gets_one_item_and_its_item_names_stay_its_own() -> None:
    iterator = {"initial": "ship", "states": {
        "ship": {"type": "task", "action": "ship", "input": {"sku": "line.sku", "n": "position"}},
        "shipped": {"type": "final"}}, "transitions": [{"source": "ship", "trigger": "done", "dest": "shipped"}]}
    workflow = _flow({"each": {"type": "map", "items": "order.lines", "input": {
        "line": "{'sku': item.sku, 'qty': item.qty, 'order': order.id}", "position": "index"},
        "iterator": iterator}}, _done(("each", "ok")))
    assert _start(workflow) == {"order": {"lines": [{"sku": "text", "qty": "text"}], "id": "text"}}


def test_a_map_inside_a_parallel_branch_runs_over_the_shared_context() -> None:
    iterator = {"initial": "ship", "states": {"ship": {"type": "task", "action": "ship", "input": {"s": "item.sku"}},
                                              "shipped": {"type": "final"}},
                "transitions": [{"source": "ship", "trigger": "done", "dest": "shipped"}]}
    branch = {"name": "b", "initial": "each", "states": {
        "each": {"type": "map", "items": "order.lines", "iterator": iterator}, "end": {"type": "final"}},
        "transitions": [{"source": "each", "trigger": "done", "dest": "end"}]}
    workflow = _flow({"fan": {"type": "parallel", "branches": [branch]}}, _done(("fan", "ok")))
    assert _start(workflow) == {"order": {"lines": [{"sku": "text"}]}}


def test_what_a_guard_decides_by_presence_or_size_is_left_to_the_planner() -> None:
    workflow = _flow({"route": {"type": "choice"},
                      "ship": {"type": "task", "action": "ship",
                               "input": {"coupon": "order.coupon", "first": "order.lines[0]", "id": "order.id"}}},
                     [{"source": "route", "dest": "ship", "guard": "!has(order.coupon) && size(order.lines) > 0"},
                      {"source": "route", "dest": "failed"}, *_done(("ship", "ok"))])
    assert _start(workflow) == {"order": {"id": "text", "lines": [{}]}}  # no coupon, one line: the guard's


def test_an_example_is_still_the_start_context_as_it_is() -> None:
    workflow = _flow({"charge": {"type": "task", "action": "charge", "input": {"id": "order.id"}}},
                     _done(("charge", "ok")),
                     examples=[{"name": "given", "context": {"order": {"id": "O-1"}, "note": "kept"}}])
    assert _start(workflow) == {"order": {"id": "O-1"}, "note": "kept"}


def test_the_simulator_plays_the_main_path_from_the_same_start_context() -> None:
    """The designer's "play this path" starts as the generated tests do: it found no data for the path before."""
    workflow = require_workflow(PIPELINE)
    route = [("validate_order", "is_valid", "done"), ("is_valid", "fraud_and_stock", None),
             ("fraud_and_stock", "ship_items", "done"), ("ship_items", "wait_for_pickup", "done"),
             ("wait_for_pickup", "Done", "done")]
    steps = [RouteStep(state=source, transition=next(i for i, t in enumerate(workflow.transitions)
                                                     if t.source == source and t.dest == dest
                                                     and t.trigger == trigger))
             for source, dest, trigger in route]
    script = path_script(workflow, steps)
    assert script.playable, script.reason
    assert script.context["order"]["items"] == [{"sku": "text", "qty": "text"}]
