"""The runtime commands: run a flow, run a worker, and read or move instances in a database.

Every command that touches a database takes `--db URL` (default: STATEWRIGHT_DATABASE_URL, else
sqlite:///statewright.db); every command that prints records takes `--format json`.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import threading
import time
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from engine import tracing
from engine.cli.db_commands import register_db_commands
from engine.cli.engine_options import (
    CLI_ACTOR,
    Db,
    ExecutorOption,
    Format,
    HandlerGraceOption,
    Handlers,
    LogFormatOption,
    actor_option,
    open_engine,
    refuse_both_handler_options,
    reporting,
)
from engine.cli.files import definition_folders, require_file
from engine.cli.history_view import error_words, history_command, history_table
from engine.cli.json_options import json_argument
from engine.cli.memory_limit import MemoryLimit
from engine.cli.output import (
    ExitCode,
    OutputFormat,
    add_id_column,
    counted,
    emit_json,
    fail,
    print_table,
    say,
    stderr,
    stdout,
)
from engine.cli.run_interrupts import RunInterrupts, abandon, named
from engine.cli.run_preflight import check_deployable, check_start_context
from engine.cli.sandbox_residue import rows_from_earlier_runs
from engine.cli.waiting_words import deployed_workflow, interrupted_instance, waiting_words
from engine.cli.worker_hints import actions_of
from engine.cli.worker_hints import worker_command as worker_hint
from engine.database import default_database_url
from engine.definition import Agent, Example, Workflow
from engine.definition.paths import CONTEXT_PATH_PATTERN
from engine.errors import InvalidDefinition
from engine.log_format import LogFormat, configure_logging
from engine.read_models.waits import Waits, waits_of
from engine.runtime.definition_files import agents_named
from engine.runtime.deployments import parse_definition
from engine.runtime.engine import MAX_PENDING_APPROVALS_PAGE, PENDING_APPROVALS_PAGE, Engine
from engine.runtime.example_run import Driving, drive, find_example, pending_retries, related_workflows
from engine.runtime.hand_backs import DEFAULT_HANDLER_GRACE_S
from engine.runtime.handler_loading import choose_handlers
from engine.runtime.snapshot import STATUSES, InstanceStatus
from engine.runtime.views import HistoryEntry, InstanceView
from engine.runtime.worker import Worker

__all__ = ["open_engine", "register_runtime_commands"]

_CONTEXT_PATH = re.compile(CONTEXT_PATH_PATTERN)
_WORKER_LOG = "statewright.worker"  # the worker command's own lines, as records with --log-format json


def _instance(view: InstanceView, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        emit_json(view.as_dict())
        return
    table = Table(show_header=False, title=f"instance {view.id}")
    for key, value in view.as_dict().items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
        table.add_row(key, escape(text))  # the context, an error: a model's text, not the console's markup
    stdout.print(table)


def run_command(
    file: Annotated[Path, typer.Argument(help="A workflow file.")],
    *,
    example: Annotated[str | None, typer.Option("--example", help="Run one of the file's examples.")] = None,
    context: Annotated[str | None, typer.Option("--context", help="The start context as JSON.")] = None,
    db: Db = None, handlers: Handlers = None, executor: ExecutorOption = None, output: Format = OutputFormat.text,
    max_wait: Annotated[float, typer.Option(
        "--max-wait", min=0,
        help="Wait for a retry, a wait state's timer or a timeout due within this many seconds, and carry the "
             "flow on when it fires; one due later is left to `statewright worker`.")] = 30.0,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Refuse definitions with warnings too (exit 1), as with errors, as `deploy --strict` "
                         "does: nothing is deployed or run when FILE or a subflow it starts has them.")] = False,
) -> None:
    """Deploy FILE, start it, run it to its end or its first wait, and print its transitions.

    Exits 0 when the instance succeeded, 1 when it failed or was cancelled (or an example's run ended in another
    state than it expects, or --strict refused a definition for its warnings), 3 when it has not ended: it waits
    for an approval, an event, or a timer or retry due after --max-wait (named, for a worker to run)."""
    if example is not None and context is not None:
        fail("give --example or --context, not both", ExitCode.UNREADABLE)
    refuse_both_handler_options(handlers, executor)
    choose_handlers(handlers, executor)  # $STATEWRIGHT_EXECUTOR named an executor there is: the command line first
    require_file(file)
    try:
        workflow = parse_definition(file)
    except InvalidDefinition as exc:
        fail(f"{file} is not a valid workflow: {exc.detail}")
    chosen = find_example(workflow, example) if example is not None else None
    start_context = chosen.context if chosen is not None else (json_argument(context, "--context") or {})
    if not isinstance(start_context, dict):
        fail("--context must be a JSON object", ExitCode.UNREADABLE)
    check_start_context(workflow, start_context)  # a refused run writes nothing: checked before any deploy
    folders = definition_folders(file)  # where every command finds what a flow names
    related = related_workflows(workflow, folders)
    agents = agents_named([workflow, *related], folders)
    began = time.time()  # the wall clock, the engine's: what the handlers seed from now on is this command's
    with open_engine(db, handlers=handlers, executor=executor, with_handlers=True) as engine:
        check_deployable(engine, workflow, related, agents, strict=strict, file=file)
        residue = rows_from_earlier_runs(engine, began) if chosen is not None and chosen.expect_state else {}
        _deploy(engine, workflow, related, agents, strict=strict)
        since = engine.clock.now()
        worker = engine.worker()
        try:
            with RunInterrupts(worker, _shown_db(db)) as interrupts:
                view = drive(engine, workflow.id, workflow.version, start_context, chosen, max_wait=max_wait,
                             driving=Driving(worker, interrupts.stop),
                             started=None if output is OutputFormat.json else partial(_say_started, workflow))
            if interrupts.stop.is_set():
                _interrupted(engine, workflow, since, db)
        except KeyboardInterrupt:
            _interrupted(engine, workflow, since, db)
        finally:
            worker.close()
        entries = engine.history(view.id)
        retries = [] if view.ended else pending_retries(engine, view.id)
        waiting = None if view.ended else waiting_words(engine, workflow, view, _shown_db(db),
                                                        max_wait=max_wait)
        runs_retries = worker_hint(engine, _shown_db(db), [a for a, _, _ in retries]).command
        on_its_own = not view.ended and _goes_on_by_itself(waits_of(engine, view))
    if output is OutputFormat.json:
        emit_json({"instance": view.as_dict(), "history": [h.as_dict() for h in entries]})
    else:
        _print_run(view, entries, retries, waiting, runs_retries)
    _exit_for(view, chosen, residue, _shown_db(db), on_its_own=on_its_own)


def _goes_on_by_itself(waits: Waits) -> bool:
    """Whether what the instance waits for is only time — a retry, a queued action, a timer — that a worker will
    see to, rather than a person's decision or an event (which an example that played all its events never
    gives: its expectation is missed)."""
    return not waits.approval_pending and not waits.accepted_events and bool(waits.queued_actions or
                                                                             waits.armed_timers)


def _deploy(engine: Engine, workflow: Workflow, related: list[Workflow], agents: list[Agent], *,
            strict: bool) -> None:
    """The agents the flow's tasks name first (their policies apply from the first task), then its subflows, then
    the flow (`check_deployable` has checked that each can be deployed, and with `strict`, has no warnings)."""
    for agent in agents:
        engine.deploy_agent(agent)
    for subflow in related:
        engine.deploy(subflow, alongside=[workflow, *related], strict=strict)
    engine.deploy(workflow, strict=strict)


def _say_started(workflow: Workflow, view: InstanceView) -> None:
    """The run's first line, said as the instance starts (a run interrupted or killed has named its instance)."""
    stdout.print(escape(f"{workflow.id} v{workflow.version} — {view.id}"), highlight=False)


