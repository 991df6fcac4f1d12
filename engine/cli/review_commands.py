"""`statewright review`: the review pack of a workflow file, compared with a file or a deployed version."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.definition_commands import catalog_for
from engine.cli.engine_options import open_engine
from engine.cli.files import DefinitionFile, require_file, require_output_file
from engine.cli.output import ExitCode, fail, stdout
from engine.definition import Agent, Workflow
from engine.errors import StatewrightError
from engine.review import ReviewSource, review_html, review_pdf
from engine.validation.catalog import Catalog
from engine.validation.findings import Finding
from engine.validation.loader import load_workflow
from engine.validation.parsing import parse_json, validate_model
from storage.definitions import DefinitionRecord, DefinitionStore

__all__ = ["DirectionChoice", "PageChoice", "register_review_commands"]


class DirectionChoice(StrEnum):
    TB = "TB"
    LR = "LR"


class PageChoice(StrEnum):
    A4 = "A4"
    letter = "letter"


def _load(
    path: Path, roots: list[Path], known: list[Agent] | None = None, option: str | None = None
) -> tuple[Workflow, list[Finding], dict[str, Agent]]:
    """The workflow with its findings: a flow with graph errors is still reviewed (its findings say what is
    wrong); one that does not fit the format at all is refused. `option` names the option that gave the file."""
    require_file(path, option)
    found = catalog_for([DefinitionFile(path, "workflow")], roots)
    catalog = Catalog(workflows=found.workflows, agents={**found.agents, **{a.id: a for a in known or []}})
    loaded = load_workflow(path, catalog)
    model = loaded.model or validate_model(Workflow, parse_json(path.read_bytes())[0])[0]
    if model is None:
        first = next(f for f in loaded.findings if f.severity == "error")
        fail(f"{path} is not a valid workflow: {first}")
    return model, loaded.findings, dict(catalog.agents)


def _deployed(
    db: str | None, workflow_id: str, versions: tuple[int, ...]
) -> tuple[list[Agent], list[DefinitionRecord | None]]:
    with open_engine(db, existing=True) as engine:
        records = engine.runtime.read(lambda tx: [DefinitionStore(tx).get(workflow_id, v) for v in versions])
        return engine.agents(), records


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def review_command(
    path: Annotated[Path, typer.Argument(help="The workflow file under review.")],
    *,
    out: Annotated[Path, typer.Option("-o", "--output", help="review.pdf or review.html")],
    previous: Annotated[Path | None, typer.Option("--previous", help="The version signed last, as a file.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="A database the flow is deployed in (publisher, "
                                                        "agents, and --version).")] = None,
    version: Annotated[int | None, typer.Option("--version", min=1, help="Compare with this deployed version "
                                                                          "(from --db).")] = None,
    catalog_dirs: Annotated[list[Path] | None, typer.Option(
        "--catalog", help="A definitions folder (workflows/, agents/) whose agents the flow names.")] = None,
    direction: Annotated[DirectionChoice, typer.Option("--direction", help="TB or LR")] = DirectionChoice.TB,
    page: Annotated[PageChoice, typer.Option("--page", help="A4 or letter (PDF)")] = PageChoice.A4,
) -> None:
    """Write a review pack (PDF or self-contained HTML): diagram, tables, findings, changes, sign-off."""
    require_output_file(out, "review.pdf")
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        fail("the review pack is written as .pdf or .html", ExitCode.UNREADABLE)
    if previous is not None and version is not None:
        fail("give --previous FILE or --version N, not both", ExitCode.UNREADABLE)
    deployed_agents: list[Agent] = []
    records: list[DefinitionRecord | None] = []
    if db is not None or version is not None:
        head = _load(path, catalog_dirs or [])[0]  # the id and version to look up; a file without them is refused
        workflow_id, current = head.id, head.version
        deployed_agents, records = _deployed(db, workflow_id, (current,) if version is None else (current, version))
    workflow, findings, agents = _load(path, catalog_dirs or [], deployed_agents)
    before = _load(previous, catalog_dirs or [], option="--previous")[0] if previous is not None else None
    published = records[0] if records else None
    if version is not None:
        if records[-1] is None:
            fail(f"version {version} of {workflow.id} is not deployed in that database")
        before = Workflow.model_validate_json(records[-1].content)
    if before is not None and before.id != workflow.id:
        fail(f"--previous is workflow '{before.id}', not '{workflow.id}'", ExitCode.UNREADABLE)
    source = ReviewSource(
        workflow=workflow, previous=before, agents=agents, findings=findings, origin=path.name,
        published_by=published.deployed_by if published else None,
        published_at=_when(published.deployed_at) if published else None,
        generated_at=datetime.now(UTC), page=page.value,
    )
    try:
        if out.suffix.lower() == ".pdf":
            data = review_pdf(source, direction=direction.value)
        else:
            data = review_html(source, direction=direction.value).encode("utf-8")
    except StatewrightError as exc:
        fail(f"{path}: {exc.detail}")
    out.write_bytes(data)
    stdout.print(f"wrote {out}", highlight=False)


def register_review_commands(app: typer.Typer) -> None:
    app.command("review")(review_command)
