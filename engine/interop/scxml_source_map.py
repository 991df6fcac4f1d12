"""Where each part of a definition imported from SCXML came from: a state from its element, a transition from
its `<transition>`, a guard from its `cond`, a task's input from its `<invoke>`'s `<param>`, what the export
carried in `sw:details` from that attribute. Places are named as the import names them
(`/states/a/transition/0/@cond`, see `scxml_places`); a field of the definition below one of them leads to it
(an attribute has no parts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from engine.interop.scxml_export import SCXML_NS, SW_NAME, SW_NS
from engine.interop.source_map import SourceMap, Tokens

__all__ = ["ScxmlSourceMap"]

_TRANSITION_ATTRIBUTES = {"dest": "@target", "guard": "@cond", "trigger": "@event"}


def _place(element: ET.Element) -> Tokens:
    return ("states", element.get("id") or "")


@dataclass
class ScxmlSourceMap(SourceMap):
    tails: bool = False

    def came_from(self, made: Tokens, source: Tokens, details: dict[str, Any] | None = None) -> None:
        """`made` came from `source`; each of `details` (fields read from its `sw:details`) from that attribute."""
        self.add(made, source)
        for key in details or {}:
            self.add((*made, key), (*source, "@sw:details"))

    def state(self, made: Tokens, element: ET.Element, body: dict[str, Any], details: dict[str, Any]) -> None:
        """The state `body` made at `made` from `element`: a final's result from its `<donedata>`, a task's
        action and input from its `<invoke>`, a wait's event from the transition on it."""
        source = _place(element)
        self.came_from(made, source, details)
        if element.get(f"{{{SW_NS}}}type") is not None:
            self.add((*made, "type"), (*source, "@sw:type"))
        if "result" in body and element.find(f"{{{SCXML_NS}}}donedata") is not None:
            self.add((*made, "result"), (*source, "donedata"))
            for key in body["result"]:
                self.add((*made, "result", key), (*source, "donedata", "param", key, "@expr"))
        if element.find(f"{{{SCXML_NS}}}invoke") is not None:
            for key in ("action", "workflow"):
                if key in body:
                    self.add((*made, key), (*source, "invoke", "@src"))
            if "input" in body:
                self.add((*made, "input"), (*source, "invoke"))
            for key in body.get("input", {}):
                self.add((*made, "input", key), (*source, "invoke", "param", key, "@expr"))
        waited = [i for i, edge in enumerate(element.findall(f"{{{SCXML_NS}}}transition")) if edge.get("event")]
        if body.get("type") == "wait" and "event" in body and waited and "event" not in details:
            self.add((*made, "event"), (*source, "transition", waited[0], "@event"))

    def region(self, made: Tokens, region: ET.Element) -> None:
        self.came_from(made, _place(region))
        self.add((*made, "name"), (*_place(region), "@id"))

    def initial(self, made: Tokens, parent: ET.Element, initial: str | None, start: str) -> None:
        """A machine's initial state: its parent's `initial` (the document's, a region's), or else its first."""
        here: Tokens = _place(parent) if parent.get("id") else ()
        self.add(made, (*here, "@initial") if initial else ("states", start))

    def transition(self, made: Tokens, t: dict[str, Any], at: Tokens, event: str | None) -> None:
        """The transition `t` made at `made` from the `<transition>` at `at`, whose event is `event`."""
        self.add(made, at)
        for key, attribute in _TRANSITION_ATTRIBUTES.items():
            if key in t and (key != "trigger" or event):
                self.add((*made, key), (*at, attribute))
        for location in t.get("assign", {}):
            self.add((*made, "assign", location), (*at, "assign", location, "@expr"))
        for key in set(t) - {"source", "assign", *_TRANSITION_ATTRIBUTES}:  # read from its sw:details
            self.add((*made, key), (*at, "@sw:details"))
        if event and t.get("trigger") and t["trigger"] != event:  # `done.invoke.x` is `done`; a wait's event too
            self.events[made] = (t["trigger"], event)

    def workflow(self, root: ET.Element, carried: dict[str, Any], *, context_carried: bool) -> None:
        """Where the workflow's own fields are: the title is `<scxml name>`, the context the data model (each key
        a `<data>`) unless the export carried it, and the rest what the export carried in `<sw:workflow>`."""
        if root.get("name"):
            self.add(("title",), ("@name",))
        for key in [*carried, *(["context"] if context_carried else [])]:
            self.add((key,), ("sw:workflow",))
        if context_carried:
            return
        self.add(("context",), ("datamodel",))
        for data in root.iter(f"{{{SCXML_NS}}}data"):
            if data.get("id"):
                name = data.get(SW_NAME) or data.get("id") or ""
                self.add(("context", "properties", name), ("datamodel", "data", data.get("id") or ""))
