"""What the PostgreSQL and browser tests do when their prerequisite is missing: in CI (CI=1/true/yes) they must
run, so the missing piece fails the test; elsewhere it skips, saying what is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["in_ci", "unavailable"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(reason)
    pytest.skip(reason)
