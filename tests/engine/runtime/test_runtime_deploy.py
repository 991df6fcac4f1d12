"""A deployed (id, version) is immutable: the same content again is a no-op, other content is refused."""

from __future__ import annotations

import pytest
from runtime_support import edge, final, workflow

from engine.definition import Workflow
from engine.errors import VersionConflict
from engine.runtime.engine import Engine


def _flow(title: str = "flow", version: int = 1) -> Workflow:
    return workflow({"a": {"type": "choice"}, "z": final()}, [edge("a", "z")], version=version, title=title)


def test_redeploying_the_same_content_changes_nothing(engine: Engine) -> None:
    assert engine.deploy(_flow(), actor="ana").created is True
    assert engine.deploy(_flow(), actor="bob").created is False


def test_other_content_under_a_deployed_version_is_refused_and_the_first_stays(engine: Engine) -> None:
    engine.deploy(_flow("first"))
    with pytest.raises(VersionConflict, match="immutable"):
        engine.deploy(_flow("second"))
    assert engine.deploy(_flow("second", version=2)).created is True
    started = engine.start("flow", {}, version=1)
    assert started.workflow_version == 1
    assert engine.start("flow", {}).workflow_version == 2
