"""Workflows built in the tests, and readers that take the diagrams apart (SVG, Graphviz JSON, Mermaid)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from engine.definition import Workflow

SVG = "{http://www.w3.org/2000/svg}"

# Every state type, a parallel state with two branches, a list source, a '*' source, guards, priorities.
SAMPLE: dict[str, Any] = {
    "id": "lead_qualification",
    "title": "Lead qualification",
    "initial": "extract",
    "states": {
        "extract": {"type": "task", "agent": "bdr_concierge", "action": "extract_lead", "title": "Extract lead"},
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}, "timeout": "PT48H"},
        "enrich": {
            "type": "parallel",
            "title": "Enrich",
            "branches": [
                {"name": "crm", "initial": "lookup",
                 "states": {"lookup": {"type": "task", "action": "crm_lookup"}, "done": {"type": "final"}},
                 "transitions": [{"source": "lookup", "trigger": "done", "dest": "done"}]},
                {"name": "web", "initial": "search",
                 "states": {"search": {"type": "task", "action": "web_search"},
                            "found": {"type": "final"}, "gave_up": {"type": "final", "outcome": "failure"}},
                 "transitions": [{"source": "search", "trigger": "done", "dest": "found"},
                                 {"source": "search", "trigger": "error", "dest": "gave_up",
                                  "errors": ["unavailable", "timeout"]}]},
            ],
        },
        "support": {"type": "subflow", "workflow": "support_ticket_triage"},
        "pause": {"type": "wait", "duration": "P3D"},
        "booked": {"type": "final", "outcome": "success"},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "extract", "trigger": "done", "dest": "route"},
        {"source": "extract", "trigger": "error", "dest": "rejected"},
        {"source": "route", "dest": "review", "guard": "lead.score >= 70", "priority": 1},
        {"source": "route", "dest": "enrich"},
        {"source": "enrich", "trigger": "done", "dest": "support"},
        {"source": "support", "trigger": "done", "dest": "pause"},
        {"source": "pause", "trigger": "done", "dest": "review"},
        {"source": "review", "trigger": "approve", "dest": "booked"},
        {"source": ["review", "support"], "trigger": "reject", "dest": "rejected"},
        {"source": "*", "trigger": "cancel", "dest": "rejected"},
    ],
}

STATE_IDS = {
    "extract", "route", "review", "enrich", "support", "pause", "booked", "rejected",
    "enrich/crm/lookup", "enrich/crm/done", "enrich/web/search", "enrich/web/found", "enrich/web/gave_up",
}
# (edge id, label lines) for every drawn transition edge of SAMPLE.
EDGES = {
    "t0:extract": ("done",),
    "t1:extract": ("error",),
    "t2:route": ("auto", "[lead.score >= 70]", "priority 1"),
    "t3:route": ("auto",),
    "t4:enrich": ("done",),
    "t5:support": ("done",),
    "t6:pause": ("done",),
    "t7:review": ("approve",),
    "t8:review": ("reject",),
    "t8:support": ("reject",),
    "t9:*": ("cancel",),
    "enrich/crm/t0:lookup": ("done",),
    "enrich/web/t0:search": ("done",),
    "enrich/web/t1:search": ("error (timeout | unavailable)",),
}


def sample(**changes: Any) -> Workflow:
    return Workflow.model_validate({**json.loads(json.dumps(SAMPLE)), **changes})


def chain(n: int) -> Workflow:
    """`n` generated states of every kind in a chain; every task can fail into one final state."""
    kinds = ["task", "task", "choice", "approval", "wait", "subflow"]
    states: dict[str, Any] = {}
    transitions: list[dict[str, Any]] = []
    for i in range(n):
        sid, following = f"s{i}", (f"s{i + 1}" if i + 1 < n else "ok")
        kind = kinds[i % len(kinds)]
        if kind == "task":
            states[sid] = {"type": "task", "action": f"act_{i}", "title": f"Step {i}"}
            transitions += [{"source": sid, "trigger": "done", "dest": following},
                            {"source": sid, "trigger": "error", "dest": "failed"}]
        elif kind == "choice":
            states[sid] = {"type": "choice"}
            transitions += [{"source": sid, "dest": f"s{min(i + 3, n - 1)}", "guard": f"x > {i}", "priority": 1},
                            {"source": sid, "dest": following}]
        elif kind == "approval":
            states[sid] = {"type": "approval", "approvers": {"roles": ["manager"]}}
            transitions += [{"source": sid, "trigger": "approve", "dest": following},
                            {"source": sid, "trigger": "reject", "dest": f"s{max(i - 3, 0)}"}]
        elif kind == "wait":
            states[sid] = {"type": "wait", "duration": "PT1H"}
            transitions.append({"source": sid, "trigger": "done", "dest": following})
        else:
            states[sid] = {"type": "subflow", "workflow": "child"}
            transitions.append({"source": sid, "trigger": "done", "dest": following})
    states["ok"] = {"type": "final"}
    states["failed"] = {"type": "final", "outcome": "failure"}
    return Workflow.model_validate(
        {"id": "generated", "title": f"{n} states", "initial": "s0", "states": states, "transitions": transitions}
    )


# ---- Graphviz's own reading of a DOT text ----------------------------------------------------------

def graphviz_json(dot_text: str) -> dict[str, Any]:
    """`dot -Tjson0`: the graph as Graphviz parsed and laid it out, every attribute included."""
    done = subprocess.run(["dot", "-Tjson0"], input=dot_text.encode(), capture_output=True, check=True, timeout=60)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def json_nodes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in data["objects"] if "nodes" not in o and "edges" not in o}


def json_clusters(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in data["objects"] if o.get("name", "").startswith("cluster_")}


def json_edges(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in data.get("edges", []) if "id" in e}


def html_lines(label: str) -> list[str]:
    """The text lines of an HTML-like label as Graphviz shows them: tags gone, entities and doubled backslashes
    decoded. A break's alignment is ignored, and so is the break that ends a flush-left label."""
    parts = re.split(r"<BR(?: ALIGN=\"\w+\")?/>", label.removesuffix('<BR ALIGN="LEFT"/>'))
    return [html.unescape(re.sub(r"<[^>]+>", "", part)).replace("\\\\", "\\") for part in parts]


