"""A helper found it while writing a returns flow: an ASL document reading `$.return.id` (or any key CEL keeps for
itself: `package`, `function`, `import`, …) was refused with nine `guard-syntax … reserved identifier: return`
errors — the importer wrote `return.id`, which CEL cannot parse. Such a key is read by index,
`context['return'].id`, and the export writes it back as `$.return.id`."""

from __future__ import annotations

import json
from typing import Any

from engine.interop.formats import export_workflow, import_document
from engine.runtime.engine import Engine

ASL: dict[str, Any] = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.return.id", "StringEquals": "R1", "Next": "Restock"}],
              "Default": "Refuse"},
    "Restock": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:restock",
                "Parameters": {"id.$": "$.return.id", "pkg.$": "$.package"}, "ResultPath": "$.restocked",
                "End": True},
    "Refuse": {"Type": "Fail", "Error": "NotReturnable"}}}


def test_keys_cel_keeps_for_itself_are_read_by_index_and_run(tmp_path: Any) -> None:
    imported = import_document("asl", json.dumps(ASL), "returns")
    document = imported.document
    assert document is not None, imported.findings
    assert [f for f in imported.findings if f.severity == "error"] == []
    restock = document["states"]["Restock"]
    assert restock["input"] == {"id": "context['return'].id", "pkg": "context['package']"}
    seen: list[dict[str, Any]] = []
    with Engine(f"sqlite:///{tmp_path / 'returns.db'}") as engine:
        engine.register("restock", lambda request: seen.append(request.input) or {"ok": True})
        engine.deploy(document)
        run = engine.start("returns", {"return": {"id": "R1"}, "package": "box"})
        engine.run_until_idle()
        assert engine.get(run.id).status == "succeeded"
    assert seen == [{"id": "R1", "pkg": "box"}]


def test_the_export_writes_them_back_as_paths() -> None:
    workflow = import_document("asl", json.dumps(ASL), "returns").workflow
    assert workflow is not None
    exported = json.loads(export_workflow("asl", workflow).text)
    assert exported["States"]["Check"]["Choices"][0]["Variable"] == "$.return.id"
    assert exported["States"]["Restock"]["Parameters"] == {"id.$": "$.return.id", "pkg.$": "$.package"}
