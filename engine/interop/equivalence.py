"""Whether two workflows are the same machine: the same states (and types), the same transitions out of each
state on each trigger in the same order, to the same states, under guards that mean the same."""

from __future__ import annotations

from typing import Any

from engine.definition import MapState, ParallelState, State, Transition, Workflow
from engine.interop.cel_subset import And, Compare, Has, Literal, Node, Not, Or, OutsideSubset, parse
from engine.interop.machine_view import MachineView, state_body

__all__ = ["canonical", "differences", "same_guard"]

_DOCS = ("title", "description")


def _normal(node: Node) -> Node:  # noqa: PLR0911 - one rewrite per shape
    if isinstance(node, Compare) and node.op == "==" and isinstance(node.right, Literal) \
            and isinstance(node.right.value, bool):
        return node.left if node.right.value else _normal(Not(node.left))  # `flag == true` is `flag` in a guard
    if isinstance(node, Not):
        inner = _normal(node.item)
        if isinstance(inner, Not):
            return inner.item
        if isinstance(inner, Compare) and inner.op in ("==", "!="):
            return Compare("!=" if inner.op == "==" else "==", inner.left, inner.right)
        return Not(inner)
    if isinstance(node, And | Or):
        items: list[Node] = []
        for item in (_normal(i) for i in node.items):
            for part in item.items if isinstance(item, And | Or) and type(item) is type(node) else [item]:
                if part not in items:  # `a && a` is `a`: a repeat says nothing more
                    items.append(part)
        if len(items) == 1:
            return items[0]
        if isinstance(node, And) and all(isinstance(i, Has) for i in items):
            longest = max(items, key=lambda i: len(i.path.parts))  # type: ignore[union-attr]
            assert isinstance(longest, Has)
            if all(i.path.parts == longest.path.parts[: len(i.path.parts)] for i in items):  # type: ignore[union-attr]
                return longest  # has(a) && has(a.b) is how IsPresent $.a.b imports
        return type(node)(tuple(items))
    return node


def canonical(guard: str) -> str:
    """A guard in the shared subset, written one way (for telling guards of the same meaning apart)."""
    try:
        return repr(_normal(parse(guard)))
    except OutsideSubset:
        return guard.strip()


def same_guard(a: str | None, b: str | None) -> bool:
    """Equal text, or the same tree in the shared subset (`context.x` and `x` alike, grouping ignored)."""
    if a is None or b is None:
        return a is b
    if a.strip() == b.strip():
        return True
    try:
        return _normal(parse(a)) == _normal(parse(b))
    except OutsideSubset:
        return False


def _edge_key(t: Transition) -> tuple[str, str | None]:
    return t.dest, t.guard


def _compare_machine(path: str, a: MachineView, b: MachineView, body: bool, out: list[str]) -> None:
    if set(a.states) != set(b.states):
        out.append(f"{path}: states differ: only in first {sorted(set(a.states) - set(b.states))}, "
                   f"only in second {sorted(set(b.states) - set(a.states))}")
        return
    for sid, state in a.states.items():
        other = b.states[sid]
        _compare_state(f"{path}/{sid}", state, other, body, out)
        left, right = a.outgoing(sid), b.outgoing(sid)
        if set(left) != set(right):
            out.append(f"{path}/{sid}: triggers differ: {sorted(map(str, left))} vs {sorted(map(str, right))}")
            continue
        for trigger, items in left.items():
            theirs = right[trigger]
            if [t.dest for t in items] != [t.dest for t in theirs]:
                out.append(f"{path}/{sid} on {trigger}: destinations {[t.dest for t in items]} vs "
                           f"{[t.dest for t in theirs]}")
                continue
            for mine, their in zip(items, theirs, strict=True):
                ours, others = mine.effective_guard(), their.effective_guard()
                if not same_guard(ours, others):
                    out.append(f"{path}/{sid} on {trigger} → {mine.dest}: guard '{ours}' vs '{others}'")
                if body and dict(mine.assign) != dict(their.assign):
                    out.append(f"{path}/{sid} on {trigger} → {mine.dest}: assign {mine.assign} vs {their.assign}")


def _core(state: State, body: bool) -> dict[str, Any]:
    data = state_body(state)
    if body:  # a map's iterator is compared as a machine, as a parallel state's branches are
        return {k: v for k, v in data.items() if k not in (*_DOCS, "iterator")}
    return {k: data.get(k) for k in ("type", "action", "workflow", "outcome")}


def _compare_state(path: str, a: State, b: State, body: bool, out: list[str]) -> None:
    if _core(a, body) != _core(b, body):
        out.append(f"{path}: {_core(a, body)} vs {_core(b, body)}")
    if isinstance(a, ParallelState) and isinstance(b, ParallelState):
        theirs = {br.name: br for br in b.branches}
        if [br.name for br in a.branches] != list(theirs):
            out.append(f"{path}: branches {[br.name for br in a.branches]} vs {list(theirs)}")
            return
        for branch in a.branches:
            other = theirs[branch.name]
            if branch.initial != other.initial:
                out.append(f"{path}/{branch.name}: initial {branch.initial} vs {other.initial}")
            _compare_machine(f"{path}/{branch.name}", MachineView(branch.states, branch.transitions),
                             MachineView(other.states, other.transitions), body, out)
    if isinstance(a, MapState) and isinstance(b, MapState) and (a.iterator or b.iterator):
        if a.iterator is None or b.iterator is None:
            out.append(f"{path}: an iterator in one only")
        elif a.iterator.initial != b.iterator.initial:
            out.append(f"{path}/iterator: initial {a.iterator.initial} vs {b.iterator.initial}")
        else:
            _compare_machine(f"{path}/iterator", MachineView(a.iterator.states, a.iterator.transitions),
                             MachineView(b.iterator.states, b.iterator.transitions), body, out)


def differences(a: Workflow, b: Workflow, *, body: bool = True) -> list[str]:
    """What differs; empty when equivalent. `body=False` compares only state types, actions and outcomes
    (for formats such as ASL that cannot carry agents or approvers), `True` every field but titles and texts."""
    out: list[str] = []
    if a.initial != b.initial:
        out.append(f"initial {a.initial} vs {b.initial}")
    _compare_machine("", MachineView(a.states, a.transitions), MachineView(b.states, b.transitions), body, out)
    return out
