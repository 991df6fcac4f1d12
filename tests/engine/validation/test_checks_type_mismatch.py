"""`type-mismatch`: a comparison of a context value with a constant its declared type cannot be compared with —
reported exactly where CEL (the engine's own evaluator) fails on it, or can never find the two equal."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.definition.expressions import ExpressionError, evaluate
from engine.validation.loader import load_workflow

# route → review when the guard holds, else approved; the context declares `x` (replaced per test) and `vendor`.
FLOW: dict[str, Any] = {
    "id": "typed_guard",
    "title": "Typed guard",
    "context": {"type": "object", "properties": {
        "x": {"type": "integer"},
        "vendor": {"type": "object", "properties": {"name": {"type": "string"}, "risk_score": {"type": "integer"}}},
    }},
    "initial": "route",
    "states": {
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT48H"},
        "approved": {"type": "final", "outcome": "success"},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "route", "dest": "review", "guard": "true", "priority": 1},
        {"source": "route", "dest": "approved"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "rejected"},
        {"source": "review", "trigger": "timeout", "dest": "rejected"},
    ],
}


def flow(guard: str, x: dict[str, Any] | None = None) -> dict[str, Any]:
    document = copy.deepcopy(FLOW)
    document["transitions"][0]["guard"] = guard
    if x is not None:
        document["context"]["properties"]["x"] = x
    return document


def mismatches(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer, message) of each type-mismatch finding; any other finding fails the test."""
    findings = load_workflow(document).findings
    assert {f.code for f in findings} <= {"type-mismatch"}, [str(f) for f in findings]
    assert all(f.severity == "warning" for f in findings)
    return [(f.pointer, f.message) for f in findings]


def test_the_testers_guard_is_reported_in_words_an_analyst_reads() -> None:
    ((pointer, message),) = mismatches(flow("vendor.risk_score >= 'high'"))
    assert pointer == "/transitions/0/guard"
    assert message == (
        "The guard of transition 1 (route → review automatically) compares vendor.risk_score, a whole number in the "
        "context schema, with the text 'high': they cannot be compared, so the guard fails every time it is checked "
        "and the transition is never taken. Compare it with a whole number, or correct its type in the context "
        "schema.")


# Values of each JSON type a context may hold at `x` — among them every constant below a value of that type can
# equal — and constants of every CEL type a guard may compare it with.
SAMPLES: dict[str, list[Any]] = {
    "integer": [70, 7, 0, -1],
    "number": [70, 7, 0.5, 70.0, -1.0],
    "string": ["high", "a", "70", "true"],
    "boolean": [True, False],
    "null": [None],
    "object": [{"a": 1}],
    "array": [[1], ["high"]],
}
CONSTANTS = ["'high'", "'a'", "70", "7u", "70.0", "-1", "true", "b'a'"]


def _never_works(op: str, constant: str, values: list[Any]) -> bool:
    """What CEL itself says: the comparison fails for every value (`<` ...), or is never true (`==`), or always
    true (`!=`)."""
    outcomes = []
    for value in values:
        try:
            outcomes.append(evaluate(f"x {op} {constant}", {"x": value}))
        except ExpressionError:
            outcomes.append("error")
    if op in ("==", "!="):
        return outcomes == [op == "!="] * len(values)
    return outcomes == ["error"] * len(values)


@pytest.mark.parametrize("op", [">=", "<", "==", "!="])
@pytest.mark.parametrize("declared", sorted(SAMPLES))
def test_reported_exactly_where_cel_cannot_compare(declared: str, op: str) -> None:
    for constant in CONSTANTS:
        reported = bool(mismatches(flow(f"x {op} {constant}", {"type": declared})))
        assert reported == _never_works(op, constant, SAMPLES[declared]), (declared, op, constant)


def test_numbers_compare_across_their_types_and_nothing_else() -> None:
    assert mismatches(flow("vendor.risk_score >= 70.5 && vendor.risk_score != 3u")) == []
    assert mismatches(flow("x < 1.5", {"type": "number"})) == []
    assert len(mismatches(flow("vendor.risk_score >= '70'"))) == 1  # a number written as text is text


def test_the_constant_may_come_first() -> None:
    ((_, message),) = mismatches(flow("'high' <= context.vendor.risk_score"))
    assert "compares vendor.risk_score, a whole number in the context schema, with the text 'high'" in message