def _print_run(view: InstanceView, entries: list[HistoryEntry], retries: list[tuple[str, int, float]],
               waiting: str | None, runs_retries: str) -> None:
    """The run's transitions, each failure in words (`check: failed (timeout): …`), where it ended, and what
    carries it on: `runs_retries`, the worker command that runs the retries left for later."""
    print_table(history_table(entries, None), records=True)
    for entry in entries:
        if entry.event == "error" and isinstance(entry.payload, dict):
            said = f"{entry.from_state}: failed ({entry.payload.get('kind')}): {entry.payload.get('message')}"
            stdout.print(escape(said), highlight=False)
    stdout.print(f"[bold]{view.state}[/] ({view.status})", highlight=False)
    if view.error:
        stdout.print(escape(f"error: {json.dumps(view.error, ensure_ascii=False)}"), highlight=False)
    for action, attempt, due_in in retries:
        stdout.print(escape(f"attempt {attempt} of '{action}' is due in {due_in:.0f} s, past --max-wait: "
                            f"{runs_retries} runs it"), highlight=False)
    if waiting is not None and not retries:
        stdout.print(escape(waiting), highlight=False)


def _shown_db(db: str | None) -> str:
    """The database as a user would type it again: --db as given, else the default's URL."""
    return db or default_database_url()


