"""`statewright workers`: the database's live workers — each `statewright worker`, `statewright serve` and
`Engine.run_worker` loop that is running — with the actions each has handlers for (`engine.runtime.live_workers`).
"""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from engine.cli.engine_options import Db, Format, open_engine
from engine.cli.output import OutputFormat, add_id_column, emit_json, print_table, stdout
from engine.runtime.clock import to_rfc3339
from engine.runtime.live_workers import LiveWorker, live_workers

__all__ = ["register_workers_command"]


def workers_command(*, db: Db = None, output: Format = OutputFormat.text) -> None:
    """List the live workers, the longest-running first: owner, host, pid, when each started and was last seen
    (its heartbeat), and the actions it has handlers for. A worker not seen for three heartbeats counts as gone."""
    with open_engine(db, existing=True) as engine:
        found = live_workers(engine.runtime)
    if output is OutputFormat.json:
        emit_json([w.as_dict() for w in found])
        return
    if not found:
        stdout.print("no live worker: none runs on this database (or none has been seen within its lease)",
                     highlight=False)
        return
    print_table(_table(found), records=True)


def _table(found: list[LiveWorker]) -> Table:
    table = Table(title="workers")
    add_id_column(table, "owner")
    for column in ("host", "pid", "started", "last seen", "actions"):
        table.add_column(column)
    for w in found:  # times to the second: a heartbeat's microseconds say nothing to a reader
        table.add_row(w.owner, escape(w.host), str(w.pid), to_rfc3339(int(w.started_at)), to_rfc3339(int(w.last_seen)),
                      escape(", ".join(w.actions)) or "-")
    return table


def register_workers_command(app: typer.Typer) -> None:
    app.command("workers")(workers_command)
