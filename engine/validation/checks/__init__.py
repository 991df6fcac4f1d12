"""The named checks run on every workflow after it fits the model: each a small function over the graph of
one state machine (the workflow, or a parallel state's branch) returning findings with a JSON pointer.
`CODES` lists every code they produce with its severity (`unknown-subflow` and `unknown-agent` only when
a catalog is given, `unknown-action` when it knows the registered actions, `action-input-mismatch` when it knows
their input schemas); the loader adds `invalid-json`,
`schema`, `duplicate-state`, `duplicate-key` and, for a file, `file-name-not-id`. A finding about something inside a
branch or a map's iterator leads with the way there, as a schema error there does (`said_where`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.definition import Workflow
from engine.validation.catalog import Catalog
from engine.validation.checks._report import nesting, said_where
from engine.validation.checks.action_inputs import find_action_input_mismatches
from engine.validation.checks.approvals import (
    find_approvals_without_timeout,
    find_missing_approval_outcomes,
    find_missing_timeout_paths,
)
from engine.validation.checks.automatic_cycles import find_automatic_cycles
from engine.validation.checks.context_schema import find_invalid_context_schema
from engine.validation.checks.dataflow import find_unknown_variables
from engine.validation.checks.deadlines import find_deadlines_that_are_not_times
from engine.validation.checks.error_kinds import (
    find_uncaught_error_kinds,
    find_unknown_error_kinds,
    find_unreachable_catches,
    find_unreachable_retry_rules,
)
from engine.validation.checks.event_scope import find_event_not_set
from engine.validation.checks.expressions import (
    expression_sites,
    find_costly_expressions,
    find_invalid_expressions,
)
from engine.validation.checks.final_outcomes import find_unhappy_finals_that_succeed
from engine.validation.checks.guard_values import find_guards_not_boolean
from engine.validation.checks.maps import find_map_items_not_lists, find_maps_without_results
from engine.validation.checks.nul_characters import find_nul_characters
from engine.validation.checks.paths import (
    find_ask_into_output,
    find_conflicting_paths,
    find_paths_through_non_objects,
)
from engine.validation.checks.quorums import find_unreachable_quorums
from engine.validation.checks.reachability import (
    find_dead_ends,
    find_states_without_path_to_final,
    find_unreachable_states,
)
from engine.validation.checks.retry_intervals import find_retry_max_below_initial
from engine.validation.checks.schedules import find_invalid_schedules
from engine.validation.checks.shadowed_transitions import find_shadowed_transitions
from engine.validation.checks.sla import find_approval_slas_at_risk, find_workflow_sla_at_risk
from engine.validation.checks.structure import (
    find_duplicate_branches,
    find_duplicate_transition_ids,
    find_exits_from_final,
    find_subflows_starting_their_own_workflow,
    find_unknown_actions,
    find_unknown_agents,
    find_unknown_policies,
    find_unknown_states,
    find_unknown_states_named_elsewhere,
    find_unknown_subflows,
)
from engine.validation.checks.triggers import (
    find_ambiguous_transitions,
    find_choices_without_default,
    find_missing_done_paths,
    find_unused_triggers,
    find_work_without_error_path,
)
from engine.validation.checks.type_mismatches import find_type_mismatches
from engine.validation.checks.unknown_fields import find_unknown_fields
from engine.validation.findings import Finding, Severity
from engine.validation.graph import Machine, machines

__all__ = ["CODES", "MACHINE_CHECKS", "find_catalog_problems", "run_checks", "said_where_in", "sort_findings"]

CODES: dict[str, Severity] = {
    "unknown-state": "error",
    "duplicate-branch": "error",
    "duplicate-transition-id": "error",
    "unreachable-state": "error",
    "dead-end": "error",
    "no-path-to-final": "error",
    "exit-from-final": "error",
    "choice-without-default": "error",
    "ambiguous-transition": "error",
    "guard-syntax": "error",
    "expression-too-costly": "error",
    "deadline-not-a-time": "error",
    "missing-approval-outcome": "error",
    "missing-done-path": "error",
    "unknown-policy": "error",
    "unknown-subflow": "error",
    "subflow-starts-itself": "warning",
    "unknown-agent": "error",
    "unknown-action": "error",
    "action-input-mismatch": "error",
    "unreachable-retry-rule": "error",
    "unreachable-catch": "error",
    "conflicting-paths": "error",
    "path-through-non-object": "error",
    "ask-into-output": "error",
    "invalid-schedule": "error",
    "invalid-context-schema": "error",
    "unreachable-quorum": "error",
    "map-items-not-a-list": "error",
    "variable-not-in-schema": "error",
    "nul-character": "error",
    "approval-without-timeout": "warning",
    "missing-timeout-path": "warning",
    "task-without-error-path": "warning",
    "uncaught-error-kinds": "warning",
    "unused-trigger": "warning",
    "automatic-cycle": "warning",
    "unknown-variable": "warning",
    "unknown-error-kind": "warning",
    "retry-max-below-initial": "warning",
    "sla-at-risk": "warning",
    "map-without-results": "warning",
    "event-not-set": "warning",
    "type-mismatch": "warning",
    "guard-not-boolean": "warning",
    "unknown-field": "warning",
    "shadowed-transition": "warning",
    "unhappy-final-succeeds": "warning",
}

MACHINE_CHECKS: tuple[Callable[[Machine], list[Finding]], ...] = (
    find_unknown_states,
    find_duplicate_branches,
    find_duplicate_transition_ids,
    find_exits_from_final,
    find_unreachable_states,
    find_dead_ends,
    find_states_without_path_to_final,
    find_choices_without_default,
    find_automatic_cycles,
    find_ambiguous_transitions,
    find_shadowed_transitions,
    find_unused_triggers,
    find_missing_done_paths,
    find_work_without_error_path,
    find_missing_approval_outcomes,
    find_approvals_without_timeout,
    find_missing_timeout_paths,
    find_unreachable_retry_rules,
    find_retry_max_below_initial,
    find_unreachable_catches,
    find_uncaught_error_kinds,
    find_conflicting_paths,
    find_ask_into_output,
    find_approval_slas_at_risk,
    find_maps_without_results,
    find_map_items_not_lists,
    find_unreachable_quorums,
    find_deadlines_that_are_not_times,
    find_unhappy_finals_that_succeed,
)


def _order(finding: Finding) -> tuple[object, ...]:
    # isdecimal, not isdigit: a key such as "²" is a digit int() cannot read (a fuzzed `id` of {"²": ...})
    tokens = tuple((0, int(t), "") if t.isdecimal() else (1, 0, t) for t in finding.pointer.split("/")[1:])
    return (finding.severity != "error", tokens, finding.code, finding.message)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by place in the file (array indexes in numeric order), then code; duplicates dropped."""
    unique = {(f.code, f.pointer, f.message): f for f in findings}
    return sorted(unique.values(), key=_order)


