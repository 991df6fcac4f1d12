"""SCXML export gives every element its own id. Statewright names are scoped (each branch of a parallel state
has its own `work`, a branch may be named like a state, a context key like a state, and a context key need not
be an XML name), while an SCXML `id` names one element in the whole document: the export used to write
`id="work"` once per branch, `<invoke id>` equal to its state's id, and `<data id="total amount">`."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from engine.definition import Workflow
from engine.interop import export_workflow, import_document
from engine.interop.equivalence import differences
from engine.validation.loader import load_catalog

NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
CATALOG, _ = load_catalog(Path(__file__).resolve().parents[3] / "definitions")


def _branch(name: str, action: str) -> dict[str, Any]:
    return {"name": name, "initial": "work",
            "states": {"work": {"type": "task", "action": action}, "done": {"type": "final"}},
            "transitions": [{"source": "work", "trigger": "done", "dest": "done"},
                            {"source": "work", "trigger": "error", "dest": "done"}]}


CLASHING = Workflow.model_validate({
    "id": "clashing", "title": "Names that clash as XML ids", "initial": "check",
    # `check` is a state, a branch and a key; `total amount` is no XML name and becomes `total_amount`, a key too
    "context": {"type": "object", "properties": {"check": {}, "total amount": {}, "total_amount": {},
                                                 "fan.check": {}}},
    "states": {
        "check": {"type": "task", "action": "check"},
        "fan": {"type": "parallel", "branches": [_branch("check", "left"), _branch("fan", "right"),
                                                  _branch("done", "middle")]},
        "work": {"type": "task", "action": "work"},
        "done": {"type": "final"},
    },
    "transitions": [{"source": "check", "trigger": "done", "dest": "fan"},
                    {"source": "fan", "trigger": "done", "dest": "work"},
                    {"source": "work", "trigger": "done", "dest": "done"},
                    *({"source": s, "trigger": "error", "dest": "done"} for s in ("check", "fan", "work"))],
})


def _ids(text: str) -> list[str]:
    return [element.get("id") or "" for element in ET.fromstring(text).iter() if element.get("id") is not None]


def test_names_that_clash_get_distinct_xml_ids_and_come_back_as_they_were() -> None:
    exported = export_workflow("scxml", CLASHING)
    ids = _ids(exported.text)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert all(NCNAME.match(i) for i in ids), ids
    back = import_document("scxml", exported.text, CLASHING.id)
    assert back.ok, back.findings
    assert back.workflow is not None
    assert differences(CLASHING, back.workflow) == []
    # transitions are compared by meaning above (they come back grouped by state)
    assert back.workflow.model_dump(exclude={"schema_", "transitions"}) == CLASHING.model_dump(exclude={"schema_",
                                                                                                  "transitions"})


def test_context_keys_come_back_from_the_data_model_alone() -> None:
    """A document without `sw:workflow` (edited elsewhere) still names the context keys, not their XML ids."""
    root = ET.fromstring(export_workflow("scxml", CLASHING).text)
    root.remove(root.find("{urn:statewright:scxml}workflow"))  # type: ignore[arg-type]
    back = import_document("scxml", ET.tostring(root, encoding="unicode"), CLASHING.id)
    assert back.ok, back.findings
    assert back.workflow is not None
    assert list(back.workflow.context["properties"]) == ["check", "total amount", "total_amount", "fan.check"]


@pytest.mark.parametrize("workflow_id", sorted(CATALOG.workflows))
def test_every_shipped_flow_exports_with_unique_ids(workflow_id: str) -> None:
    ids = _ids(export_workflow("scxml", CATALOG.workflows[workflow_id]).text)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
