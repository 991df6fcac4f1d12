"""`statewright eval`: run a workflow over labelled cases and print the design document's metric tables;
`--compare` runs a second version of the flow on the same cases, side by side; `eval-compare` compares two
saved `--format json` reports. Without `--db` the runs go to a temporary SQLite database. `--executor rules|llm`
chooses who performs the agents' actions (as on `run` and `worker`); `--base-url` and `--model` set the llm
executor's endpoint and default model for this run, over STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_MODEL.

`eval` exits 1 when a case failed (eval_verdict.py says when; `--min-accuracy` tolerates mismatches), with a
summary line of the failures — in both flows with `--compare`."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engine.cli.engine_options import ExecutorOption, load_handlers_or_fail, open_engine, refuse_both_handler_options
from engine.cli.eval_progress import CaseProgress
from engine.cli.eval_verdict import Verdict, judge_report
from engine.cli.files import definition_folders, read_text_file, require_file
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stderr, stdout
from engine.cli.run_preflight import check_start_context
from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.evaluation import EvalCase, EvalReport, evaluate, load_cases
from engine.evaluation.case_errors import secrets_in
from engine.redaction import redact
from engine.runtime.definition_files import agents_named
from engine.runtime.deployments import parse_definition
from engine.runtime.example_run import related_workflows
from engine.runtime.handler_loading import Executor, HandlerChoice, choose_handlers
from engine.validation.checks.agents import api_base_problem

__all__ = ["register_eval_commands"]

# the design document's two tables (engine.read_models.kpis defines each figure)
AGENT_METRICS = ("task_runs", "success_rate", "average_latency_s", "tool_calls", "tool_success_rate",
                 "quality_score", "cost_per_task")
WORKFLOW_METRICS = ("instances_started", "completion_rate", "average_duration_s", "retry_rate", "escalation_rate",
                    "cost_per_instance")
ACCURACY = ("cases", "labelled", "accuracy", "side_effect_checks", "side_effects_met")

Handlers = Annotated[str | None, typer.Option("--handlers", help="module:function (default: the executor's).")]
Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: a temporary SQLite file).")]
Compare = Annotated[Path | None, typer.Option("--compare", help="Another version of the flow to compare.")]
BaseUrl = Annotated[str | None, typer.Option(
    "--base-url", help="The llm executor's API base, e.g. http://127.0.0.1:11434/v1 (over $STATEWRIGHT_LLM_URL).")]
Model = Annotated[str | None, typer.Option(
    "--model", help="The llm executor's model for agents that name none (over $STATEWRIGHT_LLM_MODEL).")]
MinAccuracy = Annotated[float | None, typer.Option(
    "--min-accuracy", min=0.0, max=1.0,
    help="Exit 0 while the accuracy (0-1) is at least this, though some cases mismatch (default: exit 1 when any "
         "case fails). An error no label expected still fails.")]


@contextmanager
def _llm_settings(base_url: str | None, model: str | None) -> Iterator[None]:
    """The llm executor reads its settings from the environment when it is loaded: `--base-url` and `--model`
    stand in for theirs meanwhile (`eval_command` refuses them for any other executor, which would ignore them)."""
    given = {name: value for name, value in (("STATEWRIGHT_LLM_URL", base_url), ("STATEWRIGHT_LLM_MODEL", model))
             if value is not None}
    problem = None if base_url is None else api_base_problem(base_url)
    if base_url is not None and problem is not None:
        raise InvalidInput(f"--base-url '{redact(base_url)}' is not an API base the llm executor can call: {problem}")
    saved = {name: os.environ.get(name) for name in given}
    os.environ.update(given)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _require_llm_settings(base_url: str | None, model: str | None) -> None:
    """The llm executor's endpoint and model, from the options or the environment; what is missing is named with
    both ways of giving it (the executor's own message names only the variables, and eval has options)."""
    missing = [f"{option} (or {variable})" for option, given, variable in (
        ("--base-url URL", base_url, "STATEWRIGHT_LLM_URL"), ("--model NAME", model, "STATEWRIGHT_LLM_MODEL"))
        if not given and not os.environ.get(variable, "").strip()]
    if missing:
        fail(f"--executor llm needs {' and '.join(missing)}")


def _check_contexts(workflow: Workflow, cases: list[EvalCase], cases_file: Path) -> None:
    """Refuse, before anything runs (or is deployed in --db), a case whose context the workflow would refuse,
    naming the case and its line: "the context does not fit" alone did not say which of the file's cases."""
    lines = {name: number for number, name in _case_names(cases_file)}
    for case in cases:
        try:
            check_start_context(workflow, dict(case.example.context))
        except InvalidInput as exc:
            fail(f"{cases_file}:{lines.get(case.name, '?')}: case '{case.name}': {exc.detail}")


def _case_names(cases_file: Path) -> Iterator[tuple[int, str]]:
    """(line number, case name) of each case in the file (`load_cases` has read it: every line is a case)."""
    for number, line in enumerate(cases_file.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            yield number, str(json.loads(line).get("name"))


CASES_WANTED = "the cases file (JSON Lines: one labelled case, a JSON object, a line)"


def _run(file: Path, cases_file: Path, choice: HandlerChoice, db: str | None,  # noqa: PLR0917
         llm: tuple[str | None, str | None], option: str | None = None) -> EvalReport:
    # as every command: a file that is not there, or cannot be read, is a wrong command line (2); `option` names
    # the option that gave the workflow file (--compare), if one did
    require_file(file, option)
    read_text_file(cases_file, "--cases", CASES_WANTED)
    workflow = parse_definition(file)
    cases = load_cases(cases_file)
    _check_contexts(workflow, cases, cases_file)
    with tempfile.TemporaryDirectory() as folder, open_engine(db or f"sqlite:///{folder}/eval.db") as engine:
        with _llm_settings(*llm):
            note = load_handlers_or_fail(choice, engine)
        if note:
            stderr.print(f"[yellow]note:[/] {note}; tasks will fail naming the missing handler", highlight=False)
        # as `statewright run` does: the agents its tasks name (their policies apply) and the subflows it starts
        folders = definition_folders(file)
        related = related_workflows(workflow, folders)
        for agent in agents_named([workflow, *related], folders):
            engine.deploy_agent(agent)
        for subflow in related:
            engine.deploy(subflow, alongside=[workflow, *related])
        progress = CaseProgress(len(cases), loud=choice.executor is Executor.llm)
        return evaluate(engine, workflow, cases, secrets=secrets_in(os.environ), on_case=progress)


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
        for case in report["cases"]:
            if not case["passed"]:
                said = escape(f"{case['name']}: {'; '.join(case['mismatches'])}")  # the model's answers, verbatim
                stdout.print(f"[red]mismatch[/] {said}", highlight=False)
            error = case.get("error")  # absent from a report saved before errors were reported
            if error:
                where = f" in '{error['state']}'" if error.get("state") else ""
                said = escape(f"{case['name']}: {error['kind']}{where}: {error['message']}")
                stdout.print(f"[red]error[/] {said}", highlight=False)
        if report.get("side_effects_failed"):
            stdout.print(f"[red]side effects failed[/] in {report['workflow']} v{report['version']}: "
                         f"{escape(', '.join(report['side_effects_failed']))}", highlight=False)


def _say_verdicts(reports: list[dict[str, Any]], verdicts: list[Verdict], console: Console) -> None:
    """The last lines: each flow's verdict (on stderr under `--format json`, whose stdout is the report)."""
    for report, verdict in zip(reports, verdicts, strict=True):
        colour = "green" if verdict.passed else "red"
        console.print(f"[{colour}]{'passed' if verdict.passed else 'failed'}[/] "
                      f"{escape(report['workflow'])} v{report['version']}: {escape(verdict.summary())}",
                      highlight=False)


def register_eval_commands(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(  # noqa: PLR0917 - typer reads the options from the signature
        file: Annotated[Path, typer.Argument(help="The workflow JSON file.")],
        cases: Annotated[Path, typer.Option("--cases", help="Labelled cases, one JSON object a line.")],
        handlers: Handlers = None,
        executor: ExecutorOption = None,
        base_url: BaseUrl = None,
        model: Model = None,
        db: Db = None,
        compare: Compare = None,
        min_accuracy: MinAccuracy = None,
        output: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
    ) -> None:
        """Run a workflow over labelled cases and print its metrics (and accuracy against the labels and the
        side effects they expect). Exits 1 when a case failed — it mismatched its labels, or an error its labels
        did not expect ended its run — or, with --min-accuracy, when the accuracy is below it; with --compare,
        when either flow fails."""
        refuse_both_handler_options(handlers, executor)
        choice = choose_handlers(handlers, executor)
        if (base_url is not None or model is not None) and choice.executor is not Executor.llm:
            fail("--base-url and --model configure the llm executor: add --executor llm", ExitCode.UNREADABLE)
        if choice.executor is Executor.llm:
            _require_llm_settings(base_url, model)
        if compare is not None:  # a wrong --compare is said before the first flow's cases run, not after
            require_file(compare, "--compare")
        reports = [_run(file, cases, choice, db, (base_url, model)).as_dict()]
        if compare is not None:
            reports.append(_run(compare, cases, choice, db, (base_url, model), "--compare").as_dict())
        verdicts = [judge_report(report, min_accuracy) for report in reports]
        for report, verdict in zip(reports, verdicts, strict=True):
            report["verdict"] = verdict.as_dict()
        if output is OutputFormat.json:
            emit_json(reports[0] if compare is None else {"compare": reports})
        else:
            _tables(reports)
        _say_verdicts(reports, verdicts, stdout if output is OutputFormat.text else stderr)
        if not all(v.passed for v in verdicts):
            raise typer.Exit(int(ExitCode.FINDINGS))

    @app.command("eval-compare")
    def eval_compare(
        first: Annotated[Path, typer.Argument(help="A report from `eval --format json`.")],
        second: Annotated[Path, typer.Argument(help="Another report, e.g. of the next version.")],
    ) -> None:
        """Compare two saved evaluation reports side by side."""
        reports: list[dict[str, Any]] = []
        for path in (first, second):
            text = read_text_file(path, None, "a report saved from `statewright eval --format json`")
            try:
                reports.append(json.loads(text))
            except ValueError as exc:
                fail(f"cannot read the report {path}: {exc}", ExitCode.UNREADABLE)
        _tables(reports)
