"""Declared service levels: a workflow's `sla` against its paths' worst case, an approval's `sla` against the
longest it can wait (its `timeout`). Measured from the definition alone (engine.paths, imported only for a
workflow that declares an `sla`: most do not, and every validation runs these checks)."""

from __future__ import annotations

from engine.definition import ApprovalState, Workflow
from engine.definition.durations import parse_duration
from engine.validation.catalog import Catalog
from engine.validation.checks._report import warning
from engine.validation.findings import Finding, pointer
from engine.validation.graph import Machine

__all__ = ["find_approval_slas_at_risk", "find_workflow_sla_at_risk"]


def find_workflow_sla_at_risk(workflow: Workflow, catalog: Catalog | None) -> list[Finding]:
    """A path whose worst case is longer than the workflow's `sla` (the critical one is named)."""
    if workflow.sla is None:
        return []
    from engine.paths import analyze_paths  # noqa: PLC0415 - see the module's docstring
    from engine.paths.wording import seconds_words  # noqa: PLC0415

    known = catalog or Catalog()
    report = analyze_paths(workflow, agents=known.agents, subflow=known.workflows.get)
    late = [path for path in report.paths if path.sla_at_risk]
    if not late:
        return []
    worst = next((p for p in late if p.critical), late[0])
    states = tuple(dict.fromkeys(state for path in late for state in path.states))
    counted = f"the first {len(report.paths)}" if report.bounded else f"{len(report.paths)}"
    # an unknown subflow counts as no limit: say so, or the warning reads as the flow's own fault
    unknown = "".join(f" ({note})" for note in sorted(report.notes) if note.startswith("subflow '"))
    message = (f"{len(late)} of {counted} paths can take longer than the workflow's sla of "
               f"{workflow.sla}: at worst {seconds_words(worst.worst_s)} on {' → '.join(worst.states)}{unknown}. "
               "Shorten the timeouts or retries on the way, or raise the sla.")
    return [warning("sla-at-risk", message, pointer("sla"), states=states)]


def find_approval_slas_at_risk(machine: Machine) -> list[Finding]:
    """An approval whose `timeout` (its longest wait) is beyond its `sla`, or that has no timeout."""
    found = []
    for sid, state in machine.states.items():
        if not isinstance(state, ApprovalState) or state.sla is None:
            continue
        sla_s = parse_duration(state.sla).total_seconds()
        if state.timeout is None:
            why = "has no timeout, so nothing ends the wait"
        elif parse_duration(state.timeout).total_seconds() > sla_s:
            why = f"times out only after {state.timeout}"
        else:
            continue
        escalated = f" (it escalates after {state.escalation.after})" if state.escalation else ""
        message = (f"The approval '{sid}' promises a decision within {state.sla} but {why}{escalated}. Set its "
                   f"timeout to {state.sla} or less, with a transition on 'timeout'.")
        found.append(warning("sla-at-risk", message, machine.state_pointer(sid, "sla"), states=(sid,)))
    return found