def _interrupted(engine: Engine, workflow: Workflow, since: float, db: str | None) -> NoReturn:
    """Ctrl-C during a run (between actions, or after the ones running ended, their outcomes recorded): say which
    instance it leaves, where, and what carries it on; exit 130 as a shell expects. A second Ctrl-C while actions
    run abandons them instead (`RunInterrupts`)."""
    left = interrupted_instance(engine, workflow, since)
    if left is None:
        stderr.print("interrupted before the instance started", highlight=False)
    elif left.ended:
        stderr.print(f"interrupted: instance {left.id} ended in '{left.state}' ({left.status})", highlight=False)
    else:
        worker = worker_hint(engine, _shown_db(db), actions_of(workflow))
        stderr.print(escape(f"interrupted: instance {left.id} stays in '{left.state}' ({left.status}); "
                            f"{worker.command} carries it on{worker.note}"), highlight=False)
    raise typer.Exit(130)


def _exit_for(view: InstanceView, chosen: Example | None, residue: dict[str, int], db: str, *,
              on_its_own: bool) -> None:
    """1 for an example's missed expectation or a failed or cancelled instance, 3 for one still waiting — an
    example's too, while it waits only for time (`on_its_own`: a retry or timer past --max-wait, which a worker
    runs). A missed expectation says what earlier runs had left in the sandbox (`residue`): examples expect a fresh
    one."""
    if chosen is not None and chosen.expect_state is not None and chosen.expect_state != view.state:
        if on_its_own:  # not missed yet: a worker carries it on
            stderr.print(f"the example '{chosen.name}' expects the state '{chosen.expect_state}'; the run has not "
                         f"ended: it waits in '{view.state}' for time, which a worker sees to (above)", highlight=False)
            raise typer.Exit(ExitCode.WAITING)
        missed = (f"the example '{chosen.name}' expects the state '{chosen.expect_state}', the run reached "
                  f"'{view.state}'")
        if residue:
            rows = ", ".join(f"{table} {count:,}" for table, count in residue.items())
            missed += (f"; the sandbox already held data from earlier runs ({counted(sum(residue.values()), 'row')}: "
                       f"{rows}) and examples expect a fresh sandbox: `statewright sandbox reset --db {db}`, or a "
                       "new --db")
        fail(missed)
    if view.status in (InstanceStatus.FAILED, InstanceStatus.CANCELLED, InstanceStatus.STUCK):
        raise typer.Exit(ExitCode.FINDINGS)
    if not view.ended:
        raise typer.Exit(ExitCode.WAITING)


