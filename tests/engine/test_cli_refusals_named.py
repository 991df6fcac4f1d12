"""Refusals that say what is wrong, where — one line, the documented exit code, nothing written:
`instances --limit 0` said "no instance matches" of a database full of them; `eval` with another flow's cases said
"the context does not fit…" without naming the case; `--db sqlite:///nodir/x.db` said "(sqlite3.OperationalError)
unable to open database file"; `publish 'bad event!'` stored an event no definition can ever wait for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from definitions import WORKFLOWS_DIR
from engine.cli.app import build_app
from engine.runtime.engine import Engine

EVALS = WORKFLOWS_DIR.parent / "evals"
NOTE: dict[str, Any] = {
    "id": "note", "title": "Note", "initial": "done", "states": {"done": {"type": "final"}}, "transitions": [],
}


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(args[0]), list(args), env={"COLUMNS": "200"})


def test_instances_refuses_a_limit_of_0_instead_of_saying_none_matches(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    with Engine(db) as engine:
        engine.deploy(NOTE)
        engine.start("note")
    done = _cli("instances", "--limit", "0", "--db", db)
    assert done.exit_code == 2, done.output
    assert done.output.strip() == "error: --limit is how many instances to list, 1 or more; not 0"


def test_eval_names_the_case_and_its_line_whose_context_does_not_fit(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    lead = (EVALS / "lead_qualification.jsonl").read_text(encoding="utf-8").splitlines()
    cases.write_text("\n".join(["", *lead[:2]]) + "\n", encoding="utf-8")  # a blank first line: lines count it
    first = json.loads(lead[0])["name"]
    db = tmp_path / "eval.db"
    done = _cli("eval", str(WORKFLOWS_DIR / "support_ticket_triage.json"), "--cases", str(cases),
                "--db", f"sqlite:///{db}")
    assert done.exit_code == 1, done.output
    said = " ".join(done.output.split())
    assert said.startswith(f"error: {cases}:2: case '{first}': the context does not fit the workflow's schema: ")
    assert not db.exists()  # refused before anything ran or was deployed


@pytest.mark.parametrize("command", [["instances"], ["deploy", str(WORKFLOWS_DIR / "lead_qualification.json")],
                                     ["db", "upgrade"], ["agents"]])
def test_a_database_in_a_folder_that_does_not_exist_is_named_so(command: list[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nodir' / 'x.db'}"
    done = _cli(*command, "--db", url)
    assert done.exit_code == 1, done.output
    folder = tmp_path / "nodir"
    assert done.output.strip() == f"error: cannot open the database {url}: the folder {folder} does not exist"
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize(("event", "said"), [
    ("bad event!", "'bad event!' is not an event type"),
    ("order..paid", "'order..paid' is not an event type"),
    ("x" * 129, "is not an event type"),
    ("statewright.instance.finished", "uses the prefix 'statewright.', reserved for the engine's own lifecycle"),
])
def test_publish_refuses_what_is_not_an_event_type(event: str, said: str, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    done = _cli("publish", event, "--db", f"sqlite:///{db}")
    assert done.exit_code == 2, done.output
    assert said in " ".join(done.output.split())
    assert not db.exists()


def test_publish_takes_a_dotted_event_type(tmp_path: Path) -> None:
    done = _cli("publish", "order.paid-v2", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.exit_code == 0, done.output
