"""load_catalog reads the files beside a validated one quickly, and still reports a file it cannot load with the
findings loading that file on its own gives (duplicate keys first, then the schema's)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from engine.definition import Workflow
from engine.validation.loader import load_catalog, load_workflow


def test_a_catalog_file_that_does_not_load_has_the_findings_of_loading_it_alone(
        order: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(order))
    twice = json.dumps(order).replace('"states": {', '"states": {"check": {"type": "final"}, ', 1)
    (folder / "twice_and_wrong.json").write_text(twice.replace('"initial": "check"', '"initial": 7'))
    (folder / "not_json.json").write_text("{\"id\": ")
    (folder / "not_utf8.json").write_bytes(json.dumps(order).encode("utf-16"))
    catalog, problems = load_catalog(tmp_path)
    assert list(catalog.workflows) == [order["id"]]
    assert sorted(Path(p).name for p in problems) == ["not_json.json", "not_utf8.json", "twice_and_wrong.json"]
    for path, findings in problems.items():
        assert findings == load_workflow(Path(path)).findings
    assert [f.code for f in problems[str(folder / "twice_and_wrong.json")]][:1] == ["duplicate-state"]


def test_a_catalog_file_with_a_repeated_key_that_still_loads_keeps_the_last_value(
        order: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "workflows").mkdir()
    renamed = copy.deepcopy(order)
    renamed["title"] = "Second title"
    text = '{"title": "First title", ' + json.dumps(renamed)[1:]  # the second "title" is the one that counts
    (tmp_path / "workflows" / "repeated.json").write_text(text)
    catalog, problems = load_catalog(tmp_path)
    assert problems == {}
    assert catalog.workflows[order["id"]] == Workflow.model_validate(renamed)
