"""`statewright analyze FILE --paths`: each simple path's best, worst and expected time and cost, printed as a
table (or JSON); `--db` adds what recorded runs say. Expected costs take the prices the executors take
(`engine.model_rates`): the built-in ones, under the price file (`--prices`, else $STATEWRIGHT_MODEL_PRICES), under
the ones set in the database with `--db`."""

from __future__ import annotations

import os
from pathlib import Path

from rich.table import Table

from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stdout
from engine.definition import Workflow
from engine.model_rates import PROVIDER_ENV, ModelRate, StoredRate, deployment_rates, over_stored
from engine.paths import PathReport, PathsReport, RecordedRuns, analyze_paths
from engine.paths.wording import cost_words, seconds_words
from engine.validation.catalog import Catalog

__all__ = ["path_words", "print_paths", "recorded_in", "report_paths"]


def report_paths(workflow: Workflow, catalog: Catalog, *, db: str | None, prices: Path | None,
                 limit: int) -> PathsReport:
    try:
        rates: dict[str, ModelRate] = deployment_rates(prices)
    except ValueError as exc:
        fail(str(exc), ExitCode.UNREADABLE)
    recorded = None
    if db is not None:
        recorded, stored = recorded_in(db, workflow)
        rates = over_stored(rates, stored, os.environ.get(PROVIDER_ENV, ""))
    return analyze_paths(workflow, agents=catalog.agents, prices=rates, subflow=catalog.workflows.get,
                         recorded=recorded, limit=limit)


def recorded_in(db: str, workflow: Workflow) -> tuple[RecordedRuns, list[StoredRate]]:
    """The finished runs of `workflow`'s version in the database at `db`, and the model prices set there (read
    only; nothing is migrated)."""
    # the database loads only with --db: analyze stays a file command
    import sqlalchemy as sa  # noqa: PLC0415

    from engine.database import create_database_engine, table_of  # noqa: PLC0415
    from engine.read_models.path_history import recorded_runs  # noqa: PLC0415
    from storage.tables.history import HistoryRow  # noqa: PLC0415
    from storage.tables.prices import ModelPriceRow  # noqa: PLC0415

    try:
        database = create_database_engine(db)
    except ValueError as exc:
        fail(str(exc), ExitCode.UNREADABLE)
    shown = database.url.render_as_string(hide_password=True)
    try:
        if database.url.get_backend_name() == "sqlite" and not Path(database.url.database or "").is_file():
            folder = Path(database.url.database or "").parent
            missing = f"the folder {folder} does not exist" if not folder.is_dir() else "no run is recorded there"
            fail(f"no database at {database.url.database}: {missing} (give --db the database the flows ran on)")
        if not sa.inspect(database).has_table(table_of(HistoryRow).name):
            fail(f"{shown} is not a Statewright database: it has no run history (give --db the database the "
                 "flows ran on)")
        prices = table_of(ModelPriceRow)
        stored: list[StoredRate] = []
        if sa.inspect(database).has_table(prices.name):  # a database made before prices were kept has none
            with database.connect() as connection:
                stored = list(connection.execute(sa.select(prices)).all())
        return recorded_runs(database, workflow.id, workflow.version), stored
    except sa.exc.SQLAlchemyError as exc:
        reason = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc  # the driver's words, not SQLAlchemy's
        fail(f"cannot read runs from {shown}: {str(reason).splitlines()[0]}")
    finally:
        database.dispose()


def print_paths(report: PathsReport, output: OutputFormat, title: str) -> None:
    if output is OutputFormat.json:
        emit_json(report.model_dump(mode="json"))
        return
    table = Table(title=f"{title}: {len(report.paths)} paths", show_header=True)
    for column in ("#", "path", "best", "worst", "expected", "cost (best to worst)", "expected cost", "taken"):
        table.add_column(column, overflow="fold")
    for path in report.paths:
        table.add_row(*_row(path))
    stdout.print(table)
    if report.critical is not None:
        critical = report.paths[report.critical - 1]
        stdout.print(f"critical path: #{critical.number}, at worst {seconds_words(critical.worst_s)}",
                     highlight=False)
    late = [f"#{p.number}" for p in report.paths if p.sla_at_risk]
    if report.sla_s is not None:
        within = f"the worst case of each of the {len(report.paths)} listed is within it (there are more paths)" \
            if report.bounded else "every path's worst case is within it"
        stdout.print(f"sla {seconds_words(report.sla_s)}: " + (f"at risk on {', '.join(late)}" if late else within),
                     highlight=False)
    for note in report.notes:
        stdout.print(f"note: {note}", highlight=False)


def path_words(path: PathReport) -> str:
    """'a → b -error→ c': the states, with the trigger named where it is not `done` or automatic."""
    words = path.states[0]
    for step in path.steps:
        words += " → " if step.trigger in (None, "done") else f" -{step.trigger}→ "
        words += step.dest
    return words


def _row(path: PathReport) -> list[str]:
    marks = (" ★" if path.critical else "") + (" (sla!)" if path.sla_at_risk else "")
    taken = "—" if path.probability is None and not path.runs_taken else (
        f"{path.runs_taken} runs" + ("" if path.probability is None else f" ({path.probability:.0%})"))
    return [f"{path.number}{marks}", path_words(path), seconds_words(path.best_s),
            seconds_words(path.worst_s), "—" if path.expected_s is None else seconds_words(path.expected_s),
            f"{cost_words(path.cost_best)} to {cost_words(path.cost_worst)}", cost_words(path.cost_expected), taken]
