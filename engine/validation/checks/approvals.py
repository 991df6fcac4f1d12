"""Approval steps (and event waits): both decisions handled, and a deadline with somewhere to go."""

from __future__ import annotations

from engine.definition import ApprovalState, WaitState
from engine.validation.checks._report import error, quoted, warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_approvals_without_timeout", "find_missing_approval_outcomes", "find_missing_timeout_paths"]


def _triggers(machine: Machine, state_id: str) -> set[str | None]:
    return {machine.transitions[i].trigger for i in machine.outgoing[state_id]}


def find_missing_approval_outcomes(machine: Machine) -> list[Finding]:
    """An approval needs a transition for `approve` and one for `reject` (states with no transition at all
    are reported as `dead-end`)."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        triggers = _triggers(machine, sid)
        missing = [t for t in ("approve", "reject") if t not in triggers]
        if isinstance(state, ApprovalState) and triggers and missing:
            message = (f"The approval '{sid}' has no transition on {quoted(missing)}: if the approvers decide "
                       "that way, the instance is stuck. Add a transition for each decision.")
            found.append(error("missing-approval-outcome", message, machine.state_pointer(sid), states=(sid,)))
    return found


def find_approvals_without_timeout(machine: Machine) -> list[Finding]:
    """An approval without a `timeout` can wait for ever if nobody answers."""
    return [
        warning("approval-without-timeout",
                f"The approval '{sid}' has no timeout: if nobody decides, the request stays open for ever. "
                "Set `timeout` (e.g. PT48H) and add a transition on 'timeout'.",
                machine.state_pointer(sid), states=(sid,))
        for sid, state in machine.states.items()
        if isinstance(state, ApprovalState) and state.timeout is None
    ]


def find_missing_timeout_paths(machine: Machine) -> list[Finding]:
    """A `timeout` that is set fires `timeout`; a transition must take it somewhere (states with no
    transition at all are reported as `dead-end`)."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        triggers = _triggers(machine, sid)
        if isinstance(state, ApprovalState | WaitState) and state.timeout is not None \
                and triggers and "timeout" not in triggers:
            message = (f"'{sid}' has a timeout of {state.timeout} but no transition on 'timeout', so when the "
                       "time is up the instance is stuck. Add a transition on 'timeout'.")
            found.append(warning("missing-timeout-path", message, machine.state_pointer(sid, "timeout"),
                                 states=(sid,)))
    return found
