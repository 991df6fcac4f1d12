"""At most how large a value an expression works on is (`_Bound`): a value read from data as the validation
assumes it (`_STATIC_VALUE`) or as the engine's JSON limits allow it (`_WORST_VALUE`), actual values measured
(`_Values`), a value of which only the top is known (`_Shallow`), and either of two values (`_join`).

Its names are for the other `expression_*` modules of this package only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.definition.expression_rates import _CHARS_COPIED, _VALUES_CONVERTED, MAX_VALUE_SIZE

if TYPE_CHECKING:
    from engine.definition.cel_reading import Part

_WALK_BUDGET = 200_000  # values looked at to measure one value read from data; past it, the worst is assumed

_TEXT, _LIST, _MAP, _SCALAR, _ANY = "text", "list", "map", "scalar", "any"
_TOPS: dict[type, str] = {str: _TEXT, bytes: _TEXT, dict: _MAP, list: _LIST, tuple: _LIST}
_SCALARS = frozenset({int, float, bool, type(None)})


class _Bound:
    """At most how large a value is: its `kind` (text, list, map, scalar, or any of them), its `length` (elements
    of a list, entries of a map; 0 for a text or a scalar), `chars` (the characters of a text, or of the texts a
    literal holds; bytes count as text) and `item`, the bound of any element, key, value or member of it."""

    __slots__ = ("_chars", "_item", "_kind", "_length")

    def __init__(self, kind: str, length: int = 0, chars: int = 0,
                 item: _Bound | Callable[[], _Bound] | None = None) -> None:
        self._kind = kind
        self._length = length
        self._chars = chars
        self._item = item

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def length(self) -> int:
        return self._length

    @property
    def chars(self) -> int:
        return self._chars

    @property
    def item(self) -> _Bound:
        item = self._item
        if item is None:
            return _NOTHING
        if not isinstance(item, _Bound):
            item = self._item = item()
        return item

    def member(self, part: Part) -> _Bound:  # noqa: ARG002 - measured values (`_Values`) look the part up
        """The bound of `value.part` or `value[part]`."""
        return self.item

    def conversion(self) -> float:
        """Steps to convert the whole value into a Python value (for a value a result holds more than once)."""
        return self.chars / _CHARS_COPIED + self.length / _VALUES_CONVERTED


def _unread(kind: str, length: int, chars: int) -> _Bound:
    """A value read from data of which nothing is known but its bounds; any part of it has the same bounds."""
    bound = _Bound(kind, length, chars)
    bound._item = bound
    return bound


_NOTHING = _Bound(_SCALAR)
_A_SCALAR = _Bound(_SCALAR)
_STATIC_VALUE = _unread(_ANY, 1, MAX_VALUE_SIZE)
"""What validation assumes of a value read from data: a text as long as a context may hold (what a chain of
concatenations or repeats would multiply), iterated as if it had one element (how long a list is, is judged when
the expression is evaluated, with the list)."""
_WORST_VALUE = _unread(_ANY, MAX_VALUE_SIZE // 2, MAX_VALUE_SIZE)
"""The most a value read from data within the engine's JSON limits may be: 1 MiB of text, or a list or map of
half as many elements (an element takes at least two bytes of JSON: itself and a comma)."""


class _TooLarge(Exception):
    """A value with more parts than a measure looks at."""


class _Values(_Bound):
    """The bound of actual values: the value at a path of the variables, or every value a loop variable takes
    (the elements of what it iterates). The values are gathered, and measured, when first asked about; values
    with more parts than `_WALK_BUDGET` are taken for the worst (`_WORST_VALUE`)."""

    __slots__ = ("_converted", "_members", "_source", "_values")

    def __init__(self, values: list[Any] | Callable[[], list[Any]]) -> None:
        super().__init__(_SCALAR)  # measured when first asked
        self._source = values
        self._values: list[Any] | None = None
        self._members: dict[Part, _Bound] = {}
        self._converted: float | None = None

    @property
    def values(self) -> list[Any]:
        if self._values is None:
            return self._load()
        return self._values

    def _load(self) -> list[Any]:
        try:
            values = self._source if isinstance(self._source, list) else self._source()
        except _TooLarge:
            self._members[""] = _WORST_VALUE
            self._kind, self._length, self._chars = _ANY, _WORST_VALUE.length, _WORST_VALUE.chars
            self._values = []
            return self._values
        types = set(map(type, values))
        if types <= _SCALARS:  # most values are alike (numbers, texts, records): measured without a Python loop
            self._kind, self._length, self._chars = _SCALAR, 0, 0
        elif len(types) == 1 and (kind := _TOPS.get(next(iter(types)))) is not None:
            size = max(map(len, values))
            self._kind, self._length, self._chars = kind, 0 if kind == _TEXT else size, size if kind == _TEXT else 0
        else:
            self._measure_each(values)
        self._values = values
        return values

    def _measure_each(self, values: list[Any]) -> None:
        kinds: set[str] = set()
        length = chars = 0
        for value in values:
            if isinstance(value, str | bytes):
                kinds.add(_TEXT)
                chars = max(chars, len(value))
            elif isinstance(value, Mapping):
                kinds.add(_MAP)
                length = max(length, len(value))
            elif isinstance(value, list | tuple):
                kinds.add(_LIST)
                length = max(length, len(value))
            else:
                kinds.add(_SCALAR)
        self._kind = kinds.pop() if len(kinds) == 1 else _ANY if kinds else _SCALAR
        self._length, self._chars = length, chars

    @property
    def kind(self) -> str:
        if self._values is None:
            self._load()
        return self._kind

    @property
    def length(self) -> int:
        if self._values is None:
            self._load()
        return self._length

    @property
    def chars(self) -> int:
        if self._values is None:
            self._load()
        return self._chars

    @property
    def item(self) -> _Bound:
        found = self._members.get("")  # the key no part has: the elements themselves
        if found is None:
            found = self._members[""] = _Values(self._children)
        return found

    def _whole(self) -> list[Any]:
        """The values, or `_TooLarge` for values with too many parts to measure."""
        values = self.values
        if self._members.get("") is _WORST_VALUE:
            raise _TooLarge
        return values

    def _children(self) -> list[Any]:
        found: list[Any] = []
        for value in self._whole():
            if type(value) is list or (type(value) is not dict and isinstance(value, tuple)):
                found.extend(value)
            elif type(value) is dict or isinstance(value, Mapping):
                found.extend(value)
                found.extend(value.values())
            if len(found) > _WALK_BUDGET:
                raise _TooLarge
        return found

    def member(self, part: Part) -> _Bound:
        found = self._members.get(part)
        if found is None:
            found = self._members[part] = _Values(lambda: self._at(part))
        return found

    def _at(self, part: Part) -> list[Any]:
        if isinstance(part, str):
            return [v[part] for v in self._whole() if (type(v) is dict or isinstance(v, Mapping)) and part in v]
        return [v[part] for v in self._whole()
                if (type(v) is list or isinstance(v, list | tuple)) and -len(v) <= part < len(v)]

    def conversion(self) -> float:
        if self._converted is None:
            self._converted = self._conversion()
        return self._converted

    def _conversion(self) -> float:
        most = 0.0
        budget = _WALK_BUDGET
        try:
            values = self._whole()
        except _TooLarge:
            return _WORST_VALUE.conversion()
        for value in values:
            nodes = chars = 0
            pending = [value]
            while pending:
                budget -= 1
                if budget < 0:
                    return _WORST_VALUE.conversion()
                one = pending.pop()
                nodes += 1
                if isinstance(one, str | bytes):
                    chars += len(one)
                elif isinstance(one, Mapping):
                    pending.extend(one.values())
                    chars += sum(len(k) for k in one if isinstance(k, str))
                elif isinstance(one, list | tuple):
                    pending.extend(one)
            most = max(most, chars / _CHARS_COPIED + nodes / _VALUES_CONVERTED)
        return most


def _join(first: _Bound, second: _Bound) -> _Bound:
    """A bound of a value that is either of two (a condition's branches, a literal's elements)."""
    if first is second or second is _NOTHING:
        return first
    if first is _NOTHING:
        return second
    kind = first.kind if first.kind == second.kind else _ANY
    return _Bound(kind, max(first.length, second.length), max(first.chars, second.chars),
                  lambda: _join(first.item, second.item))


def _join_all(bounds: Iterable[_Bound]) -> _Bound:
    found = _NOTHING
    for bound in bounds:
        found = _join(found, bound)
    return found


class _Shallow(_Bound):
    """A value of which only the top is known (its kind, length, characters), not its parts: they may be as large
    as any (`_WORST_VALUE`)."""

    __slots__ = ()

    def __init__(self, kind: str, length: int = 0, chars: int = 0) -> None:
        super().__init__(kind, length, chars, _WORST_VALUE)

    def conversion(self) -> float:
        return super().conversion() if self.kind in (_TEXT, _SCALAR) else _WORST_VALUE.conversion()