def worker_command(
    *,
    db: Db = None, handlers: Handlers = None, executor: ExecutorOption = None,
    batch: Annotated[int, typer.Option(min=1, help="Jobs claimed per round (1 or more).")] = 32,
    poll: Annotated[float, typer.Option(
        min=0.01, help="Seconds between looks for work other processes added (at least 0.01).")] = 1.0,
    heartbeat_s: Annotated[float | None, typer.Option(
        "--heartbeat-s", min=0.05,
        help="Seconds between renewals of the leases of the jobs the worker runs (default 2); a lease lasts three "
             "heartbeats, so the jobs of a worker that dies move to another within about that.")] = None,
    handler_grace_s: HandlerGraceOption = DEFAULT_HANDLER_GRACE_S,
    max_memory_mb: Annotated[int | None, typer.Option(
        "--max-memory-mb", min=32, metavar="MIB",
        help="Past this much resident memory (looked at every 2 s) the worker stops taking work, lets the actions "
             "it runs finish, and exits with code 4 for its process manager to start a fresh one: a handler that "
             "leaks then costs a restart, not a worker killed mid-batch.")] = None,
    log_format: LogFormatOption = LogFormat.text,
) -> None:
    """Run a worker until interrupted (SIGINT/SIGTERM): jobs, timers, events and cron schedules.

    Workers of one database may have different handlers: a job whose action this worker has no handler for is
    handed back for one that has it, and fails with unknown_action once it has waited --handler-grace-s."""
    if log_format is LogFormat.json:
        configure_logging(log_format)
    stop = threading.Event()
    tracing.configure_from_environment()
    limit: MemoryLimit | None = None
    try:
        with open_engine(db, handlers=handlers, executor=executor, with_handlers=True,
                         heartbeat_s=heartbeat_s) as engine:
            worker = engine.worker(batch=batch, handler_grace_s=handler_grace_s)
            _stop_on_signals(stop, worker, _shown_db(db))
            say(f"worker on {engine.database_url}", logger=_WORKER_LOG)
            if max_memory_mb is not None:
                limit = MemoryLimit(max_memory_mb, stop, partial(_memory_reached, worker, max_memory_mb))
                limit.start()
            try:
                worker.run_forever(stop, poll_s=poll)
            finally:
                worker.close()
    finally:
        tracing.shutdown_tracing()
    if limit is not None and limit.over is not None:
        raise typer.Exit(ExitCode.RESTART)


def _memory_reached(worker: Worker, limit_mib: int, used_mib: float) -> None:
    in_hand = worker.in_hand
    say(f"stopping: the worker uses {used_mib:,.0f} MiB, over its --max-memory-mb {limit_mib:,}; "
        + (f"{named(in_hand)} finishes first, then " if in_hand else "")
        + f"it exits with code {int(ExitCode.RESTART)} for its process manager to start a fresh one",
        level=logging.WARNING, logger=_WORKER_LOG)


def _stop_on_signals(stop: threading.Event, worker: Worker, db: str) -> None:
    """SIGINT or SIGTERM: the worker stops once the actions it runs have finished, and says so at once, or Ctrl-C
    seems to do nothing. A second Ctrl-C or SIGTERM while actions still run abandons them (`abandon`): an action
    that never returns (a handler without timeout_s that hangs) must not make the worker deaf to `kill`."""

    def stopping(_signum: int, _frame: object) -> None:
        if not stop.is_set():
            # set before saying so: a second Ctrl-C, sent once the line shows, may run this handler again
            # before the first has returned, and must find the worker stopping, or it is taken for the first
            stop.set()
            in_hand = worker.in_hand
            say(f"stopping: waiting for {named(in_hand)} to finish, then the worker exits. Press Ctrl-C (or send "
                "SIGTERM) again to abandon it (a worker on this database runs it again)." if in_hand else
                "stopping: the actions running now finish first, then the worker exits", logger=_WORKER_LOG)
        elif worker.in_hand:
            abandon(worker, db)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stopping)


