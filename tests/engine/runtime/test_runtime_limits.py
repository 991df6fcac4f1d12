"""Input limits (docs/runtime.md#limits): CEL cost bounded before evaluation, JSON depth and size refused
before anything is written, and data stored before the limits existed still readable."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from runtime_support import edge, final, workflow
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.definition.expression_cost import MAX_COST, runtime_cost, static_problem
from engine.definition.expressions import ExpressionTooCostly, evaluate
from engine.errors import InvalidDefinition, InvalidInput
from engine.json_limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, measure_json
from engine.runtime.engine import Engine

CUBIC = "size(L.map(a, L.map(b, L.map(c, a + b + c)))) > 0".replace(
    "L", "[" + ", ".join(str(i) for i in range(70)) + "]")

ROUTE = workflow(
    {"route": {"type": "choice"}, "many": final(), "few": final("failure")},
    [edge("route", "many", guard="items.map(x, x + 1).size() > 3", priority=1), edge("route", "few")],
    id="route_items",
    context={"type": "object", "properties": {"items": {"type": "array"}}},
)
REVIEW = workflow(
    {"review": {"type": "approval", "approvers": {"roles": ["boss"]}, "timeout": "PT1H"},
     "ok": final(), "no": final("failure")},
    [edge("review", "ok", "approve"), edge("review", "no", "reject"), edge("review", "no", "timeout"),
     edge("review", "review", "note")],
    id="review_flow",
)


def nested(levels: int) -> dict[str, Any]:
    """A dict `levels` deep: {"a": {"a": ... {}}}."""
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


# --- expression cost ----------------------------------------------------------------------------------

def test_a_cubic_guard_is_a_validation_error_and_is_never_deployed(engine: Engine) -> None:
    assert static_problem(CUBIC) is not None
    flow = ROUTE.model_dump(mode="json", exclude_none=True)
    flow["transitions"][0]["guard"] = CUBIC
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(flow)
    (finding,) = [f for f in refused.value.findings if f.code == "expression-too-costly"]
    assert finding.pointer == "/transitions/0/guard"
    assert "nests 3 comprehensions" in finding.message


def test_evaluation_refuses_an_expression_too_costly_for_its_values_without_running_it() -> None:
    assert evaluate("xs.map(x, x + 1).size()", {"xs": list(range(100))}) == 100
    with pytest.raises(ExpressionTooCostly) as refused:
        evaluate("xs.map(x, x + 1).size()", {"xs": list(range(50_000))})  # ~200 s if it ran
    assert refused.value.message.startswith("expression-too-costly")
    assert runtime_cost("xs.all(a, ys.exists(b, a == b))", {"xs": [1] * 100, "ys": [1] * 300}) == 100 * 301
    assert runtime_cost("lead.score >= 70", {"lead": {"score": 1}}) == 0
    assert runtime_cost("(xs + ys).filter(x, x > 1)", {"xs": [1] * 600, "ys": [1] * 600}) > MAX_COST


def test_a_guard_over_a_huge_context_list_is_refused_and_the_instance_takes_the_default(engine: Engine) -> None:
    engine.deploy(ROUTE)
    small = engine.start("route_items", {"items": [1, 2, 3, 4]})
    assert engine.get(small.id).state == "many"
    huge = engine.start("route_items", {"items": list(range(20_000))})  # a map over it: minutes
    assert engine.get(huge.id).state == "few"
    (gate,) = [h for h in engine.history(huge.id) if h.guards]
    assert gate.guards[0]["value"] is False
    assert gate.guards[0]["error"].startswith("expression-too-costly")


# --- JSON depth and size ------------------------------------------------------------------------------

def test_measuring_is_iterative_and_names_the_deepest_point() -> None:
    found = measure_json(nested(100_000))  # far past the recursion limit
    assert found.depth == 100_000
    assert found.pointer().startswith("/a/a/a")
    assert measure_json({"a": [1, {"b": "xy"}]}).depth == 3


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 500, 10_000])
def test_deep_context_and_payloads_are_refused_before_anything_is_written(engine: Engine, levels: int) -> None:
    engine.deploy(REVIEW)
    with pytest.raises(InvalidInput, match=f"nested more than {MAX_JSON_DEPTH} levels deep"):
        engine.start("review_flow", {"deep": nested(levels)})
    assert engine.list_instances(workflow_id="review_flow") == []
    started = engine.start("review_flow", {"deep": nested(MAX_JSON_DEPTH - 1)})  # the limit, with the context
    with pytest.raises(InvalidInput, match="the payload"):
        engine.send(started.id, "note", {"deep": nested(levels)})
    with pytest.raises(InvalidInput, match="the payload"):
        engine.publish("anything", nested(levels))
    assert len(engine.history(started.id)) == 1


def test_large_context_and_deep_definitions_are_refused(engine: Engine) -> None:
    engine.deploy(REVIEW)
    with pytest.raises(InvalidInput, match="more than the 1,048,576 allowed"):
        engine.start("review_flow", {"blob": "x" * MAX_JSON_BYTES})
    flow = REVIEW.model_dump(mode="json", exclude_none=True)
    flow["context"] = nested(200)
    with pytest.raises(InvalidInput, match="the definition is nested"):
        engine.deploy(flow)


def test_show_and_history_print_deep_data_stored_before_the_limits(engine: Engine, database_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An instance with a context 500 levels deep, as the engine used to accept: the CLI prints it."""
    monkeypatch.setattr("engine.runtime.engine.check_json", lambda *args, **kwargs: None)
    engine.deploy(REVIEW)
    started = engine.start("review_flow", {"deep": nested(500)})
    runner = CliRunner()
    for command in ("show", "history"):
        result = runner.invoke(build_app(), [command, started.id, "--db", database_url, "--format", "json"])
        assert result.exit_code == 0, result.output
        printed = json.loads(result.stdout)
        record = printed if command == "show" else printed[0]["context_change"]["set"]
        assert measure_json(record["context"]["deep"] if command == "show" else record["deep"]).depth == 500


