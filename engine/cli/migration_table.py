"""How `statewright migrate` shows its plan in text: one row an instance while they are few; grouped by what the
migration does to them when they are many — a table of 20,000 rows took minutes to print and could not be read,
where a dozen groups with their counts say the same (the groups of engine/runtime/migration_groups.py, as the
designer's preview shows them), `--format json` keeping every instance's plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.table import Table

from engine.cli.output import add_id_column, counted, print_table, stdout

if TYPE_CHECKING:
    from engine.runtime.migration import MigrationReport
    from engine.runtime.migration_groups import PlanGroup
    from engine.runtime.migration_plan import InstancePlan, PendingWork

__all__ = ["EACH_UP_TO", "print_migration"]

EACH_UP_TO = 100  # up to this many instances, one row each; more are grouped


def _so_far(work: PendingWork) -> str:
    """An approval's approve decisions so far (its detail names the quorum only)."""
    if work.approvals is None:
        return ""
    return f", {work.approvals} approval{'' if work.approvals == 1 else 's'} so far"


def _to(plan: InstancePlan | PlanGroup) -> str:
    to = plan.target_state or "—"
    entry = plan.entry.replace("_", " ") if plan.entry else None  # awaits_redrive: "awaits redrive"
    return to + (f" ({plan.state_change}, {entry})" if entry else f" ({plan.state_change})")


def _outcome(refused: str | None, notes: Iterable[str], verb: str) -> str:
    outcome = f"[red]refused:[/] {refused}" if refused else f"[green]{verb}[/]"
    return outcome + "".join(f"\n{note}" for note in notes) if not refused else outcome


_ID_COLUMNS = frozenset({"instance", "for example"})  # an instance's id: whole, for the commands that follow


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title)
    for column in columns:
        if column in _ID_COLUMNS:
            add_id_column(table, column)
        else:
            table.add_column(column, overflow="fold", justify="right" if column == "instances" else "left")
    return table


def _each(report: MigrationReport, title: str, verb: str) -> Table:
    table = _table(title, ("instance", "tenant", "state", "to", "context", "open work", "outcome"))
    for plan in report.plans:
        context = "valid" if not plan.context_problems else "; ".join(plan.context_problems)
        work = "\n".join(f"{p.kind} {p.detail}{_so_far(p)}: {p.outcome}" for p in plan.pending) or "—"
        table.add_row(plan.instance_id, plan.tenant, plan.state, _to(plan), context, work,
                      _outcome(plan.refused, plan.notes, verb))
    return table


def _context(group: PlanGroup) -> str:
    if not group.context_invalid:
        return "valid"
    how_many = "" if group.context_invalid == group.instances else f"{group.context_invalid:,} "
    return f"{how_many}invalid, e.g. {group.context_problems[0]}"


def _grouped(report: MigrationReport, title: str, verb: str) -> Table:
    table = _table(title, ("state", "to", "context", "open work", "outcome", "instances", "for example"))
    for group in report.groups:
        work = sorted({f"{w.kind}: {w.outcome}" for w in group.work})
        table.add_row(group.state, _to(group), _context(group), "\n".join(work) or "—",
                      _outcome(group.refused, group.notes, verb), f"{group.instances:,}", group.example)
    return table


def print_migration(report: MigrationReport) -> None:
    """The plan's table, the counts, each reason for refusing (with how many it refused and what would let them
    move), and what becomes of the refused meanwhile."""
    verb = "migrated" if report.applied else "would migrate"
    title = f"{report.workflow_id}: version {report.from_version} → {report.to_version}"
    many = len(report.plans) > EACH_UP_TO
    print_table(_grouped(report, title, verb) if many else _each(report, title, verb), records=True)
    if many:
        stdout.print(f"grouped by what the migration does: {len(report.plans):,} instances are too many to list one "
                     "a row (--format json lists each)", highlight=False)
    moving = len(report.plans) - len(report.refused)
    failed = report.counts()["failed_or_stuck"]
    listed = counted(len(report.plans) - failed, "running instance") + (
        f" and {counted(failed, 'failed or stuck instance')}" if failed else "")
    stdout.print(f"{listed} of {report.workflow_id} v{report.from_version}: {moving:,} {verb} to "
                 f"v{report.to_version}, {len(report.refused):,} refused", highlight=False)
    _redrive_hint(report)
    for refusal in report.counts()["refusals"]:
        stdout.print(f"  refused {counted(refusal['instances'], 'instance')}: {refusal['reason']}", highlight=False)
    if report.refused:
        stdout.print(f"refused instances stay on v{report.from_version}, untouched, and run on there; migrate again "
                     "once what refuses them is dealt with", highlight=False)


_IDS_SHOWN = 10


def _redrive_hint(report: MigrationReport) -> None:
    """The failed or stuck instances that move as they are: what resumes them once they are on the new version."""
    from engine.runtime.migration_failed import AWAITS_REDRIVE  # noqa: PLC0415 - loaded with the report already

    ids = [p.instance_id for p in report.plans if p.migrates and p.entry == AWAITS_REDRIVE]
    if not ids:
        return
    one = len(ids) == 1
    how, each = ("as it is", "it") if one else ("as they are", "each")
    if not report.applied:
        stdout.print(f"{counted(len(ids), 'failed or stuck instance')} would move {how}, still failed: after "
                     f"--apply, `statewright redrive ID` resumes {each} under v{report.to_version} (e.g. {ids[0]})",
                     highlight=False)
        return
    shown = ", ".join(ids[:_IDS_SHOWN]) + (f" and {len(ids) - _IDS_SHOWN:,} more" if len(ids) > _IDS_SHOWN else "")
    stdout.print(f"{counted(len(ids), 'failed or stuck instance')} moved {how}, still failed: "
                 f"`statewright redrive ID` resumes {each} under v{report.to_version}: {shown}", highlight=False)
