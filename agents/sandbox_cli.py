"""`statewright sandbox`: what the shipped flows' tools did — the contacts, meetings, emails, tickets… they wrote
to the sandbox integrations in the engine's database (shared by the whole deployment: the rows have no tenant)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from agents.tools.sandbox.queries import (
    SANDBOX_COLLECTIONS,
    UnknownCollection,
    count_sandbox_rows,
    list_sandbox_rows,
)
from engine.cli.engine_options import Db, Format, open_engine, reporting
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stdout

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
    with open_engine(db) as engine:
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
    with open_engine(db) as engine:
        found = list_sandbox_rows(engine.database, collection, limit=limit, offset=offset)
    if output is OutputFormat.json:
        emit_json({"collection": collection, "total": found.total, "limit": limit, "offset": offset,
                   "items": [{k: _json_value(v) for k, v in row.items()} for row in found.rows]})
        return
    shown = f"{offset + 1}-{offset + len(found.rows)} of {found.total}" if found.rows else f"none of {found.total}"
    table = Table(title=f"{found.collection.title} ({shown})")
    for column in found.collection.summary:
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for row in found.rows:
        table.add_row(*(_cell(row[column]) for column in found.collection.summary))
    stdout.print(table)


def register_sandbox_commands(app: typer.Typer) -> None:
    """Add the `sandbox` group (`list`, `show COLLECTION`) to `app`."""
    sandbox_app = typer.Typer(name="sandbox", no_args_is_help=True,
                              help="What the flows did in the sandbox integrations (CRM, calendar, email, "
                                   "helpdesk, knowledge base, Slack, analytics).")
    sandbox_app.command("list")(reporting(list_command))
    sandbox_app.command("show")(reporting(show_command))
    app.add_typer(sandbox_app, name="sandbox")
