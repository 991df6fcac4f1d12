"""`statewright history ID`, and the transition table `run` prints too: one row a transition, with the error a
failed step carries, and — for an instance with thousands of transitions — the newest ones only, saying how many
were left out (a terminal table of 20,000 rows took two minutes to print, and no one reads it)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from engine.cli.engine_options import Db, Format, open_engine
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, print_table, stdout
from engine.runtime.map_items import MAP_ITEM
from engine.runtime.snapshot import START
from engine.runtime.views import HistoryEntry

__all__ = ["error_words", "history_command", "history_table", "item_words"]

NEWEST_SHOWN = 100  # the text table's rows when no option chooses them (JSON has them all)
ERROR_WIDTH = 80  # characters of an error in a table cell; the whole of it is in `--format json`


def error_words(error: Any, width: int = ERROR_WIDTH) -> str:
    """An error in one short line — its kind and message — so that a table says why without a `show` or a
    `--format json` of each. Of an `error` event no transition took (the instance's error: 'no transition leaves
    'look' on 'error''), the event's own payload: what failed."""
    if error is None:
        return ""
    cause = error.get("payload") if isinstance(error, dict) and error.get("event") == "error" else None
    if isinstance(cause, dict) and cause.get("message"):
        error = cause
    if isinstance(error, dict) and (error.get("kind") or error.get("message")):
        text = ": ".join(str(error[key]) for key in ("kind", "message") if error.get(key))
    else:
        text = json.dumps(error, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _step_error(entry: HistoryEntry) -> Any:
    """The error a transition carries: the instance's, when this step set it (the step failed the instance),
    else the `error` event's payload (a task's action that failed, taken by an `error` transition)."""
    own = (entry.context_change or {}).get("error") if isinstance(entry.context_change, dict) else None
    if own is not None:
        return own
    return entry.payload if entry.event == "error" else None


def tool_calls(entry: HistoryEntry) -> str:
    """The tools the task's attempts called, in order ('!' marks a failed call), and the attempt count."""
    calls = [f"{s.get('action')}{'!' if 'error' in s else ''}" for a in entry.attempts for s in a["steps"]]
    tried = [f"({len(entry.attempts)} attempts)"] if len(entry.attempts) > 1 else []
    return " ".join([", ".join(calls)] * bool(calls) + tried)


def _event_words(entry: HistoryEntry) -> str:
    """The step's event; a scheduled start's with the fire time it stands for (its payload: the catch-up starts of
    a worker that was down are all made when it comes back, so their own times do not tell them apart); a map
    item's end with which item ended how and the map's totals then (`item_words`)."""
    if entry.event == MAP_ITEM and isinstance(entry.payload, dict):
        return f"{entry.event} {item_words(entry.payload)}"
    fire_time = entry.payload.get("fire_time") if isinstance(entry.payload, dict) and entry.event == START else None
    return entry.event if fire_time is None else f"{entry.event} fire time {fire_time}"


def item_words(progress: dict[str, Any]) -> str:
    """An `(item)` step's payload in a line: '#3 succeeded: 7 of 10 done, 1 failed, 2 running; started #8-#9'.
    Running counts the items running after the step (`active`, at most the map's `max_concurrency`); the ends
    heard next, which an earlier `running` counted too, are said apart ('1 more ended'). Rows written before
    `active` was kept say `running` as it was."""
    def count(key: str) -> int:
        found = progress.get(key)
        return found if isinstance(found, int) else 0

    unheard = count("ended_unheard")
    running = count("active") if "active" in progress else count("running")
    said = (f"#{progress.get('index')} {progress.get('status')}: {count('done'):,} of {count('total'):,} done, "
            f"{count('failed'):,} failed, {running:,} running")
    if unheard:
        said += f", {unheard:,} more ended"
    start = progress.get("start")
    if isinstance(start, list) and start:
        said += f"; started #{start[0]}" + (f"-#{start[-1]}" if len(start) > 1 else "")
    return said


def history_table(entries: list[HistoryEntry], title: str | None, *, errors: bool = False) -> Table:
    """The transitions as a table; with `errors`, an error column when some row carries one."""
    said = [error_words(_step_error(h)) for h in entries] if errors else []
    table = Table(title=title)
    for column in ("seq", "from", "to", "event", "actor", "status", "changed", "guards", "tool calls",
                   *(("error",) if any(said) else ())):
        table.add_column(column, overflow="fold")
    for index, h in enumerate(entries):
        changed = ", ".join(sorted(((h.context_change or {}).get("set") or {}).keys()))
        guards = "; ".join(_guard_words(g) for g in h.guards if g.get("guard"))
        cells = (str(h.seq), h.from_state or "", h.to_state, _event_words(h), h.actor or "", h.status, changed, guards,
                 tool_calls(h), *((said[index],) if any(said) else ()))
        table.add_row(*map(escape, cells))  # an error, an actor, a guard: their text, not the console's markup
    return table


def _left_out(entries: list[HistoryEntry], total: int, *, hint: bool) -> str | None:
    """What the table leaves out of the instance's `total` transitions, and how to see it; None for nothing."""
    if len(entries) >= total:
        return None
    if not entries:
        return f"no transition in that range; the instance has {total:,}"
    first, last = entries[0].seq, entries[-1].seq
    said = (f"the newest {len(entries):,} of {total:,} transitions shown, {first - 1:,} older left out"
            if last >= total else f"transitions {first:,} to {last:,} of {total:,} shown")
    if hint:
        said += " (--last N shows more, --after SEQ --limit N a page, --format json all)"
    return said


def history_command(
    instance_id: Annotated[str, typer.Argument()], db: Db = None, output: Format = OutputFormat.text, *,
    after: Annotated[int, typer.Option("--after", min=0, help="Only the transitions after this seq.")] = 0,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many, oldest first.")] = None,
    last: Annotated[int | None, typer.Option(
        "--last", min=1, help=f"The newest N (the text table's default is the newest {NEWEST_SHOWN}).")] = None,
) -> None:
    """Print an instance's transition history, oldest first, with the error of each step that carries one
    (--last N for the newest N; --after SEQ --limit N for a page of a long one). The text table shows the
    newest 100 unless told otherwise, and says how many it left out; --format json prints them all."""
    if last is not None and (after or limit is not None):
        fail("give --last N, or --after SEQ and --limit N, not both", ExitCode.UNREADABLE)
    paged = bool(after) or limit is not None
    newest = last if last is not None or paged or output is OutputFormat.json else NEWEST_SHOWN
    with open_engine(db, existing=True) as engine:
        total = engine.get(instance_id).version  # its latest seq: seqs run 1, 2, … without a gap
        if newest is not None:
            after = max(total - newest, 0)
        entries = engine.history(instance_id, after_seq=after, limit=limit)
    if output is OutputFormat.json:
        emit_json([h.as_dict() for h in entries])
        return
    print_table(history_table(entries, f"history of {instance_id}", errors=True), records=True)
    note = _left_out(entries, max(total, entries[-1].seq if entries else 0), hint=last is None and not paged)
    if note is not None:
        stdout.print(note, highlight=False)


def _guard_words(evaluation: dict[str, Any]) -> str:
    """A guard and what it gave — or that it could not give a boolean, and why (it then counts as false): not
    `= False` alone, which hid a guard that failed behind one that did not hold."""
    if evaluation.get("error"):
        return f"{evaluation['guard']} failed ({evaluation['error']}): taken as false"
    return f"{evaluation['guard']} = {evaluation['value']}"
