"""The `statewright` console script, the composition root: the engine's commands, the agent system's `sandbox`
commands and executors, and the designer's `serve` and `users`."""

from __future__ import annotations

import sys

import typer

from agents.sandbox_cli import register_sandbox_commands
from designer._serve import register_serve_command
from designer._users_cli import register_users_commands
from designer.executors import EXECUTORS
from engine.cli.app import build_app, run_app

__all__ = ["EXECUTORS", "build_cli", "main"]



def build_cli() -> typer.Typer:
    app = build_app()
    register_sandbox_commands(app)
    register_serve_command(app)
    register_users_commands(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """The console script's entry point (`designer.cli:main`)."""
    code = run_app(build_cli(), argv)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
