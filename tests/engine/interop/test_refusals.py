"""Every construct an importer cannot map is refused with a finding naming the state and the construct."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.interop import import_document

_END = {"Done": {"Type": "Succeed"}}


def _asl(state: dict[str, Any], **top: Any) -> str:
    return json.dumps({"StartAt": "The State", "States": {"The State": state, **_END}, **top})


ASL_REFUSALS = [
    ({"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"},
      "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "Next": "Done"}, "distributed Map"),
    ({"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"x.$": "$$.Execution.Input"},
      "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "Next": "Done"},
     "ItemSelector"),
    ({"Type": "Map", "Iterator": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "Next": "Done"},
     "Map ItemsPath '$'"),
    ({"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1, "ToleratedFailurePercentage": 5,
      "Iterator": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "Next": "Done"}, "ToleratedFailureCount"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "HeartbeatSeconds": 5, "Next": "Done"},
     "HeartbeatSeconds"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "OutputPath": "$.a", "Next": "Done"}, "OutputPath"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "ResultPath": "$.a[0]", "Next": "Done"},
     "ResultPath"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "InputPath": "$.a", "Next": "Done"},
     "InputPath without Parameters"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f",
      "Parameters": {"a.$": "States.Format('{}', $.x)"}, "Next": "Done"}, "States.Format"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "Parameters": {"a.$": "$.items[?(@.x)]"},
      "Next": "Done"}, "Parameters"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "Parameters": {"a.$": "$$.Map.Item.Value"},
      "Next": "Done"}, "$$.Map.Item.Value"),
    ({"Type": "Task", "Resource": "arn:aws:s3:::bucket", "Next": "Done"}, "Resource"),
    ({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"a": 1},
      "Next": "Done"}, ".waitForTaskToken"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "Next": "Done",
      "Retry": [{"ErrorEquals": ["A"], "MaxAttempts": 2}, {"ErrorEquals": ["B"], "MaxAttempts": 500}]},
     "at most 99 retries"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:x:1:function:f", "Next": "Done",
      "Catch": [{"ErrorEquals": ["States.Permissions"], "Next": "Done"}]}, "States.Permissions"),
    ({"Type": "Wait", "SecondsPath": "$.delay", "Next": "Done"}, "SecondsPath"),
    ({"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": "x", "Next": "Done"}], "Default": "Done"},
     "Choice rule"),
    ({"Type": "Choice", "Choices": [{"Condition": "{% $a %}", "Next": "Done"}], "Default": "Done"}, "Choice rule"),
    ({"Type": "Pass", "Result": 5, "Next": "Done"}, "ResultPath '$'"),
    ({"Type": "Pass", "Assign": {"x": 1}, "Next": "Done"}, "Pass field Assign"),
]


@pytest.mark.parametrize(("state", "construct"), ASL_REFUSALS, ids=[c for _, c in ASL_REFUSALS])
def test_asl_refusal_names_the_state_and_the_construct(state: dict[str, Any], construct: str) -> None:
    result = import_document("asl", _asl(state), "refused")
    assert result.workflow is None
    errors = [f for f in result.findings if f.severity == "error"]
    assert errors, result.findings
    assert errors[0].code == "unsupported-construct"
    assert errors[0].states == ("The State",)
    assert construct in errors[0].message
    assert "'The State'" in errors[0].message
    assert errors[0].pointer.startswith("/States/The State")


@pytest.mark.parametrize("key", ["TimeoutSeconds", "QueryLanguage"])
def test_asl_machine_level_fields_without_counterpart_are_refused(key: str) -> None:
    result = import_document("asl", _asl({"Type": "Pass", "Next": "Done"}, **{key: 5}), "refused")
    assert result.workflow is None
    assert result.findings[0].pointer == f"/{key}"


def test_asl_query_language_jsonpath_is_what_asl_assumes_and_imports() -> None:
    """Workflow Studio writes `"QueryLanguage": "JSONPath"` at the top (and may on a state): the default said
    aloud, which used to be refused as JSONata would be."""
    document = json.loads(_asl({"Type": "Pass", "QueryLanguage": "JSONPath", "Next": "Done"},
                               QueryLanguage="JSONPath"))
    result = import_document("asl", json.dumps(document), "studio")
    assert result.ok, result.findings
    jsonata = import_document("asl", _asl({"Type": "Pass", "Next": "Done"}, QueryLanguage="JSONata"), "x")
    assert jsonata.workflow is None
    assert jsonata.findings[0].pointer == "/QueryLanguage"


@pytest.mark.parametrize(("fmt", "text", "at"), [
    ("asl", '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Fail"}}}', "/States/A"),
    ("xstate", '{"initial": "a", "states": {"a": {"on": {"GO": "b", "GO": "a"}}, "b": {"type": "final"}}}',
     "/states/a/on/GO"),
])
def test_a_key_twice_in_one_object_is_unreadable_not_silently_the_last(fmt: str, text: str, at: str) -> None:
    """`{"A": …, "A": …}`: JSON parsers keep one of the two; the import used to keep the last state named A
    and drop the first without a word."""
    result = import_document(fmt, text, "twice")
    assert result.workflow is None
    (finding,) = result.findings
    assert finding.code == "invalid-document"
    assert finding.pointer == at
    assert "appears twice" in finding.message


def test_asl_that_is_not_json_is_unreadable() -> None:
    result = import_document("asl", "{nope", "x")
    assert result.workflow is None
    assert result.findings[0].code == "invalid-document"
    assert result.findings[0].line == 1


SCXML = """<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a">{body}</scxml>"""
SCXML_REFUSALS = [
    ('<state id="a"><state id="inner"/><transition event="go" target="b"/></state><final id="b"/>', "compound state"),
    ('<state id="a"><history id="h"/><transition event="go" target="b"/></state><final id="b"/>', "<history>"),
    ('<state id="a"><onentry><send event="x"/></onentry><transition event="x" target="b"/></state><final id="b"/>',
     "<send> in <onentry>"),
    ('<state id="a"><transition event="go" target="b"><script>x()</script></transition></state><final id="b"/>',
     "<script> in a transition"),
    ('<state id="a"><transition event="go" target="b" cond="x === 1"/></state><final id="b"/>', "cond"),
    ('<state id="a"><transition event="go" target="b" cond="In(\'c\')"/></state><final id="b"/>', "In()"),
    ('<state id="a"><transition event="go" target="b"/><transition event="stop" target="b"/></state>'
     '<final id="b"/>', "several events"),
    ('<state id="a"><onexit><raise event="x"/></onexit><transition target="b"/></state><final id="b"/>', "<onexit>"),
    ('<state id="a"><transition event="go" target="b c"/></state><final id="b"/><final id="c"/>', "transition"),
    # two states of one id: the second used to replace the first without a word
    ('<state id="a"><transition event="go" target="b"/></state><state id="a"><transition event="stop" target="b"/>'
     '</state><final id="b"/>', "id 'a' on two states"),
]


