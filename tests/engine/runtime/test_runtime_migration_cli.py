"""`statewright migrate WORKFLOW --from N --to M`: the dry run (the default) prints each instance's plan and moves
nothing; `--apply` moves what it showed; refused instances give exit 1, a wrong command line exit 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from engine.cli import output as output_module
from engine.cli.app import build_app
from engine.runtime.engine import Engine


def _flow(version: int, waiting: str) -> dict[str, object]:
    return {
        "id": "parcel", "title": "Parcel", "version": version, "initial": "route",
        "states": {"route": {"type": "choice"},
                   "review": {"type": "approval", "approvers": {"roles": ["ops"]}},
                   waiting: {"type": "wait", "event": {"type": "delivered"}},
                   "done": {"type": "final"}},
        "transitions": [{"source": "route", "dest": "review", "guard": "go == 'review'", "priority": 1},
                        {"source": "route", "dest": waiting},
                        {"source": "review", "trigger": "approve", "dest": "done"},
                        {"source": "review", "trigger": "reject", "dest": "done"},
                        {"source": waiting, "trigger": "done", "dest": "done"}],
    }


def _migrate(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["migrate", "parcel", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_dry_run_then_apply_with_a_mapping(database_url: str, tmp_path: Path) -> None:
    app = build_app("migrate")
    with Engine(database_url) as engine:
        engine.deploy(_flow(1, "in_transit"))
        review = engine.start("parcel", {"go": "review"}).id
        transit = engine.start("parcel", {"go": "wait"}).id
        engine.deploy(_flow(2, "on_the_way"))

    code, output = _migrate(app, "--from", "1", "--to", "2", "--db", database_url)
    assert code == 1, output  # 'in_transit' is not in version 2: refused
    assert "2 running instances of parcel v1: 1 would migrate to v2, 1 refused" in output
    assert "  refused 1 instance: the state 'in_transit' is not in version 2" in output
    assert "'in_transit' is not in version 2" in output

    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"in_transit": "on_the_way"}))
    code, output = _migrate(app, "--from", "1", "--to", "2", "--map", str(mapping), "--db", database_url,
                            "--format", "json")
    assert code == 0, output
    preview = json.loads(output)
    assert (preview["applied"], preview["would_migrate"], preview["refused"]) == (False, 2, 0)

    code, output = _migrate(app, "--from", "1", "--to", "2", "--map", str(mapping), "--apply", "--actor", "ops",
                            "--db", database_url, "--format", "json")
    assert code == 0, output
    applied = json.loads(output)
    assert applied["migrated"] == 2  # a count, as in the API; the plans not refused are the instances moved
    assert sorted(p["instance_id"] for p in applied["plans"] if p["refused"] is None) == sorted([review, transit])
    assert [p["target_state"] for p in applied["plans"]] == [p["target_state"] for p in preview["plans"]]
    with Engine(database_url) as engine:
        assert (engine.get(transit).state, engine.get(transit).workflow_version) == ("on_the_way", 2)
        assert engine.history(review)[-1].actor == "ops"


def test_a_wrong_command_line_exits_2(database_url: str, tmp_path: Path) -> None:
    app = build_app("migrate")
    with Engine(database_url) as engine:
        engine.deploy(_flow(1, "in_transit"))
    code, output = _migrate(app, "--from", "1", "--to", "2", "--db", database_url)
    assert code == 2
    assert "version 2 is not deployed" in output
    broken = tmp_path / "map.json"
    broken.write_text("[1, 2]")
    code, output = _migrate(app, "--from", "1", "--to", "1", "--map", str(broken), "--db", database_url)
    assert code == 2
    assert "give a JSON object of old state to new state" in output
    broken.write_text(json.dumps({"in_transit": "nowhere"}))
    with Engine(database_url) as engine:
        engine.deploy(_flow(2, "on_the_way"))
    code, output = _migrate(app, "--from", "1", "--to", "2", "--map", str(broken), "--db", database_url)
    assert code == 2
    assert "'nowhere' (for 'in_transit') is not a state of version 2" in output


def test_a_map_file_that_cannot_be_read_is_named_with_what_is_wrong(database_url: str, tmp_path: Path) -> None:
    """Said as the other commands say it ('no such file', 'is not valid JSON'), not as Python's errno text."""
    app = build_app("migrate")
    with Engine(database_url) as engine:
        engine.deploy(_flow(1, "in_transit"))
        engine.deploy(_flow(2, "on_the_way"))
    empty, truncated = tmp_path / "empty.json", tmp_path / "truncated.json"
    empty.write_text("")
    truncated.write_text('{"in_transit": ')
    for path, words in ((tmp_path / "absent.json", "absent.json: no such file"),
                        (tmp_path, f"{tmp_path}: is a folder, not a file"),
                        (empty, "empty.json is not valid JSON: "),
                        (truncated, "truncated.json is not valid JSON: ")):
        code, output = _migrate(app, "--from", "1", "--to", "2", "--map", str(path), "--db", database_url)
        assert code == 2
        assert words in " ".join(output.split())
        assert "Errno" not in output