def instances_command(
    *,
    db: Db = None, output: Format = OutputFormat.text,
    workflow: Annotated[str | None, typer.Option(help="Only this workflow.")] = None,
    status: Annotated[str | None, typer.Option(
        help="running, held, stuck (a task's attempts were all lost with their workers: for an operator), "
             "succeeded, failed or cancelled.")] = None,
    state: Annotated[str | None, typer.Option(help="Only those in this state (e.g. an approval's).")] = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    parent: Annotated[str | None, typer.Option(
        help="Only the children of this instance: the subflows it started, its parallel branches, its map's "
             "items.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    offset: Annotated[int, typer.Option(
        help="Skip this many of the newest first: the next page of --limit 50 is --offset 50.")] = 0,
) -> None:
    """List instances, newest first: the workflows' own and the subflows they started (with their parent), not
    the parallel branches and map items that run inside an instance (--parent lists those, and --status stuck,
    since a stuck branch holds up its parent). A full page says, on stderr with --format json, how to get the
    next one."""
    if status is not None and status not in STATUSES:
        fail(f"unknown status '{status}': one of {', '.join(STATUSES)}", ExitCode.UNREADABLE)
    if limit < 1:  # 0 listed none and said "no instance matches" of a database full of them
        fail(f"--limit is how many instances to list, 1 or more; not {limit}", ExitCode.UNREADABLE)
    if offset < 0:
        fail(f"--offset is how many of the newest to skip, 0 or more; not {offset}", ExitCode.UNREADABLE)
    with open_engine(db, existing=True) as engine:
        found = _listed(engine, limit, offset, workflow_id=workflow, status=status, state=state, tenant=tenant,
                        parent_id=parent)
    # a full page may have more after it: said, or a script reading the JSON took 50 for all there is
    more = (f"{offset + 1:,} to {offset + limit:,} shown, newest first; there may be more: --offset {offset + limit} "
            "shows the next page" if len(found) == limit else None)
    if output is OutputFormat.json:
        emit_json([v.as_dict() for v in found])
        if more:
            stderr.print(more, highlight=False)
        return
    table = Table(title="instances")
    errors = any(v.error is not None for v in found)  # the column only when some instance ended in an error
    add_id_column(table, "id")
    tenants = len({v.tenant for v in found}) > 1  # the column only when the rows belong to more than one tenant
    table.add_column("workflow")
    table.add_column("state")
    table.add_column("status", no_wrap=True, overflow="ignore")  # one short word, read first: never cut
    table.add_column("version")
    if tenants:
        table.add_column("tenant")
    table.add_column("updated")
    parents = any(v.parent_id is not None for v in found)  # the column only when some instance is part of another
    if parents:
        add_id_column(table, "part of")
    if errors:
        table.add_column("error")
    for v in found:
        part_of = "" if v.parent_id is None else f"{v.parent_id}" + (f" ({v.branch})" if v.branch else "")
        table.add_row(v.id, f"{v.workflow_id} v{v.workflow_version}", v.state, v.status, str(v.version),
                      *((v.tenant,) if tenants else ()), v.as_dict()["updated_at"], *((part_of,) if parents else ()),
                      *((escape(error_words(v.error)),) if errors else ()))
    print_table(table, records=True)
    if not found:
        stdout.print("no instance matches" + (f" past the newest {offset:,}" if offset else ""), highlight=False)
    elif more:
        stdout.print(more, highlight=False)


def _listed(engine: Engine, limit: int, skip: int, *, parent_id: str | None, **where: Any) -> list[InstanceView]:
    """Up to `limit` instances after the newest `skip`, newest first. Without `parent_id`, an instance that runs
    a parallel branch or a map item is left out, as the API leaves it out (one order is one row, not one per
    branch and item) — unless it is stuck: that one needs an operator."""
    if parent_id is not None or where.get("status") == InstanceStatus.STUCK:
        return engine.list_instances(parent_id=parent_id, limit=limit, offset=skip, **where)
    found: list[InstanceView] = []
    offset, page = 0, max(limit + skip, 1) * 4
    while len(found) < skip + limit:
        rows = engine.list_instances(limit=page, offset=offset, **where)
        found += [v for v in rows if not v.branch]
        if len(rows) < page:
            break
        offset += page
    return found[skip:skip + limit]


def show_command(instance_id: Annotated[str, typer.Argument()], db: Db = None,
                 output: Format = OutputFormat.text) -> None:
    """Show one instance."""
    with open_engine(db, existing=True) as engine:
        _instance(engine.get(instance_id), output)


