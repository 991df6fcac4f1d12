"""Where a place in an SCXML document lies. The import names places as pointers by state id, element name and
position, `@` for an attribute (`/states/a/transition/0/@cond`: the `cond` of state `a`'s first `<transition>`;
`/states/a/invoke/param/total/@expr`: a `<param>` by its name, an `<assign>` by its location, a `<data>` by its
id); this module finds the element such a pointer names and that element's line and column in the text, so a
finding about the document says where to look in it."""

from __future__ import annotations

from xml.etree import ElementTree as ET
from xml.parsers import expat

from engine.validation.findings import Finding, tokens_of

__all__ = ["ScxmlLocator", "element_at", "local_name", "states_by_name"]

_STATE_TAGS = ("state", "parallel", "final")
_KEYS = ("name", "id", "location")  # what names one of several like elements: a <param>, a <data>, an <assign>


def local_name(element: ET.Element) -> str:
    return element.tag.split("}", 1)[-1]


def states_by_name(root: ET.Element) -> dict[str, ET.Element]:
    """Each state by its id (ids are unique in a document), and by its Statewright name (`sw:name`) where no
    state has that id."""
    states = [e for e in root.iter() if local_name(e) in _STATE_TAGS]
    found = {e.get("id") or "": e for e in reversed(states)}
    for element in states:
        for key, value in element.attrib.items():
            if key.endswith("}name"):
                found.setdefault(value, element)
    return found


def element_at(root: ET.Element, tokens: tuple[str | int, ...],
               states: dict[str, ET.Element] | None = None) -> ET.Element | None:
    """The element the place `tokens` names or lies in (an attribute's element; the deepest element found when
    the rest names none); `states`: `states_by_name(root)`, when known."""
    element: ET.Element | None = root
    rest = list(tokens)
    if rest[:1] == ["states"] and len(rest) > 1:
        element = (states if states is not None else states_by_name(root)).get(str(rest[1]))
        rest = rest[2:]
    if element is None:
        return None
    alike: list[ET.Element] = []  # the elements the last name named, which an index or a key chooses from
    for token in rest:
        if isinstance(token, int):
            if token >= len(alike):
                break
            element, alike = alike[token], []
            continue
        if token.startswith("@"):
            break
        keyed = [e for e in alike if token in (e.get(key) for key in _KEYS)]
        if keyed:
            element, alike = keyed[0], []
            continue
        alike = [e for e in element if local_name(e) == token.removeprefix("sw:")]
        if not alike:
            break
        element = alike[0]
    return element


class ScxmlLocator:
    """The line and column (both from 1) where the element a place names starts in the document's text."""

    def __init__(self, text: str | bytes, root: ET.Element) -> None:
        self._text, self._root = text, root
        self._starts: dict[ET.Element, tuple[int, int]] | None = None
        self._states: dict[str, ET.Element] | None = None

    def _positions(self) -> dict[ET.Element, tuple[int, int]]:
        """Each element's start, read by a second pass of the parser (ElementTree keeps no positions); elements
        come in document order in both."""
        if self._starts is None:
            parser = expat.ParserCreate()
            starts: list[tuple[int, int]] = []

            def start(_tag: str, _attributes: dict[str, str]) -> None:
                starts.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))

            parser.StartElementHandler = start
            try:
                parser.Parse(self._text, True)
            except expat.ExpatError:
                starts = []
            elements = list(self._root.iter())
            self._starts = dict(zip(elements, starts, strict=True)) if len(starts) == len(elements) else {}
        return self._starts

    def __call__(self, tokens: tuple[str | int, ...]) -> tuple[int, int] | None:
        if self._states is None:
            self._states = states_by_name(self._root)
        element = element_at(self._root, tokens, self._states)
        return None if element is None else self._positions().get(element)

    def locate(self, finding: Finding) -> Finding:
        """The finding with the line and column of the place its pointer names, where it names one."""
        found = self(tokens_of(finding.pointer)) if finding.pointer else None
        if found is None:
            return finding
        return finding.model_copy(update={"line": found[0], "column": found[1]})
