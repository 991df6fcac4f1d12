"""Fixtures for the runtime tests: an `Engine` on each database, driven by a manual clock."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2030, 1, 15, 12, 0, tzinfo=UTC))


@pytest.fixture
def engine(database_url: str, clock: ManualClock) -> Iterator[Engine]:
    with Engine(database_url, clock=clock, rng=random.Random(7)) as built:
        yield built
