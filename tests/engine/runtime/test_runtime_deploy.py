"""A deployed (id, version) is immutable: the same content again is a no-op, other content is refused."""

from __future__ import annotations

import pytest
from runtime_support import edge, final, task, workflow

from engine.definition import Workflow
from engine.errors import InvalidDefinition, VersionConflict
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


# --- the catalog a deploy is checked against (Engine.catalog) --------------------------------------------------


def _tasked(action: str = "enrich", *, agent: str | None = None, id: str = "tasked") -> Workflow:
    state = task(action, agent=agent) if agent else task(action)
    return workflow({"work": state, "z": final(), "x": final("failure")},
                    [edge("work", "z", "done"), edge("work", "x", "error")], id=id)


def _starting(child: str, *, id: str = "parent") -> Workflow:
    return workflow({"run": {"type": "subflow", "workflow": child}, "z": final(), "x": final("failure")},
                    [edge("run", "z", "done"), edge("run", "x", "error")], id=id)


def test_with_handlers_registered_an_action_none_performs_is_refused_naming_its_pointer(engine: Engine) -> None:
    engine.register("enrich", lambda request: {})
    with pytest.raises(InvalidDefinition, match="/states/work/action") as refused:
        engine.deploy(_tasked("enrych"))
    assert [(f.code, f.pointer) for f in refused.value.findings] == [("unknown-action", "/states/work/action")]
    with pytest.raises(InvalidDefinition, match="no handler"):  # a document, not a model: the same refusal
        engine.deploy(_tasked("enrych").model_dump(mode="json", by_alias=True, exclude_none=True))
    assert engine.deploy(_tasked("enrich")).created is True


def test_without_handlers_in_this_process_the_actions_are_not_known_and_the_flow_deploys(engine: Engine) -> None:
    """Flows deployed before the workers that perform their actions register (in other processes)."""
    assert engine.catalog().actions is None
    assert engine.deploy(_tasked("performed_elsewhere")).created is True


def test_a_task_naming_an_agent_that_is_not_deployed_is_refused_until_it_is(engine: Engine) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(_tasked(agent="clerk"))
    assert [(f.code, f.pointer) for f in refused.value.findings] == [("unknown-agent", "/states/work/agent")]
    engine.deploy_agent({"id": "clerk", "type": "clerk", "version": "1.0.0", "name": "Clerk", "level": "agent",
                         "model": "gpt-4o-mini", "actions": ["enrich"]})
    assert "clerk" in engine.catalog().agents
    assert engine.deploy(_tasked(agent="clerk")).created is True


def test_a_subflow_must_be_deployed_first_or_alongside(engine: Engine) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(_starting("child"))
    assert [(f.code, f.pointer) for f in refused.value.findings] == [("unknown-subflow", "/states/run/workflow")]
    child = _tasked(id="child")
    parent = _starting("child")
    assert engine.deploy(parent, alongside=[parent, child]).created is True  # deployed together, in any order
    assert engine.deploy(child, alongside=[parent, child]).created is True
    assert set(engine.catalog().workflows) == {"parent", "child"}


def test_a_start_takes_the_version_another_process_deployed_after_its_last_start(
        engine: Engine, database_url: str) -> None:
    """A start assumes the latest version it read last and checks it before its commit (on PostgreSQL): a newer
    one deployed meanwhile by another process must still be the one started, in the same start."""
    engine.deploy(_flow("first"))
    assert engine.start("flow", {}).workflow_version == 1
    with Engine(database_url) as elsewhere:
        elsewhere.deploy(_flow("second", version=2))
    started = engine.start("flow", {})
    assert started.workflow_version == 2
    assert engine.get(started.id).workflow_version == 2
    assert engine.start("flow", {}).workflow_version == 2  # and after
    with Engine(database_url) as elsewhere:
        elsewhere.deploy(_flow("third", version=3))
    assert engine.start("flow", {}, version=1).workflow_version == 1  # a version asked for is kept
    assert engine.start("flow", {}).workflow_version == 3
