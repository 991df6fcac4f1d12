"""Storage's own errors, raised as the engine's `StorageError` where a command writes or reads outside
`Runtime.write`/`Runtime.read` (which translate them themselves)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from engine.errors import StorageError, WriterBusy
from storage.errors import StoreError
from storage.errors import WriterBusy as StoreWriterBusy

__all__ = ["as_storage_error"]


@contextmanager
def as_storage_error() -> Iterator[None]:
    """A database that fails the work (read-only, gone, full) is a `StorageError` with the driver's reason: a
    503 in the API, one line in the CLI — never a storage exception the layers above do not know."""
    try:
        yield
    except StoreWriterBusy as exc:  # asked not to wait (`writes_without_waiting`): the caller retries
        raise WriterBusy(str(exc)) from exc
    except StoreError as exc:
        raise StorageError(str(exc)) from exc
