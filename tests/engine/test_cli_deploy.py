"""`statewright deploy` (workflows and agents, agents first) and `statewright agents`; `run` deploys the agents
its flow names, so their policies apply to the tasks it runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from engine.cli.app import build_app

ROOT = Path(__file__).resolve().parents[2] / "definitions"


def test_deploy_a_folder_then_list_the_agents(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    runner, app = CliRunner(), build_app()
    first = runner.invoke(app, ["deploy", str(ROOT), "--db", db, "--actor", "ops", "--format", "json"])
    assert first.exit_code == 0, first.output
    deployed = json.loads(first.output)
    kinds = [d["kind"] for d in deployed]
    assert kinds.index("workflow") == kinds.count("agent") == 12  # agents first
    assert {d["id"] for d in deployed if d["kind"] == "workflow"} >= {"lead_qualification", "sales_squad"}
    assert all(d["created"] for d in deployed)
    again = json.loads(runner.invoke(app, ["deploy", str(ROOT), "--db", db, "--format", "json"]).output)
    assert not any(d["created"] for d in again)
    listed = runner.invoke(app, ["agents", "--db", db, "--format", "json"])
    agents = {a["id"]: a for a in json.loads(listed.output)}
    assert agents["bdr_concierge"]["policies"] == {"approval_required": False, "budget_limit": 0.25,
                                                   "timeout_seconds": 60}
    text = runner.invoke(app, ["agents", "--db", db])
    assert "bdr_concierge" in text.output


def test_redeploying_a_changed_agent_under_its_version_is_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    runner, app = CliRunner(), build_app()
    agent = json.loads((ROOT / "agents" / "qa_auditor.json").read_text())
    path = tmp_path / "qa_auditor.json"
    path.write_text(json.dumps(agent))
    assert runner.invoke(app, ["deploy", str(path), "--db", db]).exit_code == 0
    agent["temperature"] = 0.9
    path.write_text(json.dumps(agent))
    refused = runner.invoke(app, ["deploy", str(path), "--db", db])
    assert refused.exit_code == 1
    assert "immutable" in refused.output
    missing = runner.invoke(app, ["deploy", str(tmp_path / "nope.json"), "--db", db])
    assert missing.exit_code == 2
    assert "no such file" in missing.output


def test_run_applies_the_policies_of_the_agents_its_flow_names(tmp_path: Path) -> None:
    """A copy of the shipped definitions whose BDR agent requires approval: `run` holds the first BDR task."""
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "agents", tmp_path / "agents")
    bdr = json.loads((tmp_path / "agents" / "bdr_concierge.json").read_text())
    bdr["policies"]["approval_required"] = True
    (tmp_path / "agents" / "bdr_concierge.json").write_text(json.dumps(bdr))
    flow = tmp_path / "workflows" / "lead_qualification.json"
    example = json.loads(flow.read_text())["examples"][0]["name"]
    db = f"sqlite:///{tmp_path / 'r.db'}"
    runner, app = CliRunner(), build_app()
    ran = runner.invoke(app, ["run", str(flow), "--example", example, "--db", db, "--format", "json"])
    assert ran.exit_code == 1  # the example expects 'qualified': the run stops at the gate instead
    report = json.loads(ran.stdout)
    assert report["instance"]["status"] == "held"
    assert report["instance"]["state"] == "extract"
    approvals = json.loads(runner.invoke(app, ["approvals", "--db", db, "--format", "json"]).stdout)
    assert [(a["kind"], a["request"]["agent"]) for a in approvals] == [("agent", "bdr_concierge")]


def test_deploy_refuses_a_flow_naming_an_agent_not_deployed_and_deploys_a_folder_in_any_order(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    runner, app = CliRunner(), build_app()
    lone = tmp_path / "lead.json"
    shutil.copy(ROOT / "workflows" / "lead_qualification.json", lone)
    refused = runner.invoke(app, ["deploy", str(lone), "--db", db])
    assert refused.exit_code == 1
    named = "/states/add_to_nurture/agent: Task 'add_to_nurture' is assigned to agent 'bdr_concierge', which is not"
    assert named in refused.output
    # every error, not only the first, and what to do about it
    assert "/states/score/agent: Task 'score' is assigned to agent 'bdr_concierge'" in refused.output
    assert "deploy the agents it names first, or together with it" in refused.output
    # a folder's flows are deployed together: one may start a flow whose file sorts after it
    (tmp_path / "flows").mkdir()
    child = {"id": "zz_child", "title": "Child", "initial": "end", "states": {"end": {"type": "final"}},
             "transitions": []}
    parent = {"id": "aa_parent", "title": "Parent", "initial": "run",
              "states": {"run": {"type": "subflow", "workflow": "zz_child"}, "end": {"type": "final"},
                         "failed": {"type": "final", "outcome": "failure"}},
              "transitions": [{"source": "run", "trigger": "done", "dest": "end"},
                              {"source": "run", "trigger": "error", "dest": "failed"}]}
    (tmp_path / "flows" / "aa_parent.json").write_text(json.dumps(parent))
    (tmp_path / "flows" / "zz_child.json").write_text(json.dumps(child))
    done = runner.invoke(app, ["deploy", str(tmp_path / "flows"), "--db", db, "--format", "json"])
    assert done.exit_code == 0, done.output
    assert [d["id"] for d in json.loads(done.output)] == ["aa_parent", "zz_child"]
