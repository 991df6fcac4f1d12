"""`statewright migrate` and failed instances, on SQLite and PostgreSQL: the preview shows the failed instance of
version N as its own group with what would happen (moved as it is, for `redrive` to resume under version M) and
the apply moves it; `--format json` says `migrated` as the API does (a count); mapping a waiting instance into a
final state is refused unless `--allow-final` says it is meant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine


def _refund(version: int, reads: str) -> dict[str, Any]:
    return {"id": "refund", "title": "Refund", "version": version, "initial": "issue",
            "states": {"issue": {"type": "task", "action": "issue_refund", "output": "refund"},
                       "refunded": {"type": "final", "result": {"refund_id": reads}},
                       "review": {"type": "approval", "approvers": {"roles": ["ops"]}},
                       "rejected": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "issue", "trigger": "done", "dest": "refunded"},
                            {"source": "issue", "trigger": "error", "dest": "review"},
                            {"source": "review", "trigger": "approve", "dest": "issue"},
                            {"source": "review", "trigger": "reject", "dest": "rejected"}]}


def _issue(request: ActionRequest) -> dict[str, Any]:
    if request.context.get("declined"):
        raise RuntimeError("declined")
    return {"refund_id": "R-1"}


def _migrate(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["migrate", "refund", "--from", "1", "--to", "2", *args],
                                env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _setup(database_url: str) -> tuple[str, str]:
    """A version-1 instance failed in 'refunded' (its result reads refund.id), one waiting in 'review'."""
    with Engine(database_url) as engine:
        engine.register("issue_refund", _issue)
        engine.deploy(_refund(1, "refund.id"))
        failed = engine.start("refund", {}).id
        waiting = engine.start("refund", {"declined": True}).id
        engine.run_until_idle()
        assert (engine.get(failed).status, engine.get(waiting).state) == ("failed", "review")
        engine.deploy(_refund(2, "refund.refund_id"))
    return failed, waiting


def test_the_failed_instance_is_shown_moved_and_then_redriven_under_the_new_version(database_url: str) -> None:
    failed, waiting = _setup(database_url)
    app = build_app("migrate")
    code, output = _migrate(app, "--db", database_url)
    assert code == 0, output
    assert "1 running instance and 1 failed or stuck instance of refund v1: 2 would migrate to v2, 0 refused" in output
    assert "awaits redrive" in output  # its plan's row: kept in 'refunded', for a redrive
    assert (f"1 failed or stuck instance would move as it is, still failed: after --apply, `statewright redrive ID` "
            f"resumes it under v2 (e.g. {failed})") in output
    code, output = _migrate(app, "--db", database_url, "--format", "json")
    groups = [(g["state"], g["entry"], g["instances"]) for g in json.loads(output)["groups"]]
    assert sorted(groups) == [("refunded", "awaits_redrive", 1), ("review", "carried", 1)]  # a group of its own

    code, output = _migrate(app, "--apply", "--actor", "ops", "--db", database_url, "--format", "json")
    assert code == 0, output
    applied = json.loads(output)
    assert (applied["migrated"], applied["failed_or_stuck"], applied["next"]) == (2, 1, None)  # the API's fields
    entries = {p["instance_id"]: p["entry"] for p in applied["plans"]}
    assert entries == {failed: "awaits_redrive", waiting: "carried"}
    with Engine(database_url) as engine:
        engine.register("issue_refund", _issue)
        moved = engine.get(failed)
        assert (moved.workflow_version, moved.status) == (2, "failed")
        assert engine.redrive(failed, actor="ops").result == {"refund_id": "R-1"}


def test_json_says_migrated_as_the_api_does(database_url: str) -> None:
    _setup(database_url)
    code, output = _migrate(build_app("migrate"), "--db", database_url, "--format", "json")
    assert code == 0, output
    preview = json.loads(output)
    assert preview["migrated"] == 0  # a count (it was a list of ids), 0 for a preview
    assert {"renames", "allow_final", "failed_or_stuck", "next"} <= preview.keys()


def test_mapping_into_a_final_state_takes_allow_final(database_url: str, tmp_path: Path) -> None:
    _, waiting = _setup(database_url)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"review": "rejected"}))
    app = build_app("migrate")
    code, output = _migrate(app, "--map", str(mapping), "--apply", "--db", database_url)
    assert code == 1, output
    assert "'rejected' is a final state of version 2: the migration would end the instance there at once" in output
    assert "--allow-final" in output
    with Engine(database_url) as engine:
        assert (engine.get(waiting).status, engine.get(waiting).workflow_version) == ("running", 1)

    code, output = _migrate(app, "--map", str(mapping), "--apply", "--allow-final", "--db", database_url)
    assert code == 0, output
    with Engine(database_url) as engine:
        assert (engine.get(waiting).state, engine.get(waiting).status) == ("rejected", "failed")
