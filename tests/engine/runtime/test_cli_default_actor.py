"""Without `--actor`, a CLI command that writes records `cli` — as `run` starts its instance — so that an
instance's history never shows a change with no one behind it; `--help` says so."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

WAITING: dict[str, Any] = {
    "id": "parcel", "title": "Parcel", "initial": "transit",
    "states": {"transit": {"type": "wait", "event": {"type": "delivered"}},
               "bounced": {"type": "final", "outcome": "failure"}, "done": {"type": "final"}},
    "transitions": [{"source": "transit", "trigger": "done", "dest": "done"},
                    {"source": "transit", "trigger": "bounce", "dest": "bounced"}],
}
FAILING: dict[str, Any] = {
    "id": "tasked", "title": "Tasked", "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work", "output": "out"}, "ok": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}],
}


def _cli(*args: str) -> str:
    result = CliRunner().invoke(build_app(args[0]), list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _last_actor(engine: Engine, instance_id: str) -> str | None:
    return engine.history(instance_id)[-1].actor


def _actors(engine: Engine, instance_id: str, event: str) -> list[str | None]:
    return [h.actor for h in engine.history(instance_id) if h.event == event]


def test_migrate_apply_send_redrive_and_publish_record_cli_without_an_actor(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(WAITING)
        engine.deploy(FAILING)
        sent, published = (engine.start("parcel", {}).id for _ in range(2))
        failed = engine.start("tasked", {}).id
        engine.run_until_idle()  # no handler for do_work: the instance fails
        engine.deploy({**WAITING, "version": 2})

    _cli("migrate", "parcel", "--from", "1", "--to", "2", "--apply", "--db", database_url, "--format", "json")
    _cli("send", sent, "bounce", "--db", database_url)
    _cli("redrive", failed, "--db", database_url)
    assert json.loads(_cli("publish", "delivered", "--db", database_url, "--format", "json"))["delivered"]
    with Engine(database_url) as engine:
        assert engine.get(published).workflow_version == 2
        assert _actors(engine, sent, "(migrate)") == _actors(engine, published, "(migrate)") == ["cli"]
        assert (engine.get(sent).state, _last_actor(engine, sent)) == ("bounced", "cli")
        assert [(h.event, h.actor) for h in engine.history(failed)][-1] == ("(redrive)", "cli")
        assert (engine.get(published).state, _last_actor(engine, published)) == ("done", "cli")


def test_the_help_of_each_writing_command_names_the_default() -> None:
    for command in (["migrate"], ["send"], ["redrive"], ["publish"], ["deploy"], ["prices", "set"]):
        output = _cli(*command, "--help")
        assert "(default: cli)" in " ".join(output.replace("│", " ").split()), command