@pytest.mark.parametrize(("body", "construct"), SCXML_REFUSALS, ids=[c for _, c in SCXML_REFUSALS])
def test_scxml_refusal_names_the_state_and_the_construct(body: str, construct: str) -> None:
    result = import_document("scxml", SCXML.format(body=body), "refused")
    assert result.workflow is None
    (finding,) = result.findings
    assert finding.code == "unsupported-construct"
    assert finding.states == ("a",)
    assert construct in finding.message


def test_scxml_with_a_doctype_or_bad_xml_is_unreadable() -> None:
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><scxml xmlns="http://www.w3.org/2005/07/scxml"/>'
    assert import_document("scxml", doctype, "x").findings[0].code == "invalid-document"
    broken = import_document("scxml", "<scxml", "x").findings[0]
    assert broken.code == "invalid-document"
    assert broken.line == 1


XSTATE_REFUSALS = [
    ({"initial": "a", "states": {"a": {"initial": "x", "states": {"x": {}}}}}, "compound state"),
    ({"initial": "a", "states": {"a": {"on": {"GO": "b"}}, "b": {"type": "history"}}}, "history"),
    ({"initial": "a", "states": {"a": {"entry": ["log"], "on": {"GO": "b"}}, "b": {"type": "final"}}}, "entry"),
    ({"initial": "a", "states": {"a": {"on": {"GO": {"target": "b", "guard": "isOk"}}}, "b": {"type": "final"}}},
     "guard 'isOk'"),
    ({"initial": "a", "states": {"a": {"on": {"GO": {"target": "b", "actions": ["notify"]}}},
                                 "b": {"type": "final"}}}, "action 'notify'"),
    ({"initial": "a", "states": {"a": {"on": {"GO": "b", "STOP": "b"}}, "b": {"type": "final"}}}, "several events"),
    # XState v4's guard and state-in guard: once dropped without a word, leaving the transition unguarded
    ({"initial": "a", "states": {"a": {"on": {"GO": {"target": "b", "cond": "isOk"}}}, "b": {"type": "final"}}},
     "transition field 'cond'"),
    ({"initial": "a", "states": {"a": {"always": [{"target": "b", "in": "#m.c"}]}, "b": {"type": "final"}}},
     "transition field 'in'"),
]


