"""`deploy` (workflows and agents from files or folders) and `agents` (the deployed agents and their policies)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.cli.engine_options import CLI_ACTOR, Db, Format, actor_option, open_engine, reporting
from engine.cli.output import ExitCode, OutputFormat, add_id_column, emit_json, fail, print_table
from engine.runtime.definition_files import definition_files, deploy_files

__all__ = ["register_deploy_commands"]


def deploy_command(
    paths: Annotated[list[Path], typer.Argument(help="Workflow and agent files, or folders of them.")],
    *,
    actor: Annotated[str, actor_option("Who deploys, recorded with each version")] = CLI_ACTOR,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Deploy workflows and agents (agents first). A deployed version is immutable: the same content again
    changes nothing, other content under a deployed version is refused."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}", ExitCode.UNREADABLE)
    odd = [str(p) for p in paths if not p.is_dir() and not p.is_file()]
    if odd:  # /dev/null read as an empty definition, a pipe read once
        fail(f"not a regular file (a device, pipe or socket): {', '.join(odd)}", ExitCode.UNREADABLE)
    empty = [str(p) for p in paths if p.is_dir() and not definition_files([p])]
    if empty:  # a wrong folder deploys nothing: say so rather than print an empty table
        fail(f"no workflow or agent files (*.json) in: {', '.join(empty)}", ExitCode.UNREADABLE)
    with open_engine(db) as engine:
        deployed = deploy_files(engine, paths, actor=actor)
    if output is OutputFormat.json:
        emit_json([{"path": str(d.path), "kind": d.kind, "id": d.id, "version": d.version, "created": d.created}
                   for d in deployed])
        return
    table = Table(title="deployed")
    table.add_column("kind")
    add_id_column(table, "id")  # what `migrate`, `review --db` and `instances --workflow` take
    for column in ("version", "new", "file"):
        table.add_column(column, overflow="fold")
    for d in deployed:
        table.add_row(d.kind, d.id, d.version, "yes" if d.created else "no (same content)", str(d.path))
    print_table(table)


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