def test_a_type_from_enum_or_const_and_a_list_of_types() -> None:
    ((_, message),) = mismatches(flow("x == 1", {"enum": ["free", "growth", "enterprise"]}))
    assert "x, a text in the context schema, with the number 1" in message
    assert "never equal in CEL, so the comparison is always false and the transition is never taken" in message
    assert mismatches(flow("x == 'pro'", {"const": "pro"})) == []
    ((_, message),) = mismatches(flow("x > 'a'", {"type": ["integer", "null"]}))
    assert "x, a whole number or null in the context schema" in message


def test_null_is_a_presence_test_not_a_mismatch() -> None:
    assert mismatches(flow("x != null && x == null")) == []
    assert len(mismatches(flow("x != null && x == 'null'"))) == 1


def test_membership_in_a_list_of_constants() -> None:
    ((_, message),) = mismatches(flow("x in ['low', 'high']"))
    assert "checks whether x, a whole number in the context schema, is one of 'low' and 'high'" in message
    assert mismatches(flow("x in ['low', 70]")) == []
    assert mismatches(flow("x in [vendor.risk_score, 'high']")) == []  # not a list of constants: not read


def test_the_words_say_what_the_comparison_does_to_the_expression() -> None:
    ((_, message),) = mismatches(flow("vendor.name != '' && vendor.risk_score > 'b'"))
    assert "the comparison fails every time it is evaluated and the transition is never taken" in message
    ((_, message),) = mismatches(flow("vendor.name == 'x' || vendor.risk_score > 'b'"))
    assert "the comparison fails every time it is evaluated." in message  # the other side may still hold
    ((_, message),) = mismatches(flow("vendor.name != 1"))
    assert "so the comparison is always true" in message


def test_every_expression_is_read_not_only_guards() -> None:
    document = flow("true")
    document["transitions"][2]["assign"] = {"guard": "vendor.risk_score > 'b' ? 'yes' : 'no'"}
    document["states"]["approved"]["result"] = {"risky": "vendor.risk_score >= 'high'"}
    document["policies"] = [{"id": "big", "condition": "x > 'big'", "outcome": "deny",
                           "reason": "Too big."}]
    found = mismatches(document)
    assert [pointer for pointer, _ in found] == [
        "/policies/0/condition", "/states/approved/result/risky", "/transitions/2/assign/guard"]
    assert "The result 'risky' of 'approved' compares vendor.risk_score" in found[1][1]
    assert "fails every time it is evaluated" in found[1][1]
    assert "The assignment to 'guard' in transition 3" in found[2][1]
    assert "transition is never taken" not in found[2][1]  # an assignment named `guard` is no guard


def test_paths_through_lists_follow_items() -> None:
    x = {"type": "array", "items": {"type": "object", "properties": {"score": {"type": "number"}}}}
    ((_, message),) = mismatches(flow("x[0].score > 'high'", x))
    assert "compares x[0].score, a number in the context schema" in message
    assert mismatches(flow("x[0].score > 0.5", x)) == []


def test_a_local_ref_is_followed() -> None:
    document = flow("x.level >= 'high'", {"$ref": "#/$defs/risk"})
    document["context"]["$defs"] = {"risk": {"type": "object", "properties": {"level": {"type": "integer"}}}}
    assert len(mismatches(document)) == 1


def test_what_is_not_a_context_value_is_not_read() -> None:
    # a macro's variable, an undeclared type, an uncompilable expression
    assert mismatches(flow("[1, 2].exists(x, x > 1) && vendor.risk_score > 1")) == []
    ((_, message),) = mismatches(flow("['a'].exists(x, x == 'a') && x == 'a'"))  # the context's x, outside
    assert "compares x, a whole number" in message
    assert mismatches(flow("x > 'a'", {"description": "anything"})) == []
    assert mismatches(flow("x > 'a'", {"anyOf": [{"type": "integer"}, {"type": "string"}]})) == []
    findings = load_workflow(flow("x > 'a' &&")).findings
    assert [f.code for f in findings] == ["guard-syntax"]


def test_a_start_trigger_reads_only_the_event() -> None:
    document = flow("x > 'a'")
    document["starts_on"] = [{"event": "vendor_added", "condition": "event.x > 'a'",
                              "context": {"x": "event.x"}}]
    assert [pointer for pointer, _ in mismatches(document)] == ["/transitions/0/guard"]
