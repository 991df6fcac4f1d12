"""`type-mismatch`: an expression compares a context value with a constant of a type CEL cannot compare it with.

CEL converts nothing: `vendor.risk_score >= 'high'` with an integer `risk_score` fails with "no such overload"
every time it is evaluated (a guard then counts as not holding, so its transition is silently never taken), and
`==`, `!=` and `in` between values of different types are always false (true for `!=`), without an error. Only
numbers compare across their types (`score >= 70.0` with an integer `score`, `1 == 1u`). The type is the one
the context schema declares at the path (`type`, else the types of its `enum` or `const`); the schema holds for
every context an instance has, so the comparison cannot work on any of them. A warning, not an error: the
comparison may sit where it is not always evaluated (`has(x) && ...`, one side of `||`), an equality between
two types is only ever false, not an error, and a definition that loaded before this check must still load.
"""

from __future__ import annotations

import re

from engine.definition import Workflow
from engine.definition.cel_reading import Comparison, Literal, UnreadableExpression, comparisons, display_path
from engine.definition.expressions import ExpressionError, referenced_names
from engine.validation.checks._report import capitalised, listed, warning
from engine.validation.checks.expressions import ExpressionSite
from engine.validation.context_shape import declared_below, declared_types, schema_at
from engine.validation.findings import Finding

__all__ = ["find_type_mismatches"]

# what CEL can compare: its numbers (int, uint, double) with each other; any other type only with itself
_CEL_KIND = {"integer": "number", "number": "number", "string": "string", "boolean": "bool", "null": "null",
             "object": "map", "array": "list", "int": "number", "uint": "number", "double": "number",
             "bytes": "bytes", "bool": "bool"}
_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "a text", "boolean": "true or false",
               "null": "null", "object": "an object", "array": "a list"}
_ORDERING = frozenset({"<", "<=", ">", ">="})
_COMPARING = re.compile(r"[<>]|[=!]=|\bin\b")  # an expression without any of these compares nothing


def _literal_words(literal: Literal) -> str:
    if literal.kind in ("int", "uint", "double"):
        return f"the number {literal.text}"
    if literal.kind == "string":
        return f"the text {literal.text}"
    return f"the value {literal.text}"


def _type_words(types: tuple[str, ...]) -> str:
    return " or ".join(_TYPE_WORDS[t] for t in types)


def _consequence(comparison: Comparison, is_guard: bool) -> str:
    """What the mismatch does to the expression, in words."""
    never_taken = is_guard and comparison.role != "part"
    if comparison.op in _ORDERING:
        if is_guard and comparison.role == "whole":
            return ("they cannot be compared, so the guard fails every time it is checked and the transition is "
                    "never taken")
        return "they cannot be compared, so the comparison fails every time it is evaluated" + (
            " and the transition is never taken" if never_taken else "")
    if comparison.op == "!=":
        return "values of different types are never equal in CEL, so the comparison is always true"
    if comparison.op == "in":
        return "values of different types are never equal in CEL, so it never is" + (
            ", and the transition is never taken" if never_taken else "")
    return "values of different types are never equal in CEL, so the comparison is always false" + (
        " and the transition is never taken" if never_taken else "")


def _message(site: ExpressionSite, comparison: Comparison, types: tuple[str, ...]) -> str:
    path = display_path(comparison.path)
    what = f"{path}, {_type_words(types)} in the context schema"
    if comparison.op == "in":
        values = listed(literal.text for literal in comparison.literals)
        said = f"{capitalised(site.what)} checks whether {what}, is one of {values}"
    else:
        said = f"{capitalised(site.what)} compares {what}, with {_literal_words(comparison.literals[0])}"
    suggested = tuple(t for t in types if t != "null") or types
    return (f"{said}: {_consequence(comparison, site.is_guard)}. Compare it with "
            f"{_type_words(suggested)}, or correct its type in the context schema.")


def _mismatched(comparison: Comparison, types: tuple[str, ...]) -> bool:
    literal_kinds = {_CEL_KIND[literal.kind] for literal in comparison.literals}
    if comparison.op in ("==", "!=") and literal_kinds == {"null"}:
        return False  # `x != null`: a presence test, whatever the type
    return not literal_kinds & {_CEL_KIND[t] for t in types}


# the kinds of constants an expression holds, told from its text: a digit (a number), a quote (a text or bytes), ...
_CONSTANT_KINDS = (("number", re.compile(r"\d")), ("string", re.compile("['\"]")), ("bytes", re.compile("['\"]")),
                   ("bool", re.compile(r"\b(?:true|false)\b")), ("null", re.compile(r"\bnull\b")))
_KINDS = frozenset(kind for kind, _ in _CONSTANT_KINDS)


def _mismatchable(workflow: Workflow) -> dict[str, frozenset[str]]:
    """By top-level name the schema declares, the kinds of constants some type declared at or below it cannot
    be compared with: an expression holding none of them cannot mismatch there (and is not parsed)."""
    found: dict[str, frozenset[str]] = {}
    for name, below in declared_below(workflow.context).items():
        kinds: set[str] = set()
        for schema in below:
            types = declared_types(schema)
            if types is not None:
                kinds |= _KINDS - {_CEL_KIND[t] for t in types}
        found[name] = frozenset(kinds)
    return found


def _comparisons(site: ExpressionSite, mismatchable: dict[str, frozenset[str]]) -> tuple[Comparison, ...]:
    """The expression's comparisons with constants; none, cheaply, when it compares nothing, or holds no constant
    of a kind a type it may read cannot be compared with; none when it does not compile (`guard-syntax` reports
    it) or cannot be read here."""
    source = site.source
    if not site.reads_workflow_context or _COMPARING.search(source) is None:
        return ()
    try:
        names = referenced_names(source)
    except ExpressionError:
        return ()
    roots = mismatchable if "context" in names else names & mismatchable.keys()
    possible = set().union(*(mismatchable[name] for name in roots))
    if not any(kind in possible and pattern.search(source) for kind, pattern in _CONSTANT_KINDS):
        return ()
    try:
        return comparisons(source)
    except UnreadableExpression:
        return ()


def find_type_mismatches(workflow: Workflow, sites: list[ExpressionSite]) -> list[Finding]:
    """Each comparison of a context path with constants its declared type cannot be compared with."""
    mismatchable = _mismatchable(workflow)
    if not any(mismatchable.values()):
        return []
    types_at: dict[tuple[str | int, ...], tuple[str, ...] | None] = {}  # by path: many expressions read the same
    found: list[Finding] = []
    for site in sites:
        for comparison in _comparisons(site, mismatchable):
            path = comparison.path
            if path[0] in site.item_names:
                continue
            if path not in types_at:
                types_at[path] = declared_types(schema_at(workflow.context, path))
            types = types_at[path]
            if types is not None and _mismatched(comparison, types):
                found.append(warning("type-mismatch", _message(site, comparison, types), site.pointer,
                                     states=() if site.state is None else (site.state,),
                                     transitions=() if site.transition is None else (site.transition,)))
    return found
