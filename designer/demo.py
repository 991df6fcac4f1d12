"""`serve --demo`: one user per role and a few instances of the shipped flows, so a first look shows a living
system — some finished, some waiting for an approval, some failed.

With the shipped flows deployed (`--demo` deploys them unless `--no-shipped-flows`), every example of every
deployed workflow is started with its example context (its example events are not sent, so approval requests
stay open for the demo approver); without them, the demo is its users only. The demo approver (and admin) hold every
approver role those flows name, and `approver`: the role an agent's approval goes to when it names none, and the
one an approval state added in the designer names. Users are created once, with random passwords that are shown
only then; a second `--demo` on the same database changes nothing.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field

from designer._services import Services
from designer.security.roles import ROLES
from engine.definition import ApprovalState, Workflow
from engine.errors import StatewrightError
from engine.runtime.agent_policies import DEFAULT_APPROVER_ROLE

__all__ = ["DEMO_TENANT", "DemoSeed", "approver_roles_of", "seed_demo"]

DEMO_TENANT = "default"
DEMO_ACTOR = "demo"


@dataclass
class DemoSeed:
    created: bool
    credentials: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, password)
    instances: dict[str, int] = field(default_factory=dict)  # status -> count


def approver_roles_of(workflows: list[Workflow]) -> list[str]:
    """Every role an approval state, its escalation or a policy of these workflows names."""
    found: set[str] = set()
    for workflow in workflows:
        for state in workflow.states.values():
            if isinstance(state, ApprovalState):
                found.update(state.approvers.roles)
                if state.escalation is not None:
                    found.update(state.escalation.to.roles)
        for policy in workflow.policies:
            if policy.approvers is not None:
                found.update(policy.approvers.roles)
    return sorted(found)


_ALPHABET = string.ascii_letters + string.digits


def _password(length: int = 16) -> str:
    """Letters and digits only: a password that starts with '-' reads as an option when typed into a shell."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _users(services: Services, approver_roles: list[str]) -> list[tuple[str, str, str]]:
    credentials: list[tuple[str, str, str]] = []
    for role in ROLES:
        if services.accounts.find_user(role) is not None:
            continue
        password = _password()
        names = approver_roles if role in ("approver", "admin") else []
        services.accounts.add_user(
            role, password, roles=[role], tenant=DEMO_TENANT, approver_roles=names, display_name=f"Demo {role}"
        )
        credentials.append((role, role, password))
    return credentials


def _instances(services: Services, workflows: list[Workflow]) -> dict[str, int]:
    engine = services.engine
    started = []
    for workflow in workflows:
        for example in workflow.examples:
            try:
                run = engine.start(
                    workflow.id,
                    dict(example.context),
                    tenant=DEMO_TENANT,
                    actor=DEMO_ACTOR,
                    idempotency_key=f"demo:{workflow.id}:{example.name}",
                )
            except StatewrightError:
                continue
            started.append(run.id)
    engine.run_until_idle(max_rounds=10_000)
    counts: dict[str, int] = {}
    for instance_id in started:
        status = engine.get(instance_id).status
        counts[status] = counts.get(status, 0) + 1
    return counts


def seed_demo(services: Services, *, instances: bool = True) -> DemoSeed:
    """Create the demo users that do not exist yet; with `instances`, on the first seeding of a database that
    holds no instance, also start the demo instances and run them to where they wait. A database already in use
    gets the users only: running its queued work before the server listens (the demo's instances are run to their
    waits here) could take minutes, and would be the workers' job, not the demo's."""
    workflows = list(services.catalog.latest_workflows().values())
    credentials = _users(services, sorted({*approver_roles_of(workflows), DEFAULT_APPROVER_ROLE}))
    if not instances or len(credentials) < len(ROLES) or services.engine.count_instances() > 0:
        return DemoSeed(created=bool(credentials), credentials=credentials)
    return DemoSeed(created=True, credentials=credentials, instances=_instances(services, workflows))
