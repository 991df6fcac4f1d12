"""`statewright cancel ID`: the command line's way to end an instance that should not go on — a stuck one the
docs tell an operator to "redrive or cancel", one waiting for an approval nobody will give. Before it existed,
`send ID '(cancel)'` was refused with "use cancel or redrive" and there was no `cancel` to use."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

WAITING: dict[str, Any] = {
    "id": "parcel", "title": "Parcel", "initial": "review",
    "states": {"review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT1H"},
               "shipped": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "shipped"},
                    {"source": "review", "trigger": "reject", "dest": "refused"},
                    {"source": "review", "trigger": "timeout", "dest": "refused"}],
}


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(args[0]), list(args))


def test_cancel_ends_the_instance_and_records_who(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(WAITING)
        waiting = engine.start("parcel", {}).id

    done = _cli("cancel", waiting, "--actor", "ops", "--db", database_url, "--format", "json")

    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["status"] == "cancelled"
    with Engine(database_url) as engine:
        assert engine.get(waiting).status == "cancelled"
        assert engine.pending_approvals() == []
        last = engine.history(waiting)[-1]
        assert (last.event, last.actor) == ("(cancel)", "ops")


def test_cancel_without_actor_records_cli(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(WAITING)
        waiting = engine.start("parcel", {}).id

    assert _cli("cancel", waiting, "--db", database_url).exit_code == 0
    with Engine(database_url) as engine:
        assert engine.history(waiting)[-1].actor == "cli"


def test_cancel_refuses_an_ended_or_unknown_instance_in_one_line(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(WAITING)
        ended = engine.start("parcel", {}).id
        engine.cancel(ended)

    again = _cli("cancel", ended, "--db", database_url)
    unknown = _cli("cancel", "no-such-instance", "--db", database_url)

    assert again.exit_code == 1
    assert "has ended (cancelled)" in again.output
    assert unknown.exit_code == 1
    assert "no instance 'no-such-instance'" in unknown.output
    assert "Traceback" not in again.output + unknown.output

