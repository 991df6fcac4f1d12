"""`statewright history ID` of a map's parent: each `(item)` row says which item ended, how, and the map's totals
then — running counting the items still running, the ends heard next said apart — not a blank row whose story
is only in `--format json`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine

pytestmark = pytest.mark.usefixtures("wide_tables")

_ROW = re.compile(r"\(item\) #(?P<index>\d) (?P<status>succeeded|failed): \d of 4 done, \d failed, \d running"
                  r"(, 1 more ended)?(; started #2-#3)?")
_WORK = {"type": "task", "action": "score", "input": {"lead": "item"}, "output": "score"}
SQUAD: dict[str, Any] = {
    "id": "squad", "title": "Squad", "initial": "each",
    "states": {"each": {"type": "map", "items": "leads", "max_concurrency": 2, "tolerated_failures": 1,
                        "output": "scores",
                        "iterator": {"initial": "work",
                                     "states": {"work": _WORK, "ok": {"type": "final", "result": {"s": "score"}},
                                                "bad": {"type": "final", "outcome": "failure"}},
                                     "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                                                     {"source": "work", "trigger": "error", "dest": "bad"}]}},
               "done": {"type": "final"}},
    "transitions": [{"source": "each", "trigger": "done", "dest": "done"}],
}


def _score(request: ActionRequest) -> int:
    if request.input["lead"] == "bob":
        raise ActionError("validation", "cannot score bob")
    return len(request.input["lead"])


def test_each_item_row_says_which_item_ended_how_and_the_totals(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.register("score", _score)
        engine.deploy(SQUAD)
        instance = engine.start("squad", {"leads": ["ann", "bob", "carla", "dimitri"]}).id
        worker = engine.worker()
        worker.execute(worker.claim(limit=10))  # items 0 and 1 end in one transaction
        engine.run_until_idle()
        assert engine.get(instance).state == "done"
    shown = CliRunner().invoke(build_app("history"), ["history", instance, "--db", database_url])
    assert shown.exit_code == 0, shown.output
    events = [" ".join(line.split()).split("│")[4].strip() for line in shown.output.splitlines() if "(item)" in line]
    said = [_ROW.fullmatch(event) for event in events]
    assert all(said), events
    assert sorted((int(m["index"]), m["status"]) for m in said if m) == [
        (0, "succeeded"), (1, "failed"), (2, "succeeded"), (3, "succeeded")]
    # whichever of items 0 and 1 the parent heard first: that row counts the other as ended, heard next
    assert events[0].endswith("2 running, 1 more ended; started #2-#3"), events
    assert events[-1].endswith(": 3 of 4 done, 1 failed, 0 running"), events
