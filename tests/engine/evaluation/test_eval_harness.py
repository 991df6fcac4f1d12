"""The evaluation harness on the shipped cases with the offline handlers: the metric values are recomputed here
from the instances' histories (not read from the harness) and the CLI prints and compares them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from statistics import fmean
from typing import Any

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli as build_app
from engine import Engine
from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.evaluation import EvalReport, evaluate, load_cases
from engine.runtime.actions import ActionError, ActionRequest, ActionResult
from engine.runtime.definition_files import agents_named
from engine.runtime.deployments import parse_definition
from engine.runtime.handler_loading import load_handlers

ROOT = Path(__file__).resolve().parents[3] / "definitions"


def shipped_flow(engine: Engine, name: str) -> Workflow:
    """The shipped workflow, with the agents its tasks name deployed (as `statewright eval` does; deploy requires
    them)."""
    flow = parse_definition(ROOT / "workflows" / f"{name}.json")
    for agent in agents_named([flow], [ROOT / "agents"]):
        engine.deploy_agent(agent)
    return flow


def run(name: str, tmp_path: Path) -> EvalReport:
    with Engine(f"sqlite:///{tmp_path / 'eval.db'}") as engine:
        load_handlers("agents.handlers:register", engine)
        return evaluate(engine, shipped_flow(engine, name), load_cases(ROOT / "evals" / f"{name}.jsonl"))


def independent(report: EvalReport, tasks: set[str], escalations: set[str]) -> dict[str, Any]:
    """The KPIs as the design document defines them (engine.read_models.kpis), recomputed from the histories."""
    done = error = calls = failed_calls = 0
    durations: list[float] = []
    for r in report.runs:
        for entry in r.history:
            if entry.from_state in tasks and entry.event in ("done", "error"):
                done += entry.event == "done"
                error += entry.event == "error"
                durations.append(entry.duration_s)
                for attempt in entry.attempts:
                    calls += len(attempt["steps"])
                    failed_calls += sum("error" in step and step["error"]["kind"] != "not_found"
                                        for step in attempt["steps"])
    cost = sum(e.cost or 0.0 for r in report.runs for e in r.history)
    n = len(report.runs)
    ended = [r for r in report.runs if r.view.status in ("succeeded", "failed", "cancelled")]
    return {"task_runs": done + error, "success_rate": pytest.approx(done / (done + error), abs=1e-6),
            "average_latency_s": pytest.approx(fmean(durations), abs=1e-6),
            "cost_per_task": pytest.approx(cost / (done + error), abs=1e-6),
            "tool_success_rate": pytest.approx((calls - failed_calls) / calls, abs=1e-6),
            "completion_rate": pytest.approx(sum(r.view.status == "succeeded" for r in ended) / len(ended), abs=1e-6),
            "escalation_rate": pytest.approx(sum(any(e.to_state in escalations for e in r.history)
                                                 for r in report.runs) / n, abs=1e-6)}


def test_lead_qualification_cases(tmp_path: Path) -> None:
    report = run("lead_qualification", tmp_path)
    states = [r.view.state for r in report.runs]
    assert states.count("qualified") == 4
    assert states.count("nurtured") == 3
    assert states.count("unqualified") == 3
    assert states.count("duplicate") == 2
    assert states.count("invalid") == 1
    metrics = report.metrics
    assert metrics.cases == 13
    assert metrics.accuracy == 1.0
    assert metrics.completion_rate == pytest.approx(12 / 13, abs=1e-6)  # the invalid email ends in a failure
    assert metrics.success_rate == pytest.approx((metrics.task_runs - 1) / metrics.task_runs, abs=1e-6)
    assert metrics.retry_rate == 0.0
    assert metrics.escalation_rate == 0.0
    assert metrics.quality_score is None
    tasks = {"extract", "check_duplicate", "log_duplicate", "score", "book_meeting", "request_manual_booking",
             "add_to_nurture", "record_in_crm", "publish_qualified"}
    again = independent(report, tasks, set())
    assert {k: getattr(metrics, k) for k in again} == again
    assert metrics.cost_per_task is not None
    assert metrics.cost_per_task > 0
    assert metrics.tool_success_rate == 1.0  # every CRM, calendar and mail call of the offline BDR succeeds


def test_support_ticket_triage_cases(tmp_path: Path) -> None:
    report = run("support_ticket_triage", tmp_path)
    metrics = report.metrics
    assert metrics.cases == 15
    assert metrics.accuracy == 1.0
    assert metrics.completion_rate == 1.0
    assert metrics.success_rate == 1.0
    resolved = [r.case.name for r in report.runs if r.view.state == "resolved"]
    assert resolved == ["password_reset_deflected", "payment_method_deflected", "csv_export_deflected",
                        "salesforce_connect_deflected", "webhook_401_deflected"]
    assert {r.view.result["article_id"] for r in report.runs if r.view.state == "resolved"} == {
        "KB-101", "KB-201", "KB-401", "KB-301", "KB-302"}
    assert metrics.escalation_rate == pytest.approx(10 / 15, abs=1e-6)  # every ticket but the deflected ones
    assert metrics.side_effect_checks == 55
    assert metrics.side_effects_met == 1.0
    p1 = [r for r in report.runs if r.view.context["classification"]["priority"] == "P1"]
    assert len(p1) == 3
    assert all("search_knowledge" not in {e.to_state for e in r.history} for r in p1)
    again = independent(report, {"classify", "search_knowledge", "respond", "escalate"}, {"escalate"})
    assert {k: getattr(metrics, k) for k in again} == again


def test_a_wrong_label_lowers_accuracy_and_names_the_mismatch(tmp_path: Path) -> None:
    lines = (ROOT / "evals" / "support_ticket_triage.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first["expect"]["classification.priority"] = "P1"
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join([json.dumps(first), *lines[1:4]]) + "\n")
    with Engine(f"sqlite:///{tmp_path / 'eval.db'}") as engine:
        load_handlers("agents.handlers:register", engine)
        report = evaluate(engine, shipped_flow(engine, "support_ticket_triage"), load_cases(cases))
    assert report.metrics.accuracy == 0.75
    assert report.runs[0].mismatches == ["classification.priority: expected 'P1', got 'P3'"]


def test_cli_eval_json_and_compare(tmp_path: Path) -> None:
    runner = CliRunner()
    app = build_app()
    flow = ROOT / "workflows" / "support_ticket_triage.json"
    cases = ROOT / "evals" / "support_ticket_triage.jsonl"
    first = runner.invoke(app, ["eval", str(flow), "--cases", str(cases), "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["metrics"]["escalation_rate"] == pytest.approx(10 / 15, abs=1e-6)
    assert len(report["cases"]) == 15
    assert report["side_effects_failed"] == []
    # a second version that never deflects: every ticket is escalated
    document = json.loads(flow.read_text())
    document["version"] = 2
    for transition in document["transitions"]:
        if transition["source"] == "answer_gate" and transition.get("guard"):
            transition["guard"] = "false"
    (tmp_path / "workflows").mkdir()
    shutil.copytree(ROOT / "agents", tmp_path / "agents")  # beside it, as in definitions/: eval deploys them
    changed = tmp_path / "workflows" / "triage_v2.json"
    changed.write_text(json.dumps(document))
    both = runner.invoke(app, ["eval", str(flow), "--cases", str(cases), "--compare", str(changed),
                               "--format", "json"])
    assert both.exit_code == 1, both.output  # v2 fails a third of the cases, and --compare judges both
    compared = json.loads(both.stdout)["compare"]
    assert compared[0]["metrics"]["accuracy"] == 1.0
    assert compared[1]["metrics"]["escalation_rate"] == 1.0
    assert compared[1]["metrics"]["accuracy"] == round(10 / 15, 4)
    never_deflected = [c["name"] for c in compared[0]["cases"] if c["state"] == "resolved"]
    assert compared[1]["side_effects_failed"] == never_deflected  # no solution posted, a hand-over note instead
    saved_a, saved_b = tmp_path / "a.json", tmp_path / "b.json"
    saved_a.write_text(json.dumps(compared[0]))
    saved_b.write_text(json.dumps(compared[1]))
    text = runner.invoke(app, ["eval-compare", str(saved_a), str(saved_b)])
    assert text.exit_code == 0, text.output
    assert "escalation_rate" in text.output
    assert "mismatch" in text.output
    assert "side effects failed in support_ticket_triage v2: password_reset_deflected, " in text.output


@pytest.mark.parametrize("line", ['{"name": "x", "context": 3}', "[1]", '{"name": "x", "expect": []}', "not json"])
def test_bad_case_lines_name_the_line(tmp_path: Path, line: str) -> None:
    cases = tmp_path / "bad.jsonl"
    cases.write_text('{"name": "ok", "context": {}}\n' + line + "\n")
    with pytest.raises(InvalidInput, match=r"bad\.jsonl:2"):
        load_cases(cases)


def test_retries_and_failed_tool_calls_count_in_the_metrics(tmp_path: Path) -> None:
    flow = parse_definition({
        "id": "lookup", "title": "lookup", "initial": "look",
        "states": {"look": {"type": "task", "action": "look_up", "input": {"who": "who"},
                            "retry": {"max_attempts": 2, "backoff": "fixed", "initial_interval_s": 0.01,
                                      "jitter": False}},
                   "found": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": "look", "dest": "found", "trigger": "done"}],
    })

    def look_up(request: ActionRequest) -> ActionResult:
        failing = {"action": "crm.contacts.search", "parameters": {}, "error": {"kind": "unavailable"}}
        if request.input["who"] == "flaky" and request.attempt == 1:
            raise ActionError("unavailable", "the CRM is down", steps=[failing])
        if request.input["who"] == "calm":  # a lookup that finds nobody answered: not a failed call
            return ActionResult({"ok": False}, steps=[{"action": "crm.contacts.search", "parameters": {},
                                                       "error": {"kind": "not_found", "message": "no contact"}}])
        return ActionResult({"ok": True}, steps=[{"action": "crm.contacts.search", "parameters": {}, "result": {}}])

    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps({"name": who, "context": {"who": who}, "expect_state": "found"}) + "\n"
                             for who in ("steady", "flaky", "steady_too", "calm")))
    with Engine(f"sqlite:///{tmp_path / 'eval.db'}") as engine:
        engine.register("look_up", look_up)
        metrics = evaluate(engine, flow, load_cases(cases)).metrics
    assert metrics.retry_rate == 0.25  # one instance of four needed a second attempt
    assert metrics.tool_success_rate == 0.8  # five calls, the flaky first attempt's failed; not_found is no failure
    assert metrics.accuracy == 1.0


def test_cli_eval_names_a_missing_flow_or_case_file_with_exit_two(tmp_path: Path) -> None:
    """A missing flow read as '… has 1 error(s); first: /: The file cannot be read', exit 1 (as a failed run)."""
    flow = ROOT / "workflows" / "support_ticket_triage.json"
    cases = ROOT / "evals" / "support_ticket_triage.jsonl"
    no_flow = CliRunner().invoke(build_app(), ["eval", str(tmp_path / "nope.json"), "--cases", str(cases)])
    no_cases = CliRunner().invoke(build_app(), ["eval", str(flow), "--cases", str(tmp_path / "nope.jsonl")])
    assert (no_flow.exit_code, no_cases.exit_code) == (2, 2)
    assert f"{tmp_path / 'nope.json'}: no such file" in no_flow.output
    assert f"{tmp_path / 'nope.jsonl'}: no such file" in no_cases.output
