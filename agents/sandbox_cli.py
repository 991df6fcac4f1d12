"""`statewright sandbox`: what the shipped flows' tools did — the contacts, meetings, emails, tickets… they wrote
to the sandbox integrations in the engine's database (shared by the whole deployment: the rows have no tenant)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
import typer
from rich.table import Table

from agents.tools.sandbox.queries import (
    SANDBOX_COLLECTIONS,
    UnknownCollection,
    count_sandbox_rows,
    list_sandbox_rows,
)
from agents.tools.sandbox.tables import SANDBOX_TABLES
from engine.cli.engine_options import Db, Format, open_engine, reporting
from engine.cli.output import ExitCode, OutputFormat, add_id_column, emit_json, fail, print_table, stdout

__all__ = ["register_sandbox_commands"]

_SHORT = 60  # characters of a long text shown in a table cell


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds").replace("+00:00", "Z")
    return value


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%MZ")
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def list_command(db: Db = None, output: Format = OutputFormat.text) -> None:
    """List the sandbox collections and how many rows each holds."""
    with open_engine(db, existing=True) as engine:
        counts = count_sandbox_rows(engine.database)
    if output is OutputFormat.json:
        emit_json([{"name": name, "title": SANDBOX_COLLECTIONS[name].title, "count": count}
                   for name, count in counts.items()])
        return
    table = Table(title="sandbox collections")
    for column in ("collection", "rows", "what"):
        table.add_column(column, justify="right" if column == "rows" else "left")
    for name, count in counts.items():
        table.add_row(name, str(count), SANDBOX_COLLECTIONS[name].title)
    stdout.print(table)


def show_command(
    collection: Annotated[str, typer.Argument(help=f"One of: {', '.join(SANDBOX_COLLECTIONS)}.",
                                              show_default=False)],
    *,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.", min=1, max=10_000)] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many rows first.", min=0)] = 0,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Show the rows of one sandbox collection, newest first (all fields with --format json)."""
    if collection not in SANDBOX_COLLECTIONS:
        fail(str(UnknownCollection(collection)), ExitCode.UNREADABLE)
    with open_engine(db, existing=True) as engine:
        found = list_sandbox_rows(engine.database, collection, limit=limit, offset=offset)
    if output is OutputFormat.json:
        emit_json({"collection": collection, "total": found.total, "limit": limit, "offset": offset,
                   "items": [{k: _json_value(v) for k, v in row.items()} for row in found.rows]})
        return
    shown = f"{offset + 1}-{offset + len(found.rows)} of {found.total}" if found.rows else f"none of {found.total}"
    table = Table(title=f"{found.collection.title} ({shown})")
    for column in found.collection.summary:
        if column == "id":
            add_id_column(table, column)
        else:
            table.add_column(column, overflow="fold")
    for row in found.rows:
        table.add_row(*(_cell(row[column]) for column in found.collection.summary))
    print_table(table)


def _emptied(database: sa.Engine) -> dict[str, int]:
    """Delete every sandbox row, in one transaction; how many each table held (named as a collection where it is
    one: `meetings` for `sandbox_calendar_events`), the tables that held none left out."""
    names = {c.table.name: name for name, c in SANDBOX_COLLECTIONS.items()}
    held: dict[str, int] = {}
    with database.begin() as connection:
        for table in reversed(SANDBOX_TABLES):  # children before their parents (a comment before its ticket)
            count = int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            if count:
                connection.execute(table.delete())
                held[names.get(table.name, table.name.removeprefix("sandbox_"))] = count
    order = [*SANDBOX_COLLECTIONS, *sorted(set(held) - set(SANDBOX_COLLECTIONS))]  # as `sandbox list` lists them
    return {name: held[name] for name in order if name in held}


def reset_command(
    db: Db = None,
    yes: Annotated[bool, typer.Option("--yes", help="Empty it without asking.")] = False,
) -> None:
    """Empty the sandbox: every row of every collection (what earlier runs wrote, and the shipped corpus, which
    the next `run`, `worker` or `serve` seeds again). The flows' examples expect a fresh sandbox: the lead flow's
    example, run a second time on one database, finds the contact the first run created."""
    with open_engine(db, existing=True) as engine:
        shown = engine.database_url
        total = sum(count_sandbox_rows(engine.database).values())
        if not yes:
            if not sys.stdin.isatty():
                fail(f"this empties the sandbox of {shown}: give --yes to do so without being asked",
                     ExitCode.UNREADABLE)
            if not typer.confirm(f"Empty the sandbox of {shown} ({total:,} rows in its collections)?"):
                fail("nothing was removed")
        held = _emptied(engine.database)
    if not held:
        stdout.print(f"the sandbox of {shown} was already empty", highlight=False)
        return
    rows = ", ".join(f"{name} {count:,}" for name, count in held.items())
    stdout.print(f"emptied the sandbox of {shown}: {sum(held.values()):,} rows removed ({rows}); the next run, "
                 "worker or serve seeds the shipped corpus again (restart one that is running)", highlight=False)


def register_sandbox_commands(app: typer.Typer) -> None:
    """Add the `sandbox` group (`list`, `show COLLECTION`, `reset`) to `app`."""
    sandbox_app = typer.Typer(name="sandbox", no_args_is_help=True,
                              help="What the flows did in the sandbox integrations (CRM, calendar, email, "
                                   "helpdesk, knowledge base, Slack, analytics).")
    sandbox_app.command("list")(reporting(list_command))
    sandbox_app.command("show")(reporting(show_command))
    sandbox_app.command("reset")(reporting(reset_command))
    app.add_typer(sandbox_app, name="sandbox")
