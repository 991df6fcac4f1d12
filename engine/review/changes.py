"""What changed since the version signed last: marks for the diagram and rows of old → new values. A state
renamed (the same state under another id, `engine.definition.renames`) is one change, "renamed X → Y", not a
state removed and another added with all its transitions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.definition import Workflow
from engine.definition.diff import DefinitionDiff, diff_with_renames

__all__ = ["ChangeMarks", "ChangeRow", "Changes", "compare"]

Kind = Literal["added", "removed", "changed", "renamed"]
_LONGEST = 240


@dataclass(frozen=True)
class ChangeMarks:
    """Top-level state ids and transition indexes (of the new version) to mark on the diagram. A change
    inside a parallel state's branches marks the parallel state. `renamed_states`: new id → old id."""

    added_states: frozenset[str] = frozenset()
    changed_states: frozenset[str] = frozenset()
    added_transitions: frozenset[int] = frozenset()
    changed_transitions: frozenset[int] = frozenset()
    renamed_states: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added_states or self.changed_states or self.added_transitions or self.changed_transitions
                    or self.renamed_states)


@dataclass(frozen=True)
class ChangeRow:
    kind: Kind
    subject: str  # "state review", "transition route->review", "workflow"
    field: str  # the changed field ("" for a whole state or transition added or removed)
    old: str
    new: str


@dataclass(frozen=True)
class Changes:
    from_version: int
    to_version: int
    rows: list[ChangeRow] = field(default_factory=list)
    marks: ChangeMarks = field(default_factory=ChangeMarks)


def shown(value: Any) -> str:
    """A value as one short line: text as is, anything else as compact JSON; absent is '—'."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


def _rows(diff: DefinitionDiff, before: dict[str, Any], after: dict[str, Any]) -> list[ChangeRow]:
    rows = [ChangeRow("changed", "workflow", name, shown(before.get(name)), shown(after.get(name)))
            for name in diff.fields]
    rows.extend(ChangeRow("renamed", f"state {old} → {new}", "id", old, new)
                for old, new in diff.states.renamed.items())
    for sid in diff.states.added:
        rows.append(ChangeRow("added", f"state {sid}", "", "—", shown(after["states"][sid].get("type"))))
    for sid in diff.states.removed:
        rows.append(ChangeRow("removed", f"state {sid}", "", shown(before["states"][sid].get("type")), "—"))
    for state in diff.states.changed:
        rows.extend(ChangeRow("changed", f"state {state.id}", name, shown(state.before.get(name)),
                              shown(state.after.get(name))) for name in state.fields)
    for ref in diff.transitions.added:
        rows.append(ChangeRow("added", f"transition {ref.key}", "", "—", f"T{ref.index + 1}"))
    for ref in diff.transitions.removed:
        rows.append(ChangeRow("removed", f"transition {ref.key}", "", f"T{ref.index + 1} of v{diff.from_version}",
                              "—"))
    for moved in diff.transitions.changed:
        rows.extend(ChangeRow("changed", f"transition {moved.key}", name, shown(moved.before.get(name)),
                              shown(moved.after.get(name))) for name in moved.fields)
    return rows


def compare(before: Workflow, after: Workflow) -> Changes:
    """The changes from `before` (the version signed last) to `after` (the one under review)."""
    diff = diff_with_renames(before, after)
    old = before.model_dump(mode="json", by_alias=True, exclude_none=True)
    new = after.model_dump(mode="json", by_alias=True, exclude_none=True)
    marks = ChangeMarks(
        added_states=frozenset(diff.states.added),
        changed_states=frozenset(s.id for s in diff.states.changed),
        added_transitions=frozenset(ref.index for ref in diff.transitions.added),
        changed_transitions=frozenset(c.index_after for c in diff.transitions.changed),
        renamed_states={new: old for old, new in diff.states.renamed.items()},
    )
    return Changes(before.version, after.version, _rows(diff, old, new), marks)
