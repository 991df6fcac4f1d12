"""The definition commands: validate, analyze, render, schema. They read files; only `render --instance`
reads a database (the instance's history).

A pre-commit hook runs `statewright validate` on every commit, so each command imports what only it needs
inside itself: validate never loads the renderers, the analysis (and networkx under it) or the JSON Schema
generator.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from engine.cli.files import (
    DefinitionFile,
    collect_files,
    definition_folders,
    read_text_file,
    require_file,
    require_output_file,
    require_output_folder,
    why_unusable,
)
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stderr, stdout
from engine.definition import Workflow
from engine.errors import StatewrightError
from engine.validation.catalog import Catalog
from engine.validation.findings import Finding, has_errors
from engine.validation.loader import load_agent, load_catalog, load_folder, load_workflow

if TYPE_CHECKING:
    from engine.render import FittedPdf, Highlight
    from engine.validation.analysis import Analysis

__all__ = ["catalog_for", "load_one_workflow", "register_definition_commands"]

FORMATS = ("svg", "png", "pdf", "dot", "mermaid")
_SUFFIX_FORMAT = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid"}
_FORMAT_SUFFIX = {"png": "png", "pdf": "pdf", "dot": "dot", "mermaid": "mmd"}


def engine_catalog(files: Catalog, db: str | None, handlers: str | None, executor: str | None) -> Catalog:
    """The catalog `engine.deploy` would check against — the deployed workflows and agents of `db` (none: a
    throwaway database), the actions `--handlers`/`--executor` register — with the files laid over it, as
    deploying them together would. The runtime loads only for --db, --handlers or --executor: a plain validate
    stays fast."""
    import tempfile  # noqa: PLC0415

    from engine.cli.engine_options import open_engine, refuse_both_handler_options  # noqa: PLC0415
    from engine.runtime.handler_loading import choose_handlers, load_chosen_handlers  # noqa: PLC0415

    refuse_both_handler_options(handlers, executor)
    with tempfile.TemporaryDirectory() as scratch, open_engine(db or f"sqlite:///{Path(scratch) / 'v.db'}",
                                                               existing=db is not None) as engine:
        if handlers is not None or executor is not None:
            load_chosen_handlers(choose_handlers(handlers, executor), engine)
        deployed = engine.catalog()
    return deployed.with_alongside(files.workflows.values(), files.agents.values())


def catalog_for(files: list[DefinitionFile], extra: list[Path], *, beside: bool = True) -> Catalog:
    """The shipped-or-given set: the files themselves, the `extra` definitions roots (folders holding workflows/
    and agents/) and, with `beside`, the definitions where each file finds those it names (`definition_folders`:
    its own folder and the `agents/` folder beside it, where `statewright run` finds them too)."""
    for root in extra:  # a mistyped --catalog would otherwise check against nothing, without a word
        if not root.is_dir():
            what = "a file, not a folder" if root.exists() else "no such folder"
            fail(f"--catalog {root}: {what}", ExitCode.UNREADABLE)
        if not ((root / "workflows").is_dir() or (root / "agents").is_dir()):
            fail(f"--catalog {root}: not a definitions folder (it holds no workflows/ or agents/ folder)",
                 ExitCode.UNREADABLE)
    roots = {p.resolve() for p in extra}
    folders = {folder for item in (files if beside else ()) for folder in definition_folders(item.path)
               if folder.is_dir()}
    workflows: dict[str, Workflow] = {}
    agents = {}
    for catalog in [load_catalog(root)[0] for root in sorted(roots)] + [load_folder(f) for f in sorted(folders)]:
        workflows.update(catalog.workflows)
        agents.update(catalog.agents)
    for item in files:
        if item.kind == "agent":
            loaded_agent = load_agent(item.path)
            if loaded_agent.model is not None:
                agents[loaded_agent.model.id] = loaded_agent.model
        else:
            loaded = load_workflow(item.path)
            if loaded.model is not None:
                workflows.setdefault(loaded.model.id, loaded.model)
    return Catalog(workflows=workflows, agents=agents)


def _check(item: DefinitionFile, catalog: Catalog) -> list[Finding]:
    if item.kind == "agent":
        return load_agent(item.path).findings
    return load_workflow(item.path, catalog).findings


def load_one_workflow(path: Path) -> Workflow:
    """The workflow in `path`, checked against the definitions beside it; a clear exit when it is invalid."""
    return _load_one(path)


def _load_one(path: Path, catalog: Catalog | None = None) -> Workflow:
    """The workflow in `path`, checked against `catalog` (default: the definitions beside it)."""
    require_file(path)
    loaded = load_workflow(path, catalog_for([DefinitionFile(path, "workflow")], []) if catalog is None else catalog)
    if loaded.model is None:
        first = next(f for f in loaded.findings if f.severity == "error")
        fail(f"{path} is not a valid workflow: {first}")
    return loaded.model


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Workflow or agent files, or folders of them.")],
    *,
    output: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
    catalog_dirs: Annotated[
        list[Path] | None,
        typer.Option("--catalog", help="A definitions folder (workflows/, agents/) to check against."),
    ] = None,
    handlers: Annotated[str | None, typer.Option(
        "--handlers", help="module:function registering the action handlers: an action none of them performs is "
                           "an error (unknown-action).")] = None,
    executor: Annotated[str | None, typer.Option(
        "--executor", help="Or: check the actions against an executor's handlers (rules or llm).")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="Check against what this database has deployed (workflows for subflows, agents), as "
                     "`deploy` would.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Warnings count as errors: exit 1 when a file has any (as `deploy --strict` refuses "
                         "it).")] = False,
) -> None:
    """Validate definitions. Exit 0: no errors; 1: errors found (with --strict, warnings too); 2: a path could not
    be read. With --handlers or --executor, every task's action must be one they register; with --db, every
    subflow and agent must be deployed there or among the files (the check `statewright deploy` makes)."""
    files, missing = collect_files(paths)
    # against a database, what is deployed there stands in for the definitions beside the files
    catalog = catalog_for(files, catalog_dirs or [], beside=db is None)
    if handlers is not None or executor is not None or db is not None:
        try:
            catalog = engine_catalog(catalog, db, handlers, executor)
        except StatewrightError as exc:
            fail(exc.detail, ExitCode.UNREADABLE)
    results = {str(item.path): _check(item, catalog) for item in files}

    def refused(findings: list[Finding]) -> bool:
        return has_errors(findings) or (strict and bool(findings))

    if output is OutputFormat.json:
        emit_json(
            {
                "files": [
                    {"path": p, "kind": i.kind, "ok": not refused(f), "findings": [x.model_dump() for x in f]}
                    for (p, f), i in zip(results.items(), files, strict=True)
                ],
                "missing": [str(p) for p in missing],
            }
        )
    else:
        for path, findings in results.items():
            mark = "[red]✗[/]" if refused(findings) else "[green]✓[/]"
            stdout.print(f"{mark} {path}", highlight=False)
            for finding in findings:
                colour = "red" if finding.severity == "error" else "yellow"
                stdout.print(f"    [{colour}]{finding}[/]", highlight=False)
        for absent in missing:
            stdout.print(f"[red]?[/] {absent}: {why_unusable(absent)}", highlight=False)
    if missing:
        raise typer.Exit(int(ExitCode.UNREADABLE))
    if any(has_errors(f) for f in results.values()):
        raise typer.Exit(int(ExitCode.FINDINGS))
    if any(refused(f) for f in results.values()):
        _refuse_warnings(results)


def _refuse_warnings(results: dict[str, list[Finding]]) -> None:
    """`validate --strict` on files with warnings and no errors: exit 1, saying that the warnings are why."""
    warned = [findings for findings in results.values() if findings]
    count = sum(len(findings) for findings in warned)
    files = "1 file" if len(warned) == 1 else f"{len(warned)} files"
    fail(f"--strict: {count} warning(s) in {files}, and warnings count as errors")


def analyze_command(
    path: Annotated[Path, typer.Argument(help="A workflow file.")],
    output: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
    *,
    paths: Annotated[bool, typer.Option("--paths", help="Each path's best, worst and expected time and cost.")]
    = False,
    db: Annotated[str | None, typer.Option("--db", help="With --paths: a database whose recorded runs give "
                                                        "expected times, costs and probabilities.")] = None,
    prices: Annotated[Path | None, typer.Option("--prices", help="With --paths: a model price file (JSON: model "
                                                                 "-> prompt_per_million, completion_per_million) "
                                                                 "over the built-in prices (default: "
                                                                 "$STATEWRIGHT_MODEL_PRICES); with --db, the "
                                                                 "prices set there win.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="With --paths: the most paths listed.")]
    = 100,
) -> None:
    """Counts, cycles, and the shortest and longest path to each final state; with --paths, time and cost."""
    from engine.validation.analysis import analyze  # noqa: PLC0415

    if not paths and (db is not None or prices is not None):
        fail("--db and --prices go with --paths", ExitCode.UNREADABLE)
    workflow = _load_one(path)
    if prices is not None:
        read_text_file(prices, "--prices", "a model price file (JSON: model -> prompt_per_million, "
                                           "completion_per_million)")
    if paths:
        from engine.cli.path_commands import print_paths, report_paths  # noqa: PLC0415

        catalog = catalog_for([DefinitionFile(path, "workflow")], [])
        print_paths(report_paths(workflow, catalog, db=db, prices=prices, limit=limit), output, path.name)
        return
    report = analyze(workflow)
    if output is OutputFormat.json:
        emit_json(report.model_dump(mode="json"))
        return
    print_analysis(report, path.name)


def print_analysis(report: Analysis, title: str) -> None:
    """The counts in words, then each final state with its shortest and longest path."""
    from rich.table import Table  # noqa: PLC0415 - see the module's docstring

    by_type = ", ".join(f"{count} {kind}" for kind, count in sorted(report.states_by_type.items()))
    cycles = "none" if not report.cycles else f"{report.cycles}{' or more' if report.cycles_bounded else ''}"
    summary = Table(title=f"{title}: workflow {report.workflow}", show_header=False)
    summary.add_column("measure")
    summary.add_column("value", overflow="fold")
    summary.add_row("states", f"{report.states} ({by_type})")
    summary.add_row("parallel branches", str(report.branches))
    summary.add_row("transitions", f"{report.transitions} ({report.edges} edges once '*' sources are expanded)")
    summary.add_row("cycles", cycles)
    for cycle in report.cycle_examples:
        summary.add_row("", " → ".join([*cycle, cycle[0]]))
    stdout.print(summary)
    finals = Table(title="final states", show_header=True)
    for column in ("final", "outcome", "shortest path", "longest path"):
        finals.add_column(column, overflow="fold")
    for final in report.finals:
        finals.add_row(final.final, final.outcome, _path_words(final.shortest, final.shortest_path),
                       _path_words(final.longest, final.longest_path, exact=final.longest_exact))
    stdout.print(finals)


def _path_words(steps: int | None, states: list[str], *, exact: bool = True) -> str:
    """'3 steps: a → b → c → d', or 'unreachable'."""
    if steps is None:
        return "unreachable"
    count = f"{'at least ' if not exact else ''}{steps} step{'' if steps == 1 else 's'}"
    return f"{count}: {' → '.join(states)}"


def render_command(
    path: Annotated[Path, typer.Argument(help="A workflow file, or a folder of them.")],
    *,
    out: Annotated[Path, typer.Option("-o", "--output", help="The file to write (a folder when PATH is a folder).")],
    fmt: Annotated[str | None, typer.Option("--format", help="svg, png, pdf, dot or mermaid")] = None,
    highlight: Annotated[str | None, typer.Option(help="Comma-separated state ids to highlight.")] = None,
    direction: Annotated[str | None, typer.Option(
        "--direction", help="TB (top to bottom) or LR; default: from the flow's shape, LR for a short or broad flow "
                            "(docs/review.md).")] = None,
    page: Annotated[str | None, typer.Option("--page", help="A4 or letter: a PDF split over such pages (text "
                                                            "never under 7 pt); an SVG shrunk to fit one; a PNG on one "
                                                            "at 150 dpi while its text stays 7 pt, else refused "
                                                            "(use the PDF).")] = None,
    instance: Annotated[str | None, typer.Option("--instance", help="Highlight the path this instance took.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="The database of --instance.")] = None,
) -> None:
    """Draw a workflow as SVG, PNG, PDF, DOT or Mermaid."""
    from engine.render import Highlight  # noqa: PLC0415 - see the module's docstring

    if path.is_dir():
        require_output_folder(out)
    else:
        require_output_file(out, f"{path.stem}.{_FORMAT_SUFFIX.get(fmt or '', 'svg')}")
    chosen = fmt or _SUFFIX_FORMAT.get(out.suffix.lower(), "svg" if path.is_dir() else None)
    if chosen not in FORMATS:
        fail(
            f"choose --format from {', '.join(FORMATS)} (or use a file ending in .svg/.png/.pdf/.dot/.mmd)",
            ExitCode.UNREADABLE,
        )
    if direction not in (None, "TB", "LR"):
        fail("--direction is TB or LR", ExitCode.UNREADABLE)
    if page not in (None, "A4", "letter"):
        fail("--page is A4 or letter", ExitCode.UNREADABLE)
    if instance is not None and (path.is_dir() or highlight):
        fail("--instance draws one workflow file and replaces --highlight", ExitCode.UNREADABLE)
    marked = Highlight(states=frozenset(s.strip() for s in highlight.split(",") if s.strip())) if highlight else None
    targets = (
        [
            (f.path, out / f"{f.path.stem}.{'mmd' if chosen == 'mermaid' else chosen}")
            for f in collect_files([path])[0]
            if f.kind == "workflow"
        ]
        if path.is_dir()
        else [(path, out)]
    )
    if not targets:  # a wrong folder draws nothing: say so rather than end as if it drew
        fail(f"{path}: no workflow files (*.json) in this folder", ExitCode.UNREADABLE)
    for source, target in targets:
        if instance is not None:
            workflow, marked = instance_path(source, instance, db)
        else:
            workflow = _load_one(source)
        try:
            data = _draw(workflow, chosen, marked, direction, page, target=target)
        except StatewrightError as exc:
            fail(f"{source}: {exc.detail}")
        target.parent.mkdir(exist_ok=True)  # the folder -o names, for a folder of workflows (its parent exists)
        target.write_bytes(data)
        stdout.print(f"wrote {target}", highlight=False)


def instance_path(path: Path, instance_id: str, db: str | None) -> tuple[Workflow, Highlight]:
    """The workflow in `path` and the path an instance of it took, from its history in `db`. The workflow is
    checked against the definitions beside it and those deployed in `db`, as `validate --db` checks it: its
    subflows and agents may be deployed there only."""
    # the runtime and the database load only for `render --instance`: validate and render stay fast
    from engine.cli.engine_options import open_engine  # noqa: PLC0415
    from engine.runtime.instance_path import instance_highlight  # noqa: PLC0415

    require_file(path)
    beside = catalog_for([DefinitionFile(path, "workflow")], [])
    with open_engine(db, existing=True) as engine:
        workflow = _load_one(path, engine.catalog().with_alongside(beside.workflows.values(), beside.agents.values()))
        found = engine.get(instance_id)
        if found.workflow_id != workflow.id:
            fail(f"instance {instance_id} runs workflow '{found.workflow_id}', not '{workflow.id}'")
        if found.workflow_version != workflow.version:
            stderr.print(f"[yellow]note:[/] instance {instance_id} runs version {found.workflow_version}; "
                         f"drawing its path over version {workflow.version}", highlight=False)
        return workflow, instance_highlight(engine, workflow, instance_id)


def _draw(workflow: Workflow, fmt: str, marked: Highlight | None, direction: str | None, page: str | None, *,
          target: Path) -> bytes:
    from engine.render import DotOptions, render, render_pdf  # noqa: PLC0415 - see the module's docstring

    if page is not None and fmt == "pdf":
        from engine.review import diagram_pdf  # noqa: PLC0415 - the review package (WeasyPrint) for paged PDF only

        return diagram_pdf(workflow, page=page, direction=direction or "TB", highlight=marked)  # type: ignore[arg-type]
    fit = None
    if page is not None:
        from engine.review.paging import frame_of  # noqa: PLC0415

        width, height = frame_of(page, "portrait")  # type: ignore[arg-type]
        fit = (width / 72, height / 72)
    options = DotOptions(direction=direction, fit_inches=fit)  # type: ignore[arg-type]
    if fmt == "pdf":
        fitted = render_pdf(workflow, marked, options=options)
        if fitted.shrunk:
            _say_shrunk(target, fitted)
        return fitted.data
    return render(workflow, fmt, marked, options=options)  # type: ignore[arg-type]


def _say_shrunk(target: Path, fitted: FittedPdf) -> None:
    """Tell the user the one-page PDF is smaller than drawn, and how to print it legibly instead."""
    from engine.render import PDF_PAGE_LIMIT_PT  # noqa: PLC0415 - see the module's docstring

    width, height = fitted.full_size
    stderr.print(f"[yellow]note:[/] {target.name}: the drawing is {width:,.0f} x {height:,.0f} pt, larger than a "
                 f"PDF page may be ({PDF_PAGE_LIMIT_PT:,.0f} pt, 200 inches), so it is scaled to "
                 f"{fitted.scale:.0%} to fit one page. To print it with legible text, split it over pages: "
                 "--page A4 (or letter).", highlight=False)


def schema_command(
    kind: Annotated[str, typer.Argument(help="workflow or agent")] = "workflow",
) -> None:
    """Print the JSON Schema of the workflow or agent format (generated from the models), byte for byte as the
    committed definitions/schema/*.schema.json: `statewright schema workflow > …` regenerates it without a diff."""
    from engine.definition.schema import SCHEMA_FILES, schema_text  # noqa: PLC0415

    if kind not in ("workflow", "agent"):
        fail("the schema kind is 'workflow' or 'agent'", ExitCode.UNREADABLE)
    text = schema_text(SCHEMA_FILES[f"{kind}.schema.json"]())
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the locale, and no newline translated
    sys.stdout.buffer.flush()


def register_definition_commands(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("analyze")(analyze_command)
    app.command("render")(render_command)
    app.command("schema")(schema_command)