# ---- SVG -----------------------------------------------------------------------------------------------

def svg_root(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return root


def svg_groups(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    """`node`, `edge` or `cluster` groups by their `id` attribute."""
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if kind in (g.get("class") or "").split()}


def svg_title(group: ET.Element) -> str:
    title = group.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def svg_texts(group: ET.Element) -> list[str]:
    return [t.text or "" for t in group.iter(f"{SVG}text")]


def svg_outline(group: ET.Element) -> ET.Element | None:
    """The first drawn outline of a node or edge (polygon, ellipse or path), if it has one."""
    for element in group.iter():
        if element.tag in (f"{SVG}polygon", f"{SVG}ellipse", f"{SVG}path"):
            return element
    return None


def svg_shape(group: ET.Element) -> ET.Element:
    shape = svg_outline(group)
    assert shape is not None, f"{svg_title(group)} has no outline"
    return shape


def svg_centre(group: ET.Element) -> tuple[float, float]:
    """The middle of a node's outline; a plain-text node is placed by its text."""
    shape = svg_outline(group)
    if shape is None:
        text = group.find(f"{SVG}text")
        assert text is not None
        return float(text.get("x", 0)), float(text.get("y", 0))
    if shape.tag == f"{SVG}ellipse":
        return float(shape.get("cx", 0)), float(shape.get("cy", 0))
    raw = shape.get("points") or shape.get("d") or ""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", raw)]
    xs, ys = numbers[0::2], numbers[1::2]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


# ---- Mermaid -------------------------------------------------------------------------------------------

@dataclass
class MermaidDoc:
    """A stateDiagram-v2 taken apart line by line."""

    header: str
    direction: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # state id -> label (entity codes decoded)
    parents: dict[str, str] = field(default_factory=dict)  # state id -> composite it was declared in ('' at top)
    transitions: list[tuple[str, str, str]] = field(default_factory=list)  # (source, dest, decoded label)
    starts: list[tuple[str, str]] = field(default_factory=list)  # ([*] --> id) with the composite it is in
    ends: list[tuple[str, str]] = field(default_factory=list)
    class_defs: dict[str, str] = field(default_factory=dict)
    classes: dict[str, set[str]] = field(default_factory=dict)  # class name -> ids
    separators: dict[str, int] = field(default_factory=dict)  # composite -> count of '--'


_ENTITY = re.compile(r"#(\d+);")
_ID = r"[A-Za-z_]\w*"


def decode(text: str) -> str:
    return _ENTITY.sub(lambda m: chr(int(m[1])), text)


def assert_lexes_as_one_label(text: str) -> None:
    """What Mermaid's lexer sees once it has set entity codes aside: nothing that ends or redirects a label."""
    bare = re.sub(r"#\w+;", "", text)
    assert not set(bare) & set(':;#"<>[]{}%`'), text
    assert not re.search(r"direction\s", bare, re.IGNORECASE), text


def parse_mermaid(text: str) -> MermaidDoc:
    lines = text.splitlines()
    doc = MermaidDoc(header=lines[0])
    stack = [""]
    for raw in lines[1:]:
        line = raw.strip()
        if m := re.fullmatch(r"direction (LR|TB)", line):
            doc.direction = m[1]
        elif m := re.fullmatch(rf"classDef ({_ID}) (\S.*)", line):
            doc.class_defs[m[1]] = m[2]
        elif m := re.fullmatch(rf"class ({_ID}(?:,{_ID})*) ({_ID})", line):
            doc.classes.setdefault(m[2], set()).update(m[1].split(","))
        elif m := re.fullmatch(rf'state "([^"]*)" as ({_ID})', line):
            assert_lexes_as_one_label(m[1])
            assert m[2] not in doc.labels, f"{m[2]} declared twice"
            doc.labels[m[2]] = decode(m[1])
            doc.parents[m[2]] = stack[-1]
        elif m := re.fullmatch(rf"state ({_ID}) \{{", line):
            stack.append(m[1])
        elif line == "}":
            stack.pop()
        elif line == "--":
            doc.separators[stack[-1]] = doc.separators.get(stack[-1], 0) + 1
        elif m := re.fullmatch(rf"\[\*\] --> ({_ID})", line):
            doc.starts.append((m[1], stack[-1]))
        elif m := re.fullmatch(rf"({_ID}) --> \[\*\]", line):
            doc.ends.append((m[1], stack[-1]))
        elif m := re.fullmatch(rf"({_ID}) --> ({_ID}) : (.+)", line):
            assert_lexes_as_one_label(m[3])
            doc.transitions.append((m[1], m[2], decode(m[3])))
        else:
            raise AssertionError(f"unexpected Mermaid line: {raw!r}")
    assert stack == [""], "unbalanced composite states"
    return doc
