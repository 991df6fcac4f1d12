"""Where each part of an imported definition came from in the source document, so that what validation says about
the definition points into the document the user gave (`/states/a/on/GO/guard/params/expression`) rather than into
the definition made from it (`/transitions/0/guard`), and names a transition's event as the source does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.validation.findings import Finding, pointer, tokens_of

__all__ = ["SourceMap", "Tokens"]

Tokens = tuple[str | int, ...]


@dataclass
class SourceMap:
    """`places`: a place in the definition → the place in the source it was made from; a pointer below one
    leads below the other (the longest match wins) — or, without `tails`, to the other itself (an SCXML
    element or attribute, whose parts are not the definition's fields) —, a pointer matching none is kept.
    `events`: a transition (its place in the definition) whose trigger is not what the source calls it →
    (trigger, the source's event). `locate`: the line and column of a place in the source text, where the
    source is text whose places have them (SCXML); a finding then carries them instead of its own."""

    places: dict[Tokens, Tokens] = field(default_factory=dict)
    events: dict[Tokens, tuple[str, str]] = field(default_factory=dict)
    tails: bool = True
    locate: Callable[[Tokens], tuple[int, int] | None] | None = None

    def add(self, made: Tokens, source: Tokens) -> None:
        self.places[made] = source

    def source_of(self, made: Tokens) -> Tokens | None:
        for end in range(len(made), -1, -1):
            found = self.places.get(made[:end])
            if found is not None:
                return (*found, *made[end:]) if self.tails else found
        return None

    def translate(self, finding: Finding) -> Finding:
        """The finding about the definition, as one about the source: its pointer (and line), and each
        transition it names by its trigger called by the source's event name."""
        made = tokens_of(finding.pointer)
        update: dict[str, object] = {}
        source = self.source_of(made) if made else None
        if source is not None:
            update["pointer"] = pointer(*source)
            if self.locate is not None:  # a line of the definition's (an expression's) is none of the source's
                update["line"], update["column"] = self.locate(source) or (None, None)
        message = finding.message
        for index in finding.transitions:
            renamed = self.events.get((*_machine_of(made), "transitions", index))
            if renamed is not None:
                trigger, event = renamed
                message = message.replace(f"on '{trigger}'", f"on '{event}'")
        if message != finding.message:
            update["message"] = message
        return finding.model_copy(update=update) if update else finding


def _machine_of(made: Tokens) -> Tokens:
    """The machine a pointer lies in: the tokens before its last `transitions` or `states` (a branch's, or the
    workflow's: `()`)."""
    for end in range(len(made) - 1, -1, -1):
        if made[end] in ("transitions", "states") and (end == 0 or made[end - 1] != "states"):
            return made[:end]
    return ()
