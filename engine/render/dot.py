"""The DOT renderer: a workflow as Graphviz source text, the one input of every Graphviz output.

Every piece of definition text goes into HTML-like labels, escaped as XML: a title holding `"`, `\\`
or `<` cannot end a string, become a Graphviz escape such as `\\N`, or break the SVG. Node and edge
`id`s are stable (qualified state ids; `t3:extract` for the edge of transition 3 leaving `extract`;
`enrich/crm/t0:a` inside a branch), so the SVG can be scripted and compared.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

from engine.definition import ANY_SOURCE, FinalState, State, Workflow
from engine.render.detached_labels import DetachedLabel
from engine.render.direction import Direction, default_direction
from engine.render.highlight import Highlight
from engine.render.labels import clean, edge_label, edge_text, guard_lines, node_label, trigger_text, wrap_words
from engine.render.legend import legend_table
from engine.render.long_edges import Detachment, plan_detachment
from engine.render.ranks import Layering, layering
from engine.render.scopes import (
    Edge,
    Scope,
    all_states,
    branch_scopes,
    first_numbers,
    is_box,
    qualify,
    top_scope,
)
from engine.render.style import (
    DIM_FILL,
    DIM_STROKE,
    DIM_TEXT,
    EDGE_COLOUR,
    FONT,
    HIGHLIGHT,
    MARKER,
    TEXT,
    style_key,
    style_of,
)

__all__ = [
    "LARGE",
    "START",
    "Direction",
    "DotOptions",
    "DotSource",
    "dot_source",
    "edge_id",
    "join_id",
    "to_dot",
]

LARGE = 150
"""Above this many states `dot` ranks the whole graph in one pass (`newrank`) instead of ranking each
parallel state's cluster on its own and merging, and stops refining x-coordinates early (`nslimit`): a
slightly rougher alignment. Measured (CPU seconds of `dot` on bench/bench_validation.py's flows, 2 vCPU):
at 2,000 states 1.7 s became 0.5 s, at 5,000 states 26 s became 1.4 s."""
START = ":start"
_SUBTLE = "#546e7a"
_FAINT = "#b0bec5"
_WRAP = 28
_COMPACT_WRAP = 18
_COMPACT_GUARD_WRAP = 26
_COMPACT_GUARD_LINES = 3
_LABEL_MARGIN = 2
_MARGINED = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{margin}"><TR><TD>{text}</TD></TR></TABLE>'
_BACKED = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" BGCOLOR="white"><TR><TD>{text}</TD></TR>'
           '</TABLE>')


@dataclass(frozen=True, slots=True)
class DotOptions:
    """How to draw. `direction`: top to bottom or left to right (None: chosen by the flow's shape, see
    `engine.render.direction`).
    `compact`: for a printed page: titles and guards wrap narrower, so the layout is narrow enough to print
    legibly, and each transition is numbered (`T3` is `transitions[2]` of its machine) so a table can
    give what the drawing shortens. Otherwise each transition's SVG tooltip gives it whole."""

    direction: Direction | None = None
    compact: bool = False
    fit_inches: tuple[float, float] | None = None
    """Shrink the drawing to fit this width and height (a page's printable area), keeping its proportions."""
    geometry_only: bool = False
    """Only what places things, for a layout that is read rather than drawn (the designer's canvas): colours,
    classes and tooltips move nothing in `dot`, and leaving them out makes a large flow's text a third
    shorter and its JSON layout a quarter. Detached edges are left out too (`detached` is empty)."""


def edge_id(scope_path: str, edge: Edge) -> str:
    """The stable id of one drawn edge: `t3:extract`, or `enrich/crm/t0:a` inside a branch."""
    return f"{qualify(scope_path, f't{edge.index}')}:{edge.source}"


def join_id(parallel_qid: str) -> str:
    """The join bar of a parallel state; the state's own id names its fork bar."""
    return f"{parallel_qid}:join"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attrs(values: dict[str, str]) -> str:
    """`[k="v", label=<...>]`; values already in `<...>` are HTML-like labels and stay unquoted."""
    parts = [f"{k}={v if v.startswith('<') else _q(v)}" for k, v in values.items()]
    return f"[{', '.join(parts)}]"


def _text(text: str) -> str:
    """Text for an HTML-like label: XML-escaped, and backslashes doubled so `\\N` is not the node's name."""
    return html.escape(text).replace("\\", "\\\\")


def _html(heading: str, lines: tuple[str, ...], colour: str, wrap: int = _WRAP, *, left: bool = False) -> str:
    """A bold heading, wrapped at spaces so long titles make tall boxes rather than wide ones (and, when
    wrapping narrower than usual, the detail lines too). `left`: every line flush left, as a box's title in
    its corner reads (Graphviz aligns the line *before* each `<BR ALIGN="LEFT"/>`, hence one at the end)."""
    wrapped = wrap_words(heading, wrap) or [heading]
    br = '<BR ALIGN="LEFT"/>' if left else "<BR/>"
    head = br.join(f"<B>{_text(part)}</B>" for part in wrapped)
    if wrap < _WRAP:
        lines = tuple(part for line in lines for part in textwrap.wrap(line, wrap + 6, break_long_words=False) or [""])
    rest = "".join(f'{br}<FONT POINT-SIZE="9" COLOR="{colour}">{_text(line)}</FONT>' for line in lines)
    return f"<{head}{rest}{br if left else ''}>"


def _compact_edge_label(edge: Edge, before: int) -> tuple[str, ...]:
    """`T3 · trigger`, the guard wrapped over a few short lines, then the priority (`before`: how many transitions
    of other scopes come first in the review pack's numbering)."""
    transition = edge.transition
    lines = [f"T{before + edge.index + 1} · {trigger_text(transition)}"]
    if transition.guard:
        lines.extend(guard_lines(transition.guard, _COMPACT_GUARD_WRAP, _COMPACT_GUARD_LINES))
    if transition.priority:
        lines.append(f"priority {transition.priority}")
    return tuple(lines)


_LOOKS = frozenset({"class", "color", "fillcolor", "fontcolor", "tooltip", "labeltooltip"})
"""Attributes that change how an element looks, never where `dot` puts it."""


_DETACHED_FONT = 8


def _detached(attrs: dict[str, str]) -> dict[str, str]:
    """A detached edge is drawn straight over the layout: light, and labelled at the state it leaves (where
    exactly is chosen over the finished layout, see `detached_labels`; this distance is the fallback)."""
    light = {"color": _FAINT, "penwidth": "0.7", "arrowsize": "0.5", "labelfontsize": str(_DETACHED_FONT),
             "labelfontcolor": _SUBTLE, "labeldistance": "2.5"}
    moved = {"taillabel" if key == "label" else key: value for key, value in attrs.items()}
    return {**moved, "class": "transition detached", **light}


class _DotWriter:
    """Writes one workflow; `emphasis` is None when nothing is highlighted (nothing is dimmed either)."""

    def __init__(
        self, workflow: Workflow, highlight: Highlight | None, detachment: Detachment, options: DotOptions,
        layers: Layering,
    ) -> None:
        self.workflow = workflow
        self.options = options
        self.emphasis = highlight if highlight else None
        self.detachment = detachment
        self.out: list[str] = []
        self.detached_at: list[int] = []
        self.detached_labels: list[DetachedLabel] = []
        self.size = len(all_states(workflow))
        self.vertical = (options.direction or default_direction(workflow, layers)) == "TB"
        self.wrap = _COMPACT_WRAP if options.compact else _WRAP
        self.numbers = first_numbers(workflow) if options.compact else {}

    def _mark(self, attrs: dict[str, str], on: bool, *, fill: bool = True) -> dict[str, str]:
        """Highlighted elements turn bold orange; everything else fades while a highlight is shown."""
        if self.emphasis is None:
            return attrs
        kind = "highlighted" if on else "dimmed"
        marked = {**attrs, "class": f"{attrs.get('class', '')} {kind}".strip()}
        if on:
            return {**marked, "color": HIGHLIGHT, "penwidth": "3"}
        dimmed = {**marked, "color": DIM_STROKE, "fontcolor": DIM_TEXT}
        return {**dimmed, "fillcolor": DIM_FILL} if fill else dimmed

    def _shown(self, attrs: dict[str, str]) -> dict[str, str]:
        if not self.options.geometry_only:
            return attrs
        return {key: value for key, value in attrs.items() if key not in _LOOKS}

    def _line(self, depth: int, text: str) -> None:
        self.out.append("  " * depth + text)

    def _node(self, depth: int, name: str, attrs: dict[str, str], on: bool) -> None:
        self._line(depth, f"{_q(name)} {_attrs(self._shown(self._mark({'id': name, **attrs}, on)))}")

    def _link(self, depth: int, tail: str, head: str, attrs: dict[str, str], on: bool) -> None:
        self._line(depth, f"{_q(tail)} -> {_q(head)} {_attrs(self._shown(self._mark(attrs, on, fill=False)))}")

    def _on_state(self, qid: str) -> bool:
        return self.emphasis is not None and self.emphasis.has_state(qid)

    def _on_edge(self, scope: Scope, edge: Edge) -> bool:
        source = None if edge.source == ANY_SOURCE else scope.qid(edge.source)
        return self.emphasis is not None and self.emphasis.has_edge(scope.path, edge.index, source)

    def write(self) -> DotSource:
        wf = self.workflow
        title = self._title()
        self.out.append("digraph workflow {")
        nodesep = "0.2" if self.options.compact else "0.35"
        graph = {"rankdir": "TB" if self.vertical else "LR", "nodesep": nodesep, "ranksep": "0.45",
                 "fontname": FONT, "fontsize": "13", "fontcolor": TEXT, "label": title, "labelloc": "t",
                 "labeljust": "l", "outputorder": "edgesfirst", "pad": "0.2"}
        if self.size > LARGE:
            graph["newrank"] = "true"
            graph["nslimit"] = "0.02"
        if self.options.fit_inches:
            graph["size"] = "{:.2f},{:.2f}".format(*self.options.fit_inches)
        self._line(1, "graph " + _attrs(self._shown(graph)))
        self._line(1, "node " + _attrs(self._shown({"fontname": FONT, "fontsize": "11", "fontcolor": TEXT,
                                                    "margin": "0.12,0.05", "penwidth": "1.3"})))
        self._line(1, "edge " + _attrs(self._shown({"fontname": FONT, "fontsize": "9", "fontcolor": TEXT,
                                                    "color": EDGE_COLOUR, "arrowsize": "0.7"})))
        on = self._on_state(wf.initial)
        self._node(1, START, {"class": "start", "shape": "point", "width": "0.16", "color": MARKER,
                              "fillcolor": MARKER}, on)
        self._link(1, START, wf.initial, {"id": f"{START}>{wf.initial}", "class": "start"}, on)
        self._scope(top_scope(wf), 1)
        self.out.append("}")
        return self.source()

    def _title(self) -> str:
        """The flow's title, id and version, and under them (unless compact: the review pack keys its
        drawing in HTML beside it) the legend of the colours and lines used."""
        wf = self.workflow
        heading = f'<B>{_text(clean(wf.title))}</B>  <FONT POINT-SIZE="10">{wf.id} v{wf.version}</FONT>'
        if self.options.compact:
            return f"<{heading}>"
        keys = [style_key(state) for state in all_states(wf).values()]
        key = legend_table(keys)
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD ALIGN="LEFT">{heading}'
                f'</TD></TR><TR><TD ALIGN="LEFT" CELLPADDING="3">{key}</TD></TR></TABLE>>')

    def source(self) -> DotSource:
        text = "\n".join(self.out) + "\n"
        if not self.detached_at:
            return DotSource(text, text, ())
        skipped = set(self.detached_at)
        kept = [line for n, line in enumerate(self.out) if n not in skipped]
        detached = tuple(self.out[n].strip() for n in self.detached_at)
        return DotSource(text, "\n".join(kept) + "\n", detached, tuple(self.detached_labels))

    def _scope(self, scope: Scope, depth: int) -> None:
        for sid, state in scope.states.items():
            if is_box(state):
                self._parallel(scope, sid, state, depth)
            else:
                self._state(scope.qid(sid), sid, state, depth)
        edges = list(scope.edges())
        from_any = [e for e in edges if e.source == ANY_SOURCE]
        if from_any:
            label = f'<<I>{_text("any non-final state (*)")}</I>>'
            on = any(self._on_edge(scope, e) for e in from_any)
            self._node(depth, qualify(scope.path, ":any"), {"class": "any", "shape": "plaintext",
                                                             "label": label}, on)
        for edge in edges:
            self._edge(scope, edge, depth)

    def _state(self, qid: str, sid: str, state: State, depth: int) -> None:
        look = style_of(state)
        on = self._on_state(qid)
        label = node_label(sid, state)
        subtle = DIM_TEXT if self.emphasis is not None and not on else _SUBTLE
        items = self.emphasis.items_through(qid) if self.emphasis is not None else None
        lines = label.lines if items is None else (*label.lines, f"✓ {items}")
        attrs = {"class": f"state {style_key(state)}", "shape": look.shape, "style": look.flags,
                 "fillcolor": look.fill, "color": look.stroke,
                 "label": _html(label.heading, lines, subtle, self.wrap)}
        if look.peripheries != 1:
            attrs["peripheries"] = str(look.peripheries)
        self._node(depth, qid, attrs, on)

    def _edge(self, scope: Scope, edge: Edge, depth: int) -> None:
        detached = not scope.path and self.detachment.has(edge)
        if detached and self.options.geometry_only:
            return  # the layout leaves it out, and a geometry-only text is never drawn
        tail = qualify(scope.path, ":any") if edge.source == ANY_SOURCE else scope.qid(edge.source)
        if is_box(scope.states.get(edge.source)):
            tail = join_id(tail)
        lines = (_compact_edge_label(edge, self.numbers.get(scope.path, 0)) if self.options.compact
                 else edge_label(edge.transition))
        text = "<BR/>".join(_text(line) for line in lines)
        if detached:  # on white: the lines of the detached edges before it pass under it, not through it
            label = f"<{_BACKED.format(text=text)}>"
        elif self.options.compact:  # `dot` packs a compact drawing's labels edge to edge: a margin keeps them apart
            label = f"<{_MARGINED.format(margin=_LABEL_MARGIN, text=text)}>"
        else:
            label = f"<{text}>"
        attrs = {"id": edge_id(scope.path, edge), "class": "transition", "label": label}
        if not (self.options.compact or self.options.geometry_only):  # a compact drawing's T3 is a table row
            full = edge_text(edge.transition)
            attrs |= {"tooltip": full, "labeltooltip": full}
        if edge.transition.trigger is None:
            attrs["style"] = "dashed"
        head = scope.qid(edge.transition.dest)
        if detached:
            self.detached_at.append(len(self.out))
            self.detached_labels.append(DetachedLabel(tail, head, lines, _DETACHED_FONT))
            attrs = _detached(attrs)
        self._link(depth, tail, head, attrs, self._on_edge(scope, edge))

    def _bar(self, depth: int, name: str, css: str, on: bool) -> None:
        size = {"width": "1.2", "height": "0.06"} if self.vertical else {"width": "0.06", "height": "1.2"}
        fill = HIGHLIGHT if on else MARKER
        self._node(depth, name, {"class": css, "shape": "box", "style": "filled", "fixedsize": "true",
                                 "label": "", "fillcolor": fill, "color": MARKER, **size}, on)

    def _parallel(self, scope: Scope, sid: str, state: State, depth: int) -> None:
        qid = scope.qid(sid)
        look = style_of(state)
        on = self._on_state(qid)
        label = node_label(sid, state)
        subtle = DIM_TEXT if self.emphasis is not None and not on else _SUBTLE
        self._line(depth, f"subgraph {_q('cluster_' + qid)} {{")
        self._line(depth + 1, "graph " + _attrs(self._shown(self._mark({
            "id": f"{qid}:cluster", "class": f"state {state.type}", "style": look.flags, "fillcolor": look.fill,
            "color": look.stroke, "label": _html(label.heading, label.lines, subtle, self.wrap, left=True),
            "labeljust": "l",
        }, on))))
        self._bar(depth + 1, qid, "fork", on)
        self._bar(depth + 1, join_id(qid), "join", on)
        for branch in branch_scopes(scope, sid, state):
            name = "for each item" if state.type == "map" else branch.path.rsplit("/", 1)[1]
            self._branch(qid, branch, name, depth + 1)
        self._line(depth, "}")

    def _branch(self, owner: str, branch: Scope, name: str, depth: int) -> None:
        """The branch's cluster, then its fork and join edges *outside* it: an edge statement inside a
        subgraph makes both its ends members, which drew the bars inside the first branch's box."""
        self._line(depth, f"subgraph {_q('cluster_' + branch.path)} {{")
        self._line(depth + 1, "graph " + _attrs(self._shown({
            "id": f"{branch.path}:branch", "class": "branch", "style": "dashed,rounded,filled",
            "color": DIM_STROKE, "fillcolor": "white", "label": f"<<I>{_text(name)}</I>>",
            "labeljust": "l", "fontsize": "10",
        })))
        self._scope(branch, depth + 1)
        self._line(depth, "}")
        first = branch.qid(branch.initial)
        self._link(depth, owner, first, {"id": f"{owner}>{first}", "class": "fork"},
                   self._on_state(owner) and self._on_state(first))
        finals = [branch.qid(s) for s, st in branch.states.items() if isinstance(st, FinalState)]
        for last in finals:
            self._link(depth, last, join_id(owner),
                       {"id": f"{last}>{join_id(owner)}", "class": "join", "arrowhead": "none", "style": "dotted"},
                       self._on_state(owner) and self._on_state(last))
        if not finals:
            self._line(depth, f"{_q(first)} -> {_q(join_id(owner))} [style=invis]")


@dataclass(frozen=True, slots=True)
class DotSource:
    """A workflow's DOT in the forms Graphviz needs.

    `text` has every edge (what `to_dot` returns). `layout_text` is what `dot` lays out: the same minus
    the detached edges (see `long_edges`), whose statements `detached` holds, to be drawn straight over
    the finished layout; `detached_labels` says, for each, what its label needs to be placed there (see
    `detached_labels`). Without detached edges both texts are equal.
    """

    text: str
    layout_text: str
    detached: tuple[str, ...]
    detached_labels: tuple[DetachedLabel, ...] = ()


def dot_source(
    workflow: Workflow, highlight: Highlight | None = None, options: DotOptions | None = None
) -> DotSource:
    layers = layering(top_scope(workflow))  # read by the long-edge plan and the default direction alike
    return _DotWriter(workflow, highlight, plan_detachment(workflow, layers), options or DotOptions(), layers).write()


def to_dot(workflow: Workflow, highlight: Highlight | None = None, options: DotOptions | None = None) -> str:
    """The workflow as DOT text. Identical input gives identical text: no clock, no random ids."""
    return dot_source(workflow, highlight, options).text
