"""Fixtures of the engine's CLI tests."""

from __future__ import annotations

import pytest

from engine.cli import output


@pytest.fixture
def wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them, whichever test made the console first (it reads COLUMNS once)."""
    monkeypatch.setattr(output.stdout, "_width", 300)
