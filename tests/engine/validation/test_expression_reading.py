"""Reading CEL (`engine.definition.cel_reading`), for the context-schema checks and for test generation: which
paths an expression reads, how, and what it compares them with — and, for any text at all, an answer or
`UnreadableExpression`, never another error."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.definition.cel_reading import (
    Comparison,
    Literal,
    PathRef,
    Relation,
    UnreadableExpression,
    comparisons,
    context_reads,
    display_path,
    parse,
    path_uses,
    relations,
)
from engine.definition.expressions import evaluate


def test_paths_read_outside_macro_variables_with_has_tests_marked() -> None:
    reads = context_reads("has(a.b) && a.b > 1 && items.all(i, i.x > 1) && event.y && cel.bind(t, c.d, t) "
                          "&& 'k' in context.m && now > z[0]['w']")
    assert sorted((r.parts, r.in_has) for r in reads) == [
        (("a", "b"), False), (("a", "b"), True), (("c", "d"), False), (("items",), False), (("m",), False),
        (("m", "k"), True), (("z", 0, "w"), False)]
    assert display_path(("z", 0, "w")) == "z[0].w"


def test_comparisons_with_constants_and_their_role() -> None:
    assert comparisons("70 <= lead.score && (tier == 'gold' || tier in ['a', 1u])") == (
        Comparison(("lead", "score"), ">=", (Literal("int", "70"),), "term"),
        Comparison(("tier",), "==", (Literal("string", "'gold'"),), "part"),
        Comparison(("tier",), "in", (Literal("string", "'a'"), Literal("uint", "1u")), "part"),
    )
    assert comparisons("x > -1.5e3") == (Comparison(("x",), ">", (Literal("double", "-1.5e3"),), "whole"),)
    assert comparisons("x == b'a' // a comment") == (Comparison(("x",), "==", (Literal("bytes", "b'a'"),), "whole"),)
    assert comparisons("a.b == c.d || size(x) > 1 || [1].exists(x, x == 'a')") == ()


def test_constant_indexes_are_path_parts_and_odd_keys_are_shown_in_brackets() -> None:
    assert [read.parts for read in context_reads("m['a b'] > 1 && m[1u] == 2 && m[-1] == 3 && context['k'].x")] == [
        ("m", "a b"), ("m", 1), ("m",), ("k", "x")]
    assert display_path(("m", "a b", 0)) == 'm["a b"][0]'


def test_relations_and_uses_for_test_generation_include_the_event_and_leave_out_macro_variables() -> None:
    source = ("lead.score >= 70 && has(a.b) && kind in ['x', 'y', z] && size(items) > 0 && event.kind == 'done' "
              "&& spent > limit && flag && xs.exists(i, i.v > floor) && cel.bind(t, c, t > 1)")
    assert relations(source) == (
        Relation(("lead", "score"), ">=", Literal("int", "70")),
        Relation(("kind",), "in", (Literal("string", "'x'"), Literal("string", "'y'"))),
        Relation(("items",), ">", Literal("int", "0"), sized=True),
        Relation(("event", "kind"), "==", Literal("string", "'done'")),
        Relation(("spent",), ">", PathRef(("limit",))),
        Relation(("floor",), "<", PathRef(("i", "v"))),
    )
    assert path_uses(source, condition=True) == {
        ("lead", "score"): "number", ("a", "b"): "present", ("kind",): "value", ("z",): "value", ("items",): "list",
        ("event", "kind"): "string", ("spent",): "number", ("limit",): "number", ("flag",): "bool",
        ("xs",): "value", ("floor",): "number", ("c",): "value"}
    assert path_uses("context.ready", condition=True) == {("ready",): "bool"}
    assert parse("context.lead.score") == PathRef(("lead", "score"), via_context=True)


@pytest.mark.parametrize("text", [
    "70", "-3", "0x1F", "-0x1F", "1u", "0x1Fu", "1.5", "-1.5e3", ".5", "1e3", "true", "null", "'é'", r"'\u00e9'",
    r"'\x41\101'", r"r'\d'", "'''a\nb'''", r"'\?\`'", "b'z'", r"b'\xff'", r"'\U0001F600'",
])
def test_a_literals_value_is_the_one_cel_gives_it(text: str) -> None:
    literal = parse(text)
    assert isinstance(literal, Literal)
    assert literal.value == evaluate(text, {})


@pytest.mark.parametrize("source", ["a.?b", "Msg{a: 1}", "a +", "(" * 400 + "x" + ")" * 400, r"x == '\N'",
                                    r"x == '\ud800'", r"x == b'\u00e9'"])
def test_what_is_not_read_here_says_so(source: str) -> None:
    with pytest.raises(UnreadableExpression):
        context_reads(source)


_CEL_PIECES = st.sampled_from([
    "a", "b.c", "context", ".", "[", "]", "(", ")", "{", "}", ",", ":", "?", "!", "-", "+", "*", "==", "!=", "<",
    ">=", "&&", "||", " in ", "has", "exists", "map", "cel.bind", "'s'", '"t"', "b'x'", "r'\\d'", "'''m'''", "1",
    "2u", "0x1F", "1.5", "1e3", ".5", "true", "null", "//c\n", " ", "\n", "'", "\\", "é",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_CEL_PIECES, max_size=24).map("".join))
def test_any_text_is_read_or_declared_unreadable(source: str) -> None:
    for read in (context_reads, comparisons, relations, path_uses):
        with contextlib.suppress(UnreadableExpression):
            read(source)
