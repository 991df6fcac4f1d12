"""Whether the SQLite file a process opened is still the one at its path: `file_replaced(database)` says in one
line that it was deleted or replaced (every write since went to a file nobody will open again), else None. A
`stat` of the path, cheap enough for every readiness check (`/api/ready`) and every few seconds of a worker."""

from __future__ import annotations

from storage.sqlite_file import file_replaced

__all__ = ["file_replaced"]
