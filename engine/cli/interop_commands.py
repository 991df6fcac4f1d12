"""`statewright import FORMAT FILE -o flow.json` and `statewright export FORMAT FILE -o out`: the doors in and out
(ASL, SCXML, XState). Exit codes as `validate`: 0 done (an export with --allow-loss too, what was lost printed),
1 refused (findings printed), 2 unreadable input or a wrong command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from engine.cli.definition_commands import _load_one, catalog_for
from engine.cli.files import DefinitionFile, require_file, require_output_file
from engine.cli.output import ExitCode, fail, stdout
from engine.interop import EXPORT_FORMATS, IMPORT_FORMATS, export_workflow, import_document
from engine.interop.ids import to_identifier
from engine.validation.findings import Finding, has_errors

__all__ = ["register_interop_commands"]


def _print(findings: list[Finding]) -> None:
    for finding in findings:
        colour = "red" if finding.severity == "error" else "yellow"
        stdout.print(f"    [{colour}]{escape(str(finding))}[/]", highlight=False)


def import_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="asl, scxml or xstate")],
    path: Annotated[Path, typer.Argument(help="The document to import.")],
    out: Annotated[Path, typer.Option("-o", "--output", help="The workflow file to write.")],
    workflow_id: Annotated[str | None, typer.Option("--id", help="The workflow's id (default: from -o).")] = None,
) -> None:
    """Import an ASL, SCXML or XState document as a workflow; whatever cannot be mapped is refused."""
    if fmt not in IMPORT_FORMATS:
        fail(f"choose FORMAT from {', '.join(IMPORT_FORMATS)}", ExitCode.UNREADABLE)
    require_output_file(out, "flow.json")
    require_file(path, wanted="one ASL, SCXML or XState document")
    try:
        text = path.read_bytes()
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}", ExitCode.UNREADABLE)
    result = import_document(fmt, text, workflow_id or to_identifier(out.name.split(".", 1)[0], "imported"))
    if result.document is None and any(f.code == "invalid-document" for f in result.findings):
        name = {"asl": "ASL", "scxml": "SCXML", "xstate": "XState"}[fmt]
        stdout.print(f"[red]✗[/] {path}: not an {name} document", highlight=False)
        _print(result.findings)
        raise typer.Exit(int(ExitCode.UNREADABLE))
    if not result.ok or result.document is None:
        stdout.print(f"[red]✗[/] {path}: not imported", highlight=False)
        _print(result.findings)
        raise typer.Exit(int(ExitCode.FINDINGS))
    document = {"$schema": "../schema/workflow.schema.json", **result.document}
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    stdout.print(f"[green]✓[/] wrote {out}", highlight=False)
    _print(result.findings)


def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="asl, scxml or xstate")],
    path: Annotated[Path, typer.Argument(help="A workflow file.")],
    out: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    allow_loss: Annotated[bool, typer.Option("--allow-loss", help="Write even what cannot be expressed fully.")]
    = False,
    catalog_dirs: Annotated[list[Path] | None, typer.Option(
        "--catalog", help="A definitions folder (workflows/, agents/) to check against: the subflows and agents the "
                          "flow names, besides those beside it.")] = None,
) -> None:
    """Export a workflow to ASL (where expressible), SCXML or XState; says what the format cannot express."""
    if fmt not in EXPORT_FORMATS:
        fail(f"choose FORMAT from {', '.join(EXPORT_FORMATS)}", ExitCode.UNREADABLE)
    require_output_file(out, f"{path.stem}.{fmt}.{'scxml' if fmt == 'scxml' else 'json'}")
    require_file(path)
    catalog = catalog_for([DefinitionFile(path, "workflow")], catalog_dirs) if catalog_dirs else None
    result = export_workflow(fmt, _load_one(path, catalog))
    if has_errors(result.findings) and not allow_loss:
        stdout.print(f"[red]✗[/] {path}: {fmt} cannot express all of it (nothing written; --allow-loss writes "
                     "the rest)", highlight=False)
        _print(result.findings)
        raise typer.Exit(int(ExitCode.FINDINGS))
    out.write_text(result.text, encoding="utf-8")
    lost = " (what it cannot express left out, as --allow-loss allows)" if has_errors(result.findings) else ""
    stdout.print(f"[green]✓[/] wrote {out}{lost}", highlight=False)
    _print(result.findings)  # exit 0: the write the user allowed the loss for succeeded


def register_interop_commands(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
