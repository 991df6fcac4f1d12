"""`statewright history ID`: a page of a long history (a map over many items writes a row per item), and a
task's retries shown as `(3 attempts)` rather than with a stray leading space when it called no tool."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine

RETRIED: dict[str, Any] = {
    "id": "retried", "title": "Retried", "initial": "first",
    "states": {"first": {"type": "task", "action": "flaky", "output": "a",
                         "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 0.01,
                                   "jitter": False}},
               "second": {"type": "task", "action": "steady", "output": "b"},
               "third": {"type": "task", "action": "steady", "output": "c"},
               "done": {"type": "final"}},
    "transitions": [{"source": "first", "trigger": "done", "dest": "second"},
                    {"source": "second", "trigger": "done", "dest": "third"},
                    {"source": "third", "trigger": "done", "dest": "done"}],
}



pytestmark = pytest.mark.usefixtures("wide_tables")

def _history(*args: str) -> Any:
    return CliRunner().invoke(build_app("history"), ["history", *args], env={"COLUMNS": "300"})


def _finished(database_url: str) -> str:
    calls: list[int] = []

    def flaky(request: ActionRequest) -> dict[str, int]:
        calls.append(request.attempt)
        if request.attempt < 3:
            raise ActionError("unavailable", "down")
        return {"n": 1}

    with Engine(database_url) as engine:
        engine.register("flaky", flaky)
        engine.register("steady", lambda request: {"n": 2})
        engine.deploy(RETRIED)
        instance = engine.start("retried", {}).id
        for _ in range(50):
            engine.run_until_idle()
            if engine.get(instance).ended:
                break
            engine.clock.sleep(0.02)
        assert engine.get(instance).state == "done"
    return instance


def test_a_page_of_the_history(database_url: str) -> None:
    instance = _finished(database_url)

    page = _history(instance, "--after", "1", "--limit", "2", "--db", database_url, "--format", "json")

    assert page.exit_code == 0, page.output
    assert [(h["seq"], h["from_state"], h["to_state"]) for h in json.loads(page.output)] == [
        (2, "first", "second"), (3, "second", "third")]


def test_retries_without_tool_calls_read_as_the_attempt_count(database_url: str) -> None:
    instance = _finished(database_url)

    table = _history(instance, "--db", database_url)

    assert table.exit_code == 0, table.output
    assert "│ (3 attempts) │" in table.output


def _failed(database_url: str, *, error_to: str | None, message: str | None = None) -> str:
    """An instance whose task's action failed: taken by an `error` transition to `error_to`, or by none (the
    instance then fails in the task)."""
    flow: dict[str, Any] = {
        "id": "lookup", "title": "Lookup", "initial": "look",
        "states": {"look": {"type": "task", "action": "look_up", "output": "found"},
                   "found": {"type": "final"}},
        "transitions": [{"source": "look", "trigger": "done", "dest": "found"}]}
    if error_to is not None:
        flow["states"][error_to] = {"type": "final", "outcome": "failure"}
        flow["transitions"].append({"source": "look", "trigger": "error", "dest": error_to})

    def look_up(request: ActionRequest) -> None:
        raise ActionError("unavailable", message or "the CRM answered HTTP 503:\n" + "Service Unavailable; " * 20)

    with Engine(database_url) as engine:
        engine.register("look_up", look_up)
        engine.deploy(flow)
        instance = engine.start("lookup", {}).id
        engine.run_until_idle()
        assert engine.get(instance).status == "failed"
    return instance


@pytest.mark.parametrize("error_to", [None, "gave_up"], ids=["the instance's error", "an error transition"])
def test_a_failed_steps_error_is_in_the_table_on_one_line(database_url: str, error_to: str | None) -> None:
    instance = _failed(database_url, error_to=error_to)

    table = _history(instance, "--db", database_url)

    assert table.exit_code == 0, table.output
    header = next(line for line in table.output.splitlines() if "┃ seq" in line)
    assert header.rstrip("┃ ").endswith("┃ error")
    (row,) = [line for line in table.output.splitlines() if "│ error " in line]  # the step that failed
    cell = row.rstrip(" │").rsplit("│ ", 1)[1]
    assert cell.startswith("unavailable: the CRM answered HTTP 503: Service Unavailable; Service")
    assert cell.endswith("…")
    assert len(cell) == 80  # cut: the whole message is in --format json


def test_an_error_is_printed_as_written_not_read_as_markup(database_url: str) -> None:
    """A provider's or a model's text holding '[/]' or '[bold]' is shown as it is (rich read it as markup: a
    MarkupError traceback, or the brackets gone)."""
    instance = _failed(database_url, error_to=None, message="model said [/] and [bold]x[/bold]")

    table = _history(instance, "--db", database_url)

    assert table.exit_code == 0, table.output
    assert "unavailable: model said [/] and [bold]x[/bold]" in table.output


def test_a_history_without_errors_has_no_error_column(database_url: str) -> None:
    table = _history(_finished(database_url), "--db", database_url)
    assert table.exit_code == 0, table.output
    assert "error" not in table.output


DOOR: dict[str, Any] = {
    "id": "door", "title": "A door knocked on", "initial": "open",
    "states": {"open": {"type": "wait", "duration": "P1D"}, "shut": {"type": "final"}},
    "transitions": [{"source": "open", "trigger": "knock", "dest": "open"},
                    {"source": "open", "trigger": "done", "dest": "shut"}],
}


def _knocked(database_url: str, times: int) -> str:
    with Engine(database_url) as engine:
        engine.deploy(DOOR)
        instance = engine.start("door", {}).id
        for n in range(times):
            engine.send(instance, "knock", {"n": n})
    return instance


def _seqs(text: str) -> list[int]:
    return [int(line.split("│")[1]) for line in text.splitlines() if line.startswith("│ ")]


def test_a_long_history_shows_the_newest_and_says_how_many_were_left_out(database_url: str) -> None:
    instance = _knocked(database_url, 249)  # 250 transitions with the start

    table = _history(instance, "--db", database_url)
    assert table.exit_code == 0, table.output
    assert _seqs(table.output) == list(range(151, 251))
    assert table.output.rstrip().splitlines()[-1] == (
        "the newest 100 of 250 transitions shown, 150 older left out (--last N shows more, --after SEQ --limit N "
        "a page, --format json all)")

    last = _history(instance, "--last", "3", "--db", database_url)
    assert _seqs(last.output) == [248, 249, 250]
    assert last.output.rstrip().splitlines()[-1] == "the newest 3 of 250 transitions shown, 247 older left out"

    page = _history(instance, "--after", "10", "--limit", "2", "--db", database_url)
    assert _seqs(page.output) == [11, 12]
    assert page.output.rstrip().splitlines()[-1] == "transitions 11 to 12 of 250 shown"

    everything = _history(instance, "--db", database_url, "--format", "json")
    assert [h["seq"] for h in json.loads(everything.stdout)] == list(range(1, 251))  # scripts get them all
    newest = _history(instance, "--last", "2", "--db", database_url, "--format", "json")
    assert [h["seq"] for h in json.loads(newest.stdout)] == [249, 250]


def test_a_short_history_is_shown_whole_without_a_note(database_url: str) -> None:
    table = _history(_knocked(database_url, 2), "--db", database_url, "--last", "10")
    assert _seqs(table.output) == [1, 2, 3]
    assert table.output.rstrip().endswith("┘")


def test_last_with_a_page_is_a_wrong_command_line(database_url: str) -> None:
    done = _history(_knocked(database_url, 0), "--last", "3", "--limit", "2", "--db", database_url)
    assert done.exit_code == 2
    assert "give --last N, or --after SEQ and --limit N, not both" in done.output