def test_a_map_file_naming_a_state_twice_is_refused_naming_it(database_url: str, tmp_path: Path) -> None:
    """JSON would keep the last entry of a duplicated key; the mapping the author wrote is ambiguous, so refused."""
    app = build_app("migrate")
    with Engine(database_url) as engine:
        engine.deploy(_flow(1, "in_transit"))
        waiting = engine.start("parcel", {"go": "wait"}).id
        engine.deploy(_flow(2, "on_the_way"))
    mapping = tmp_path / "map.json"
    mapping.write_text('{"in_transit": "review", "review": "review", "in_transit": "on_the_way", '
                       '"review": "done"}')
    code, output = _migrate(app, "--from", "1", "--to", "2", "--map", str(mapping), "--apply",
                            "--db", database_url)
    assert code == 2, output
    assert f"--map {mapping} names 'in_transit' and 'review' more than once" in " ".join(output.split())
    with Engine(database_url) as engine:
        assert (engine.get(waiting).state, engine.get(waiting).workflow_version) == ("in_transit", 1)


def test_the_dry_run_gives_due_times_events_and_decisions_so_far_in_text_and_json(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The approval's approvals so far (of its quorum), its timer's due time and event, the event wait's event and
    key: in the table, and as fields of each piece of open work in --format json."""
    def timed(version: int) -> dict[str, Any]:
        flow = _flow(version, "in_transit")
        flow["title"] = f"Parcel, told apart as v{version}"  # only the words change: the open work is carried
        states, transitions = flow["states"], flow["transitions"]
        assert isinstance(states, dict)
        assert isinstance(transitions, list)
        states["review"] = {"type": "approval", "approvers": {"roles": ["ops"]}, "quorum": 2, "timeout": "PT48H"}
        states["in_transit"] = {"type": "wait", "event": {"type": "delivered", "correlation": "context.parcel"}}
        transitions.append({"source": "review", "trigger": "timeout", "dest": "done"})
        return flow

    app = build_app("migrate")
    with Engine(database_url) as engine:
        engine.deploy(timed(1))
        review = engine.start("parcel", {"go": "review"}).id
        engine.approve(review, actor="olga", roles=["ops"])
        transit = engine.start("parcel", {"go": "wait", "parcel": "P7"}).id
        engine.deploy(timed(2))

    code, output = _migrate(app, "--from", "1", "--to", "2", "--db", database_url, "--format", "json")
    assert code == 0, output
    plans = {p["instance_id"]: p["pending"] for p in json.loads(output)["plans"]}
    timer, approval = plans[review]
    assert (timer["kind"], timer["event"], timer["outcome"]) == ("timer", "timeout", "carried")
    assert datetime.fromisoformat(timer["due_at"]) > datetime.now(UTC) + timedelta(hours=47)
    assert {k: approval[k] for k in ("kind", "approvals", "quorum", "outcome")} == {
        "kind": "approval", "approvals": 1, "quorum": 2, "outcome": "carried"}
    assert plans[transit] == [{"kind": "event_wait", "detail": "for 'delivered' with key 'P7'", "event": "delivered",
                               "correlation_key": "P7", "outcome": "carried", "due_at": None, "approval_id": None,
                               "approvals": None, "quorum": None}]  # the API's shape: another kind's fields null

    monkeypatch.setattr(output_module.stdout, "_width", 250)  # a wide terminal's table (it reads COLUMNS once)
    code, output = _migrate(app, "--from", "1", "--to", "2", "--db", database_url)
    assert code == 0, output
    assert f"timer 'timeout' due {timer['due_at']}: carried" in output
    assert f"approval #{approval['approval_id']} in 'review', quorum 2, 1 approval so far: carried" in output
    assert "event_wait for 'delivered' with key 'P7': carried" in output
