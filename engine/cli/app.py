"""The engine's command-line application; the designer adds `serve` and `users` on top of it."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable

import typer

from engine.cli.output import ExitCode, say_error, stderr
from engine.errors import StatewrightError

__all__ = ["ENGINE_COMMANDS", "FILE_COMMANDS", "build_app", "command_of", "run_app"]

# The command groups: each module's `register_*` function adds its commands. Only the groups a command line
# needs are imported, so a command that reads one file never pays for the runtime, the database or the
# designer (a pre-commit hook runs `statewright validate` on every commit).
_GROUPS: dict[str, tuple[str, ...]] = {
    "engine.cli.definition_commands:register_definition_commands": ("validate", "analyze", "render", "schema"),
    "engine.cli.interop_commands:register_interop_commands": ("import", "export"),
    "engine.cli.review_commands:register_review_commands": ("review",),
    "engine.cli.generated_tests_commands:register_testgen_commands": ("testgen",),
    "engine.cli.runtime_commands:register_runtime_commands": (
        "run", "worker", "instances", "show", "history", "send", "redrive", "cancel", "approvals", "approve",
        "reject", "replay", "db"),
    "engine.cli.migrate_commands:register_migrate_commands": ("migrate",),
    "engine.cli.event_commands:register_event_commands": ("publish",),
    "engine.cli.deploy_commands:register_deploy_commands": ("deploy", "agents"),
    "engine.cli.eval_commands:register_eval_commands": ("eval",),
    "engine.cli.price_commands:register_price_commands": ("prices",),
    "engine.cli.budget_commands:register_budget_commands": ("budgets",),
    "engine.cli.workers_commands:register_workers_command": ("workers",),
}
ENGINE_COMMANDS = frozenset(name for names in _GROUPS.values() for name in names)
FILE_COMMANDS = frozenset(name for spec, names in _GROUPS.items() if "runtime" not in spec and "event" not in spec
                          and "deploy" not in spec and "eval" not in spec and "migrate" not in spec
                          and "price" not in spec and "budget" not in spec and "workers" not in spec
                          for name in names)


def _register(spec: str) -> Callable[[typer.Typer], None]:
    module, _, function = spec.partition(":")
    register: Callable[[typer.Typer], None] = getattr(importlib.import_module(module), function)
    return register


def _commands() -> None:
    """Statewright: explicit state-machine workflows — validate, draw, run."""


def command_of(argv: list[str]) -> str | None:
    """The command a command line runs (its first word, when it does not start with an option); None for
    `statewright --help`, which lists every command (`statewright history --help` needs only `history`)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first is not None and argv[0] == first else None


def build_app(command: str | None = None) -> typer.Typer:
    """The engine's commands; given the `command` about to run, only that command (Typer reads the signature of
    every command it is given, at each start)."""
    app = typer.Typer(
        name="statewright",
        help="Statewright: explicit state-machine workflows — validate, draw, run.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_commands)  # a group even when one command is registered: Typer would run it bare
    chosen = [spec for spec, names in _GROUPS.items() if command in names] or list(_GROUPS)
    for spec in chosen:
        _register(spec)(app)
    if any(info.name == command for info in app.registered_commands):
        app.registered_commands = [info for info in app.registered_commands if info.name == command]
    return app


def _wrong_command_line(exc: StatewrightError) -> bool:
    """Whether `exc` is about what the command line named — `--handlers` that cannot be loaded (`serve` loads them
    itself) — exit 2. Looked up in `sys.modules`: a command that loaded no handlers imports no loader."""
    loading = sys.modules.get("engine.runtime.handler_loading")
    return loading is not None and isinstance(exc, loading.UnloadableHandlers)


def _database_refusal(exc: Exception) -> str | None:
    """The database's own reason when `exc` is the database refusing the work — read-only, locked, full, gone,
    not a database — wherever a command met it (the sandbox's or the accounts' tables, not only the engine's);
    None for anything else. SQLite's generic SQLITE_ERROR (no such table or column, bad SQL) is a bug of ours,
    left to its traceback. Looked up in `sys.modules`: a command that opened no database imports no driver."""
    store_errors = sys.modules.get("storage.errors")
    if store_errors is not None and isinstance(exc, store_errors.StoreError):
        return str(exc)
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None or not (isinstance(exc, sa_exc.OperationalError) or type(exc) is sa_exc.DatabaseError):
        return None  # not the database's, or an integrity or programming error: a bug
    driver = getattr(exc, "orig", exc)  # the DB-API's own exception, which SQLAlchemy wraps
    if getattr(driver, "sqlite_errorname", None) == "SQLITE_ERROR":
        return None
    return str(driver).split("\n", 1)[0]


def run_app(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run a Statewright command line: errors become one clear line and an exit code, never a traceback."""
    _summarise(app)
    try:
        result = app(args=argv, standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.Abort:
        stderr.print("aborted")
        return int(ExitCode.FINDINGS)
    except StatewrightError as exc:
        say_error(exc.detail)  # with JSON logs on (serve, worker), one record like the rest
        return int(ExitCode.UNREADABLE if _wrong_command_line(exc) else ExitCode.FINDINGS)
    except typer.TyperException as exc:  # usage errors: unknown command, bad option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            stderr.print(f"[bold red]error:[/] {exc}", highlight=False)
        return int(getattr(exc, "exit_code", ExitCode.UNREADABLE))
    except Exception as exc:
        code = _said_in_one_line(exc)
        if code is None:
            raise
        return code
    return result if isinstance(result, int) else int(ExitCode.OK)


def summary(doc: str | None) -> str | None:
    """A command's line in its group's list: the first sentence of its docstring (to its first '.', ';' or ':'
    outside brackets), on one line, less any long aside in brackets. Given the whole docstring, the list kept its
    source line breaks, each row broken off mid-sentence and padded to the width."""
    if not doc:
        return None
    text, depth = " ".join(doc.split()), 0
    for i, c in enumerate(text):
        depth += (c in "([") - (c in ")]")
        if depth == 0 and c in ".;:" and (i + 1 == len(text) or text[i + 1] == " "):
            text = text[:i] + "."
            break
    return re.sub(r" \([^()]{60,}\)", "", text)


def reflowed(doc: str) -> str:
    """A command's docstring as its `--help` shows it: each paragraph on one line, for the terminal to wrap. Typer
    wraps the first paragraph but keeps the source's line breaks in the others, which then break mid-sentence;
    a paragraph of bullets or indented lines is kept as written."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(p if any(line.startswith(("  ", "- ", "* ")) for line in p.splitlines()) else " ".join(p.split())
                       for p in paragraphs)


def _summarise(app: typer.Typer) -> None:
    """Give every command of `app` and of its groups (`users`, `sandbox`, `db` …) a one-line summary in the
    list, and its help text reflowed, unless it was given them."""
    for info in app.registered_commands:
        if info.short_help is None and info.help is None and info.callback is not None and info.callback.__doc__:
            info.short_help = summary(info.callback.__doc__)
            info.help = reflowed(info.callback.__doc__)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _summarise(group.typer_instance)


def _said_in_one_line(exc: Exception) -> int | None:
    """The exit code after saying in one line what stopped the command — a file it names that cannot be
    written or read (`-o` under a file, onto a folder), the database refusing the work — or None for a bug."""
    if isinstance(exc, OSError) and exc.filename is not None:
        say_error(f"{exc.filename}: {exc.strerror or exc}")
        return int(ExitCode.UNREADABLE)
    reason = _database_refusal(exc)
    if reason is None:
        return None
    say_error(f"the database refused: {reason}")
    return int(ExitCode.FINDINGS)
