"""The definition format's 'Error kinds' table lists every kind the engine and the shipped handlers produce,
each in the group it belongs to — the `unknown-error-kind` warning sends authors to it."""

from __future__ import annotations

import re
from pathlib import Path

from engine.definition.error_kinds import ENGINE_ERROR_KINDS, HANDLER_ERROR_KINDS

FORMAT = Path(__file__).parents[2] / "docs" / "definition-format.md"


def _table() -> dict[str, str]:
    text = FORMAT.read_text(encoding="utf-8")
    table = text[text.index("| kind | from | meaning |"):]
    table = table[: table.index("\n\n")]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z_]+)` \| (engine|handlers) \|", table, re.M)}


def test_the_error_kinds_table_lists_every_known_kind_in_its_group() -> None:
    expected = {**dict.fromkeys(ENGINE_ERROR_KINDS, "engine"), **dict.fromkeys(HANDLER_ERROR_KINDS, "handlers")}
    assert _table() == expected
