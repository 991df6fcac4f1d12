"""`statewright budgets list|set|remove`: a budget set from the command line is the one the engine enforces — a task
under an agent whose budget limit the tenant's remaining budget cannot cover fails with `budget_exceeded`, its
handler not called — and `list` shows each tenant's limit beside this month's spend, the share used and whether
90% was passed. Bad input is one line and exit 2 (a wrong command line) or 1 (refused), never a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from designer.cli import main
from engine.definition import Agent
from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.budget_view import month_of
from engine.runtime.engine import Engine

CLOSER = Agent.model_validate({"id": "closer", "type": "bdr", "version": "1.0.0", "name": "Closer",
                               "policies": {"budget_limit": 0.3}})
FLOW = workflow({"call": task("call_lead", agent="closer", output="call"), "won": final(), "lost": final("failure")},
                [edge("call", "won", "done"), edge("call", "lost", "error")], id="calls")


class Paid:
    """A handler whose every call costs 0.30 USD."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: ActionRequest) -> ActionResult:
        self.calls += 1
        return ActionResult({"booked": True}, cost=Cost(0.30, tokens=1000, model="gpt-4o-mini"))


def _cli(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capfd.readouterr()
    code = main(list(args))
    out, err = capfd.readouterr()
    return code, out, err


def _run(engine: Engine, tenant: str = "default") -> dict[str, Any]:
    """One instance of the flow run to its end: its final state and, when it failed, the error it failed with."""
    run = engine.start("calls", {}, tenant=tenant)
    engine.run_until_idle()
    state = engine.get(run.id).state
    return {"state": state, "error": engine.history(run.id)[-1].payload if state == "lost" else None}


def _listed(capfd: pytest.CaptureFixture[str], db: str) -> dict[str, dict[str, Any]]:
    code, out, err = _cli(capfd, "budgets", "list", "--db", db, "--format", "json")
    assert (code, err) == (0, "")
    return {b["tenant"]: b for b in json.loads(out)}


def test_a_budget_set_from_the_command_line_is_enforced_and_listed_with_its_spend(
        database_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    handler = Paid()
    with Engine(database_url) as engine:  # the real clock: the command's month is this month
        engine.deploy_agent(CLOSER)
        engine.deploy(FLOW)
        engine.register("call_lead", handler)
        code, out, _ = _cli(capfd, "budgets", "set", "default", "0.65", "--db", database_url)
        assert code == 0
        assert out.splitlines()[0] == "set the monthly budget of default to 0.65 USD"

        assert [_run(engine)["state"] for _ in range(2)] == ["won", "won"]  # 0.65, then 0.35 left: each covers 0.3
        refused = _run(engine)  # 0.05 left
        assert refused["state"] == "lost"
        assert (refused["error"]["kind"], refused["error"]["agent"]) == ("budget_exceeded", "closer")
        assert handler.calls == 2  # the refused task's action was not run
        assert _run(engine, tenant="other")["state"] == "won"  # another tenant's spend is its own

        listed = _listed(capfd, database_url)
        month = month_of(time.time())
        mine = listed["default"]
        assert (mine["month"], mine["monthly_limit"], mine["spent"]) == (month, 0.65, pytest.approx(0.6))
        assert mine["ratio"] == pytest.approx(0.6 / 0.65)
        assert mine["remaining"] == pytest.approx(0.05)
        assert (mine["threshold_passed"], mine["threshold_event_published"]) == (True, True)
        other = listed["other"]  # spend without a budget is listed too: nothing limits it
        assert (other["monthly_limit"], other["spent"], other["ratio"], other["threshold_passed"]) == (
            None, pytest.approx(0.3), None, False)

        code, out, _ = _cli(capfd, "budgets", "list", "--db", database_url)
        assert code == 0
        row = next(line for line in out.splitlines() if "default" in line)
        cells = [cell.strip() for cell in row.split("│")[2:-1]]
        assert cells == ["0.65", "0.6", "92.3%", "passed, event published"]

        code, out, _ = _cli(capfd, "budgets", "set", "default", "10", "--db", database_url)
        assert (code, out.splitlines()[0]) == (0, "changed the monthly budget of default from 0.65 to 10 USD")
        assert _run(engine)["state"] == "won"
        assert _listed(capfd, database_url)["default"]["threshold_passed"] is False  # 0.9 of 10

        code, out, _ = _cli(capfd, "budgets", "set", "default", "0.5", "--db", database_url)
        assert _run(engine)["state"] == "lost"  # 0.9 spent of 0.5
        code, out, _ = _cli(capfd, "budgets", "remove", "default", "--db", database_url)
        assert (code, out.strip()) == (
            0, "removed the monthly budget of default: its agents' spending is no longer limited")
        assert _run(engine)["state"] == "won"  # no budget: nothing limits the agent but its own limit
        assert _listed(capfd, database_url)["default"]["monthly_limit"] is None
        assert engine.budget("default")["set"] is False  # what guards and policies read as `budget`


def test_removing_a_budget_that_is_not_set_is_refused(database_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    with Engine(database_url):
        pass
    code, out, err = _cli(capfd, "budgets", "remove", "acme", "--db", database_url)
    assert (code, out, err.strip()) == (1, "", "error: no monthly budget is set for the tenant acme")
    code, out, _ = _cli(capfd, "budgets", "list", "--db", database_url)
    assert (code, out.strip()) == (
        0, "no tenant has a budget or spent anything this month: agents' spending is not limited")


def test_setting_a_tenant_no_instance_names_says_to_check_the_name(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'b.db'}"
    code, _, err = _cli(capfd, "budgets", "set", "acmee", "100", "--db", db)
    assert code == 0
    assert err.strip() == "note: no instance of the tenant acmee is recorded in this database: check its name"


@pytest.mark.parametrize(("arguments", "said"), [
    (["set", "acme", "0"], "Invalid value for 'AMOUNT': a monthly budget is more than 0 USD"),
    (["set", "acme", "nan"], "Invalid value for 'AMOUNT': a monthly budget is a number of USD"),
    (["set", "acme", "inf"], "Invalid value for 'AMOUNT': a monthly budget is a number of USD"),
    (["set", "acme", "1e12"], "Invalid value for 'AMOUNT': a monthly budget is at most 1,000,000,000 USD"),
    (["set", "acme", "ten"], "Invalid value for 'AMOUNT'"),
    (["set", "acme", "-5"], "Invalid value for 'AMOUNT': a monthly budget is more than 0 USD"),  # not an option
    (["set", "acme", "5", "--dbx", "x"], "Got unexpected extra argument(s) (--dbx x)"),
    (["set", "acme"], "Missing argument 'AMOUNT'"),
    (["set", "two words", "5"], "Invalid value for 'TENANT': 'two words' is not a tenant's name"),
    (["set", "x" * 65, "5"], "Invalid value for 'TENANT'"),
    (["remove", "a/b"], "Invalid value for 'TENANT'"),
    (["list", "--format", "yaml"], "Invalid value for '--format'"),
])
def test_a_wrong_command_line_is_exit_2_before_a_database_is_made(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], arguments: list[str], said: str) -> None:
    db = tmp_path / "b.db"
    code, out, err = _cli(capfd, "budgets", *arguments, "--db", f"sqlite:///{db}")
    assert code == 2, out + err
    assert said in err
    assert "Traceback" not in err
    assert not db.exists()
