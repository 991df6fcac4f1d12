"""`unknown-field`: an expression reads a field the context schema does not declare, where the schema is all there
is to know about the object — never where the flow itself puts something there, nor where a `has()` probes it."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from engine.validation.loader import load_workflow

VENDOR: dict[str, Any] = {"type": "object", "properties": {
    "name": {"type": "string"},
    "risk_score": {"type": "integer"},
    "contacts": {"type": "array", "items": {"type": "object", "properties": {"email": {"type": "string"}}}},
}}

# check (a task) → route → review when the guard holds, else approved.
FLOW: dict[str, Any] = {
    "id": "vendor_fields",
    "title": "Vendor fields",
    "context": {"type": "object", "properties": {"vendor": VENDOR, "note": {"type": "string"}}},
    "initial": "check",
    "states": {
        "check": {"type": "task", "action": "check_vendor", "input": {"name": "vendor.name"}, "output": "checked"},
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT48H"},
        "approved": {"type": "final", "outcome": "success"},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "route"},
        {"source": "check", "trigger": "error", "dest": "rejected"},
        {"source": "route", "dest": "review", "guard": "true", "priority": 1},
        {"source": "route", "dest": "approved"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "rejected"},
        {"source": "review", "trigger": "timeout", "dest": "rejected"},
    ],
}


def flow(guard: str, vendor: dict[str, Any] | None = None) -> dict[str, Any]:
    document = copy.deepcopy(FLOW)
    document["transitions"][2]["guard"] = guard
    if vendor is not None:
        document["context"]["properties"]["vendor"] = vendor
    return document


def unknown(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer, message) of each unknown-field finding; any other finding fails the test."""
    findings = load_workflow(document).findings
    assert {f.code for f in findings} <= {"unknown-field"}, [str(f) for f in findings]
    assert all(f.severity == "warning" for f in findings)
    return [(f.pointer, f.message) for f in findings]


def test_the_testers_misspelt_field_is_reported_with_the_closest_name() -> None:
    ((pointer, message),) = unknown(flow("vendor.riskscore >= 70"))
    assert pointer == "/transitions/2/guard"
    assert message == (
        "The guard of transition 3 (route → review automatically) reads vendor.riskscore, but the context schema "
        "declares no field 'riskscore' in vendor — did you mean risk_score? Nothing in the flow sets it, so unless "
        "the start context brings it, the guard fails at run time and counts as not holding. Correct the name, or "
        "declare the field in the context schema.")


def test_without_a_close_name_the_declared_fields_are_listed() -> None:
    ((_, message),) = unknown(flow("vendor.country == 'NL'"))
    assert "declares no field 'country' in vendor (it declares name, risk_score and contacts)." in message


def test_declared_fields_and_context_prefixed_paths() -> None:
    assert unknown(flow("vendor.risk_score >= 70 && context.vendor.name != ''")) == []
    assert [p for p, _ in unknown(flow("context.vendor.riskscore >= 70"))] == ["/transitions/2/guard"]


def test_a_has_test_probes_a_field_without_a_finding() -> None:
    assert unknown(flow("has(vendor.rating)")) == []
    assert unknown(flow("has(vendor.rating) && vendor.rating > 3")) == []
    assert unknown(flow("has(context.vendor.rating.stars) ? vendor.rating.stars > 3 : false")) == []
    assert unknown(flow("'rating' in vendor && vendor.rating > 3")) == []
    assert len(unknown(flow("has(vendor.name) && vendor.rating > 3"))) == 1  # another field's test


@pytest.mark.parametrize(
    ("where", "writes"),
    [
        ("the task's output", {"output": "vendor"}),
        ("the task's output, deeper", {"output": "vendor.rating.stars"}),
        ("an assignment", {"assign": "vendor.rating"}),
        ("an assignment of the whole object", {"assign": "vendor"}),
        ("a start trigger", {"start": "vendor"}),
    ],
)
def test_nothing_is_reported_where_the_flow_writes(where: str, writes: dict[str, str]) -> None:
    document = flow("vendor.rating > 3")
    assert len(unknown(document)) == 1
    if "output" in writes:
        document["states"]["check"]["output"] = writes["output"]
    if "assign" in writes:
        document["transitions"][0]["assign"] = {writes["assign"]: "event"}
    if "start" in writes:
        document["starts_on"] = [{"event": "vendor_added", "context": {writes["start"]: "event.vendor"}}]
    assert unknown(document) == [], where


