"""A flow kept as `nb/flows/lead_qualification.json` with its agents in `nb/agents/`: `statewright run` found the
agents (it looked in the `agents/` folder beside the flow's), but `validate`, `render` and `export` said
`unknown-agent` — they looked in the flow's own folder only. Every command now uses the one lookup
(`engine.cli.files.definition_folders`), and `export` takes `--catalog` as `validate` and `review` do."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli  # the console script's program: its executors, the offline rules
from engine.cli.app import build_app
from engine.cli.files import definition_folders

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "definitions" / "workflows" / "lead_qualification.json"


def _cli(*args: str) -> Any:
    done = CliRunner().invoke(build_app(args[0]), list(args), env={"COLUMNS": "400"})
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    """nb/flows/lead_qualification.json, and the shipped agents in nb/agents/."""
    (tmp_path / "nb" / "flows").mkdir(parents=True)
    shutil.copytree(ROOT / "definitions" / "agents", tmp_path / "nb" / "agents")
    return Path(shutil.copy(FLOW, tmp_path / "nb" / "flows"))


def test_the_lookup_is_the_flows_folder_an_agents_folder_in_it_and_the_one_beside_it(notebook: Path) -> None:
    nb = notebook.parent.parent
    assert definition_folders(notebook) == [nb / "flows", nb / "flows" / "agents", nb / "agents"]
    shipped = definition_folders(FLOW)
    assert shipped == [ROOT / "definitions" / "workflows", ROOT / "definitions" / "workflows" / "agents",
                       ROOT / "definitions" / "agents"]


@pytest.mark.parametrize("command", ["validate", "run"])
def test_an_agents_folder_next_to_the_flow_file_is_found(tmp_path: Path, command: str) -> None:
    """From an outside QA pass: `a/flow.json` beside `a/agents/` — "the `agents/` folder beside the flow" read
    naturally — got `unknown-agent` from validate and run alike; only `a/../agents/` was looked in."""
    shutil.copytree(ROOT / "definitions" / "agents", tmp_path / "a" / "agents")
    flow = Path(shutil.copy(FLOW, tmp_path / "a"))
    args = {"validate": ["validate", str(flow)],
            "run": ["run", str(flow), "--example", "vp_at_acme_books_meeting", "--db",
                    f"sqlite:///{tmp_path / 'run.db'}"]}[command]
    done = CliRunner().invoke(build_cli(command), args, env={"COLUMNS": "400"})
    assert done.exit_code == 0, done.output
    assert "unknown-agent" not in done.output


@pytest.mark.parametrize("command", ["validate", "analyze", "render", "export"])
def test_every_file_command_finds_the_agents_run_finds(notebook: Path, tmp_path: Path, command: str) -> None:
    args = {"validate": ["validate", str(notebook)],
            "analyze": ["analyze", str(notebook)],
            "render": ["render", str(notebook), "-o", str(tmp_path / "lead.svg")],
            "export": ["export", "xstate", str(notebook), "-o", str(tmp_path / "lead.xstate.json")]}[command]

    done = _cli(*args)

    assert done.exit_code == 0, done.output
    assert "unknown-agent" not in done.output


def test_run_finds_them_too(notebook: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(build_cli("run"), ["run", str(notebook), "--example", "vp_at_acme_books_meeting",
                                                 "--db", f"sqlite:///{tmp_path / 'run.db'}", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert "unknown-agent" not in done.output


def test_export_takes_a_catalog_as_validate_does(tmp_path: Path) -> None:
    alone = Path(shutil.copy(FLOW, tmp_path))  # no agents anywhere near it
    out = tmp_path / "lead.xstate.json"

    without = _cli("export", "xstate", str(alone), "-o", str(out))
    assert without.exit_code == 1
    assert "unknown-agent" in without.output

    done = _cli("export", "xstate", str(alone), "-o", str(out), "--catalog", str(ROOT / "definitions"))
    assert done.exit_code == 0, done.output
    assert out.is_file()

    wrong = _cli("export", "xstate", str(alone), "-o", str(out), "--catalog", str(tmp_path / "nowhere"))
    assert wrong.exit_code == 2
    assert f"--catalog {tmp_path / 'nowhere'}: no such folder" in " ".join(wrong.output.split())
