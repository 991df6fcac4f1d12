"""What the commands that open a database share: the `--db`, `--format`, `--handlers` and `--executor` options
(and the workers' `--handler-grace-s`), opening an engine (with the chosen handlers), and reporting an engine
error as one clear line."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from engine.cli.output import ExitCode, OutputFormat, fail, say
from engine.cli.worker_hints import remember_handler_options
from engine.database import default_database_url
from engine.errors import InvalidDefinition, StatewrightError, StorageError
from engine.log_format import LogFormat
from engine.runtime.handler_loading import (
    EXECUTOR_VARIABLE,
    Executor,
    HandlerChoice,
    UnloadableHandlers,
    choose_handlers,
    load_chosen_handlers,
)
from storage.sqlite_file import missing_folder

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["CLI_ACTOR", "Db", "ExecutorOption", "Format", "HandlerGraceOption", "Handlers", "LogFormatOption",
           "actor_option", "load_handlers_or_fail", "open_engine", "refuse_a_missing_sqlite_path",
           "refuse_both_handler_options", "reporting"]

Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: $STATEWRIGHT_DATABASE_URL or "
                                                    "sqlite:///statewright.db).")]
Format = Annotated[OutputFormat, typer.Option("--format", help="text or json")]
Handlers = Annotated[str | None, typer.Option("--handlers", help="module:function registering the action "
                                                                 "handlers (default: the executor's).")]
ExecutorOption = Annotated[Executor | None, typer.Option(
    "--executor", case_sensitive=False, show_default=False,
    help=f"Who performs the agents' actions: rules (the offline handlers) or llm (an OpenAI-compatible model, "
         f"STATEWRIGHT_LLM_URL/_MODEL/_API_KEY); default ${EXECUTOR_VARIABLE}, else rules.")]

# Who a command that writes records when --actor is not given: `run` starts its instance as this actor too.
CLI_ACTOR = "cli"


def actor_option(who: str) -> Any:
    """The `--actor` option of a command that writes, defaulting to CLI_ACTOR; `who` is how its help begins."""
    return typer.Option("--actor", show_default=False, help=f"{who} (default: {CLI_ACTOR}).")


# `statewright worker` and `serve`: workers that may share their database with others whose handlers differ
HandlerGraceOption = Annotated[float, typer.Option(
    "--handler-grace-s", min=0, metavar="SECONDS",
    help="How long an action job whose handler this process lacks waits for another worker on the database that "
         "has it (handed back meanwhile, its attempt not counted) before it fails with unknown_action; 0: at once, "
         "inf: however long it takes.")]

LogFormatOption = Annotated[LogFormat, typer.Option(
    "--log-format", case_sensitive=False,
    help="text, or json: one JSON object per line (time, level, logger, message, instance_id, trace_id, "
         "request_id: under serve, the id of the HTTP request the record was written while handling, as the "
         "answer's X-Request-ID header gives it; empty otherwise).")]


def open_engine(db: str | None, *, handlers: str | None = None, executor: Executor | None = None,
          with_handlers: bool = False, heartbeat_s: float | None = None, existing: bool = False) -> Engine:
    """The engine on `db`. With `existing` (a command that reads or moves what a database holds), a SQLite file
    that is not there is refused rather than made: `instances --db sqlite:///dmeo.db` listed nothing from a new,
    empty database and left it behind."""
    if with_handlers:
        refuse_both_handler_options(handlers, executor)
    choice = choose_handlers(handlers, executor) if with_handlers else None
    url = db or default_database_url()
    refuse_a_missing_sqlite_path(url, existing=existing)
    try:
        from engine.runtime.engine import Engine  # noqa: PLC0415 - the runtime loads only for a command that runs

        engine = Engine(url) if heartbeat_s is None else Engine(url, heartbeat_s=heartbeat_s)
    except ValueError as exc:
        fail(str(exc), ExitCode.UNREADABLE)
    except StorageError as exc:  # the database cannot be used: which one and why, its password hidden
        fail(exc.detail)
    if choice is not None:
        try:
            note = load_handlers_or_fail(choice, engine)
        except (StatewrightError, typer.Exit):
            engine.close()
            raise
        if note:
            say(f"{note}; tasks will fail naming the missing handler", level=logging.WARNING, label="note")
        remember_handler_options(engine, handlers, executor)  # a worker beside it needs the same: hints name them
    return engine


def load_handlers_or_fail(choice: HandlerChoice, engine: Any) -> str | None:
    """`load_chosen_handlers`; your own `--handlers` that cannot be loaded (a module missing or failing on import,
    a function missing or raising) end the command in one line naming them and the exception, exit 2: a wrong
    command line, as a missing file is. An executor that is not configured stays an error (exit 1)."""
    try:
        return load_chosen_handlers(choice, engine)
    except UnloadableHandlers as exc:
        fail(exc.detail, ExitCode.UNREADABLE)


def refuse_both_handler_options(handlers: str | None, executor: str | None) -> None:
    """`--handlers` (your own) and `--executor` (a shipped one) choose the same thing: both given is a wrong
    command line (exit 2), as every pair of exclusive options is."""
    if handlers is not None and executor is not None:
        fail("give --handlers or --executor, not both", ExitCode.UNREADABLE)


_NOT_DEPLOYED_YET = {"unknown-agent": "agents", "unknown-subflow": "subflows"}


def refusal_text(exc: InvalidDefinition) -> str:
    """Every error of a refused definition, one per line with its JSON pointer, and what to do when the flow
    names agents or subflows that are not deployed yet (deploy checks against what is deployed); of one refused
    for its warnings (`--strict`), every warning, saying so."""
    errors = [f for f in exc.findings if f.severity == "error"]
    if exc.strict:
        what = "finding(s)" if errors else "warning(s)"
        return "\n".join([f"{exc.source} has {len(exc.findings)} {what}, refused by --strict:"]
                         + [f"  {f.pointer or '/'}: {f.code}: {f.message}" for f in exc.findings])
    lines = [f"{exc.source} has {len(errors)} error(s):"] + [f"  {f.pointer or '/'}: {f.message}" for f in errors]
    missing = sorted({_NOT_DEPLOYED_YET[f.code] for f in errors if f.code in _NOT_DEPLOYED_YET})
    if missing:
        lines.append(f"deploy the {' and '.join(missing)} it names first, or together with it (for example the "
                     "folder: statewright deploy definitions)")
    if any(f.code == "unknown-action" for f in errors):
        lines.append("the actions are performed by the handlers this command loaded: give your own with --handlers "
                     "module:function (a function that registers them on the engine), or choose --executor")
    return "\n".join(lines)


def reporting(command: Callable[..., None]) -> Callable[..., None]:
    """The command, with an engine error turned into one clear line and exit code 1 (never a traceback)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except InvalidDefinition as exc:
            fail(refusal_text(exc))
        except StatewrightError as exc:
            fail(exc.detail)

    return run


def refuse_a_missing_sqlite_path(url: str, *, existing: bool) -> None:
    """A SQLite database in a folder that does not exist (the driver says only "unable to open database file"),
    or, with `existing` (a command that reads or moves what is there), a file that does not exist: one line
    saying which, exit 1, before anything is made."""
    import sqlalchemy as sa  # noqa: PLC0415 - loaded by the engine anyway, right after

    try:
        target = sa.make_url(url)
    except sa.exc.ArgumentError:
        return  # the engine says what is wrong with the URL
    path = target.database or ""
    if target.get_backend_name() != "sqlite" or path in ("", ":memory:") or path.startswith("file:"):
        return
    if target.host or target.username or target.port is not None:  # `sqlite://refunds.db`: no path, but a server
        return  # the engine says so, and which URL names the file
    shown = target.render_as_string(hide_password=True)
    missing = missing_folder(path)  # the words `Engine` says too, when SQLite could not open the file
    if missing is not None:
        fail(f"cannot open the database {shown}: {missing}")
    if existing and not Path(path).exists():
        fail(f"cannot open the database {shown}: there is no such file (a typo? deploy, run, worker and db upgrade "
             "make a new database)")
