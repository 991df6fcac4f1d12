"""The `statewright` console script: the engine's commands, plus the designer's `serve` and `users`."""

from __future__ import annotations

import sys

import typer

from designer._serve import register_serve_command
from designer._users_cli import register_users_commands
from engine.cli.app import build_app, run_app

__all__ = ["build_cli", "main"]


def build_cli() -> typer.Typer:
    app = build_app()
    register_serve_command(app)
    register_users_commands(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """The console script's entry point (`designer.cli:main`)."""
    code = run_app(build_cli(), argv)
    if argv is None:
        sys.exit(code)
    return code
