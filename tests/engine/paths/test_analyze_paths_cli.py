"""`statewright analyze FILE --paths` through the real console script, and `sla-at-risk` from `validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "statewright"

ASK: dict[str, Any] = {
    "id": "greeting", "title": "Greeting", "sla": "PT30M",
    "initial": "ask",
    "states": {
        "ask": {"type": "approval", "approvers": {"roles": ["analyst"]}, "timeout": "PT1H"},
        "hello": {"type": "final", "outcome": "success"},
        "bye": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "ask", "trigger": "approve", "dest": "hello"},
        {"source": "ask", "trigger": "reject", "dest": "bye"},
        {"source": "ask", "trigger": "timeout", "dest": "bye"},
    ],
}


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(SCRIPT), *map(str, args)], check=False, capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={"COLUMNS": "200", "PATH": str(SCRIPT.parent)})
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _file(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / f"{document['id']}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_paths_as_json_with_times_the_critical_path_and_the_sla(tmp_path: Path) -> None:
    done = run("analyze", _file(tmp_path, ASK), "--paths", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    paths = {(tuple(p["states"]), p["steps"][-1]["trigger"]): p for p in report["paths"]}
    assert set(paths) == {(("ask", "hello"), "approve"), (("ask", "bye"), "reject"), (("ask", "bye"), "timeout")}
    assert [(p["best_s"], p["worst_s"]) for p in paths.values()] == [(0, 3600), (0, 3600), (3600, 3600)]
    assert report["critical"] == paths[("ask", "bye"), "timeout"]["number"]  # ties go to the longer best
    assert report["sla_s"] == 1800
    assert all(p["sla_at_risk"] for p in report["paths"])


def test_paths_as_text_name_the_critical_path_and_the_sla(tmp_path: Path) -> None:
    done = run("analyze", _file(tmp_path, ASK), "--paths")
    assert done.returncode == 0, done.stderr
    assert "ask -timeout→ bye" in done.stdout
    assert "critical path: #3, at worst 1 h" in done.stdout
    assert "sla 30 min: at risk on #1, #2, #3" in done.stdout
    assert "note: 3 simple paths from 'ask' to a final state" in done.stdout


def test_an_sla_met_by_the_listed_paths_does_not_speak_for_the_paths_not_listed(tmp_path: Path) -> None:
    """With --limit cutting the list, 'every path's worst case is within it' spoke for paths never measured."""
    relaxed = {**ASK, "sla": "PT2H"}
    cut = run("analyze", _file(tmp_path, relaxed), "--paths", "--limit", "2")
    whole = run("analyze", _file(tmp_path, relaxed), "--paths")
    assert "sla 2 h: the worst case of each of the 2 listed is within it (there are more paths)" in cut.stdout
    assert "sla 2 h: every path's worst case is within it" in whole.stdout


def test_with_db_the_runs_give_expected_times_and_how_many(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    clock = ManualClock(1_900_000_000)
    with Engine(url, clock=clock) as engine:
        engine.deploy(_file(tmp_path, ASK))
        for _ in range(2):
            started = engine.start("greeting")
            clock.advance(120)
            engine.approve(started.id, actor="ada", roles=["analyst"])
    done = run("analyze", _file(tmp_path, ASK), "--paths", "--db", url, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    approved = next(p for p in report["paths"] if p["final"] == "hello")
    assert (report["basis"], report["runs"], approved["expected_s"], approved["runs_taken"]) == ("history", 2, 120, 2)
    assert approved["probability"] is None  # 2 runs are too few
    text = run("analyze", _file(tmp_path, ASK), "--paths", "--db", url)
    assert "expected time and cost from 2 finished runs" in text.stdout
    assert "2 runs is fewer than the 10 needed" in text.stdout


def test_bad_options_exit_with_one_clear_line(tmp_path: Path) -> None:
    flow = _file(tmp_path, ASK)
    without_paths = run("analyze", flow, "--db", "sqlite:///x.db")
    assert (without_paths.returncode, "--db and --prices go with --paths" in without_paths.stderr) == (2, True)
    (tmp_path / "prices.json").write_text('{"m": 3}', encoding="utf-8")
    bad_prices = run("analyze", flow, "--paths", "--prices", tmp_path / "prices.json")
    assert bad_prices.returncode == 2
    assert "is not a JSON object of model" in bad_prices.stderr
    (tmp_path / "other.db").write_bytes(b"")
    not_ours = run("analyze", flow, "--paths", "--db", f"sqlite:///{tmp_path / 'other.db'}")
    assert not_ours.returncode == 1
    assert "is not a Statewright database: it has no run history" in not_ours.stderr


def test_a_database_that_does_not_exist_is_named_and_not_created(tmp_path: Path) -> None:
    """A mistyped --db path used to leave an empty file behind and answer "no such table: history"."""
    missing = tmp_path / "typo.db"
    done = run("analyze", _file(tmp_path, ASK), "--paths", "--db", f"sqlite:///{missing}")
    assert done.returncode == 1
    assert f"no database at {missing}: no run is recorded there" in done.stderr
    assert not missing.exists()


def test_a_server_that_does_not_answer_is_named_with_its_password_hidden(tmp_path: Path) -> None:
    done = run("analyze", _file(tmp_path, ASK), "--paths", "--db",
               "postgresql+psycopg://ann:s3cret@127.0.0.1:1/runs")
    assert done.returncode == 1
    assert "cannot read runs from postgresql+psycopg://ann:***@127.0.0.1:1/runs" in done.stderr
    assert "s3cret" not in done.stderr


def test_validate_reports_sla_at_risk(tmp_path: Path) -> None:
    done = run("validate", _file(tmp_path, ASK))
    assert done.returncode == 0, done.stderr  # a warning: the file is valid
    assert "warning sla-at-risk at /sla: 3 of 3 paths can take longer than the workflow's sla of PT30M" \
        in done.stdout
    relaxed = run("validate", _file(tmp_path, {**ASK, "sla": "PT1H"}), "--format", "json")
    assert json.loads(relaxed.stdout)["files"][0]["findings"] == []


def _cheapest(*args: str | Path) -> float:
    done = run("analyze", ROOT / "definitions/workflows/support_ticket_triage.json", "--paths", "--format", "json",
               *args)
    assert done.returncode == 0, done.stderr
    return min(p["cost_best"] for p in json.loads(done.stdout)["paths"])


def test_costs_take_the_prices_the_executors_take(tmp_path: Path) -> None:
    """The built-in prices, under a price file, under the prices set in the database given with --db — as the
    executors charge and the designer's Paths panel shows (the command used to know only a --prices file's)."""
    built_in = _cheapest()
    assert built_in > 0  # the agents' gpt-4o-mini has a built-in price
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-4o-mini": {"prompt_per_million": 0.15, "completion_per_million": 1.2}}),
                      encoding="utf-8")
    assert _cheapest("--prices", prices) == pytest.approx(2 * built_in)
    url = f"sqlite:///{tmp_path / 'prices.db'}"
    with Engine(url) as engine:
        engine.set_model_price("gpt-4o-mini", prompt_per_million=0.15, completion_per_million=2.4)
    assert _cheapest("--prices", prices, "--db", url) == pytest.approx(4 * built_in)
