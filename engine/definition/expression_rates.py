"""What evaluating a CEL expression costs, in steps of about half a microsecond: the budget an expression may
spend (`MAX_COST`), the largest value it reads from data (`MAX_VALUE_SIZE`), and the rates, measured on the
interpreter, at which its operations spend steps. How they are used: `engine.definition.expression_cost`."""

from __future__ import annotations

from engine.json_limits import MAX_JSON_BYTES

__all__ = ["MAX_COST", "MAX_VALUE_SIZE"]

MAX_COST = 200_000
MAX_VALUE_SIZE = MAX_JSON_BYTES
"""The largest value an expression reads from data, in characters (a text) or elements (a list): the engine
holds contexts, payloads and outputs to `MAX_JSON_BYTES` of JSON, and a character or an element takes at least
one byte of it."""

# Rates, as units per step (a step is about half a microsecond), measured on the CEL interpreter with values of
# 10 KB to 1 MB (a 1 MB text copied: ~0.3 ms; a list element copied: 25-100 ns; a value converted to Python:
# 60-500 ns; `contains` with a needle that defeats its skipping: ~2 ns a character; a pattern compiled:
# 100-1,200 ns a character).
_CHARS_COPIED = 1_000  # characters of text a concatenation builds, or a result converts
_ELEMENTS_COPIED = 5  # elements a list concatenation or a list literal copies
_VALUES_CONVERTED = 2  # values (elements, entries) of a result converted to Python
_CHARS_COMPARED = 1_000  # characters `==`, `<`, `startsWith`, `in` compare
_ELEMENTS_SCANNED = 100  # list elements `in` or `==` go through
_CHARS_SEARCHED = 250  # characters `matches` searches; `contains` compares 1,000 with a short needle, fewer with
_LONG_NEEDLE = 1_000  # a longer one: (1 + needle / 250) times fewer, up to 5 (a needle of 1,000 or more)
_PATTERN_CHARS = 1  # characters of a regular expression compiled
_PATTERN_WIDTH = 100  # matching is up to (1 + pattern characters / 100) times slower than a plain search
