"""`statewright approve` on an approval that needs two approvers. Before, the first approval printed the instance,
unchanged, in the same state — nothing said it had counted or how many more were needed — and the same person
approving again printed the same, though the engine counts each approver once."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

TWO_APPROVERS: dict[str, Any] = {
    "id": "credit", "title": "Credit", "initial": "review",
    "states": {"review": {"type": "approval", "approvers": {"roles": ["vp", "finance"]}, "quorum": 2,
                          "timeout": "PT48H"},
               "granted": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "granted"},
                    {"source": "review", "trigger": "reject", "dest": "refused"},
                    {"source": "review", "trigger": "timeout", "dest": "refused"}],
}


def _approve(instance_id: str, actor: str, role: str, db: str) -> str:
    done = CliRunner().invoke(build_app("approve"), ["approve", instance_id, "--actor", actor, "--role", role,
                                                    "--db", db], env={"COLUMNS": "300"})
    assert done.exit_code == 0, done.output
    return str(done.output)


def test_each_approval_says_how_many_are_in_until_the_quorum(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(TWO_APPROVERS)
        instance = engine.start("credit", {}).id
        (approval,) = engine.approvals(instance)

    first = _approve(instance, "victor", "vp", database_url)
    again = _approve(instance, "victor", "vp", database_url)
    last = _approve(instance, "fiona", "finance", database_url)

    waiting = f"approval #{approval.id} in 'review': 1 of 2 approvals (victor); it waits for 1 more"
    assert waiting in first
    assert "already approved" not in first
    assert f"victor had already approved approval #{approval.id}: each approver counts once" in again
    assert waiting in again
    assert "approvals (" not in last  # the quorum is met: the instance moved on
    with Engine(database_url) as engine:
        assert engine.get(instance).state == "granted"


def test_a_repeat_after_the_decision_says_it_changed_nothing(database_url: str) -> None:
    """The engine answers an approver's repeat with the instance as it is; the command printed it, exit 0, as
    if the approval had just been given."""
    with Engine(database_url) as engine:
        engine.deploy({**TWO_APPROVERS, "states": {**TWO_APPROVERS["states"], "review": {
            **TWO_APPROVERS["states"]["review"], "quorum": 1}}})
        instance = engine.start("credit", {}).id
        engine.approve(instance, actor="victor", roles=["vp"])
        assert engine.get(instance).state == "granted"

    repeat = _approve(instance, "victor", "vp", database_url)

    assert "no approval was pending: victor decided it before, and this repeat changed nothing" in repeat
