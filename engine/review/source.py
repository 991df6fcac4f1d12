"""What a review pack is made from: the version under review, the one signed before, and where it came from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from engine.definition import Agent, Workflow
from engine.validation.findings import Finding

__all__ = ["PageSize", "ReviewSource", "content_fingerprint"]

PageSize = Literal["A4", "letter"]


def content_fingerprint(workflow: Workflow) -> str:
    """A short SHA-256 of the definition's content (layout left out), printed on the cover and the sign-off
    block so that a signature names exactly what was reviewed."""
    data = workflow.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"layout"})
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ReviewSource:
    """Everything a review pack shows. `previous` is the version the reviewer signed last (None: the flow is
    reviewed as a whole); `agents` are the definitions of the agents its tasks name, for their policies;
    `findings` are the validation findings of `workflow`; `published_by`/`published_at` are known for a
    deployed version; `generated_at` is when the pack was made."""

    workflow: Workflow
    generated_at: datetime
    previous: Workflow | None = None
    agents: dict[str, Agent] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    published_by: str | None = None
    published_at: datetime | None = None
    origin: str = ""
    page: PageSize = "A4"
