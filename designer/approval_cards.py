"""Approval cards: an approval with the titles its approver reads it by — the workflow's and the approval state's,
from the definition version its instance runs. One way of filling them for every reply that shows a card: the
inbox, a request's detail and an instance's pending approvals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from designer.schemas.approvals import ApprovalSummary
from engine.definition.workflow import Workflow
from engine.errors import DefinitionNotFound
from engine.read_models.approvals import ApprovalRecordView
from engine.read_models.definitions import DefinitionCatalog

__all__ = ["approval_summaries", "approval_titles", "deployed_workflow"]


def deployed_workflow(catalog: DefinitionCatalog, workflow_id: str, version: int) -> Workflow | None:
    """The definition of a deployed version; None when it is not (or no longer) there."""
    try:
        return catalog.get(workflow_id, version).workflow()
    except DefinitionNotFound:
        return None


def approval_titles(workflow: Workflow | None, state_id: str) -> tuple[str | None, str | None]:
    """(the workflow's title, the state's title) from its definition; None for what it does not give."""
    if workflow is None:
        return None, None
    state = workflow.states.get(state_id)
    return workflow.title, None if state is None else state.title


def approval_summaries(
    catalog: DefinitionCatalog, found: Sequence[ApprovalRecordView], versions: Mapping[str, int]
) -> list[ApprovalSummary]:
    """The cards of these approvals, with the titles of the version each instance runs (`versions`: by instance
    id); each version's definition read once."""
    keys = {(a.workflow_id, versions[a.instance_id]) for a in found}
    definitions = {key: deployed_workflow(catalog, *key) for key in keys}
    return [
        ApprovalSummary.of(a, approval_titles(definitions[(a.workflow_id, versions[a.instance_id])], a.state))
        for a in found
    ]
