"""Keeping one id one flow: a new workflow may not take an id that is published or being drafted as new, and
"Edit as draft" of a version reuses an untouched draft of it instead of making another copy."""

from __future__ import annotations

from typing import Any

from designer.errors import IdTaken
from designer.store.drafts import DraftRow, DraftStore
from engine.read_models.definitions import DefinitionCatalog

__all__ = ["refuse_taken_id", "refuse_taken_id_on_save", "untouched_draft"]

_SCAN = 500


def _drafts_of(drafts: DraftStore, workflow_id: str) -> list[DraftRow]:
    return drafts.list(workflow_id=workflow_id, limit=_SCAN).items


def refuse_taken_id(content: dict[str, Any], *, drafts: DraftStore, catalog: DefinitionCatalog,
                    draft_id: str | None = None) -> None:
    """`IdTaken` when the new workflow's id is already published, or is the id of another new workflow's draft
    (another than `draft_id`, the one being saved)."""
    workflow_id = content.get("id")
    if not isinstance(workflow_id, str) or not workflow_id:
        return
    latest = catalog.latest_version(workflow_id)
    if latest is not None:
        title = catalog.get(workflow_id, latest).title
        raise IdTaken(
            f"'{workflow_id}' is already a published workflow ({title}, v{latest}); to change it, open it and "
            "choose Edit as draft, or give the new workflow another id"
        )
    for row in _drafts_of(drafts, workflow_id):
        if row.base_version is None and row.id != draft_id:
            raise IdTaken(
                f"'{workflow_id}' is already the id of a new workflow's draft (by {row.created_by}, revision "
                f"{row.revision}); open that draft from the Workflows page, or give this one another id"
            )


def refuse_taken_id_on_save(row: DraftRow, content: dict[str, Any], *, drafts: DraftStore,
                            catalog: DefinitionCatalog) -> None:
    """A new workflow's draft saved with another id takes it only as its creation would have: `IdTaken` when the
    id is published or another new workflow's draft has it. Kept ids are not checked again — the id may have been
    published since the draft took it, which publishing the draft asks to confirm."""
    if row.base_version is None and content.get("id") != row.workflow_id:
        refuse_taken_id(content, drafts=drafts, catalog=catalog, draft_id=row.id)


def untouched_draft(drafts: DraftStore, workflow_id: str, version: int, content: dict[str, Any]) -> DraftRow | None:
    """A draft of exactly that version whose content is still the version's own, if there is one."""
    for row in _drafts_of(drafts, workflow_id):
        if row.base_version == version and row.content == content:
            return row
    return None
