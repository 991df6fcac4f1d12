"""`statewright redrive ID --set PATH=VALUE`: a PATH that is no context path (`'enrich ment=1'`, `'a..b=1'`) is a
wrong command line — exit 2, saying what a path looks like — as a missing '=' is; it was exit 1, as if the instance
refused it. A value that breaks the workflow's context schema is a refusal: exit 1, naming the JSON pointer. And a
redrive that leaves the instance for a worker (its task to run again) says so and which command carries it on, as
`statewright run` does; it printed the instance alone, `running`, and the user did not know a worker was needed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

SIZED: dict[str, Any] = {
    "id": "sized", "title": "Sized", "initial": "work",
    "context": {"type": "object", "properties": {"tier": {"enum": ["small", "large"]}}},
    "states": {"work": {"type": "task", "action": "do_work", "output": "company.size"}, "ok": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}],
}


def _failed(database_url: str) -> str:
    """An instance failed in 'work': 'company' is text, so the size cannot be written into it."""
    with Engine(database_url) as engine:
        engine.deploy(SIZED)
        failed = engine.start("sized", {"company": "unknown"})
        engine.register("do_work", lambda request: 500)
        engine.run_until_idle()
        assert engine.get(failed.id).status == "failed"
    return failed.id


def _redrive(*args: str) -> Any:
    done = CliRunner().invoke(build_app("redrive"), ["redrive", *args], env={"COLUMNS": "400"})
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done


@pytest.mark.parametrize("assignment", ["enrich ment=1", "a..b=1", ".company={}", "company.=1"])
def test_a_set_path_that_is_no_context_path_is_a_wrong_command_line(database_url: str, assignment: str) -> None:
    failed = _failed(database_url)

    done = _redrive(failed, "--set", assignment, "--db", database_url)

    assert done.exit_code == 2, done.output
    path = assignment.partition("=")[0]
    assert f"--set '{assignment}': '{path}' is not a context path" in done.output
    assert "a PATH is a key, or a dotted path of keys" in done.output
    assert "e.g. --set enrichment.company.size=500" in done.output
    with Engine(database_url) as engine:
        assert engine.get(failed).status == "failed"
        assert "(redrive)" not in [entry.event for entry in engine.history(failed)]


def test_a_set_value_that_breaks_the_schema_is_refused_naming_the_pointer(database_url: str) -> None:
    failed = _failed(database_url)

    done = _redrive(failed, "--set", "company={}", "--set", "tier=huge", "--db", database_url)

    assert done.exit_code == 1, done.output
    said = " ".join(done.output.split())
    assert "the context does not fit the workflow's schema: /tier:" in said
    with Engine(database_url) as engine:
        assert engine.get(failed).status == "failed"


def test_a_redrive_left_for_a_worker_says_which_command_carries_it_on(database_url: str) -> None:
    failed = _failed(database_url)

    done = _redrive(failed, "--set", "company={}", "--db", database_url)

    assert done.exit_code == 0, done.output
    # `do_work` is the user's own action: a plain worker would fail it, so the worker named has their handlers
    assert (f"{failed} waits in 'work' for a worker to run 'do_work': `statewright worker --handlers MODULE:FUNCTION "
            f"--db {database_url}` carries it on ('do_work' is your own action") in " ".join(done.output.split())
    with Engine(database_url) as engine:
        engine.register("do_work", lambda request: 500)
        engine.run_until_idle()  # what the worker it names does, with the handler registered
        assert engine.get(failed).status == "succeeded"


def test_a_redrive_in_json_prints_the_instance_alone(database_url: str) -> None:
    failed = _failed(database_url)

    done = _redrive(failed, "--set", "company={}", "--db", database_url, "--format", "json")

    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["status"] == "running"
