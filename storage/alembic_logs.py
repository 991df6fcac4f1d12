"""Alembic's INFO lines, kept out of an application's log while the engine checks and upgrades its own schema.

Every `Engine(url)` makes sure its database is at the newest schema; when that takes Alembic (a database behind, or
one whose revision the quick check could not read), Alembic says "Context impl SQLiteImpl.", "Will assume
non-transactional DDL." and "Running upgrade 0016 -> 0017, …" at INFO — lines about its own workings, in the log of
every application that logs at INFO, each time an engine opens. Within `quiet_alembic()` they are dropped (its
warnings and errors pass), and the engine says in one line of its own what it upgraded (`storage.schema`). Only the
calling thread's records are: a filter on Alembic's loggers, on while a context variable says so, so `statewright db
upgrade` or another thread running Alembic meanwhile logs as it always did.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

__all__ = ["quiet_alembic"]

_QUIET: ContextVar[bool] = ContextVar("statewright_quiet_alembic", default=False)
_guard = threading.Lock()
_filtered = False  # whether the filter is on Alembic's loggers


class _DropInfo(logging.Filter):
    """Drops records at INFO and below while the calling context is quiet."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not _QUIET.get()


_FILTER = _DropInfo()


@contextmanager
def quiet_alembic() -> Iterator[None]:
    """Alembic's INFO (and DEBUG) records of this thread are dropped in the block."""
    _filter_alembic_loggers()
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def _filter_alembic_loggers() -> None:
    """Put the filter on the logger of every Alembic module, once. A logger's filters see only the records made on
    it, not those its children pass up, so each module's own logger takes one — and before the module is loaded:
    Alembic loads its modules on demand, some log as they load ("setup plugin …"), and a logger made ahead of its
    module is the one the module's `getLogger(__name__)` finds. The names come from the package's files, unloaded."""
    global _filtered  # noqa: PLW0603 - once a process
    with _guard:
        if _filtered:
            return
        spec = importlib.util.find_spec("alembic")
        folders = [Path(folder) for folder in (spec.submodule_search_locations or [])] if spec else []
        names = {"alembic", *(name for name in logging.Logger.manager.loggerDict if name.startswith("alembic."))}
        for folder in folders:
            for file in folder.rglob("*.py"):
                parts = file.relative_to(folder).with_suffix("").parts
                module = parts[:-1] if parts[-1] == "__init__" else parts
                names.add(".".join(("alembic", *module)))
        for name in names:
            logging.getLogger(name).addFilter(_FILTER)
        _filtered = True
