"""Reading CEL for the context-schema checks: which context paths an expression reads, and what it compares them
with — and, for any text at all, an answer or `UnreadableExpression`, never another error."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.validation.expression_reading import (
    Comparison,
    Literal,
    UnreadableExpression,
    comparisons,
    context_reads,
    display_path,
)


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


@pytest.mark.parametrize("source", ["a.?b", "Msg{a: 1}", "a +", "(" * 400 + "x" + ")" * 400])
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
    for read in (context_reads, comparisons):
        with contextlib.suppress(UnreadableExpression):
            read(source)
