"""Publishing a draft: validate it against the catalogue, then deploy it as the definition's next version."""

from __future__ import annotations

from designer.checking import Checker
from engine.errors import VersionConflict
from engine.read_models.definitions import DefinitionCatalog, DeployedVersion
from engine.runtime.engine import Engine

__all__ = ["publish"]

_ATTEMPTS = 5


def publish(
    content: dict[str, object], *, engine: Engine, catalog: DefinitionCatalog, checker: Checker, actor: str
) -> DeployedVersion:
    """Deploy `content` as version latest + 1 of its id; `InvalidDefinition` (with findings) while it has errors.

    Two publishers racing for the same number: the loser's deploy meets the winner's version and is retried
    with the next number.
    """
    workflow = checker.require(content, "the draft", actions=True)
    for attempt in range(_ATTEMPTS):
        following = (catalog.latest_version(workflow.id) or 0) + 1
        try:
            ref = engine.deploy(workflow.model_copy(update={"version": following}), actor=actor)
        except VersionConflict:
            if attempt == _ATTEMPTS - 1:
                raise
            continue
        return catalog.get(ref.workflow_id, ref.version)
    raise AssertionError("unreachable")  # pragma: no cover