NOT_JSON = [
    ({"x": float("nan")}, "/x, nan is not a JSON number"),
    ({"when": {"at": datetime(2030, 1, 1, tzinfo=UTC)}}, "/when/at, a datetime is not a JSON value"),
    ({"amount": Decimal("1.50")}, "/amount, a Decimal is not a JSON value"),
    ({"tags": [1, {2, 3}]}, "/tags/1, a set is not a JSON value"),
    ({"pair": {(1, 2): "x"}}, "/pair, the key (1, 2) is not a string"),
    ({"name": "Ann\ud800"}, "/name, a string holds a lone surrogate"),
    ({"handle": object()}, "/handle, an object is not a JSON value"),
]


@pytest.mark.parametrize(("value", "where"), NOT_JSON, ids=["nan", "datetime", "decimal", "set", "tuple-key",
                                                            "surrogate", "object"])
def test_a_value_json_cannot_hold_is_refused_by_every_command_naming_where(engine: Engine, value: Any,
                                                                          where: str) -> None:
    """A host passing request data straight through (a datetime, a Decimal, text with a lone surrogate from a
    bad client) gets `InvalidInput` naming the pointer — never the encoder's TypeError or the database's
    UnicodeEncodeError — and nothing is written."""
    engine.deploy(REVIEW)
    started = engine.start("review_flow", {})
    with pytest.raises(InvalidInput, match=re.escape(f"the context is not JSON: at {where}")):
        engine.start("review_flow", value)
    with pytest.raises(InvalidInput, match=re.escape(f"the payload is not JSON: at {where}")):
        engine.send(started.id, "note", value)
    with pytest.raises(InvalidInput, match=re.escape(where)):
        engine.publish("anything", value)
    with pytest.raises(InvalidInput):
        engine.memory.set("k", value)
    assert len(engine.history(started.id)) == 1
    assert engine.count_instances(workflow_id="review_flow") == 1


def test_a_comment_with_a_lone_surrogate_is_refused_and_the_approval_stays_open(engine: Engine) -> None:
    engine.deploy(REVIEW)
    started = engine.start("review_flow", {})
    with pytest.raises(InvalidInput, match="the comment is not JSON: at /, a string holds a lone surrogate"):
        engine.approve(started.id, actor="ann", roles=["boss"], comment="ok \ud83d")
    assert engine.approve(started.id, actor="ann", roles=["boss"], comment="ok \U0001f44d").state == "ok"
