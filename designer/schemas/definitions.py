"""Deployed definitions on the wire: summaries, versions, one version with its content."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from engine.read_models.definitions import DeployedVersion
from engine.runtime.clock import to_datetime

__all__ = ["DefinitionSummary", "VersionDetail", "VersionSummary"]


class VersionSummary(BaseModel):
    workflow_id: str
    version: int
    title: str
    published_at: datetime
    published_by: str | None = None

    @classmethod
    def of(cls, deployed: DeployedVersion) -> VersionSummary:
        return cls(
            workflow_id=deployed.workflow_id,
            version=deployed.version,
            title=deployed.title,
            published_at=to_datetime(deployed.deployed_at),
            published_by=deployed.deployed_by,
        )


class VersionDetail(VersionSummary):
    definition: dict[str, Any]

    @classmethod
    def of(cls, deployed: DeployedVersion) -> VersionDetail:
        summary = VersionSummary.of(deployed)
        content = deployed.workflow().model_dump(mode="json", by_alias=True, exclude_none=True)
        return cls(**summary.model_dump(), definition=content)


class DefinitionSummary(BaseModel):
    id: str
    title: str
    description: str | None
    latest_version: int
    versions: int
    states: int
    transitions: int
    published_at: datetime
    drafts: int
