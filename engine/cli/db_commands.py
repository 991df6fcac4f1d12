"""`statewright db`: a database's schema — bring it up to date (`upgrade`), say which revision it is at beside this
release's head (`current`), and tell a script whether it needs an upgrade (`check`).

`current` and `check` change nothing (`storage.schema_status`): every other command that opens a database upgrades
one that is behind first, so these two are how an operator learns where a database stands before a release, a
restore or a rollback, without upgrading it. Their exit codes are the CLI's: 0 done (for `check`: at the head),
1 the database is not where this release needs it or cannot be read (the reason in one line), 2 a URL Statewright
cannot use.
"""

from __future__ import annotations

import typer

from engine.cli.engine_options import Db, Format, refuse_a_missing_sqlite_path, reporting
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stdout
from engine.database import create_database_engine, current_revision, default_database_url, upgrade
from storage.errors import StoreError
from storage.schema_status import SchemaState, SchemaStatus, open_read_only, read_schema_status

__all__ = ["register_db_commands"]

_UPGRADE = "statewright db upgrade"
# What each state is, in the words `current` shows beside the revision.
_STATE_WORDS = {
    SchemaState.CURRENT: "at the head",
    SchemaState.BEHIND: f"behind: {_UPGRADE} brings it to the head",
    SchemaState.AHEAD: "ahead: a newer release upgraded it",
    SchemaState.EMPTY: "empty: no table yet",
    SchemaState.FOREIGN: "not a Statewright database",
}


def db_upgrade_command(db: Db = None) -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    url = db or default_database_url()
    refuse_a_missing_sqlite_path(url, existing=False)
    try:
        engine = create_database_engine(url)
    except ValueError as exc:
        fail(str(exc), ExitCode.UNREADABLE)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        upgrade(engine)
        stdout.print(f"{shown} is at revision {current_revision(engine)}", highlight=False)
    except Exception as exc:  # noqa: BLE001 - a driver failure becomes one clear line
        fail(f"cannot upgrade {shown}: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()


def _status(db: str | None) -> tuple[str, SchemaStatus]:
    """The database shown (its password hidden) and where its schema stands; one line and exit 1 when it cannot
    be read (exit 2 for a URL Statewright cannot use). A SQLite file that is not there is refused, not made."""
    url = db or default_database_url()
    refuse_a_missing_sqlite_path(url, existing=True)
    try:
        engine = open_read_only(url)
    except ValueError as exc:
        fail(str(exc), ExitCode.UNREADABLE)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        return shown, read_schema_status(engine)
    except StoreError as exc:
        fail(f"cannot read the database {shown}: {exc}")
    finally:
        engine.dispose()


def db_current_command(db: Db = None, output: Format = OutputFormat.text) -> None:
    """Print the database's schema revision and this release's newest (the head), and what that means; changes
    nothing. Exit 0 whatever the revision (`db check` judges it), 1 when the database cannot be read."""
    shown, status = _status(db)
    if output is OutputFormat.json:
        emit_json({"database": shown, "revision": status.revision, "head": status.head,
                   "state": str(status.state)})
        return
    stdout.print(f"database  {shown}\nrevision  {status.revision or 'none'} ({_STATE_WORDS[status.state]})\n"
                 f"head      {status.head}", highlight=False)


def _verdict(shown: str, status: SchemaStatus) -> str:
    """Why a database not at the head does not suit this release, in one line."""
    revision, head = status.revision, status.head
    if status.state is SchemaState.BEHIND:
        at = "has no migration applied" if revision is None else f"is at revision {revision}"
        return f"{shown} {at}, behind this release's {head}: run {_UPGRADE}"
    if status.state is SchemaState.AHEAD:
        return (f"{shown} is at revision {revision}, past this release's {head}: a newer release upgraded it; run "
                "that release")
    if status.state is SchemaState.EMPTY:
        return f"{shown} is empty, not a Statewright database yet: {_UPGRADE} makes its schema"
    if revision is not None:
        return (f"{shown} is not a Statewright database: its alembic_version names revision {revision}, which no "
                "Statewright migration has")
    return (f"{shown} is not a Statewright database: it has {status.tables} table(s) but no Statewright "
            "revision (no alembic_version, or more than one revision in it)")


def db_check_command(db: Db = None) -> None:
    """Check whether the database needs an upgrade: exit 0 when its schema is at this release's head, else 1 with
    one line saying why — behind (run db upgrade), ahead (a newer release upgraded it), not a Statewright database,
    or not readable. Changes nothing."""
    shown, status = _status(db)
    if status.state is not SchemaState.CURRENT:
        fail(_verdict(shown, status))
    stdout.print(f"{shown} is at revision {status.revision}, this release's head", highlight=False)


def register_db_commands(app: typer.Typer) -> None:
    """Add the `db` group to `app`."""
    db_app = typer.Typer(name="db", help="The database schema.", no_args_is_help=True)
    db_app.command("upgrade")(reporting(db_upgrade_command))
    db_app.command("current")(reporting(db_current_command))
    db_app.command("check")(reporting(db_check_command))
    app.add_typer(db_app, name="db")
