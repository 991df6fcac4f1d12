"""The statuses the stores spell in their SQL are the named ones (storage.statuses): a misspelt status in a
query matches no row and fails nothing at run time, so it fails here."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

import storage
from storage.statuses import ApprovalStatus, JobStatus

_COMPARED = re.compile(r"status\s*(?:=|!=|<>)\s*'(\w+)'")
_LISTED = re.compile(r"status\s+IN\s*\(([^)]*)\)", re.IGNORECASE)


def _spelt(module: str) -> set[str]:
    text = (Path(storage.__file__).parent / module).read_text(encoding="utf-8")
    found = set(_COMPARED.findall(text))
    for listed in _LISTED.findall(text):
        found |= set(re.findall(r"'(\w+)'", listed))
    return found


@pytest.mark.parametrize(("module", "statuses"), [("jobs.py", JobStatus), ("approvals.py", ApprovalStatus)])
def test_sql_spells_only_named_statuses(module: str, statuses: type[StrEnum]) -> None:
    spelt = _spelt(module)
    assert spelt, "the pattern no longer finds the store's queries"
    assert spelt <= {s.value for s in statuses}, spelt - {s.value for s in statuses}


def test_a_member_is_the_stored_string() -> None:
    assert JobStatus.READY == "ready"
    assert {"pending": 1}[ApprovalStatus.PENDING] == 1
    assert f"{ApprovalStatus.TIMED_OUT}" == "timed_out"
