"""`guard-not-boolean`: a guard that gives something other than true or false — a constant (`1`, `'yes'`), a
list or map literal, arithmetic at its top (`n + 1`, `1 + 1`, `-n`: a number, a text or a list, never a
boolean), or a context path whose declared type is not boolean (`order.id`, a text in the context schema). The
engine takes such a guard as not holding, and records "the guard gave str, not a boolean": its transition is
never taken, and a choice falls to its default, silently. CEL converts nothing to a boolean (`order.id != ''`
says what a truthy test means). A warning, as `type-mismatch` is: a definition that loaded before the check must
still load."""

from __future__ import annotations

from engine.definition import Workflow
from engine.definition.cel_reading import Literal, Operation, PathRef, UnreadableExpression, display_path, parse
from engine.validation.checks._report import capitalised, warning
from engine.validation.checks.expressions import ExpressionSite
from engine.validation.context_shape import declared_types, schema_at
from engine.validation.findings import Finding

__all__ = ["find_guards_not_boolean"]

_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "a text", "null": "null",
               "object": "an object", "array": "a list"}
_LITERAL_WORDS = {"int": "the number", "uint": "the number", "double": "the number", "string": "the text",
                  "bytes": "the bytes", "null": "the value"}
# what an operator at the top of a guard gives: never a boolean
_OPERATOR_WORDS = {"+": "a number, a text, a list or a time", "-": "a number or a time", "*": "a number",
                   "/": "a number", "%": "a number", "[]": "a list", "{}": "a map"}
_CONSEQUENCE = ("a guard must give true or false, and anything else is taken as false, so the transition is "
                "never taken")


def _what_its_form_gives(node: Literal | Operation) -> str | None:
    """What a guard gives, in words, when its form alone says it is no boolean — whatever the context holds."""
    if isinstance(node, Literal):
        return None if node.kind == "bool" else f"{_LITERAL_WORDS[node.kind]} {node.text}"
    if node.op in ("[]", "{}"):
        return f"{_OPERATOR_WORDS[node.op]} literal"
    if node.op in _OPERATOR_WORDS:
        return f"arithmetic (`{node.op}`), which gives {_OPERATOR_WORDS[node.op]}, never true or false"
    return None


def _what_it_gives(workflow: Workflow, site: ExpressionSite) -> str | None:
    """What the guard gives, in words, when it is plainly not a boolean; else None."""
    try:
        node = parse(site.source)
    except UnreadableExpression:
        return None
    if isinstance(node, Literal | Operation):
        return _what_its_form_gives(node)
    if not isinstance(node, PathRef) or not site.reads_workflow_context:
        return None
    parts = node.parts
    if not node.via_context and (parts[0] in site.item_names or parts[0] in ("event", "now", "budget", "context")):
        return None  # a name the context schema does not declare
    types = declared_types(schema_at(workflow.context, parts))
    if types is None or "boolean" in types:
        return None
    return f"{display_path(parts)}, {' or '.join(_TYPE_WORDS[t] for t in types)} in the context schema"


def find_guards_not_boolean(workflow: Workflow, sites: list[ExpressionSite]) -> list[Finding]:
    """Each guard that is a constant other than true or false, a list or map literal, arithmetic, or a context
    path not declared boolean."""
    found: list[Finding] = []
    for site in sites:
        if not site.is_guard:
            continue
        gives = _what_it_gives(workflow, site)
        if gives is not None:
            found.append(warning("guard-not-boolean", f"{capitalised(site.what)} is {gives}: {_CONSEQUENCE}. Make "
                                 "it a comparison (`order.id != ''`, `count > 0`).", site.pointer,
                                 states=() if site.state is None else (site.state,),
                                 transitions=() if site.transition is None else (site.transition,)))
    return found
