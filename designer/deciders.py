"""Who in a tenant can decide the approvals a definition asks for, and the warning when nobody but an admin —
or nobody at all — can (`approval-nobody-can-decide`).

A definition names its approvers by approver role and by username (an approval state's `approvers` and its
`escalation.to`, a `require_approval` policy's `approvers`, the `approvers` of an agent whose policies require
an approval, `approver` when it names none). A request reaches a person's inbox when one of their approver roles
or their username is named, and they may decide it when their system roles give the `decide` permission
(`designer.approval_decisions`, `engine.runtime.approvals.authorised`). An admin sees every request of the
tenant and decides one that names a role with that role; a request naming only users stays theirs. Which people
a tenant has is known only to the designer, so this is a designer check, run for the caller's tenant; a warning,
not an error: the people may be added after publishing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from designer.security.roles import ROLES, permissions_of
from designer.store.accounts import AccountStore, UserRow
from engine.definition import Agent, ApprovalState, Workflow
from engine.definition.states import Approvers, TaskState
from engine.runtime.agent_policies import DEFAULT_APPROVER_ROLE
from engine.validation.checks import said_where_in
from engine.validation.findings import Finding, pointer
from engine.validation.graph import machines

__all__ = ["NOBODY_CAN_DECIDE", "Person", "asks_anyone", "find_approvals_nobody_can_decide", "people_of_tenant"]

NOBODY_CAN_DECIDE = "approval-nobody-can-decide"
_SHOWN = 8  # roles or people named in one message at most


@dataclass(frozen=True, slots=True)
class Person:
    """A user of the tenant, as far as deciding approvals goes."""

    username: str
    roles: tuple[str, ...]  # the system roles
    approver_roles: tuple[str, ...]
    disabled: bool = False

    @classmethod
    def of(cls, row: UserRow) -> Person:
        return cls(row.username, tuple(row.roles), tuple(row.approver_roles), row.disabled)

    @property
    def may_decide(self) -> bool:
        return not self.disabled and "decide" in permissions_of(self.roles)

    @property
    def is_admin(self) -> bool:
        return not self.disabled and "admin" in permissions_of(self.roles)


def people_of_tenant(store: AccountStore, tenant: str) -> list[Person]:
    return [Person.of(row) for row in store.users_of_tenant(tenant)]


@dataclass(frozen=True, slots=True)
class _Asked:
    """One place a definition names who decides: what to call it, who, and where to point."""

    subject: str
    approvers: Approvers
    pointer: str
    states: tuple[str, ...] = ()
    name_a_role: str = "name a role people here hold"
    escalation: bool = False


def _listed(items: Iterable[str]) -> str:
    shown = list(items)
    more = len(shown) - _SHOWN
    if more > 0:
        shown = [*shown[:_SHOWN], f"{more} more"]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _agent_approvers(agent: Agent) -> Approvers:
    """Who decides the gate of an agent that requires an approval (`engine.runtime.agent_policies.agent_gate`)."""
    named = agent.policies.approvers
    if named is None or (not named.roles and not named.users):
        return Approvers(roles=[DEFAULT_APPROVER_ROLE], users=[])
    return named


def _asked(workflow: Workflow, agents: dict[str, Agent]) -> Iterator[_Asked]:
    for machine in machines(workflow):
        for sid, state in machine.states.items():
            if isinstance(state, ApprovalState):
                yield _Asked(f"Approval '{sid}'", state.approvers, machine.state_pointer(sid, "approvers"), (sid,))
                if state.escalation is not None:
                    yield _Asked(f"The escalation of approval '{sid}' (after {state.escalation.after})",
                                 state.escalation.to, machine.state_pointer(sid, "escalation", "to"), (sid,),
                                 escalation=True)
            elif isinstance(state, TaskState) and state.agent in agents:
                agent = agents[state.agent]
                if agent.policies.approval_required:
                    yield _Asked(f"Task '{sid}' runs agent '{agent.id}', which asks a person to approve each of "
                                 "its actions", _agent_approvers(agent), machine.state_pointer(sid, "agent"), (sid,),
                                 "have the agent's policies name a role people here hold")
    for index, policy in enumerate(workflow.policies):
        if policy.outcome == "require_approval" and policy.approvers is not None:
            yield _Asked(f"Policy '{policy.id}' asks for an approval", policy.approvers,
                         pointer("policies", index, "approvers"))


def asks_anyone(workflow: Workflow, agents: dict[str, Agent]) -> bool:
    """Whether the workflow names approvers anywhere (else there is no need to read the tenant's people)."""
    return next(_asked(workflow, agents), None) is not None


def _decides(person: Person, approvers: Approvers) -> bool:
    """Assigned (`Principal.is_assigned`) and allowed to decide."""
    assigned = person.username in approvers.users or any(r in approvers.roles for r in person.approver_roles)
    return person.may_decide and assigned


def _role_words(role: str, people: Sequence[Person]) -> str:
    holders = [p for p in people if role in p.approver_roles]
    enabled = [p for p in holders if not p.disabled]
    if enabled:
        return (f"the approver role '{role}' is held only by {_listed(p.username for p in enabled)}, whose system "
                "roles do not let them decide approvals")
    words = f"no one in this workspace holds the approver role '{role}'"
    if holders:
        words = f"only disabled users hold the approver role '{role}'"
    if role in ROLES:
        words += (f" (the system role '{role}' is another thing: it lets a person decide, but approvals reach "
                  "them through their approver roles)")
    return words


def _user_words(username: str, people: Sequence[Person]) -> str:
    person = next((p for p in people if p.username == username), None)
    if person is None:
        return f"there is no user '{username}' in this workspace"
    if person.disabled:
        return f"the user '{username}' is disabled"
    return f"the user '{username}' may not decide approvals (their roles: {', '.join(person.roles)})"


def _outcome(asked: _Asked, people: Sequence[Person]) -> str:
    if asked.escalation:
        return "so escalating it asks no one new who can decide it"
    if not asked.approvers.roles:
        return "so nobody can decide it, not even an admin: an admin decides only requests that name a role"
    if any(p.is_admin for p in people):
        return "so no one but an admin will see it in their inbox, and only an admin can decide it"
    return "so nobody can decide it: this workspace has no enabled admin either"


def _remedy(asked: _Asked, people: Sequence[Person]) -> str:
    held = sorted({r for p in people if p.may_decide for r in p.approver_roles})
    if asked.approvers.roles:
        which = "the role" if len(asked.approvers.roles) == 1 else "one of the roles"
        start = f"Ask an admin to give {which} to someone who may decide approvals"
    else:
        start = "Name a user of this workspace who may decide approvals"
    if held:
        return f"{start}, or {asked.name_a_role}: {_listed(held)}."
    if asked.approvers.roles:
        return f"{start}: no one here holds an approver role yet."
    return f"{start}, or ask an admin to give approver roles to those who should decide: no one here holds one yet."


def _finding(asked: _Asked, people: Sequence[Person]) -> Finding:
    reasons = [_role_words(r, people) for r in dict.fromkeys(asked.approvers.roles)]
    reasons += [_user_words(u, people) for u in dict.fromkeys(asked.approvers.users)]
    if not reasons:
        reasons = ["it names no role and no user"]
    message = f"{asked.subject}: {'; '.join(reasons)}, {_outcome(asked, people)}. {_remedy(asked, people)}"
    return Finding(code=NOBODY_CAN_DECIDE, severity="warning", message=message, pointer=asked.pointer,
                   states=asked.states)


def find_approvals_nobody_can_decide(
    workflow: Workflow, agents: dict[str, Agent], people: Sequence[Person]
) -> list[Finding]:
    """A warning for each place the workflow asks for an approval that no enabled user of the tenant both
    receives and may decide — `people` being the tenant's users, disabled ones included (they are named so)."""
    found = [_finding(a, people) for a in _asked(workflow, agents) if not any(_decides(p, a.approvers) for p in people)]
    return said_where_in(workflow, found)
