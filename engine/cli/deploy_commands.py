"""`deploy` (workflows and agents from files or folders) and `agents` (the deployed agents and their policies)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from engine.cli.engine_options import CLI_ACTOR, Db, Format, actor_option, open_engine, reporting
from engine.cli.output import ExitCode, OutputFormat, add_id_column, counted, emit_json, fail, print_table, stdout
from engine.runtime.definition_files import DeployedFile, definition_files, deploy_files
from engine.runtime.deploy_warnings import log as deploy_log

__all__ = ["register_deploy_commands"]


def deploy_command(
    paths: Annotated[list[Path], typer.Argument(help="Workflow and agent files, or folders of them.")],
    *,
    actor: Annotated[str, actor_option("Who deploys, recorded with each version")] = CLI_ACTOR,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Refuse definitions with warnings too (exit 1), as with errors; nothing is deployed when "
                         "a file has them.")] = False,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Deploy workflows and agents (agents first). A deployed version is immutable: the same content again
    changes nothing, other content under a deployed version is refused. Warnings are printed under the table
    (in JSON, each file's `warnings`); with --strict they refuse the definition, exit 1."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}", ExitCode.UNREADABLE)
    odd = [str(p) for p in paths if not p.is_dir() and not p.is_file()]
    if odd:  # /dev/null read as an empty definition, a pipe read once
        fail(f"not a regular file (a device, pipe or socket): {', '.join(odd)}", ExitCode.UNREADABLE)
    empty = [str(p) for p in paths if p.is_dir() and not definition_files([p])]
    if empty:  # a wrong folder deploys nothing: say so rather than print an empty table
        fail(f"no workflow or agent files (*.json) in: {', '.join(empty)}", ExitCode.UNREADABLE)
    printed_below = logging.NullHandler()  # the warnings: not again on stderr by logging's last resort
    deploy_log.addHandler(printed_below)
    try:
        with open_engine(db) as engine:
            deployed = deploy_files(engine, paths, actor=actor, strict=strict)
    finally:
        deploy_log.removeHandler(printed_below)
    if output is OutputFormat.json:
        emit_json([{"path": str(d.path), "kind": d.kind, "id": d.id, "version": d.version, "created": d.created,
                    "warnings": [f.model_dump() for f in d.warnings]} for d in deployed])
        return
    table = Table(title="deployed")
    table.add_column("kind")
    add_id_column(table, "id")  # what `migrate`, `review --db` and `instances --workflow` take
    for column in ("version", "new", "file"):
        table.add_column(column, overflow="fold")
    for d in deployed:
        table.add_row(d.kind, d.id, d.version, "yes" if d.created else "no (same content)", str(d.path))
    print_table(table)
    _print_warnings(deployed)


def _print_warnings(deployed: list[DeployedFile]) -> None:
    """Each file's warnings under the table, as `validate` prints them: deployed all the same, but what they say
    may go wrong at run time (a guard reading a misspelt name counts as false)."""
    warned = [d for d in deployed if d.warnings]
    for d in warned:
        stdout.print(f"[yellow]![/] {escape(str(d.path))}: deployed with {counted(len(d.warnings), 'warning')}",
                     highlight=False)
        for finding in d.warnings:
            stdout.print(f"    [yellow]{escape(str(finding))}[/]", highlight=False)
    if warned:
        stdout.print("with --strict, a definition with warnings is refused instead", highlight=False)


def agents_command(db: Db = None, output: Format = OutputFormat.text) -> None:
    """List the deployed agents (each at the version in force) with their configuration and policies."""
    with open_engine(db, existing=True) as engine:
        agents = engine.agents()
    if output is OutputFormat.json:
        emit_json([a.model_dump(mode="json", by_alias=True, exclude_none=True) for a in agents])
        return
    table = Table(title="agents")
    add_id_column(table, "id")
    for column in ("version", "name", "model", "approval", "budget limit", "timeout s", "tools"):
        table.add_column(column, overflow="fold")
    for a in agents:
        p = a.policies
        table.add_row(a.id, a.version, a.name, a.model, "required" if p.approval_required else "-",
                      "-" if p.budget_limit is None else f"{p.budget_limit:g}",
                      "-" if p.timeout_seconds is None else str(p.timeout_seconds), str(len(a.tools)))
    print_table(table)


def register_deploy_commands(app: typer.Typer) -> None:
    app.command("deploy")(reporting(deploy_command))
    app.command("agents")(reporting(agents_command))
