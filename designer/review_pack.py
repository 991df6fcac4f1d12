"""The review pack of a published version, as a download: PDF (A4 or letter) or self-contained HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from litestar import Response

from designer.checking import Checker
from designer.graphviz_slots import GraphvizSlots, drawn_edges
from engine.errors import DefinitionNotFound
from engine.read_models.definitions import DefinitionCatalog
from engine.review import PageSize, ReviewSource, review_html, review_pdf

__all__ = ["REVIEW_MEDIA_TYPES", "ReviewFormat", "review_response"]

ReviewFormat = Literal["pdf", "html"]
REVIEW_MEDIA_TYPES: dict[ReviewFormat, str] = {"pdf": "application/pdf", "html": "text/html"}


def review_response(
    catalog: DefinitionCatalog, checker: Checker, workflow_id: str, version: int, *,
    previous: int | None, fmt: ReviewFormat, page: PageSize, graphviz: GraphvizSlots, user: object,
) -> Response[Any]:
    """Version `version` compared with `previous` (default: the version before it, when there is one); drawn in
    one of `user`'s Graphviz slots, when its diagram is small enough to draw in time (designer/graphviz_slots.py)."""
    deployed = catalog.get(workflow_id, version)
    workflow = deployed.workflow()
    before = None
    if previous is not None:
        before = catalog.get(workflow_id, previous).workflow()
    elif version > 1:
        try:
            before = catalog.get(workflow_id, version - 1).workflow()
        except DefinitionNotFound:
            before = None
    known = checker.catalog()
    source = ReviewSource(
        workflow=workflow, previous=before, agents=dict(known.agents),
        findings=checker.load(deployed.content).findings, published_by=deployed.deployed_by,
        published_at=datetime.fromtimestamp(deployed.deployed_at, UTC), origin="published version",
        generated_at=datetime.now(UTC), page=page,
    )
    name = f"{workflow_id}-v{version}-review.{fmt}"
    with graphviz.draw(user, drawn_edges(workflow)):
        body = review_pdf(source) if fmt == "pdf" else review_html(source).encode("utf-8")
    return Response(body, media_type=REVIEW_MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-cache"})
