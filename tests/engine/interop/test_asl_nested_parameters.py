"""An ASL machine that imports exports back (an outside QA pass: `statewright export asl` of an imported order
pipeline exited 1, "input 'Key' cannot be expressed in ASL: '{'sku': order.sku}' is neither a path nor a
literal", for DynamoDB's common `"Key": {"sku.$": "$.order.sku"}`). Now an input that is an object (or a list)
of paths and literals is a nested `Parameters` object; the round trip keeps the states' names (their titles)
and adds no `MaxDelaySeconds` the machine did not have."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.definition import Workflow
from engine.interop import export_workflow, import_document
from engine.interop.equivalence import differences
from engine.validation.loader import load_workflow

ROOT = Path(__file__).resolve().parents[3]
PIPELINE = Path(__file__).parent / "documents" / "order_pipeline.asl.json"  # the QA pass's input, as it was


def _workflow(document: dict[str, Any]) -> Workflow:
    loaded = load_workflow(document)
    assert loaded.model is not None, loaded.findings
    return loaded.model


def _imported(text: str | bytes, workflow_id: str = "order") -> Workflow:
    result = import_document("asl", text, workflow_id)
    assert result.ok, [f.message for f in result.findings]
    assert result.workflow is not None
    return result.workflow


def _exported(workflow: Workflow) -> dict[str, Any]:
    exported = export_workflow("asl", workflow)
    assert exported.complete, [f.message for f in exported.findings if f.severity == "error"]
    machine: dict[str, Any] = json.loads(exported.text)
    return machine


def _state(machine: dict[str, Any], name: str) -> dict[str, Any]:
    """A state of the machine or of any machine nested in it, by its ASL name."""
    for state_name, state in machine["States"].items():
        if state_name == name:
            return dict(state)
        for inner in [*state.get("Branches", []), *([state["ItemProcessor"]] if "ItemProcessor" in state else [])]:
            try:
                return _state(inner, name)
            except KeyError:
                pass
    raise KeyError(name)


def test_the_pipeline_exports_and_imports_back_as_the_same_machine() -> None:
    first = _imported(PIPELINE.read_bytes())
    machine = _exported(first)
    assert _state(machine, "Reserve Stock")["Parameters"] == {"TableName": "stock", "Key": {"sku.$": "$.order.sku"}}
    again = _imported(json.dumps(machine))
    assert differences(first, again) == []
    assert {sid: s.title for sid, s in again.states.items()} == {sid: s.title for sid, s in first.states.items()}


def test_the_states_come_back_under_their_asl_names() -> None:
    original = json.loads(PIPELINE.read_text())
    machine = _exported(_imported(PIPELINE.read_bytes()))
    # "Validate Order", not validate_order; and the failure end the import added for the Map's uncaught errors
    assert set(machine["States"]) == {*original["States"], "failed_4"}
    assert machine["StartAt"] == "Validate Order"
    assert _state(machine, "Validate Order")["Next"] == "Is Valid?"
    assert [rule["Next"] for rule in machine["States"]["Is Valid?"]["Choices"]] == ["Fraud And Stock", "Ship Items"]
    assert machine["States"]["Ship Items"]["Catch"][0]["Next"] == "Notify Failure"
    assert set(machine["States"]["Ship Items"]["ItemProcessor"]["States"]) >= {"Ship One"}
    assert "Comment" not in machine["States"]["Validate Order"]  # the name says it; it is no description


def test_the_round_trip_adds_no_delay_limit_or_jitter_setting() -> None:
    machine = _exported(_imported(PIPELINE.read_bytes()))
    (retrier,) = _state(machine, "Validate Order")["Retry"]
    assert retrier == {"ErrorEquals": ["Lambda.ServiceException", "States.Timeout"], "IntervalSeconds": 2,
                       "MaxAttempts": 3, "BackoffRate": 2.0}


def test_the_command_line_round_trip_exits_zero(tmp_path: Path) -> None:
    script = ROOT / ".venv" / "bin" / "statewright"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), *map(str, args)], check=False, capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)

    assert run("import", "asl", PIPELINE, "-o", "order.json").returncode == 0
    done = run("export", "asl", "order.json", "-o", "back.json")
    assert done.returncode == 0, done.stdout
    assert run("import", "asl", "back.json", "-o", "again.json").returncode == 0


# ---- inputs as nested Parameters ----

def _task_flow(inputs: dict[str, str], **state: Any) -> Workflow:
    return _workflow({"id": "t", "title": "T", "initial": "put", "context": {"type": "object"},
                      "states": {"put": {"type": "task", "action": "dynamodb.putItem", "input": inputs, **state},
                                 "done": {"type": "final"}},
                      "transitions": [{"source": "put", "trigger": "done", "dest": "done"}]})


@pytest.mark.parametrize(("expression", "parameter"), [
    ("{'sku': order.sku}", {"Key": {"sku.$": "$.order.sku"}}),
    ("{'S': order.id, 'tags': ['a', 1, {'by': instance.id}], 'n': null}",
     {"Key": {"S.$": "$.order.id", "tags": ["a", 1, {"by.$": "$$.Execution.Id"}], "n": None}}),
    ("{'a': {'b': context['odd key'][0]}, 'c': 'x, y}'}", {"Key": {"a": {"b.$": "$['odd key'][0]"}, "c": "x, y}"}}),
    ("[{'id': order.id}, 2.5, true]", {"Key": [{"id.$": "$.order.id"}, 2.5, True]}),
    ("{}", {"Key": {}}),
    ("order.sku", {"Key.$": "$.order.sku"}),
])
def test_an_object_or_list_input_is_a_nested_parameters_field(expression: str, parameter: dict[str, Any]) -> None:
    workflow = _task_flow({"Key": expression})
    assert _exported(workflow)["States"]["put"]["Parameters"] == parameter
    back = _imported(export_workflow("asl", workflow).text, "t")
    assert _exported(back)["States"]["put"]["Parameters"] == parameter  # the import reads what was written


@pytest.mark.parametrize(("expression", "why"), [
    ("[order.a, order.b]", "an element of a list is a literal or an object in ASL, not a path"),
    ("{'n': size(order.items)}", "beyond the shared subset"),
    ("{'when': now}", "is not a path, a literal, or an object or list of them"),
    ("{'k.$': 'x'}", "not ending in '.$'"),
    ("{order.id: 1}", "a key of a Parameters object is a string"),
    ("{'next': order.count + 1}", "beyond the shared subset"),
])
def test_what_asl_cannot_read_is_still_refused_and_says_why(expression: str, why: str) -> None:
    exported = export_workflow("asl", _task_flow({"Key": expression}))
    (error,) = [f for f in exported.findings if f.severity == "error"]
    assert error.code == "not-expressible"
    assert f"input 'Key' cannot be expressed in ASL: '{expression}' is not a path" in error.message
    assert why in error.message


def test_a_pass_that_stores_an_object_of_paths_writes_parameters_not_a_result() -> None:
    workflow = _workflow({"id": "p", "title": "P", "initial": "keep", "context": {"type": "object"},
                          "states": {"keep": {"type": "choice"}, "done": {"type": "final"}},
                          "transitions": [{"source": "keep", "dest": "done",
                                           "assign": {"picked": "{'sku': order.sku, 'source': 'web'}"}}]})
    keep = _exported(workflow)["States"]["keep"]
    assert keep == {"Type": "Pass", "Next": "done", "Parameters": {"sku.$": "$.order.sku", "source": "web"},
                    "ResultPath": "$.picked"}
    back = _imported(export_workflow("asl", workflow).text, "p")
    assert differences(workflow, back) == []


def test_a_map_input_object_reads_the_item_through_the_map_context() -> None:
    workflow = _workflow({
        "id": "m", "title": "M", "initial": "each", "context": {"type": "object"},
        "states": {"each": {"type": "map", "items": "order.items", "max_concurrency": 2,
                            "input": {"line": "{'sku': item.sku, 'at': index, 'order': order.id}"},
                            "iterator": {"initial": "ship", "states": {
                                "ship": {"type": "task", "action": "ship", "input": {"sku": "line.sku"}},
                                "shipped": {"type": "final"}},
                                "transitions": [{"source": "ship", "trigger": "done", "dest": "shipped"}]}},
                   "done": {"type": "final"}},
        "transitions": [{"source": "each", "trigger": "done", "dest": "done"}]})
    selector = _exported(workflow)["States"]["each"]["ItemSelector"]
    assert selector == {"line": {"sku.$": "$$.Map.Item.Value.sku", "at.$": "$$.Map.Item.Index",
                                 "order.$": "$.order.id"}}
    back = _imported(export_workflow("asl", workflow).text, "m")
    assert back.states["each"].input == workflow.states["each"].input  # type: ignore[union-attr]


_LEAVES = st.one_of(st.sampled_from(["order.id", "order.lines[0].sku", "context['a b']", "instance.id"]),
                    st.sampled_from(["'web'", "'a, b]'", "1", "-2.5", "true", "null"]))


def _objects(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    keys = st.sampled_from(["a", "b", "sku", "two words"])
    return st.dictionaries(keys, children, max_size=3).map(
        lambda d: "{" + ", ".join(f"'{k}': {v}" for k, v in d.items()) + "}")


_VALUES = st.recursive(_LEAVES, lambda inner: st.one_of(
    _objects(inner),
    st.lists(st.one_of(_objects(inner), st.sampled_from(["'x'", "3"])), max_size=3).map(
        lambda items: "[" + ", ".join(items) + "]")), max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["Key", "Item", "Payload"]), _VALUES, min_size=1, max_size=3))
def test_generated_nested_inputs_come_back_the_same(inputs: dict[str, str]) -> None:
    workflow = _task_flow(inputs)
    written = _exported(workflow)["States"]["put"]["Parameters"]
    back = _imported(export_workflow("asl", workflow).text, "t")
    assert back.states["put"].input.keys() == inputs.keys()  # type: ignore[union-attr]
    assert _exported(back)["States"]["put"]["Parameters"] == written
    for key, expression in inputs.items():  # each path is read where it was, each literal kept
        assert (key in written) is (not expression.startswith(("order.", "context", "instance")))


# ---- retry limits and names ----

@pytest.mark.parametrize(("retry", "limit"), [
    ({"max_attempts": 4, "initial_interval_s": 2}, None),  # 2, 4, 8 s: the default 300 s never shortens one
    ({"max_attempts": 8, "initial_interval_s": 10}, 300),  # 640 s would be waited without the default limit
    ({"max_attempts": 3, "max_interval_s": 60}, 60),  # a limit of its own
    ({"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 400}, 300),
])
def test_max_delay_is_written_only_where_it_says_something(retry: dict[str, Any], limit: int | None) -> None:
    (retrier,) = _exported(_task_flow({}, retry={**retry, "jitter": False}))["States"]["put"]["Retry"]
    assert retrier.get("MaxDelaySeconds") == limit
    assert "JitterStrategy" not in retrier
    (jittered,) = _exported(_task_flow({}, retry={**retry, "jitter": True}))["States"]["put"]["Retry"]
    assert jittered["JitterStrategy"] == "FULL"


def test_a_title_the_id_was_not_made_from_stays_a_comment() -> None:
    workflow = _workflow({
        "id": "n", "title": "N", "initial": "check_refund", "context": {"type": "object"},
        "states": {"check_refund": {"type": "task", "action": "check", "title": "Check refund",
                                    "description": "Looks at the receipt."},
                   "classify": {"type": "task", "action": "classify", "title": "Sort the ticket"},
                   "notify": {"type": "task", "action": "notify", "description": "Tells the customer."},
                   "done": {"type": "final"}},
        "transitions": [{"source": "check_refund", "trigger": "done", "dest": "classify"},
                        {"source": "classify", "trigger": "done", "dest": "notify"},
                        {"source": "notify", "trigger": "done", "dest": "done"}]})
    states = _exported(workflow)["States"]
    assert list(states) == ["Check refund", "classify", "notify", "done"]
    assert states["Check refund"]["Comment"] == "Looks at the receipt."
    assert states["classify"]["Comment"] == "Sort the ticket"
    assert states["notify"]["Comment"] == "Tells the customer."
    back = _imported(export_workflow("asl", workflow).text, "n")
    assert set(back.states) - {"failed"} == set(workflow.states)  # an uncaught error fails the machine in ASL
    assert back.states["check_refund"].title == "Check refund"


def test_a_placeholder_names_its_ways_as_the_machine_does() -> None:
    workflow = _workflow({
        "id": "r", "title": "R", "initial": "review", "context": {"type": "object"},
        "states": {"review": {"type": "approval", "approvers": {"roles": ["finance"]}},
                   "pay_out": {"type": "task", "action": "pay", "title": "Pay Out"},
                   "turned_down": {"type": "final", "outcome": "failure", "title": "Turned Down"},
                   "done": {"type": "final"}},
        "transitions": [{"source": "review", "trigger": "approve", "dest": "pay_out"},
                        {"source": "review", "trigger": "reject", "dest": "turned_down"},
                        {"source": "pay_out", "trigger": "done", "dest": "done"}]})
    exported = export_workflow("asl", workflow)
    review = json.loads(exported.text)["States"]["review"]
    assert review["Default"] == "Pay Out"
    (rule,) = review["Choices"]
    assert rule["Next"] == "Turned Down"
    assert rule["And"][1]["StringEquals"] == "Turned Down"
    assert any("goes on to 'Pay Out' (or 'Turned Down' when" in f.message for f in exported.findings)