def send_command(
    instance_id: Annotated[str, typer.Argument()], event: Annotated[str, typer.Argument()],
    *,
    payload: Annotated[str | None, typer.Option("--payload", help="The event's payload as JSON.")] = None,
    actor: Annotated[str, actor_option("Who sends it, recorded in the history")] = CLI_ACTOR,
    key: Annotated[str | None, typer.Option("--idempotency-key", help="Repeats with this key change nothing.")] = None,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Send EVENT to an instance."""
    data = json_argument(payload, "--payload")
    with open_engine(db, existing=True) as engine:
        view = engine.send(instance_id, event, data, actor=actor, idempotency_key=key)
        _instance(view, output)
        if output is OutputFormat.text:
            _say_what_next(engine, view, db)


def redrive_command(
    instance_id: Annotated[str, typer.Argument()], *,
    actor: Annotated[str, actor_option("Who redrives it, recorded in the history")] = CLI_ACTOR,
    fixes: Annotated[list[str] | None, typer.Option(
        "--set", metavar="PATH=VALUE",
        help="Correct the context first (repeatable): a key or dotted path, and its value as JSON "
             "(text that is not JSON is taken as a string), e.g. --set enrichment='{}' --set tier=large.")] = None,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Resume a failed instance at the state it failed in; a worker runs the failed task again, under the
    idempotency key of the run that failed. With --set, the context is corrected first (when bad data made the
    step fail), in the same step, and a PATH that is no context path is a wrong command line (exit 2). Exits 1
    with the reason for an instance that cannot be redriven or a correction that breaks the context schema."""
    corrections = dict(_assignment(text) for text in fixes or [])
    with open_engine(db, existing=True) as engine:
        view = engine.redrive(instance_id, actor=actor, fixes=corrections or None)
        _instance(view, output)
        if output is OutputFormat.text:
            _say_what_next(engine, view, db)


def _say_what_next(engine: Engine, view: InstanceView, db: str | None) -> None:
    """After a command moved an instance on (redrive, send, a decision): what it waits for now and which command
    carries it on, as `run` says it — a worker, most often, which no one may be running."""
    if not view.ended:
        stdout.print(escape(waiting_words(engine, deployed_workflow(engine, view), view, _shown_db(db))),
                     highlight=False)


def cancel_command(
    instance_id: Annotated[str, typer.Argument()], *,
    actor: Annotated[str, actor_option("Who cancels it, recorded in the history")] = CLI_ACTOR,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Cancel an instance that has not ended (running, held or stuck), with its children: its timers, approvals
    and queued actions are withdrawn. Exits 1 with the reason for one that has ended."""
    with open_engine(db, existing=True) as engine:
        _instance(engine.cancel(instance_id, actor=actor), output)


def _assignment(text: str) -> tuple[str, Any]:
    """'path=value' as (path, value): the value read as JSON, else kept as text. A PATH that is no context path is
    a wrong command line (exit 2), as a missing '=' is, said before the database is opened."""
    path, equals, value = text.partition("=")
    if not equals or not path.strip():
        fail(f"--set {text!r}: give PATH=VALUE, e.g. --set enrichment.company.size=500", ExitCode.UNREADABLE)
    path = path.strip()
    if not _CONTEXT_PATH.fullmatch(path):
        fail(f"--set {text!r}: '{path}' is not a context path; a PATH is a key, or a dotted path of keys, each of "
             "letters, digits, '_' and '-' and starting with a letter or '_', e.g. --set enrichment.company.size=500",
             ExitCode.UNREADABLE)
    try:
        return path, json.loads(value)
    except ValueError:
        return path, value


def approvals_command(
    *,
    user: Annotated[str | None, typer.Option(help="Requests this user may decide.")] = None,
    role: Annotated[list[str] | None, typer.Option("--role", help="… or any of these roles (repeatable).")] = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=MAX_PENDING_APPROVALS_PAGE,
                                       help="At most this many, the oldest first.")] = PENDING_APPROVALS_PAGE,
    after: Annotated[int | None, typer.Option(help="The page after this approval (the last id of a page).")] = None,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """List pending approval requests, the oldest first, a page at a time."""
    with open_engine(db, existing=True) as engine:
        found = engine.pending_approvals(user, role or [], tenant, limit=limit, after=after)
    if output is OutputFormat.json:
        emit_json([a.as_dict() for a in found])
        return
    table = Table(title="pending approvals")
    add_id_column(table, "id")
    add_id_column(table, "instance")
    for column in ("workflow", "state", "approvers", "quorum", "request"):
        table.add_column(column, overflow="fold")
    for a in found:
        approvers = ", ".join([f"user {u}" for u in a.users] + [f"role {r}" for r in a.roles])
        table.add_row(str(a.id), a.instance_id, a.workflow_id, a.state, escape(approvers), str(a.quorum),
                      escape(json.dumps(a.request, ensure_ascii=False)))
    print_table(table, records=True)
    if len(found) == limit:
        stdout.print(f"{len(found):,} shown; there may be more: the next page is --after {found[-1].id}",
                     highlight=False)


def _decide(decision: str, instance_id: str, *, actor: str, role: list[str] | None, comment: str | None,
            db: str | None, output: OutputFormat) -> None:
    with open_engine(db, existing=True) as engine:
        decide = engine.approve if decision == "approve" else engine.reject
        pending = any(a.status == "pending" for a in engine.approvals(instance_id))
        before = _approvers(engine, instance_id)
        view = decide(instance_id, actor=actor, roles=role or [], comment=comment)
        _instance(view, output)
        if output is OutputFormat.text and not pending:  # the engine answers a repeat with the instance as it is
            stdout.print(f"no approval was pending: {actor} decided it before, and this repeat changed nothing",
                         highlight=False)
        elif output is OutputFormat.text and decision == "approve":
            _say_quorum(engine, instance_id, actor, already=actor in before)
        if output is OutputFormat.text and pending and not _approvers(engine, instance_id):
            _say_what_next(engine, view, db)  # decided: what comes next (a quorum still open said so above)


def _approvers(engine: Engine, instance_id: str) -> list[str]:
    """Who has approved the instance's pending approval so far."""
    pending = [a for a in engine.approvals(instance_id) if a.status == "pending"]
    return [d["actor"] for a in pending[:1] for d in a.decisions if d.get("decision") == "approve"]


def _say_quorum(engine: Engine, instance_id: str, actor: str, *, already: bool) -> None:
    """After an approval that did not decide a quorum approval: how many are in, and that a repeat counts once."""
    pending = [a for a in engine.approvals(instance_id) if a.status == "pending"]
    if not pending:
        return
    approval, approvers = pending[0], _approvers(engine, instance_id)
    if already:
        stdout.print(f"{actor} had already approved approval #{approval.id}: each approver counts once",
                     highlight=False)
    stdout.print(f"approval #{approval.id} in '{approval.state}': {len(approvers)} of {approval.quorum} approvals "
                 f"({', '.join(approvers) or 'none'}); it waits for {approval.quorum - len(approvers)} more",
                 highlight=False)


Actor = Annotated[str, typer.Option("--actor", help="Who decides.")]
Roles = Annotated[list[str] | None, typer.Option("--role", help="The actor's roles (repeatable).")]
Comment = Annotated[str | None, typer.Option("--comment", help="Why.")]


def approve_command(instance_id: Annotated[str, typer.Argument()], *, actor: Actor, role: Roles = None,
                    comment: Comment = None, db: Db = None, output: Format = OutputFormat.text) -> None:
    """Approve an instance's pending request (as an authorised approver)."""
    _decide("approve", instance_id, actor=actor, role=role, comment=comment, db=db, output=output)


def reject_command(instance_id: Annotated[str, typer.Argument()], *, actor: Actor, role: Roles = None,
                   comment: Comment = None, db: Db = None, output: Format = OutputFormat.text) -> None:
    """Reject an instance's pending request (as an authorised approver)."""
    _decide("reject", instance_id, actor=actor, role=role, comment=comment, db=db, output=output)


def replay_command(instance_id: Annotated[str, typer.Argument()], db: Db = None,
                   output: Format = OutputFormat.text) -> None:
    """Rebuild an instance from its history; exit 1 when it does not match the stored instance."""
    with open_engine(db, existing=True) as engine:
        report = engine.replay(instance_id)
    if output is OutputFormat.json:
        emit_json(report.as_dict())
    elif report.matches:
        stdout.print(f"[green]✓[/] {instance_id}: its {counted(report.history_rows, 'transition')} rebuild "
                     "the stored instance",
                     highlight=False)
    else:
        stdout.print(f"[red]✗[/] {instance_id} does not match its history:", highlight=False)
        for difference in report.differences:
            stdout.print(escape(f"    {difference}"), highlight=False)
    if not report.matches:
        raise typer.Exit(int(ExitCode.FINDINGS))


def register_runtime_commands(app: typer.Typer) -> None:
    """Add the runtime commands (and the `db` group) to `app`."""
    for name, command in (("run", run_command), ("worker", worker_command), ("instances", instances_command),
                          ("show", show_command), ("history", history_command), ("send", send_command),
                          ("redrive", redrive_command), ("cancel", cancel_command),
                          ("approvals", approvals_command), ("approve", approve_command),
                          ("reject", reject_command), ("replay", replay_command)):
        app.command(name)(reporting(command))
    register_db_commands(app)