def test_a_write_beside_the_field_does_not_hide_it() -> None:
    document = flow("vendor.rating > 3")
    document["transitions"][0]["assign"] = {"vendor.rated_at": "now"}
    assert len(unknown(document)) == 1


@pytest.mark.parametrize(
    "open_object",
    [
        {"additionalProperties": True},
        {"additionalProperties": {"type": "number"}},
        {"patternProperties": {"^x_": {}}},
        {"allOf": [{"properties": {"rating": {"type": "number"}}}]},
        {"unevaluatedProperties": True},
    ],
)
def test_an_object_that_lets_other_fields_in_is_not_checked(open_object: dict[str, Any]) -> None:
    assert len(unknown(flow("vendor.rating > 3", VENDOR))) == 1
    assert unknown(flow("vendor.rating > 3", {**VENDOR, **open_object})) == []


def test_an_object_the_schema_closes_or_lists_is_checked() -> None:
    assert len(unknown(flow("vendor.rating > 3", {**VENDOR, "additionalProperties": False}))) == 1
    assert unknown(flow("vendor.rating > 3", {"type": "object"})) == []  # no field listed
    assert unknown(flow("vendor.rating > 3", {"type": "object", "properties": {}})) == []


def test_paths_through_lists_and_macro_variables() -> None:
    ((_, message),) = unknown(flow("vendor.contacts[0].emial != ''"))
    assert "reads vendor.contacts[0].emial, but the context schema declares no field 'emial' in " \
           "vendor.contacts[0] — did you mean email?" in message
    assert unknown(flow("vendor.contacts[0].email != ''")) == []
    assert unknown(flow("vendor.contacts.exists(c, c.emial == 'x')")) == []  # a macro's variable: not read


def test_a_local_ref_is_followed_and_a_recursive_one_ends() -> None:
    document = flow("vendor.riskscore > 1", {"$ref": "#/$defs/vendor"})
    document["context"]["$defs"] = {"vendor": VENDOR}
    assert len(unknown(document)) == 1
    node = {"type": "object", "properties": {
        "name": {"type": "string"}, **{f"child{i}": {"$ref": "#/$defs/node"} for i in range(6)}}}
    document = flow("vendor.child0.child5.child2.nmae != ''", {"$ref": "#/$defs/node"})
    document["context"]["$defs"] = {"node": node}
    ((_, message),) = unknown(document)
    assert "declares no field 'nmae' in vendor.child0.child5.child2 — did you mean name?" in message


def test_one_finding_per_field_and_expression() -> None:
    found = unknown(flow("vendor.rating.stars > 3 || vendor.rating.count > 10 || vendor.ratng > 0"))
    assert [re.search(r"reads (\S+), but", m).group(1) for _, m in found] == ["vendor.rating", "vendor.ratng"]


def test_other_expressions_are_read_too_in_their_own_words() -> None:
    document = flow("true")
    document["states"]["review"]["request"] = {"score": "vendor.riskscore"}
    ((pointer, message),) = unknown(document)
    assert pointer == "/states/review/request/score"
    assert "The request entry 'score' of 'review' reads vendor.riskscore" in message
    assert "unless the start context brings it, reading it fails at run time." in message


def test_what_another_check_reports_is_left_to_it() -> None:
    findings = load_workflow(flow("vendr.risk_score > 1 || vendor.riskscore > 1")).findings
    assert sorted(f.code for f in findings) == ["unknown-field", "unknown-variable"]  # vendr: a top-level name
    findings = load_workflow(flow("vendor.riskscore > 1 &&")).findings  # does not compile
    assert [f.code for f in findings] == ["guard-syntax"]


def test_a_map_items_expressions_read_the_items_context() -> None:
    document = flow("true")
    document["states"]["check"] = {
        "type": "map", "items": "vendor.contcts", "item_key": "contact", "output": "checked",
        "input": {"email": "contact.emial", "vendor": "vendor.name"},
        "iterator": {"initial": "mail", "states": {
            "mail": {"type": "task", "action": "mail_contact", "input": {"to": "vendor.emial"}},
            "sent": {"type": "final", "outcome": "success", "result": {"sent": "true"}},
            "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "mail", "trigger": "done", "dest": "sent"},
                            {"source": "mail", "trigger": "error", "dest": "failed"}]},
    }
    assert [pointer for pointer, _ in unknown(document)] == ["/states/check/items"]  # its items, not its item
