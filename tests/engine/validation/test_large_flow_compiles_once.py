"""A large flow's expressions are compiled once: the designer validates the draft again after every edit."""

from __future__ import annotations

from bench.bench_validation import generate
from engine.definition.expressions import compile_expression
from engine.validation.loader import load_workflow


def test_validating_a_7000_state_flow_again_compiles_none_of_its_expressions_again() -> None:
    document = generate(7000)  # about 4,800 distinct guards and assignments: more than a small cache holds
    first = load_workflow(document)
    assert first.model is not None
    before = compile_expression.cache_info()
    assert before.currsize > 4096
    load_workflow(document)
    assert compile_expression.cache_info().misses == before.misses
