"""Guards in plain words: simple conditions read as sentences; anything else is left as written."""

from __future__ import annotations

import pytest

from engine.review.plain_words import in_words


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("routing.squad == 'sales'", "routing.squad is 'sales'"),
        ("qualification.score >= 70", "qualification.score is at least 70"),
        ("cost.budget_used_ratio > 0.9", "cost.budget_used_ratio is more than 0.9"),
        ("qa.total < 6.0", "qa.total is less than 6.0"),
        ("has(context.discount)", "context.discount is set"),
        ("contains_pii && !tenant.gdpr_certified", "contains_pii is true and tenant.gdpr_certified is false"),
        ("a == 1 || b && c != ''", "a is 1 or (b is true and c is not empty)"),
        ("tier in ['growth', 'enterprise']", "tier is one of 'growth', 'enterprise'"),
        ("size(items) > 0", "the number of items is more than 0"),
        ("!(a > 1)", "not ((a is more than 1))"),
    ],
)
def test_simple_guards_read_as_sentences(expression: str, words: str) -> None:
    assert in_words(expression) == words


@pytest.mark.parametrize(
    "expression",
    ["size(knowledge.matches) > 0 && knowledge.matches[0].score > 0.8", "a + b > 3", "f(x)", "a ==", "x ? 1 : 2",
     "a" * 500],
)
def test_anything_else_is_left_as_written(expression: str) -> None:
    assert in_words(expression) is None
