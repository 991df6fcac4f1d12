"""How commands print: rich text for people, `--format json` for scripts, and the exit codes."""

from __future__ import annotations

import json
import logging
import sys
from enum import IntEnum, StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.segment import Segments
from rich.table import Table

__all__ = ["ExitCode", "OutputFormat", "add_id_column", "counted", "emit_json", "fail", "print_table", "say",
           "say_error", "stderr", "stdout"]

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)
_log = logging.getLogger("statewright.cli")


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # the input was read and has errors (or the request was refused)
    UNREADABLE = 2  # the input could not be read at all, or the command line is wrong
    WAITING = 3  # `run`: the instance has not ended (it waits for a person, a timer or an event)
    RESTART = 4  # `worker`: stopped on purpose, to be started afresh (over its --max-memory-mb)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 instance', '20,001 instances': a count for a person to read, with thousands separators (as the
    engine's own messages write sizes and limits) and the noun in the number it takes."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True, default=str) + "\n")


def fail(message: str, code: ExitCode = ExitCode.FINDINGS) -> NoReturn:
    """Say `message` as an error (`say_error`) and exit with `code` — never a traceback."""
    say_error(message)
    raise typer.Exit(int(code))


def say_error(message: str) -> None:
    """One clear line on stderr, `error: …`. With JSON logs on (`serve` or `worker --log-format json` refusing to
    start), one error record among the others instead: a log collector reading one JSON object a line would
    otherwise drop the very line saying why the process exited."""
    if _json_logs():
        _log.error("%s", message)
    else:
        stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # as it is: `[redacted]`, `a[0]`


def say(text: str, *, level: int = logging.INFO, logger: str = "statewright.cli", label: str | None = None) -> None:
    """A line for the operator of a long-running command (a worker stopping, a note at start-up): printed on
    stderr as it is (after `label` in yellow, e.g. 'note'), or with JSON logs on, one record at `level` on
    `logger` — as `say_error` does for a refusal."""
    if _json_logs():
        logging.getLogger(logger).log(level, "%s", text)
    elif label is None:
        stderr.print(text, highlight=False, markup=False)
    else:
        stderr.print(f"[yellow]{escape(label)}:[/] {escape(text)}", highlight=False)


def _json_logs() -> bool:
    """Whether this process logs JSON records (`engine.log_format.json_logging_on`). Looked up in `sys.modules`:
    only `serve` and `worker` configure logging, and a command that did not never pays for importing it (nor
    OpenTelemetry with it)."""
    log_format = sys.modules.get("engine.log_format")
    return log_format is not None and bool(log_format.json_logging_on())


# The least a column that gives way to the ids keeps of its width (its text folds or ends in '…' below that).
_GIVING_WAY = 6
_BARE_PADDING = (0, 1, 0, 0)  # a table printed without its rules: one space after each column


def add_id_column(table: Table, header: str) -> None:
    """A column of ids (an instance's, its parent's): never cut nor wrapped — every follow-up command needs the
    whole id, copied from the listing — the other columns give way to it (`print_table`)."""
    table.add_column(header, no_wrap=True, overflow="ignore")


def print_table(table: Table, *, records: bool = False) -> None:
    """Print `table` on standard output with its id columns (`add_id_column`) whole. When they do not fit the
    console's width with the other columns narrowed to a few characters, the table is printed without its rules
    and one space between columns (80 columns then hold an id and six narrow columns); when even that is too
    wide, it is printed as wide as it needs — a terminal shows its lines wrapped, a pipe keeps them whole.

    With `records` (a table whose rows are each read whole: a history, the approval requests), no word is broken
    ('succeede d', 'classi fy_req uest'): the table keeps its rules if its words fit with them, else it drops them;
    when they do not fit even then, it is printed a row at a time instead, each cell on a line of its own under
    its column's name, as `psql`'s expanded display does."""
    sizes = _measured(table) if records else []
    if records and _needed(table, _whole_words(table, sizes), bare=True) > stdout.width:
        _print_records(table)
        return
    if _narrowest(table) > stdout.width or (records and _needed(table, _whole_words(table, sizes)) > stdout.width):
        table.box, table.padding, table.show_edge = None, _BARE_PADDING, False
    if records:
        _keep_words_whole(table, sizes)
    needed = _narrowest(table)
    if needed <= stdout.width:
        stdout.print(table)
        return
    for line in stdout.render_lines(table, stdout.options.update_width(needed), pad=False, new_lines=True):
        stdout.print(Segments(line), end="")


def _measured(table: Table) -> list[Measurement]:
    """Each column's narrowest (its longest word) and widest (its longest line) text, its header's included."""
    found = []
    for column in table.columns:
        sizes = [Measurement.get(stdout, stdout.options, cell) for cell in (column.header, *column.cells)]
        found.append(Measurement(max(m.minimum for m in sizes), max(m.maximum for m in sizes)))
    return found


def _whole_words(table: Table, sizes: list[Measurement]) -> list[int]:
    """Each column's text width for no word to break: its longest word; all of its text, for a no-wrap column."""
    return [size.maximum if column.no_wrap else size.minimum for column, size in zip(table.columns, sizes, strict=True)]


def _needed(table: Table, widths: list[int], *, bare: bool = False) -> int:
    """The width `table` takes with its columns' text `widths` wide: framed as it is (its rules and padding), or
    `bare` (as `print_table` prints it when the rules do not fit)."""
    _top, right, _bottom, left = _BARE_PADDING if bare else table.padding
    rules = 0 if bare or table.box is None else len(table.columns) - 1 + 2 * table.show_edge
    return rules + sum(widths) + (left + right) * len(table.columns)


def _keep_words_whole(table: Table, sizes: list[Measurement]) -> None:
    """When `table` is wider than the console, set each column's width: its longest word, and a share of the room
    left by how much more its text would take. Left to rich, the widest columns are narrowed first, below their
    longest word ('succeede d') though every word would have fitted."""
    if _needed(table, [size.maximum for size in sizes]) <= stdout.width:
        return
    least = _whole_words(table, sizes)
    spare = stdout.width - _needed(table, least)
    wants = [size.maximum - low for size, low in zip(sizes, least, strict=True)]
    for column, low, want in zip(table.columns, least, wants, strict=True):
        column.width = low + spare * want // max(sum(wants), 1)


def _print_records(table: Table) -> None:
    """`table` a row at a time: a line naming the row by its first cell, then its other non-empty cells, each
    under its column's name, the value wrapped at word boundaries."""
    if table.title:
        stdout.print(table.title, highlight=False)
    first, *others = table.columns
    cells = [(str(column.header), list(column.cells)) for column in others]  # each column's cells read once
    for index, head in enumerate(first.cells):
        stdout.print()
        stdout.print(f"[bold]{first.header} {head}[/]", highlight=False)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(overflow="fold")
        for header, column_cells in cells:
            if column_cells[index] != "":
                grid.add_row(header, column_cells[index])
        stdout.print(grid)


def _narrowest(table: Table) -> int:
    """The width `table` needs for its no-wrap columns to show whole, the others narrowed to `_GIVING_WAY`."""
    _top, right, _bottom, left = table.padding
    total = len(table.columns) + 1 if table.box is not None else 0
    for column in table.columns:
        widest = max(Measurement.get(stdout, stdout.options, cell).maximum for cell in (column.header, *column.cells))
        total += left + right + (widest if column.no_wrap else min(widest, _GIVING_WAY))
    return total
