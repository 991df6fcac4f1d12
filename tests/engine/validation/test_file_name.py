"""`file-name-not-id`: a definition file is named by its id, as docs/definition-format.md says. Nothing reads the
file name — the catalog, `deploy` and subflows go by `id` — so `othername.json` holding workflow `unreach` used to
validate clean, and in a definitions folder a copy under another name replaced the original without a word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.validation.loader import load_agent, load_catalog, load_workflow

CLERK = {"id": "clerk", "type": "ops", "version": "1.0.0", "name": "Order clerk", "actions": ["check_order"]}


def _write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_workflow_file_named_otherwise_than_its_id_is_warned_about(tmp_path: Path, order: dict[str, Any]) -> None:
    loaded = load_workflow(_write(tmp_path, "othername.json", order))
    (finding,) = loaded.findings
    assert (finding.code, finding.severity, finding.pointer) == ("file-name-not-id", "warning", "/id")
    assert "The file is named 'othername.json' but the workflow's id is 'order_check'" in finding.message
    assert "Rename the file to 'order_check.json', or set `id` to 'othername'." in finding.message
    assert loaded.ok  # a warning: the workflow still loads


def test_a_file_named_by_its_id_or_a_definition_without_a_file_gets_no_such_warning(
        tmp_path: Path, order: dict[str, Any]) -> None:
    assert load_workflow(_write(tmp_path, "order_check.json", order)).findings == []
    assert load_workflow(order).findings == []  # the designer's and the API's definitions have no file name
    assert load_workflow(json.dumps(order)).findings == []


def test_a_name_that_cannot_be_an_id_is_only_offered_the_rename(tmp_path: Path, order: dict[str, Any]) -> None:
    (finding,) = load_workflow(_write(tmp_path, "order check (copy).json", order)).findings
    assert finding.message.endswith("Rename the file to 'order_check.json'.")


def test_an_agent_file_is_named_by_its_id_too(tmp_path: Path) -> None:
    assert load_agent(_write(tmp_path, "clerk.json", CLERK)).findings == []
    (finding,) = load_agent(_write(tmp_path, "order_clerk.json", CLERK)).findings
    assert (finding.code, finding.pointer) == ("file-name-not-id", "/id")
    assert "the agent's id is 'clerk'" in finding.message


def test_the_hazard_it_warns_of_a_copy_under_another_name_shadows_the_original(
        tmp_path: Path, order: dict[str, Any]) -> None:
    workflows = tmp_path / "definitions" / "workflows"
    _write(workflows, "order_check.json", order)
    _write(workflows, "order_check_old.json", {**order, "title": "An old copy"})
    catalog, problems = load_catalog(tmp_path / "definitions")
    assert not problems
    assert catalog.workflows["order_check"].title == "An old copy"  # the copy won, silently
    assert [f.code for f in load_workflow(workflows / "order_check_old.json").findings] == ["file-name-not-id"]
