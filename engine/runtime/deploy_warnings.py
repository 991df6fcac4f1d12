"""What deploying says about a definition it takes despite its warnings: validation's warnings, handed back on
`DeployedRef.warnings` (an agent's on `DeployedAgentRef.warnings`) and logged on `statewright.deploy` — or, with
`strict`, why it is refused.

A warning is what may go wrong at run time: a guard reading a misspelt name (`amout > 500.0`) counts as false,
and a retry rule naming a misspelt kind never applies. `statewright validate` printed such a warning, but
`Engine.deploy` took the definition without a word, and a refund of 100,000 went round its manager's approval.
Deploying still takes it (a definition that deployed before must still deploy); the caller is told, and a
pipeline that wants no warnings at all says `strict`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from engine.definition import Workflow
from engine.errors import InvalidDefinition
from engine.runtime.views import DeployedAgentRef, DeployedRef
from engine.validation.catalog import Catalog
from engine.validation.findings import Finding

__all__ = ["log", "logged", "logged_agent", "model_warnings", "refuse_warnings"]

log = logging.getLogger("statewright.deploy")


def model_warnings(workflow: Workflow, catalog: Catalog | None) -> list[Finding]:
    """What a workflow given as a model is deployed despite: it skipped the named checks at load, so they run now,
    and their findings are said as a file's warnings are — the errors among them too. A model built in code answers
    for its own graph, so those refuse nothing (as before; only what storing needs and the catalog's checks do), but
    an error such as `variable-not-in-schema` — a guard that is false on every run — is not left unsaid."""
    from engine.validation.checks import run_checks  # noqa: PLC0415 - the checks load with the loader, on demand

    try:
        return run_checks(workflow, catalog)  # what would refuse it (catalog, U+0000) was refused already
    except Exception as exc:  # noqa: BLE001 - built past validation (`model_copy(update=...)`): deployed as before
        log.warning("workflow %s v%d deployed unchecked: its checks cannot read it (%s: %s) — a model built past "
                    "its validation (model_copy(update=...), model_construct) holds what they do not expect",
                    workflow.id, workflow.version, type(exc).__name__, exc,
                    extra={"workflow_id": workflow.id, "workflow_version": workflow.version})
        return []


def refuse_warnings(workflow: Workflow, warnings: Sequence[Finding]) -> None:
    """`strict`: a definition with warnings is refused as one with errors is — `InvalidDefinition`, every warning
    listed with its pointer (a model's errors among them: strict takes nothing with a finding)."""
    if warnings:
        raise InvalidDefinition(warnings, f"workflow {workflow.id} version {workflow.version}", strict=True)


def logged(ref: DeployedRef) -> DeployedRef:
    """`ref`, each of its warnings logged at WARNING with the workflow and version it is about: an application
    that ignores what `deploy` returns still finds them in its log."""
    for finding in ref.warnings:
        log.warning("workflow %s v%d deployed with %s", ref.workflow_id, ref.version, finding,
                    extra={"workflow_id": ref.workflow_id, "workflow_version": ref.version, "code": finding.code,
                           "pointer": finding.pointer})
    return ref


def logged_agent(ref: DeployedAgentRef) -> DeployedAgentRef:
    """`ref`, each of its warnings logged at WARNING with the agent and version it is about, as `logged` does for
    a workflow: `deploy_agent` of a file named otherwise than its id said nothing, where `deploy` of such a
    workflow file warned."""
    for finding in ref.warnings:
        log.warning("agent %s %s deployed with %s", ref.agent_id, ref.version, finding,
                    extra={"agent_id": ref.agent_id, "agent_version": ref.version, "code": finding.code,
                           "pointer": finding.pointer})
    return ref