@pytest.mark.parametrize(("config", "construct"), XSTATE_REFUSALS, ids=[c for _, c in XSTATE_REFUSALS])
def test_xstate_refusal_names_the_state_and_the_construct(config: dict[str, Any], construct: str) -> None:
    result = import_document("xstate", json.dumps(config), "refused")
    assert result.workflow is None
    (finding,) = result.findings
    assert finding.code == "unsupported-construct"
    assert construct in finding.message
    assert finding.states in (("a",), ("b",))


@pytest.mark.parametrize(("root", "at", "construct"), [
    ({"type": "parallel"}, "/type", "a parallel machine"),
    ({"entry": ["init"]}, "/entry", "the machine's 'entry'"),
    ({"invoke": {"src": "poll"}}, "/invoke", "the machine's 'invoke'"),
])
def test_xstate_machine_level_behaviour_is_refused_not_dropped(root: dict[str, Any], at: str, construct: str) -> None:
    """The machine's own keys were never read but for id, initial, states, on and meta: a root `type: parallel`
    (its regions run at once) came in as a flat machine, root entry actions and invokes vanished."""
    config = {"id": "m", "initial": "a", "states": {"a": {"on": {"GO": "b"}}, "b": {"type": "final"}}, **root}
    result = import_document("xstate", json.dumps(config), "refused")
    assert result.workflow is None
    (finding,) = result.findings
    assert (finding.code, finding.pointer) == ("unsupported-construct", at)
    assert construct in finding.message


def test_xstate_context_values_are_said_to_be_dropped_and_their_keys_kept() -> None:
    config = {"id": "m", "context": {"count": 0}, "types": {}, "initial": "a",
              "states": {"a": {"on": {"GO": "b"}}, "b": {"type": "final"}}}
    result = import_document("xstate", json.dumps(config), "counted")
    assert result.ok, result.findings
    assert result.workflow is not None
    assert [(f.code, f.pointer) for f in result.findings] == [("approximated", "/context")]
    assert list(result.workflow.context["properties"]) == ["count"]


def test_scxml_code_beside_the_states_is_refused_and_initial_data_said_to_be_dropped() -> None:
    """Children of <scxml> other than states were never read: a <script> that runs when the machine starts went
    without a word, and so did each <data>'s initial value."""
    script = SCXML.format(body='<script>count = count + 1</script><state id="a"><transition event="go" target="b"/>'
                               '</state><final id="b"/>')
    refused = import_document("scxml", script, "refused")
    assert refused.workflow is None
    (finding,) = refused.findings
    assert (finding.code, finding.pointer) == ("unsupported-construct", "/script")
    valued = SCXML.format(body='<datamodel><data id="count" expr="5"/><data id="name"/></datamodel>'
                               '<state id="a"><transition event="go" target="b"/></state><final id="b"/>')
    result = import_document("scxml", valued, "valued")
    assert result.ok, result.findings
    assert [(f.code, f.pointer) for f in result.findings] == [("approximated", "/datamodel/data/count")]
