"""testgen on flows whose parallel branches or map iterators wait for an event or a deadline. Before, a generated
test only moved the clock past the durations inside: a child waiting for an event never got it and one waiting
for a deadline never saw it pass, so the parallel or map state never ended, every path through it failed on the
engine and `statewright testgen --check` reported 0 of 2 transitions covered for each flow below. Now the test
publishes each event with the correlation key the child computes (one per map item), moves the clock past the
deadline, or lets the events' timeouts fire, and checks the moves the children made."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.testgen.coverage import Coverage
from engine.testgen.generation import generate_tests
from engine.validation.loader import require_workflow

DOCS = (Path(__file__).parents[3] / "docs" / "testing-flows.md").read_text(encoding="utf-8")


def _machine(states: dict[str, Any], *moves: tuple[str, str, str]) -> dict[str, Any]:
    """A branch's or an iterator's machine: `states`, its first one initial, and `moves` (source, trigger, dest)."""
    return {"initial": next(iter(states)), "states": states,
            "transitions": [{"source": s, "trigger": t, "dest": d} for s, t, d in moves]}


def _flow(flow_id: str, context: dict[str, Any], schema: dict[str, Any], outer: dict[str, Any]) -> dict[str, Any]:
    """A flow whose one working state `outer` (a parallel or map state) ends in `ok`, or in `failed` on error."""
    return {"id": flow_id, "title": flow_id, "initial": "outer", "context": {"type": "object", "properties": schema},
            "states": {"outer": outer, "ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "outer", "trigger": "done", "dest": "ok"},
                            {"source": "outer", "trigger": "error", "dest": "failed"}],
            "examples": [{"name": "sample", "context": context}]}


PAYMENT = {"type": "object", "properties": {"amount": {"type": "number", "minimum": 5}}, "required": ["amount"]}
PACK = {"name": "pack", **_machine({"pack_box": {"type": "task", "action": "pack"}, "packed": {"type": "final"}},
                                   ("pack_box", "done", "packed"))}


def _awaiting_payment(late: str) -> dict[str, Any]:
    """A parallel state: one branch waits an hour for the order's payment (timing out to a final of outcome
    `late`), the other packs."""
    pay = _machine({"await_payment": {"type": "wait", "event": {"type": "payment_received", "correlation": "order.id"},
                                      "timeout": "PT1H", "output": "payment"},
                    "paid": {"type": "final"}, "chased": {"type": "final", "outcome": late}},
                   ("await_payment", "done", "paid"), ("await_payment", "timeout", "chased"))
    return _flow(f"payment_{late}", {"order": {"id": "O-1"}}, {"order": {"type": "object"}, "payment": PAYMENT},
                 {"type": "parallel", "branches": [{"name": "pay", **pay}, PACK]})


DEADLINE = _flow("deadline_branch", {"order": {"id": "O-1", "due": "2030-03-01T09:00:00Z"}}, {}, {
    "type": "parallel", "branches": [PACK, {"name": "hold", **_machine(
        {"until_due": {"type": "wait", "deadline": "order.due"}, "remind": {"type": "task", "action": "remind"},
         "reminded": {"type": "final"}}, ("until_due", "done", "remind"), ("remind", "done", "reminded"))}]})


def _confirming(expired: str) -> dict[str, Any]:
    """A map over three orders, two at a time: each waits a day for its own confirmation."""
    item = _machine({"await_confirm": {"type": "wait", "event": {"type": "order_confirmed", "correlation": "item.id"},
                                       "timeout": "P1D"},
                     "confirmed": {"type": "final"}, "expired": {"type": "final", "outcome": expired}},
                    ("await_confirm", "done", "confirmed"), ("await_confirm", "timeout", "expired"))
    return _flow(f"confirm_{expired}", {"orders": [{"id": "A"}, {"id": "B"}, {"id": "C"}]}, {},
                 {"type": "map", "items": "orders", "max_concurrency": 2, "iterator": item})


# a parallel state in a branch (one child waits for an uncorrelated event, one for a deadline) beside a map whose
# items, one at a time, wait five minutes and then for their parcel's scan
NESTED = _flow("nested_waits", {"cutoff": "2030-01-02T00:00:00Z", "parcels": ["P1", "P2"]}, {}, {
    "type": "parallel", "branches": [
        {"name": "gates", **_machine({"both": {"type": "parallel", "branches": [
            {"name": "signal", **_machine({"await_go": {"type": "wait", "event": {"type": "go"}, "timeout": "PT10M"},
                                           "went": {"type": "final"}, "idle": {"type": "final"}},
                                          ("await_go", "done", "went"), ("await_go", "timeout", "idle"))},
            {"name": "cutoff", **_machine({"until_cutoff": {"type": "wait", "deadline": "cutoff"},
                                           "cut": {"type": "final"}}, ("until_cutoff", "done", "cut"))}]},
            "gated": {"type": "final"}}, ("both", "done", "gated"))},
        {"name": "parcels", **_machine({"each": {"type": "map", "items": "parcels", "max_concurrency": 1,
                                                 "iterator": _machine(
            {"settle": {"type": "wait", "duration": "PT5M"},
             "await_scan": {"type": "wait", "event": {"type": "scanned", "correlation": "item"}, "timeout": "PT2H"},
             "scanned_ok": {"type": "final"}, "lost": {"type": "final"}},
            ("settle", "done", "await_scan"), ("await_scan", "done", "scanned_ok"),
            ("await_scan", "timeout", "lost"))},
            "all_scanned": {"type": "final"}}, ("each", "done", "all_scanned"))}]})


def _run(tmp_path: Path, flow: dict[str, Any], tests: int) -> tuple[Coverage, str]:
    """Generate the flow's tests (each is kept only if it passes on the engine), check that pytest runs all
    `tests` of them green, and give the coverage and the module."""
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    _, coverage = generate_tests(require_workflow(path), path, out)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{tests} passed" in result.stdout
    return coverage, out.read_text(encoding="utf-8")


def test_an_event_wait_in_a_branch_gets_its_event_and_its_timeout_fires(tmp_path: Path) -> None:
    coverage, written = _run(tmp_path, _awaiting_payment("success"), tests=3)
    assert coverage.transitions_covered == 2  # `error`: a timed-out payment succeeds, the packing task fails
    assert "{'outer.pack:pack_box': [Failure('error')]}" in written
    assert coverage.inside_covered == ["outer.pay: await_payment → paid", "outer.pay: await_payment → chased"]
    # published to the order's wait, with a payment its `output` path's schema accepts (an amount of at least 5)
    assert "events=[('payment_received', 'O-1', {'amount': 5}, 1)]" in written
    assert "assert run.moves_inside() >= {('outer.pay', 'await_payment', 'paid')}" in written
    assert "assert run.moves_inside() >= {('outer.pay', 'await_payment', 'chased')}" in written
    shown = DOCS.split("### Waits inside parallel branches and map iterators")[1].split("```python\n")[1]
    for line in shown.split("```")[0].splitlines():  # the docs show what testgen writes for this flow
        assert line in written


def test_a_timeout_that_fails_a_branch_drives_the_parallel_states_error(tmp_path: Path) -> None:
    coverage, written = _run(tmp_path, _awaiting_payment("failure"), tests=2)
    assert (coverage.transitions_covered, coverage.transitions_total, coverage.uncovered) == (2, 2, [])
    assert coverage.inside_uncovered == []
    assert "assert run.states() == ['outer', 'failed']" in written


def test_a_deadline_in_a_branch_is_passed(tmp_path: Path) -> None:
    coverage, written = _run(tmp_path, DEADLINE, tests=2)
    assert coverage.transitions_covered == 2  # `error`: the packing task fails
    assert coverage.inside_covered == ["outer.hold: until_due → remind"]
    assert "until='2030-03-01T09:00:00Z'" in written


def test_each_map_item_gets_the_event_correlated_by_its_item(tmp_path: Path) -> None:
    coverage, written = _run(tmp_path, _confirming("success"), tests=2)
    assert coverage.transitions_covered == 1
    assert coverage.inside_uncovered == []
    for key in "ABC":
        assert f"('order_confirmed', '{key}', {{}}, 1)" in written
    failing_coverage, _ = _run(tmp_path, _confirming("failure"), tests=2)  # expired items fail the map
    assert (failing_coverage.transitions_covered, failing_coverage.uncovered) == (2, [])


def test_waits_nested_in_a_parallel_and_a_map_inside_a_branch_are_driven(tmp_path: Path) -> None:
    coverage, written = _run(tmp_path, NESTED, tests=2)
    assert coverage.transitions_covered == 1
    assert len(coverage.inside_covered) == 6
    assert coverage.inside_uncovered == []
    assert "('go', None, {}, 1)" in written
    assert "('scanned', 'P1', {}, 1)" in written
    assert "('outer.parcels/each.iterator', 'await_scan', 'lost')" in written


def test_a_deadline_wait_outside_any_branch_is_passed(tmp_path: Path) -> None:
    flow = {"id": "until_due", "title": "Until due", "initial": "hold",
            "states": {"hold": {"type": "wait", "deadline": "due"}, "ok": {"type": "final"}},
            "transitions": [{"source": "hold", "trigger": "done", "dest": "ok"}],
            "examples": [{"name": "june", "context": {"due": "2030-06-01T00:00:00Z"}}]}
    coverage, written = _run(tmp_path, flow, tests=1)
    assert (coverage.transitions_covered, coverage.uncovered) == (1, [])
    assert "run.wait_until('2030-06-01T00:00:00Z')" in written



def test_a_wait_a_guard_inside_decides_on_is_driven_but_not_claimed(tmp_path: Path) -> None:
    """The branch reaches its event wait only when `rush` is false: the test sends the event all the same, so the
    parallel state ends, but neither checks nor counts the wait's move, and no path claims its timeout fired."""
    maybe = _machine({"check": {"type": "choice"}, "hold": {"type": "wait", "event": {"type": "release"},
                                                             "timeout": "PT1H"}, "done_ok": {"type": "final"}},
                     ("hold", "done", "done_ok"), ("hold", "timeout", "done_ok"))
    maybe["transitions"] = [{"source": "check", "dest": "done_ok", "guard": "rush == true", "priority": 1},
                            {"source": "check", "dest": "hold"}, *maybe["transitions"]]
    flow = _flow("guarded_wait", {"rush": False}, {"rush": {"type": "boolean"}},
                 {"type": "parallel", "branches": [{"name": "maybe", **maybe}]})
    coverage, written = _run(tmp_path, flow, tests=1)
    assert coverage.transitions_covered == 1  # outer --done--> ok
    assert (coverage.inside_covered, coverage.inside_uncovered) == ([], ["outer.maybe: hold → done_ok"])
    assert [u.goal for u in coverage.uncovered] == [
        "outer --error--> failed", "outer --done--> ok with the timeouts of the event waits inside outer firing"]
    assert "events=[('release', None, {}, 1)]" in written
    assert "moves_inside" not in written.split("def test_path_01")[1]


def test_the_check_table_counts_the_waits_inside(tmp_path: Path) -> None:
    """`statewright testgen --check` ends with a table a reviewer reads: it has a row for the moves out of the
    waits inside parallel and map states, beside the flow's own transitions."""
    flow = tmp_path / "payment.json"
    flow.write_text(json.dumps(_awaiting_payment("failure")), encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "statewright"), "testgen", str(flow), "--check",
                           "-o", str(tmp_path / "test_payment.py")],
                          capture_output=True, text=True, check=False, cwd=tmp_path, env={"COLUMNS": "120", "PATH": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:4]]
            for line in done.stdout.splitlines() if line.count("│") == 4}
    assert rows["transitions"] == ["2", "2"]
    assert rows["waits inside"] == ["2", "2"]
