"""Cases that expect side effects: the rows a case's run wrote to the sandbox (a comment posted, a meeting
booked, an email sent) are counted after the run, a duplicate or a missing one is a mismatch the report names,
and rows written before the case started never count for it; on each database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.handlers import register
from engine import Engine
from engine.errors import InvalidInput
from engine.evaluation import EvalReport, evaluate, load_cases
from engine.runtime.actions import ActionRequest
from engine.runtime.definition_files import agents_named
from engine.runtime.deployments import parse_definition

ROOT = Path(__file__).resolve().parents[3] / "definitions"
TRIAGE = ROOT / "workflows" / "support_ticket_triage.json"
SHIPPED = [json.loads(line) for line in (ROOT / "evals" / "support_ticket_triage.jsonl").read_text().splitlines()]
DEFLECTED = SHIPPED[0]  # password_reset_deflected, T-3001


def _cases(tmp_path: Path, *cases: dict[str, Any]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return path


def _evaluate(engine: Engine, cases: Path) -> EvalReport:
    flow = parse_definition(TRIAGE)
    for agent in agents_named([flow], [ROOT / "agents"]):  # as `statewright eval` does: deploy requires them
        engine.deploy_agent(agent)
    return evaluate(engine, flow, load_cases(cases))


def test_a_side_effect_written_twice_is_a_mismatch_the_report_names(tmp_path: Path, database_url: str) -> None:
    with Engine(database_url) as engine:
        offline = register(engine)

        def respond_twice(request: ActionRequest) -> dict[str, Any]:
            """A responder without idempotency keys whose post was repeated (as a naive retry would)."""
            ticket = request.input["ticket_id"]
            for _ in range(2):
                offline.tools.call("helpdesk.comments.add", {"ticket_id": ticket, "body": request.input["solution"]})
            offline.tools.call("helpdesk.tickets.update", {"ticket_id": ticket, "status": "solved"})
            return {"status": "solved"}

        engine.register("respond_with_solution", respond_twice, replace=True)
        report = _evaluate(engine, _cases(tmp_path, DEFLECTED))
    (run,) = report.runs
    assert run.view.state == "resolved"  # the flow looks fine: only the side effects tell
    assert run.mismatches == ["side effect solution posted to the requester (ticket_comments where "
                              "ticket_id='T-3001', public=True): expected 1 row(s) written, found 2"]
    assert [(c.expected.name, c.found, c.passed) for c in run.side_effects] == [
        ("ticket solved", 1, True), ("solution posted to the requester", 2, False), ("no hand-over note", 0, True)]
    assert report.as_dict()["side_effects_failed"] == ["password_reset_deflected"]
    assert report.metrics.accuracy == 0.0
    assert report.metrics.side_effect_checks == 3
    assert report.metrics.side_effects_met == round(2 / 3, 4)


def test_rows_written_before_a_case_started_do_not_count_for_it(tmp_path: Path, database_url: str) -> None:
    later = {"name": "another_ticket", "context": {**DEFLECTED["context"], "ticket_id": "T-3099"},
             "expect_state": "resolved",
             "expect_side_effects": [
                 {"table": "ticket_comments", "where": {"ticket_id": "T-3099", "public": True}},
                 {"table": "ticket_comments", "where": {"ticket_id": "T-3001"}, "count": 0,
                  "name": "nothing on the first case's ticket"}]}
    cases = _cases(tmp_path, DEFLECTED, later)
    with Engine(database_url) as engine:
        register(engine)
        first = _evaluate(engine, cases)
        again = _evaluate(engine, cases)  # the same database: the first evaluation's rows are there
    for report in (first, again):
        assert [r.mismatches for r in report.runs] == [[], []]
        assert report.metrics.side_effects_met == 1.0


@pytest.mark.parametrize(("effect", "reason"), [
    ({"table": "meetings", "where": {}}, "no table 'sandbox_meetings'"),
    ({"table": "web_pages", "where": {}}, "records no write time"),
])
def test_a_table_that_cannot_be_checked_is_refused_before_any_case_runs(tmp_path: Path, effect: dict[str, Any],
                                                                       reason: str) -> None:
    case = {**DEFLECTED, "expect_side_effects": [effect]}
    with Engine(f"sqlite:///{tmp_path / 'eval.db'}") as engine:
        register(engine)
        with pytest.raises(InvalidInput, match=reason):
            _evaluate(engine, _cases(tmp_path, case))
        assert engine.list_instances() == []


def test_a_column_the_table_lacks_is_named(tmp_path: Path) -> None:
    case = {**DEFLECTED, "expect_side_effects": [{"table": "emails", "where": {"to": "a@b.c", "tag": "x"}}]}
    with Engine(f"sqlite:///{tmp_path / 'eval.db'}") as engine:
        register(engine)
        with pytest.raises(InvalidInput, match=r"'emails' names columns it does not have: \['to'\]"):
            _evaluate(engine, _cases(tmp_path, case))


@pytest.mark.parametrize(("effects", "named"), [
    ({"table": "emails"}, "not a list"),
    ([{"table": "emails", "count": -1}], r"expect_side_effects\[0\]\.count"),
    ([{"table": "emails", "where": {}, "rows": 2}], r"expect_side_effects\[0\]\.rows"),
    ([{"where": {}}], r"expect_side_effects\[0\]\.table"),
])
def test_a_malformed_side_effect_names_its_line_and_field(tmp_path: Path, effects: Any, named: str) -> None:
    path = _cases(tmp_path, {"name": "ok", "context": {}}, {"name": "x", "context": {}, "expect_side_effects": effects})
    with pytest.raises(InvalidInput, match=rf"cases\.jsonl:2: not a case: .*{named}"):
        load_cases(path)
