"""The cost limit counts what values cost, not only how many elements comprehensions run over
(docs/runtime.md#limits): a concatenation copies its operands, a result converts what it holds, a search reads
its text. A definition that multiplies the values it reads is refused by validation, whatever the data; an
evaluation over values too large for its expression is refused before it runs."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest

from engine.definition import expression_cost
from engine.definition.expression_cost import (
    MAX_COST,
    MAX_VALUE_SIZE,
    runtime_cost,
    runtime_problem,
    static_problem,
)
from engine.definition.expressions import ExpressionTooCostly, evaluate
from engine.json_limits import MAX_JSON_BYTES
from engine.validation.loader import load_workflow

DEFINITIONS = Path(__file__).parents[3] / "definitions"
CHAIN = "size(" + "+".join(["s"] * 1000) + ") > 0"  # 2,009 characters: under the 4,000-character limit

COSTLY: dict[str, Any] = {
    "id": "costly", "title": "Costly",
    "context": {"type": "object", "properties": {"s": {"type": "string"}}, "required": ["s"]},
    "initial": "c",
    "states": {"c": {"type": "choice"}, "a": {"type": "final"}, "b": {"type": "final"}},
    "transitions": [{"source": "c", "dest": "a", "guard": CHAIN, "priority": 1}, {"source": "c", "dest": "b"}],
}


def costly_findings(document: dict[str, Any]) -> list[Any]:
    return [f for f in load_workflow(document).findings if f.code == "expression-too-costly"]


# --- validation -------------------------------------------------------------------------------------------------

def test_a_guard_concatenating_a_value_1000_times_is_refused_naming_where_and_why() -> None:
    """The QA report: 1,000 `s+s+…` took 27.8 s over a 100 KB text (and holds the GIL); it passed validation."""
    (finding,) = costly_findings(COSTLY)
    assert finding.pointer == "/transitions/0/guard"
    assert finding.message == (
        "The guard of transition 1 (c → a automatically) is too costly to evaluate: it concatenates 1,000 values "
        "with '+', building a text or list of up to 1,000 times the size of a value it reads; with values as "
        "large as a context may hold (1,048,576 characters), that is an estimated 524,911,339 steps, over the "
        "limit of 200,000.")
    assert load_workflow(COSTLY).model is None  # an error: not deployed, published or simulated


@pytest.mark.parametrize("field", ["assign", "input", "result"])
def test_a_data_mapping_concatenating_a_value_many_times_is_refused_too(field: str) -> None:
    document = copy.deepcopy(COSTLY)
    built = "+".join(["s"] * 100)
    if field == "assign":
        document["transitions"][1]["assign"] = {"t": built}
        pointer = "/transitions/1/assign/t"
    elif field == "input":
        document["states"]["a"] = {"type": "task", "action": "act", "input": {"t": built}}
        document["states"]["d"] = {"type": "final"}
        document["transitions"] += [{"source": "a", "trigger": "done", "dest": "d"},
                                    {"source": "a", "trigger": "error", "dest": "d"}]
        pointer = "/states/a/input/t"
    else:
        document["states"]["a"]["result"] = {"t": built}
        pointer = "/states/a/result/t"
    document["transitions"][0]["guard"] = "size(s) > 1"
    (finding,) = costly_findings(document)
    assert finding.pointer == pointer
    assert "it concatenates 100 values with '+'" in finding.message


@pytest.mark.parametrize("source", [
    "'New inbound inquiry via ' + source + ': ' + raw_message",
    "subject + ' - ' + description",
    "first + ' ' + last + ' <' + email + '>'",
    "has(context.decision) ? 'declined by ' + context.decision.actor : 'no decision'",
    "{'summary': 'failed: ' + event.message, 'tags': tags + [event.kind], 'who': [owner, reviewer]}",
    "items + [item]",
    "a + b + c + d > 10",
    "lead.email.matches('^[^@]+@[^@]+$') && !lead.email.contains('example.com')",
    "items.all(i, i.name + ' ' + i.kind != customer)",
    "size(" + " + ".join(["p" + str(i) for i in range(10)]) + ") < 5000",  # ten fields in one text
])
def test_ordinary_concatenations_searches_and_results_stay_valid(source: str) -> None:
    assert static_problem(source) is None


def test_the_refusal_follows_the_size_a_chain_can_build() -> None:
    """With values as large as a context may hold, `+` builds 2, 3, … n times it: about n²/2 MiB copied."""
    assert static_problem("+".join(["s"] * 15)) is None  # about 63 ms at worst
    assert static_problem("+".join(["s"] * 30)) is not None  # about a quarter of a second at worst
    assert MAX_VALUE_SIZE == MAX_JSON_BYTES


def test_a_result_repeating_a_value_is_refused() -> None:
    """`[s, s, …]` costs nothing to build but converts every copy: 300 times 1 MiB of text to hand back."""
    problem = static_problem("[" + ", ".join(["s"] * 300) + "]")
    assert problem is not None
    assert problem.startswith("its result holds values it reads more than once")
    assert static_problem("{'a': s, 'b': t, 'c': [u, v]}") is None  # each value once: as it came in


def test_a_text_searched_many_times_is_refused() -> None:
    problem = static_problem(" || ".join(f"note.contains(k{i})" for i in range(60)))
    assert problem is not None
    assert problem.startswith("it searches or compares the values it reads many times over")


def test_every_shipped_workflow_stays_valid() -> None:
    files = sorted((DEFINITIONS / "workflows").glob("*.json"))
    assert files
    for path in files:
        assert [f for f in load_workflow(path).findings if f.code == "expression-too-costly"] == [], path


# --- evaluation ---------------------------------------------------------------------------------------------------

def test_the_chain_is_refused_before_it_runs_when_evaluated_without_validation() -> None:
    started = time.perf_counter()
    with pytest.raises(ExpressionTooCostly) as refused:
        evaluate(CHAIN, {"s": "x" * 100_000})  # 27.8 s if it ran
    # refused, not run: far below the 27.8 s (the bound leaves room for a loaded machine; 1 s failed once in CI)
    assert time.perf_counter() - started < 10
    assert refused.value.message.startswith("expression-too-costly: its estimated cost over these values is ")
    assert refused.value.message.endswith(
        f"over the limit of {MAX_COST:,} (concatenations of long texts or lists); it was not evaluated")


def test_list_concatenations_are_costed_with_the_lists_given() -> None:
    """Validation cannot know a value is a list (it costs every value as text); the evaluation does."""
    source = "size(l + l + l + l + l + l + l) > 0"
    assert static_problem(source) is None
    assert evaluate(source, {"l": [0] * 1_000}) is True
    with pytest.raises(ExpressionTooCostly, match=r"\(concatenations of long texts or lists\)"):
        evaluate(source, {"l": [0] * 300_000})  # 8 million elements copied: about a third of a second
    assert runtime_cost(source, {"l": [0] * 300_000}) > runtime_cost(source, {"l": [0] * 1_000})


def test_a_map_over_long_texts_is_costed_with_what_it_rebuilds() -> None:
    """`map` and `filter` copy their result again at every element, texts and all: 900 texts of 10 KB take
    about a second (of 10 characters: 40 ms, within the budget)."""
    assert evaluate("l.map(x, x).size()", {"l": ["x" * 10] * 900}) == 900
    with pytest.raises(ExpressionTooCostly, match=r"\(comprehensions over long lists\)"):
        evaluate("l.map(x, x).size()", {"l": ["x" * 10_000] * 900})
    with pytest.raises(ExpressionTooCostly):
        evaluate("l.filter(x, x != '').size()", {"l": ["x" * 10_000] * 900})


def test_a_result_repeating_a_large_value_is_refused_when_evaluated() -> None:
    source = "[" + ", ".join(["l"] * 10) + "]"  # valid: lists are costed with their length, at evaluation
    assert static_problem(source) is None
    assert len(evaluate(source, {"l": [1, 2]})) == 10
    with pytest.raises(ExpressionTooCostly, match=r"\(a result that repeats large values\)"):
        evaluate(source, {"l": list(range(100_000))})


def test_ordinary_expressions_over_the_largest_values_are_let_through_unmeasured(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the budget for any value a context may hold: no look at the values (`runtime_problem` is on the
    path of every evaluation)."""

    def unexpected(*_: Any) -> Any:
        raise AssertionError("measured")

    monkeypatch.setattr(expression_cost, "_value_at", unexpected)
    monkeypatch.setattr(expression_cost, "_tops", unexpected)
    most = "x" * (MAX_JSON_BYTES - 100)
    for source, variables in [
        ("subject + ' - ' + description", {"subject": most, "description": "y"}),
        ("'#ops-' + team", {"team": most}),
        ("lead.score >= 70 && lead.name != ''", {"lead": {"score": 80, "name": most}}),
    ]:
        assert runtime_problem(source, variables) is None
        evaluate(source, variables)
