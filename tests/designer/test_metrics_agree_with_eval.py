"""One truth for the KPIs: `statewright eval` of both shipped case files, then the designer's `/api/metrics` and
`/metrics` on the same database report the same figures for the same instances (both read
engine.read_models.kpis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from designer_support import PASSWORD, make_settings
from litestar.testing import TestClient
from typer.testing import CliRunner

from designer.app import build_services, create_app
from designer.cli import build_cli
from engine.read_models.kpis import Kpis

ROOT = Path(__file__).resolve().parents[2] / "definitions"
FLOWS = ("lead_qualification", "support_ticket_triage")


def _eval(flow: str, db: str) -> dict[str, Any]:
    result = CliRunner().invoke(build_cli(), [
        "eval", str(ROOT / "workflows" / f"{flow}.json"), "--cases", str(ROOT / "evals" / f"{flow}.jsonl"),
        "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_eval_and_the_designer_report_the_same_kpis(tmp_path: Path) -> None:
    since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    reports = {flow: _eval(flow, db) for flow in FLOWS}
    settings = make_settings(tmp_path, workers=0, database_url=db)
    services = build_services(settings)
    services.accounts.add_user("kpi-viewer", PASSWORD, roles=["viewer"], tenant="default")
    token = services.accounts.create_token(services.accounts.login("kpi-viewer", PASSWORD).principal, "kpi").token
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, services=services)) as client:
        served = client.get("/api/metrics", params={"since": since}, headers=headers)
        assert served.status_code == 200, served.text
        by_workflow = {w["workflow_id"]: w for w in served.json()["workflows"]}
        prometheus = client.get("/metrics", headers=headers).text
    services.close()

    assert set(by_workflow) == set(FLOWS)
    for flow, report in reports.items():
        evaluated = report["metrics"]
        for kpi in Kpis.model_fields:
            assert by_workflow[flow][kpi] == pytest.approx(evaluated[kpi]), (flow, kpi)
        assert evaluated["instances_started"] == len(report["cases"])
    triage = reports["support_ticket_triage"]["metrics"]
    assert triage["escalation_rate"] == pytest.approx(10 / 15)  # the hand-over state is marked `escalates`
    series = 'statewright_escalation_ratio{tenant="default",workflow="support_ticket_triage"}'
    assert f"{series} {10 / 15:.6g}" in prometheus
    lead = reports["lead_qualification"]["metrics"]
    assert lead["tool_calls"] > 0
    assert lead["tool_success_rate"] == pytest.approx(1.0)  # every CRM, calendar and mail call succeeds offline
