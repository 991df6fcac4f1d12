"""The engine's command-line application; the designer adds `serve` and `users` on top of it."""

from __future__ import annotations

import typer

from engine.cli.definition_commands import register_definition_commands
from engine.cli.deploy_commands import register_deploy_commands
from engine.cli.eval_commands import register_eval_commands
from engine.cli.generated_tests_commands import register_testgen_commands
from engine.cli.interop_commands import register_interop_commands
from engine.cli.output import ExitCode, stderr
from engine.cli.review_commands import register_review_commands
from engine.cli.runtime_commands import register_runtime_commands
from engine.errors import StatewrightError

__all__ = ["build_app", "run_app"]


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="statewright",
        help="Statewright: explicit state-machine workflows — validate, draw, run.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    register_definition_commands(app)
    register_runtime_commands(app)
    register_deploy_commands(app)
    register_eval_commands(app)
    register_interop_commands(app)
    register_review_commands(app)
    register_testgen_commands(app)
    return app


def run_app(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run a Statewright command line: errors become one clear line and an exit code, never a traceback."""
    try:
        result = app(args=argv, standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.Abort:
        stderr.print("aborted")
        return int(ExitCode.FINDINGS)
    except StatewrightError as exc:
        stderr.print(f"[bold red]error:[/] {exc.detail}", highlight=False)
        return int(ExitCode.FINDINGS)
    except typer.TyperException as exc:  # usage errors: unknown command, bad option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            stderr.print(f"[bold red]error:[/] {exc}", highlight=False)
        return int(getattr(exc, "exit_code", ExitCode.UNREADABLE))
    return result if isinstance(result, int) else int(ExitCode.OK)
