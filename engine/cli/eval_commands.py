"""`statewright eval`: run a workflow over labelled cases and print the design document's metric tables;
`--compare` runs a second version of the flow on the same cases, side by side; `eval-compare` compares two
saved `--format json` reports. Without `--db` the runs go to a temporary SQLite database."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stdout
from engine.evaluation import EvalReport, evaluate, load_cases
from engine.runtime.deployments import parse_definition
from engine.runtime.engine import Engine
from engine.runtime.handler_loading import default_handlers, load_handlers

__all__ = ["register_eval_commands"]

# the design document's two tables (engine.read_models.kpis defines each figure)
AGENT_METRICS = ("task_runs", "success_rate", "average_latency_s", "tool_calls", "tool_success_rate",
                 "quality_score", "cost_per_task")
WORKFLOW_METRICS = ("instances_started", "completion_rate", "average_duration_s", "retry_rate", "escalation_rate",
                    "cost_per_instance")
ACCURACY = ("cases", "labelled", "accuracy")

Handlers = Annotated[str | None, typer.Option("--handlers", help="module:function (default: the rules executor).")]
Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: a temporary SQLite file).")]
Compare = Annotated[Path | None, typer.Option("--compare", help="Another version of the flow to compare.")]


def _run(file: Path, cases_file: Path, handlers: str | None, db: str | None) -> EvalReport:
    workflow = parse_definition(file)
    cases = load_cases(cases_file)
    with tempfile.TemporaryDirectory() as folder, Engine(db or f"sqlite:///{folder}/eval.db") as engine:
        load_handlers(handlers or default_handlers(), engine)
        return evaluate(engine, workflow, cases)


def _tables(reports: list[dict[str, Any]]) -> None:
    heads = [f"{r['workflow']} v{r['version']}" for r in reports]
    for title, names in (("Agent performance", AGENT_METRICS), ("Workflow metrics", WORKFLOW_METRICS),
                         ("Accuracy", ACCURACY)):
        table = Table(title=title)
        table.add_column("metric")
        for head in heads:
            table.add_column(head, justify="right")
        for name in names:
            table.add_row(name, *("n/a" if r["metrics"][name] is None else str(r["metrics"][name]) for r in reports))
        stdout.print(table)
    for report in reports:
        failed = [c for c in report["cases"] if not c["passed"]]
        for case in failed:
            stdout.print(f"[red]mismatch[/] {case['name']}: {'; '.join(case['mismatches'])}", highlight=False)


def register_eval_commands(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(  # noqa: PLR0917 - typer reads the options from the signature
        file: Annotated[Path, typer.Argument(help="The workflow JSON file.")],
        cases: Annotated[Path, typer.Option("--cases", help="Labelled cases, one JSON object a line.")],
        handlers: Handlers = None,
        db: Db = None,
        compare: Compare = None,
        output: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
    ) -> None:
        """Run a workflow over labelled cases and print its metrics (and accuracy against the labels)."""
        reports = [_run(file, cases, handlers, db).as_dict()]
        if compare is not None:
            reports.append(_run(compare, cases, handlers, db).as_dict())
        if output is OutputFormat.json:
            emit_json(reports[0] if compare is None else {"compare": reports})
        else:
            _tables(reports)

    @app.command("eval-compare")
    def eval_compare(
        first: Annotated[Path, typer.Argument(help="A report from `eval --format json`.")],
        second: Annotated[Path, typer.Argument(help="Another report, e.g. of the next version.")],
    ) -> None:
        """Compare two saved evaluation reports side by side."""
        reports: list[dict[str, Any]] = []
        for path in (first, second):
            try:
                reports.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                fail(f"cannot read the report {path}: {exc}", ExitCode.UNREADABLE)
        _tables(reports)
