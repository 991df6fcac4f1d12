"""docs/interop.md's "Import: refused" list says what `import asl` refuses: each construct it names is refused,
and constructs that import (several retriers that differ, a nested `ResultPath`) are not in it but in the tables."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from engine.interop import import_document

DOC = (Path(__file__).resolve().parents[3] / "docs" / "interop.md").read_text(encoding="utf-8")
_LAMBDA = "arn:aws:lambda:x:1:function:f"
_ITEMS = {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}


def _section(title: str) -> str:
    found = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^### )", DOC, re.S | re.M)
    assert found, title
    return " ".join(found.group(1).split())


def _import(state: dict[str, Any], **top: Any) -> Any:
    document = {"StartAt": "A", "States": {"A": state, "Done": {"Type": "Succeed"}}, **top}
    return import_document("asl", json.dumps(document), "doc")


def _task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": _LAMBDA, "Parameters": {"a": 1}, "Next": "Done", **fields}


REFUSED = [
    ("A distributed `Map`", {"Type": "Map", "ItemsPath": "$.i", "Next": "Done", "ItemProcessor": {
        **_ITEMS, "ProcessorConfig": {"Mode": "DISTRIBUTED"}}}),
    ("without `ItemsPath`", {"Type": "Map", "ItemProcessor": _ITEMS, "Next": "Done"}),
    ("`HeartbeatSeconds`", _task(HeartbeatSeconds=5)),
    ("`TimeoutSecondsPath`", _task(TimeoutSecondsPath="$.t")),
    ("`Credentials`", _task(Credentials={})),
    ("`OutputPath` other than `$`", _task(OutputPath="$.a")),
    ("`InputPath: null`", _task(InputPath=None)),
    ("a `ResultPath` that indexes a list (`$.a[0]`)", _task(ResultPath="$.a[0]")),
    ("a Parallel's `ResultSelector`", {"Type": "Parallel", "Branches": [_ITEMS], "ResultSelector": {},
                                        "Next": "Done"}),
    ("intrinsic functions", _task(Parameters={"a.$": "States.Format('{}', $.x)"})),
    ("JSONPath filters, wildcards and slices", _task(Parameters={"a.$": "$.items[*].x"})),
    ("`$$.Execution.Input`", _task(Parameters={"a.$": "$$.Execution.Input"})),
    ("`SecondsPath`", {"Type": "Wait", "SecondsPath": "$.d", "Next": "Done"}),
    ("more than 99 retries", _task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 500}])),
    ("`States.Permissions`", _task(Catch=[{"ErrorEquals": ["States.Permissions"], "Next": "Done"}])),
    ("a `Pass` with a non-object `Result`", {"Type": "Pass", "Result": 42, "Next": "Done"}),
    ("variables (`Assign`)", {"Type": "Pass", "Assign": {"x": 1}, "Next": "Done"}),
    ("an unknown `Resource`", {"Type": "Task", "Resource": "arn:aws:s3:::bucket", "Next": "Done"}),
]


@pytest.mark.parametrize(("said", "state"), REFUSED, ids=[said for said, _ in REFUSED])
def test_what_the_refused_list_names_is_refused(said: str, state: dict[str, Any]) -> None:
    assert said in _section("Import: refused")
    result = _import(state)
    assert result.workflow is None
    assert any(f.code == "unsupported-construct" for f in result.findings), result.findings


def test_several_retriers_that_differ_import_as_that_many_rules_and_are_not_said_to_be_refused() -> None:
    refused = _section("Import: refused")
    assert "several retriers" not in refused
    assert "retriers that differ become that many `retry` rules" in _section("Import: data and errors")
    result = _import(_task(Retry=[{"ErrorEquals": ["A"], "MaxAttempts": 2},
                                  {"ErrorEquals": ["B"], "MaxAttempts": 5, "IntervalSeconds": 3}]))
    assert result.document is not None, result.findings
    assert [rule["errors"] for rule in result.document["states"]["A"]["retry"]] == [["A"], ["B"]]


def test_a_nested_result_path_imports_as_a_nested_output_and_is_not_said_to_be_refused() -> None:
    assert "nested `ResultPath`" not in _section("Import: refused")
    assert '`"$.a.b"`' in _section("Import: data and errors")
    result = _import(_task(ResultPath="$.a.b"))
    assert result.document is not None, result.findings
    assert result.document["states"]["A"]["output"] == "a.b"
