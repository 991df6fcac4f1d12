"""The file under a SQLite database: opening it when this user may only read it, saying why a write to it failed,
and noticing when it is deleted or replaced under a process that has it open.

A database in WAL mode is read through its `-shm` file, which SQLite makes beside it; in a folder this user cannot
write, with no `-shm` there yet (no process has the database open), SQLite refuses even a read ("attempt to write
a readonly database"). Such a file is opened read-only and `immutable` (`read_only_uri`): SQLite then reads it
without the `-shm` file and without locks — sound while no process writes it, and one that could would have made
its `-wal` and `-shm` files first (it needs the folder for them, as we would). Where the `-wal` or `-shm` file
exists, SQLite opens the database read-only by itself when the file cannot be written.

SQLite says only "unable to open database file" for a database in a folder that does not exist (it makes the file,
never the folder): `missing_folder` names the folder, for the commands that look before they open and for the
engine's own error when it did not look (`why_unusable`).

A process keeps the file it opened: a file deleted under it (or replaced by another at its path, a backup
restored by `mv`) goes on taking its writes, and every one of them is lost. `file_replaced` compares the path's
device and inode with those of the file first opened, a `stat` call cheap enough for every readiness check.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy import event

__all__ = ["database_path", "file_replaced", "missing_folder", "read_only_uri", "unwritable_reason", "watch",
           "why_unusable"]

_SIDE_FILES = ("-wal", "-shm")
_SQLITE_READONLY_DIRECTORY = 1544  # SQLITE_READONLY | 6 << 8: the folder cannot take the -wal and -shm files
_opened: WeakKeyDictionary[sa.Engine, tuple[Path, int, int]] = WeakKeyDictionary()
_opened_guard = threading.Lock()


def database_path(database: sa.Engine) -> Path | None:
    """The file of a SQLite engine (absolute; for a `file:` URI its path part), None for another database."""
    if database.dialect.name != "sqlite" or not database.url.database:
        return None
    name = database.url.database
    if name.startswith("file:"):
        name = unquote(urlsplit(name).path)
    return Path(name).absolute()


def _read_only_by_choice(database: sa.Engine) -> bool:
    """A `file:` URI that asks for the database read-only: the driver's "attempt to write a readonly database"
    says all there is to say."""
    name = database.url.database or ""
    return name.startswith("file:") and bool({"mode=ro", "immutable=1"} & set(urlsplit(name).query.split("&")))


def read_only_uri(path: str) -> str | None:
    """A `file:` URI opening `path` read-only and immutable, when SQLite could not open it otherwise: the file
    exists, its folder cannot be written and there is neither a `-wal` nor a `-shm` file beside it. None: open it
    as usual."""
    if path.startswith("file:"):
        return None  # a URI: opened as it says
    file = Path(path).absolute()
    if not file.is_file() or os.access(file.parent, os.W_OK):
        return None
    if any(Path(f"{file}{suffix}").exists() for suffix in _SIDE_FILES):
        return None  # SQLite reads the WAL through them (read-only if it must); immutable would skip its commits
    return f"file:{quote(str(file))}?mode=ro&immutable=1"


def _sqlite_code(exc: BaseException) -> int | None:
    found = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    return getattr(found, "sqlite_errorcode", None) if isinstance(found, sqlite3.Error) else None


def unwritable_reason(database: sa.Engine, exc: BaseException) -> str | None:
    """What SQLite's "attempt to write a readonly database" (`exc`, the driver's error or SQLAlchemy's around it)
    means for the SQLite `database`: which file or folder this user cannot write, naming it. None for any other
    error or database, or one the URL asked to open read-only."""
    code = _sqlite_code(exc)
    path = database_path(database)
    if code is None or code & 0xFF != sqlite3.SQLITE_READONLY or path is None or _read_only_by_choice(database):
        return None
    folder = (f"the folder {path.parent} of the database is not writable by this user: SQLite makes the "
              f"database's -wal and -shm files there")
    if code == _SQLITE_READONLY_DIRECTORY:
        return folder
    if path.exists() and not os.access(path, os.W_OK):
        return f"the database file {path} is not writable by this user (it can only be read)"
    for suffix in _SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists() and not os.access(side, os.W_OK):
            return f"the database's {suffix[1:]} file {side} is not writable by this user"
    return folder if not os.access(path.parent, os.W_OK) else None


def missing_folder(path: str) -> str | None:
    """Why a SQLite database cannot be opened or made at `path` (as the URL gives it) for want of its folder — "the
    folder nodir does not exist", "notes.txt is a file, not a folder" — or None when the folder is there."""
    folder = Path(path).parent
    if folder.is_dir():
        return None
    return f"the folder {folder} does not exist" if not folder.exists() else f"{folder} is a file, not a folder"


def why_unusable(database: sa.Engine, exc: BaseException) -> str | None:
    """What a SQLite error (`exc`, the driver's or SQLAlchemy's around it) means for the file of `database`, in
    words that name it: a file or folder this user cannot write (`unwritable_reason`), or a folder that is not
    there ("unable to open database file"). None for any other error or database."""
    found = unwritable_reason(database, exc)
    if found is not None or _sqlite_code(exc) != sqlite3.SQLITE_CANTOPEN or database.dialect.name != "sqlite":
        return found
    name = database.url.database or ""
    return missing_folder(unquote(urlsplit(name).path) if name.startswith("file:") else name) if name else None


def watch(database: sa.Engine) -> None:
    """Remember the device and inode of the file the SQLite engine's first connection opens (`file_replaced`)."""
    path = database_path(database)
    if path is None:
        return

    @event.listens_for(database, "connect")
    def _remember(_dbapi_connection: Any, _record: Any) -> None:
        if database in _opened:
            return
        try:
            found = path.stat()
        except OSError:  # not there after all (the connection will say so); the next one tries again
            return
        with _opened_guard:
            _opened.setdefault(database, (path, found.st_dev, found.st_ino))


def file_replaced(database: sa.Engine) -> str | None:
    """Why the SQLite file `database` opened is no longer the one at its path — deleted, or replaced by another
    file — in one line; None when it still is (or the database is not SQLite, or nothing was opened yet)."""
    opened = _opened.get(database)
    if opened is None:
        return None
    path, device, inode = opened
    try:
        now = path.stat()
    except FileNotFoundError:
        return (f"the database file {path} was deleted while this process had it open: what it writes now is "
                "lost; restore the file (or start afresh) and restart the process")
    except OSError as exc:
        return f"the database file {path} cannot be looked at: {exc.strerror or exc}"
    if (now.st_dev, now.st_ino) != (device, inode):
        return (f"the database file {path} was replaced by another file while this process had the first one "
                "open: what it writes goes to the file that was replaced; restart the process to open the new one")
    return None
