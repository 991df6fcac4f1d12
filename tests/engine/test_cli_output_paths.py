"""Where a command writes its file (`-o`): a folder that does not exist is refused, not made — `render flow.json
-o /nonexistent/dir/x.svg` printed "wrote …" and made the folders of a typo — and a folder given for a file is
named as a folder (`render … -o wf/` said "choose --format from svg, png…"). Exit code 2, one line, nothing made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from definitions import WORKFLOWS_DIR
from engine.cli.app import build_app

LEAD = WORKFLOWS_DIR / "lead_qualification.json"


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(args[0]), list(args), env={"COLUMNS": "300"})


COMMANDS = {
    "render": ["render", str(LEAD)],
    "review": ["review", str(LEAD)],
    "export": ["export", "xstate", str(LEAD)],
    "testgen": ["testgen", str(LEAD)],
}
SUFFIX = {"render": "svg", "review": "pdf", "export": "json", "testgen": "py"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_in_a_folder_that_does_not_exist_is_refused_and_no_folder_made(command: str, tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / f"x.{SUFFIX[command]}"
    done = _cli(*COMMANDS[command], "-o", str(target))
    assert done.exit_code == 2, done.output
    assert f"the folder {target.parent} does not exist" in done.output
    assert "wrote" not in done.output
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_given_for_the_file_is_named_a_folder(command: str, tmp_path: Path) -> None:
    done = _cli(*COMMANDS[command], "-o", str(tmp_path))
    assert done.exit_code == 2, done.output
    assert f"-o {tmp_path}: is a folder; give the file to write in it" in done.output
    assert "--format" not in done.output


def test_import_refuses_a_missing_folder(tmp_path: Path) -> None:
    source = tmp_path / "machine.asl.json"
    source.write_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', encoding="utf-8")
    done = _cli("import", "asl", str(source), "-o", str(tmp_path / "missing" / "flow.json"))
    assert done.exit_code == 2, done.output
    assert not (tmp_path / "missing").exists()


def test_a_folder_of_workflows_is_drawn_into_a_new_folder_beside_an_existing_one(tmp_path: Path) -> None:
    """`make diagrams` draws definitions/workflows into `diagrams/`, made when missing; its parent must exist."""
    done = _cli("render", str(WORKFLOWS_DIR), "-o", str(tmp_path / "diagrams"), "--format", "mermaid")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "diagrams" / "lead_qualification.mmd").is_file()
    deeper = _cli("render", str(WORKFLOWS_DIR), "-o", str(tmp_path / "a" / "b"), "--format", "mermaid")
    assert deeper.exit_code == 2, deeper.output
    assert not (tmp_path / "a").exists()
