"""`unreachable-quorum`: a quorum larger than those who can make it — a parallel state's join waiting for more
branches than it has (the engine settles for all of them, silently: `engine/runtime/joins.py`), or an approval
needing more approvals than the users it names can give when no role is named (each person decides once, so it
can never be approved; with a role, any number of the role's members may decide)."""

from __future__ import annotations

from engine.definition import ApprovalState, ParallelState
from engine.validation.checks._report import error, quoted
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_unreachable_quorums"]


def _join_quorum(machine: Machine, sid: str, state: ParallelState) -> Finding | None:
    quorum, total = state.join.quorum, len(state.branches)
    if state.join.mode != "quorum" or quorum is None or quorum <= total:
        return None
    branches = f"{total} branch{'' if total == 1 else 'es'}"
    message = (f"The join of '{sid}' waits for {quorum} branches to succeed, but '{sid}' has only {branches} "
               f"({quoted(b.name for b in state.branches)}): the engine would settle for all {total} without a word. "
               f"Set `quorum` to at most {total}, or the mode to 'all'.")
    return error("unreachable-quorum", message, machine.state_pointer(sid, "join", "quorum"), states=(sid,))


def _approval_quorum(machine: Machine, sid: str, state: ApprovalState) -> Finding | None:
    escalation = state.escalation
    roles = [*state.approvers.roles, *(escalation.to.roles if escalation else ())]
    users = list(dict.fromkeys([*state.approvers.users, *(escalation.to.users if escalation else ())]))
    if roles or state.quorum <= len(users):
        return None
    who = f"{len(users)} {'person' if len(users) == 1 else 'people'} ({quoted(users)})"
    also = " and its escalation" if escalation is not None and escalation.to.users else ""
    message = (f"The approval '{sid}' needs {state.quorum} approvals, but its approvers{also} name only {who} and "
               f"no role, and each person decides once: it can never be approved. Set `quorum` to at most "
               f"{len(users)}, or add approvers (more users, or a role).")
    return error("unreachable-quorum", message, machine.state_pointer(sid, "quorum"), states=(sid,))


def find_unreachable_quorums(machine: Machine) -> list[Finding]:
    """Each join quorum above the parallel state's number of branches, and each approval quorum above the number
    of distinct users who may decide it when no role may."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        finding = None
        if isinstance(state, ParallelState):
            finding = _join_quorum(machine, sid, state)
        elif isinstance(state, ApprovalState):
            finding = _approval_quorum(machine, sid, state)
        if finding is not None:
            found.append(finding)
    return found