def _catalog_findings(workflow: Workflow, all_machines: list[Machine], catalog: Catalog) -> list[Finding]:
    return [*find_unknown_subflows(workflow, all_machines, catalog), *find_unknown_agents(all_machines, catalog),
            *find_unknown_actions(all_machines, catalog), *find_action_input_mismatches(all_machines, catalog)]


def said_where_in(workflow: Workflow, findings: list[Finding]) -> list[Finding]:
    """Findings made outside these checks (the designer's about approvers) worded as theirs are: one about
    something inside a branch or a map's iterator led by the way there (`said_where`)."""
    if len(machines(workflow)) < 2:
        return findings
    return said_where(findings, nesting(workflow.states))


def find_catalog_problems(workflow: Workflow, catalog: Catalog) -> list[Finding]:
    """Only what the catalog decides (`unknown-subflow`, `unknown-agent`, `unknown-action`): for a workflow that
    is already a model, whose author answers for its graph, on its way to being deployed."""
    all_machines = machines(workflow)
    found = _catalog_findings(workflow, all_machines, catalog)
    if len(all_machines) > 1:  # only then is there a branch or an iterator to say the way into
        found = said_where(found, nesting(workflow.states))
    return sort_findings(found)


def run_checks(workflow: Workflow, catalog: Catalog | None, document: Any = None) -> list[Finding]:
    """Every named check over the workflow and each of its branches, recursively; a finding inside a branch or a
    map's iterator says the way there (`said_where`), read from `document` — the file the workflow was read from,
    when given: a branch name set aside is said as the file has it — or else from the workflow."""
    all_machines = machines(workflow)
    findings: list[Finding] = []
    for machine in all_machines:
        for check in MACHINE_CHECKS:
            findings += check(machine)
    findings += find_unknown_states_named_elsewhere(workflow, all_machines)
    findings += find_unknown_error_kinds(workflow, all_machines)
    findings += find_subflows_starting_their_own_workflow(workflow, all_machines)
    findings += find_unknown_policies(workflow, all_machines)
    findings += find_invalid_schedules(workflow)
    findings += find_invalid_context_schema(workflow)
    findings += find_nul_characters(workflow, document)
    findings += find_paths_through_non_objects(workflow, all_machines)
    findings += find_workflow_sla_at_risk(workflow, catalog)
    if catalog is not None:
        findings += _catalog_findings(workflow, all_machines, catalog)
    sites = list(expression_sites(workflow, all_machines))
    findings += find_invalid_expressions(sites)
    findings += find_costly_expressions(sites)
    findings += find_unknown_variables(workflow, all_machines, sites)
    findings += find_event_not_set(sites)
    findings += find_type_mismatches(workflow, sites)
    findings += find_guards_not_boolean(workflow, sites)
    findings += find_unknown_fields(workflow, all_machines, sites)
    if len(all_machines) > 1:  # only then is there a branch or an iterator to say the way into
        findings = said_where(findings, nesting(workflow.states) if document is None else document)
    return sort_findings(findings)
