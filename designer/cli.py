"""The `statewright` console script, the composition root: the engine's commands, the agent system's `sandbox`
commands and executors, and the designer's `serve` and `users`."""

from __future__ import annotations

import sys

import typer

from designer.executors import EXECUTORS
from engine.cli.app import ENGINE_COMMANDS, build_app, command_of, run_app

__all__ = ["EXECUTORS", "build_cli", "main"]



def build_cli(command: str | None = None) -> typer.Typer:
    """Every command; given the `command` about to run and it is the engine's (`history`, `run`, `validate` …),
    just that one: the designer, Litestar and the agent system's sandbox are not imported (about half of the CPU
    a `statewright history` took). `serve`, `users`, `sandbox` and `--help` get every command."""
    if command in ENGINE_COMMANDS:
        return build_app(command)
    from agents.sandbox_cli import register_sandbox_commands  # noqa: PLC0415 - see above
    from designer._serve import register_serve_command  # noqa: PLC0415
    from designer._users_cli import register_users_commands  # noqa: PLC0415

    app = build_app()
    register_sandbox_commands(app)
    register_serve_command(app)
    register_users_commands(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """The console script's entry point (`designer.cli:main`)."""
    arguments = sys.argv[1:] if argv is None else argv
    code = run_app(build_cli(command_of(arguments)), argv)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
