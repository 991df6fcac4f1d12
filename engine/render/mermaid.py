"""The Mermaid renderer: a workflow as a `stateDiagram-v2`, for Markdown documents and pull requests.

Mermaid's state-diagram lexer is strict, so ids are reduced to word characters (never a keyword such
as `state` or `default`), and label text is written with Mermaid entity codes (`#34;` for `"`) for
every character its grammar or its Markdown labels would read as syntax. Transitions cannot be styled
one by one in a Mermaid state diagram, so a highlight marks states only.
"""

from __future__ import annotations

import re

from engine.definition import ANY_SOURCE, FinalState, MapState, State, Workflow
from engine.render.direction import Direction, default_direction
from engine.render.highlight import Highlight
from engine.render.labels import edge_label, node_label
from engine.render.scopes import Scope, all_states, branch_scopes, is_box, qualify, top_scope
from engine.render.style import DIM_FILL, DIM_STROKE, DIM_TEXT, HIGHLIGHT, STYLES, TEXT, style_key

__all__ = ["MermaidIds", "mermaid_text", "to_mermaid"]

_RESERVED = frozenset({"state", "class", "classdef", "note", "scale", "direction", "hide", "end",
                       "statediagram", "acctitle", "accdescr", "as", "click", "style", "linkstyle"})
_SYNTAX = frozenset('"#;:<>&{}[]%\\*`~|$')
_DIRECTION = re.compile("direction", re.IGNORECASE)


def mermaid_text(line: str) -> str:
    """Label text that Mermaid shows as written: syntax characters become entity codes like `#35;`.

    The text is expected `clean` already; a stray control character is encoded all the same.
    """
    # `direction` followed by LR/TB anywhere on a line would be read as a layout statement.
    guarded = {m.end() - 1 for m in _DIRECTION.finditer(line)}
    out = []
    for i, ch in enumerate(line):
        word_inside = 0 < i < len(line) - 1 and line[i - 1].isalnum() and line[i + 1].isalnum()
        if ch in _SYNTAX or i in guarded or (ch == "_" and not word_inside) or not ch.isprintable():
            out.append(f"#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


class MermaidIds:
    """Qualified state ids to Mermaid ids: word characters only, no keyword, unique, in a fixed order."""

    def __init__(self, qualified_ids: list[str]) -> None:
        self._ids: dict[str, str] = {}
        self._used: set[str] = set()
        for qid in qualified_ids:
            self(qid)

    def __call__(self, qid: str) -> str:
        if qid not in self._ids:
            self._ids[qid] = self._fresh(qid)
        return self._ids[qid]

    def _fresh(self, qid: str) -> str:
        base = re.sub(r"\W", "_", qid, flags=re.ASCII)
        base = _DIRECTION.sub(lambda m: f"{m[0][:3]}_{m[0][3:]}", base)
        if base.lower() in _RESERVED or base.lower().startswith("default") or not base[:1].isalpha():
            base = f"s_{base}"
        chosen, n = base, 1
        while chosen in self._used:
            n += 1
            chosen = f"{base}_{n}"
        self._used.add(chosen)
        return chosen


class _MermaidWriter:
    def __init__(self, workflow: Workflow, highlight: Highlight | None, direction: Direction | None) -> None:
        self.workflow = workflow
        self.emphasis = highlight if highlight else None
        states = all_states(workflow)
        self.ids = MermaidIds(list(states))
        self.classes: dict[str, list[str]] = {key: [] for key in [*STYLES, "any", "highlighted", "dimmed"]}
        self.out = ["stateDiagram-v2", f"    direction {direction or default_direction(workflow)}"]

    def write(self) -> str:
        for key, look in STYLES.items():
            self.out.append(f"    classDef {key} fill:{look.fill},stroke:{look.stroke},color:{TEXT}")
        self.out.append("    classDef any fill:#ffffff,stroke:#90a4ae,stroke-dasharray:4 4,color:#546e7a")
        self.out.append(f"    classDef highlighted stroke:{HIGHLIGHT},stroke-width:3px")
        self.out.append(f"    classDef dimmed fill:{DIM_FILL},stroke:{DIM_STROKE},color:{DIM_TEXT}")
        self._scope(top_scope(self.workflow), 1)
        for name, members in self.classes.items():
            if members:
                self.out.append(f"    class {','.join(members)} {name}")
        return "\n".join(self.out) + "\n"

    def _scope(self, scope: Scope, depth: int) -> None:
        pad = "    " * depth
        for sid, state in scope.states.items():
            qid = scope.qid(sid)
            label = node_label(sid, state)
            items = self.emphasis.items_through(qid) if self.emphasis is not None else None
            shown = [label.heading, *(line for line in label.lines if line != sid), *([f"✓ {items}"] if items else [])]
            self.out.append(f'{pad}state "{" · ".join(mermaid_text(part) for part in shown)}" as {self.ids(qid)}')
            if not is_box(state):
                self.classes[style_key(state)].append(self.ids(qid))
            if self.emphasis is not None:
                self.classes["highlighted" if self.emphasis.has_state(qid) else "dimmed"].append(self.ids(qid))
        for sid, state in scope.states.items():
            if is_box(state):
                self._parallel(scope, sid, state, depth)
        self._edges(scope, pad)

    def _edges(self, scope: Scope, pad: str) -> None:
        self.out.append(f"{pad}[*] --> {self.ids(scope.qid(scope.initial))}")
        any_id = self.ids(qualify(scope.path, ":any"))
        for edge in scope.edges():
            if edge.source == ANY_SOURCE and any_id not in self.classes["any"]:
                self.out.append(f'{pad}state "{mermaid_text("any non-final state (*)")}" as {any_id}')
                self.classes["any"].append(any_id)
            tail = any_id if edge.source == ANY_SOURCE else self.ids(scope.qid(edge.source))
            label = mermaid_text(" ".join(edge_label(edge.transition)))
            self.out.append(f"{pad}{tail} --> {self.ids(scope.qid(edge.transition.dest))} : {label}")
        for sid, state in scope.states.items():
            if isinstance(state, FinalState):
                self.out.append(f"{pad}{self.ids(scope.qid(sid))} --> [*]")

    def _parallel(self, scope: Scope, sid: str, state: State, depth: int) -> None:
        pad = "    " * depth
        self.out.append(f"{pad}state {self.ids(scope.qid(sid))} {{")
        for n, branch in enumerate(branch_scopes(scope, sid, state)):
            if n:
                self.out.append(f"{pad}    --")
            box = self.ids(branch.path)
            name = "for each item" if isinstance(state, MapState) else branch.path.rsplit("/", 1)[1]
            self.out.append(f'{pad}    state "{mermaid_text(name)}" as {box}')
            self.out.append(f"{pad}    state {box} {{")
            self._scope(branch, depth + 2)
            self.out.append(f"{pad}    }}")
        self.out.append(f"{pad}}}")


def to_mermaid(workflow: Workflow, highlight: Highlight | None = None, *, direction: Direction | None = None) -> str:
    """The workflow as a Mermaid `stateDiagram-v2`, top to bottom or left to right (None: by the flow's shape,
    as the DOT of it); identical input gives identical text."""
    return _MermaidWriter(workflow, highlight, direction).write()
