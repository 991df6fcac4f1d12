"""`unknown-field`: an expression reads a field of a context object that the context schema does not declare
(`vendor.riskscore` where `vendor` lists `risk_score`, ...).

Only where the schema is all there is to know about the object: it lists the object's fields (`properties`, and
no `additionalProperties` true or schema, nor any keyword that may add fields — see `context_shape`), and
nothing in the flow writes the object or anything in it (a task's, subflow's, wait's or map's `output`, an
`assign`, a task's `ask_user.into`, a start trigger's `context`): a step's output may carry fields the schema
does not describe. Not reported either: a field a `has()` test of the same expression probes (`has(a.b) &&
a.b > 1` is the way to read an optional field; `'b' in a` probes it too), a macro's variables
(`items.exists(i, i.x > 1)`), a map's item names, and expressions evaluated on a map's items (their context is
the item's). A top-level name the schema does not declare is `unknown-variable`'s. A warning: a start context
may still carry the field (the schema lets in fields it does not list unless `additionalProperties` is false),
but where it does not, reading the field fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.definition import MapState, SubflowState, TaskState, WaitState, Workflow
from engine.definition.cel_reading import Part, PathRead, UnreadableExpression, context_reads, display_path
from engine.definition.expressions import ExpressionError, referenced_names
from engine.definition.paths import path_parts
from engine.validation.checks._report import capitalised, listed, nearest, warning
from engine.validation.checks.expressions import ExpressionSite
from engine.validation.context_shape import listed_fields, names_with_listed_fields, schema_at
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_unknown_fields"]


def _written_paths(workflow: Workflow, all_machines: list[Machine]) -> Iterator[str]:
    """Every context path the flow writes (a map's items write their own context, not the workflow's)."""
    for machine in all_machines:
        if machine.runs_per_item:
            continue
        for state in machine.states.values():
            if isinstance(state, TaskState | SubflowState | WaitState | MapState) and state.output:
                yield state.output
            if isinstance(state, TaskState) and state.ask_user is not None:
                yield state.ask_user.into
        for transition in machine.transitions:
            yield from transition.assign
    for start in workflow.starts_on:
        yield from start.context


def _overlaps(path: tuple[Part, ...], other: tuple[Part, ...]) -> bool:
    """Whether one path lies inside the other (or they are the same)."""
    shared = min(len(path), len(other))
    return path[:shared] == other[:shared]


def _first_undeclared(schema: object, parts: tuple[Part, ...]) -> tuple[int, tuple[str, ...]] | None:
    """The depth of the first field on the path that an object whose fields the schema lists does not declare,
    with the fields it does; None when every field on the way is declared or the schema stops saying."""
    for depth in range(1, len(parts)):
        part = parts[depth]
        parent = schema_at(schema, parts[:depth])
        if parent is None:
            return None
        fields = None if isinstance(part, int) else listed_fields(parent)
        if fields is not None and part not in fields:
            return depth, fields
    return None


def _message(site: ExpressionSite, read: tuple[Part, ...], depth: int, fields: tuple[str, ...]) -> str:
    field, owner = read[depth], display_path(read[:depth])
    closest = nearest(str(field), fields)
    hint = f" — did you mean {closest}?" if closest else f" (it declares {listed(fields, limit=8)})."
    effect = ("the guard fails at run time and counts as not holding" if site.is_guard
              else "reading it fails at run time")
    return (f"{capitalised(site.what)} reads {display_path(read[:depth + 1])}, but the context schema declares no "
            f"field '{field}' in {owner}{hint} Nothing in the flow sets it, so unless the start context brings it, "
            f"{effect}. Correct the name, or declare the field in the context schema.")


def _undeclared_reads(workflow: Workflow, site: ExpressionSite, reads: tuple[PathRead, ...],
                      written: list[tuple[str, ...]]) -> Iterator[tuple[tuple[Part, ...], int, tuple[str, ...]]]:
    tested = [read.parts for read in reads if read.in_has]
    for read in dict.fromkeys(read.parts for read in reads if not read.in_has):
        if read[0] in site.item_names:
            continue
        undeclared = _first_undeclared(workflow.context, read)
        if undeclared is None:
            continue
        depth, fields = undeclared
        field_path = read[:depth + 1]
        if any(_overlaps(field_path, path) for path in written):
            continue  # the flow puts something there: the schema does not tell all of its shape
        if any(len(probe) > depth and probe[:depth + 1] == field_path for probe in tested):
            continue  # `has()` probes the field
        yield read, depth, fields


def find_unknown_fields(workflow: Workflow, all_machines: list[Machine], sites: list[ExpressionSite]) -> list[
        Finding]:
    """Each read of an object's field that the context schema, the only source of the object's shape, does not
    declare — once per field and expression."""
    checked = names_with_listed_fields(workflow.context)
    if not checked:
        return []
    checked |= {"context"}
    written = [path_parts(path) for path in dict.fromkeys(_written_paths(workflow, all_machines))]
    found: list[Finding] = []
    for site in sites:
        if not site.reads_workflow_context:
            continue
        try:  # what does not compile, `guard-syntax` reports
            if checked.isdisjoint(referenced_names(site.source)):
                continue  # cheap: most expressions read nothing whose fields the schema lists
            reads = context_reads(site.source)
        except (ExpressionError, UnreadableExpression):
            continue
        reported: set[tuple[Part, ...]] = set()
        for read, depth, fields in _undeclared_reads(workflow, site, reads, written):
            if read[:depth + 1] in reported:
                continue
            reported.add(read[:depth + 1])
            found.append(warning("unknown-field", _message(site, read, depth, fields), site.pointer,
                                 states=() if site.state is None else (site.state,),
                                 transitions=() if site.transition is None else (site.transition,)))
    return found
