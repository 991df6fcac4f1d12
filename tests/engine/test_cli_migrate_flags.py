"""`statewright migrate`: `--dry-run --apply` applied — the last of the two flags won, so a `--dry-run` meant as a
safeguard moved the instances. Both given is now a wrong command line (exit 2) that changes nothing, whichever
comes last. And `--map FOLDER` said "no such file" of a folder that is there: it now says it is a folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine


def _flow(version: int) -> dict[str, Any]:
    return {"id": "parcel", "title": "Parcel", "version": version, "initial": "in_transit",
            "states": {"in_transit": {"type": "wait", "event": {"type": "delivered"}}, "done": {"type": "final"}},
            "transitions": [{"source": "in_transit", "trigger": "done", "dest": "done"}]}


def _migrate(database_url: str, *args: str) -> Any:
    done = CliRunner().invoke(build_app("migrate"), ["migrate", "parcel", "--from", "1", "--to", "2",
                                                     "--db", database_url, *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done


@pytest.mark.parametrize("flags", [("--dry-run", "--apply"), ("--apply", "--dry-run")])
def test_dry_run_and_apply_together_are_refused_and_change_nothing(database_url: str,
                                                                   flags: tuple[str, str]) -> None:
    with Engine(database_url) as engine:
        engine.deploy(_flow(1))
        waiting = engine.start("parcel", {}).id
        engine.deploy(_flow(2))

    done = _migrate(database_url, *flags)

    assert done.exit_code == 2, done.output
    assert done.output.strip() == "error: give --dry-run or --apply, not both"
    with Engine(database_url) as engine:
        assert engine.get(waiting).workflow_version == 1
    assert _migrate(database_url, "--dry-run").exit_code == 0  # each alone still does what it says
    with Engine(database_url) as engine:
        assert engine.get(waiting).workflow_version == 1
    assert _migrate(database_url, "--apply").exit_code == 0
    with Engine(database_url) as engine:
        assert engine.get(waiting).workflow_version == 2


def test_a_map_that_is_a_folder_is_named_a_folder(database_url: str, tmp_path: Path) -> None:
    with Engine(database_url) as engine:
        engine.deploy(_flow(1))
        engine.deploy(_flow(2))
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "map.json").write_text(json.dumps({"in_transit": "in_transit"}), encoding="utf-8")

    done = _migrate(database_url, "--map", str(tmp_path / "maps"))

    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert f"--map {tmp_path / 'maps'}: is a folder, not a file" in said
    assert f"e.g. --map {tmp_path / 'maps' / 'map.json'}" in said
    assert "no such file" not in said
