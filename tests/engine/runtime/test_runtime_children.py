"""Subflows and parallel branches: child instances, their results, joins, failure policies and cancelling."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.errors import InvalidDefinition
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine

CHILD = workflow(
    {"score": task("score", input={"email": "email"}, output="score"), "ok": final(result={"score": "score"}),
     "bad": final("failure")},
    [edge("score", "ok", "done"), edge("score", "bad", "error")],
    id="scoring",
)
PARENT = workflow(
    {"delegate": {"type": "subflow", "workflow": "scoring", "input": {"email": "lead.email"}, "output": "scored"},
     "wait_here": {"type": "wait", "duration": "P1D"}, "happy": final(), "sad": final("failure")},
    [edge("delegate", "wait_here", "done", assign={"points": "scored.score"}), edge("delegate", "sad", "error"),
     edge("wait_here", "happy", "done")],
    id="lead",
)


def _scorer(engine: Engine, failing: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    @engine.register("score")
    def score(request: ActionRequest) -> int:
        if request.input["email"] in failing:
            raise ActionError("validation", "unscorable")
        return len(request.input["email"])


def test_a_subflow_runs_as_a_child_and_the_parent_resumes_with_its_result(engine: Engine) -> None:
    engine.deploy(CHILD)
    engine.deploy(PARENT)
    _scorer(engine)
    parent = engine.start("lead", {"lead": {"email": "ann@x.io"}})
    (child,) = engine.list_instances(parent_id=parent.id)
    assert (child.workflow_id, child.context) == ("scoring", {"email": "ann@x.io"})
    assert engine.list_instances(top_level_only=True) == [engine.get(parent.id)]
    done = finished(engine, parent)
    assert done.state == "wait_here"
    assert done.context["scored"] == {"score": 8}
    assert done.context["points"] == 8
    assert engine.get(child.id).status == "succeeded"
    assert_consistent(engine, parent.id)
    assert_consistent(engine, child.id)


def test_a_failed_subflow_fires_error_in_the_parent(engine: Engine) -> None:
    engine.deploy(CHILD)
    engine.deploy(PARENT)
    _scorer(engine, failing={"bad@x.io"})
    done = finished(engine, engine.start("lead", {"lead": {"email": "bad@x.io"}}))
    assert done.state == "sad"
    error = engine.history(done.id)[-1].payload
    assert error["kind"] == "subflow"
    # why, not only that: the child's error took it to its failure final state, which keeps none (the parent's
    # error said "the subflow scoring ended failed", and finding the cause took the child's own history)
    assert error["message"] == ("the subflow scoring ended failed in 'bad': its step 'score' failed (validation: "
                                "unscorable)")
    assert error["cause"] == {"state": "score", "kind": "validation", "message": "unscorable"}


def test_a_subflow_of_a_workflow_not_deployed_is_refused_and_a_version_not_deployed_fails_into_error(
        engine: Engine) -> None:
    with pytest.raises(InvalidDefinition, match="/states/delegate/workflow"):  # deploy checks the deployed ones
        engine.deploy(PARENT)
    engine.deploy(CHILD)
    pinned = PARENT.model_dump(mode="json", by_alias=True, exclude_none=True)
    pinned["states"]["delegate"]["version"] = 7  # deployed workflows are known by id; a fixed version may not be
    engine.deploy(pinned)
    done = finished(engine, engine.start("lead", {"lead": {"email": "a@b.c"}}))
    assert done.state == "sad"
    (child,) = engine.list_instances(parent_id=done.id)
    assert child.status == "failed"
    assert child.error["kind"] == "not_deployed"


def test_a_subflow_input_that_breaks_the_childs_context_schema_fails_into_error(engine: Engine) -> None:
    strict = CHILD.model_copy(update={"context": {
        "type": "object", "properties": {"email": {"type": "string", "pattern": "@"}}, "required": ["email"]}})
    engine.deploy(strict)
    engine.deploy(PARENT)
    _scorer(engine)
    done = finished(engine, engine.start("lead", {"lead": {"email": 42}}))
    assert done.state == "sad"
    (child,) = engine.list_instances(parent_id=done.id)
    assert (child.status, child.error["kind"]) == ("failed", "invalid_input")
    assert "/email" in child.error["message"]
    assert engine.history(done.id)[-1].payload["kind"] == "subflow"
    fine = finished(engine, engine.start("lead", {"lead": {"email": "ann@x.io"}}))
    assert fine.state == "wait_here"


def test_cancelling_the_parent_cancels_its_children(engine: Engine) -> None:
    engine.deploy(CHILD)
    engine.deploy(PARENT)
    parent = engine.start("lead", {"lead": {"email": "ann@x.io"}})
    (child,) = engine.list_instances(parent_id=parent.id)
    cancelled = engine.cancel(parent.id, actor="ops")
    assert cancelled.status == "cancelled"
    assert engine.get(child.id).status == "cancelled"
    _scorer(engine)
    engine.run_until_idle()  # the child's pending action was cancelled with it
    assert engine.get(child.id).version == 2
    assert engine.get(parent.id).status == "cancelled"
    assert engine.history(child.id)[-1].event == "(cancel)"


def _branch(name: str, action: str, key: str) -> dict[str, Any]:
    return {"name": name, "initial": "run",
            "states": {"run": task(action, output=key), "ok": final(), "bad": final("failure")},
            "transitions": [edge("run", "ok", "done"), edge("run", "bad", "error")]}


def _fan_out(join: dict[str, Any]) -> Any:
    return workflow(
        {"enrich": {"type": "parallel", "join": join,
                    "branches": [_branch("crm", "crm", "company"), _branch("web", "web", "site"),
                                 _branch("news", "news", "headlines")]},
         "merged": final(), "failed": final("failure")},
        [edge("enrich", "merged", "done"), edge("enrich", "failed", "error")],
        id="enrich", context={"type": "object"},
    )


def _sources(engine: Engine, failing: set[str], slow: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    calls: list[str] = []
    for name in ("crm", "web", "news"):
        def handler(request: ActionRequest, name: str = name) -> str:
            calls.append(name)
            if name in failing:
                raise ActionError("unavailable", f"{name} is down")
            return f"{name}-data"
        engine.register(name, handler)
    return calls


def _branches(engine: Engine, parent_id: str) -> dict[str, str]:
    return {c.branch.split(".")[-1]: c.status for c in engine.list_instances(parent_id=parent_id)}


def test_all_branches_join_and_their_context_changes_merge(engine: Engine) -> None:
    engine.deploy(_fan_out({"mode": "all"}))
    _sources(engine, failing=set())
    run = engine.start("enrich", {"lead": "acme"})
    assert _branches(engine, run.id) == {"crm": "running", "web": "running", "news": "running"}
    done = finished(engine, run)
    assert done.state == "merged"
    assert done.context == {"lead": "acme", "company": "crm-data", "site": "web-data", "headlines": "news-data"}
    assert engine.history(run.id)[-1].payload["branches"]["web"]["status"] == "succeeded"
    assert_consistent(engine, run.id)


def test_all_with_cancel_others_fails_at_once_and_cancels_the_rest(engine: Engine) -> None:
    engine.deploy(_fan_out({"mode": "all", "on_failure": "cancel_others"}))
    _sources(engine, failing={"crm"})
    run = engine.start("enrich", {})
    worker = engine.worker()
    claimed = worker.claim(limit=1)  # only the first branch's action runs (crm, which fails)
    worker.execute(claimed)
    engine.run_until_idle()
    done = engine.get(run.id)
    assert done.state == "failed"
    statuses = _branches(engine, run.id)
    assert statuses["crm"] == "failed"
    assert sorted(statuses.values()).count("cancelled") + sorted(statuses.values()).count("succeeded") == 2


@pytest.mark.parametrize(("mode", "failing", "expected"), [
    ({"mode": "any"}, {"crm", "web"}, "merged"),
    ({"mode": "any"}, {"crm", "web", "news"}, "failed"),
    ({"mode": "quorum", "quorum": 2}, {"crm"}, "merged"),
    ({"mode": "quorum", "quorum": 2}, {"crm", "news"}, "failed"),
    ({"mode": "all", "on_failure": "continue"}, {"web"}, "failed"),
])
def test_join_modes(engine: Engine, mode: dict[str, Any], failing: set[str], expected: str) -> None:
    engine.deploy(_fan_out(mode))
    _sources(engine, failing=failing)
    done = finished(engine, engine.start("enrich", {}))
    assert done.state == expected
    assert_consistent(engine, done.id)


def test_continue_waits_for_every_branch_before_failing(engine: Engine) -> None:
    engine.deploy(_fan_out({"mode": "all", "on_failure": "continue"}))
    _sources(engine, failing={"crm"})
    run = engine.start("enrich", {})
    worker = engine.worker()
    worker.execute(worker.claim(limit=1))  # crm fails first
    worker.run_until_idle()
    assert engine.get(run.id).state == "failed"
    assert sorted(_branches(engine, run.id).values()) == ["failed", "succeeded", "succeeded"]


def test_any_cancels_the_branches_no_longer_needed(engine: Engine) -> None:
    engine.deploy(_fan_out({"mode": "any"}))
    calls = _sources(engine, failing=set())
    run = engine.start("enrich", {})
    worker = engine.worker()
    worker.execute(worker.claim(limit=1))  # crm succeeds; the join is due
    claimed = worker.claim()
    assert sorted(c.job.kind for c in claimed) == ["action", "action", "child_done"]
    worker.execute([c for c in claimed if c.job.kind == "child_done"])
    assert engine.get(run.id).state == "merged"
    assert sorted(_branches(engine, run.id).values()) == ["cancelled", "cancelled", "succeeded"]
    worker.execute([c for c in claimed if c.job.kind == "action"])  # in flight when cancelled: dropped
    engine.run_until_idle()
    assert len(calls) == 3
    assert sorted(_branches(engine, run.id).values()) == ["cancelled", "cancelled", "succeeded"]
    assert engine.get(run.id).context == {"company": "crm-data"}


def test_a_parallel_state_inside_a_branch_runs_as_grandchildren(engine: Engine) -> None:
    inner = {"type": "parallel", "branches": [_branch("deep", "crm", "deep_company")]}
    engine.deploy(workflow(
        {"outer": {"type": "parallel", "branches": [
            {"name": "nested", "initial": "fan", "states": {"fan": inner, "ok": final(), "bad": final("failure")},
             "transitions": [edge("fan", "ok", "done"), edge("fan", "bad", "error")]},
            _branch("web", "web", "site")]},
         "merged": final(), "failed": final("failure")},
        [edge("outer", "merged", "done"), edge("outer", "failed", "error")], id="nested"))
    _sources(engine, failing=set())
    done = finished(engine, engine.start("nested", {}))
    assert done.state == "merged"
    assert done.context == {"deep_company": "crm-data", "site": "web-data"}
    (nested,) = [c for c in engine.list_instances(parent_id=done.id) if c.branch == "outer.nested"]
    (grandchild,) = engine.list_instances(parent_id=nested.id)
    assert grandchild.branch == "outer.nested/fan.deep"
    assert grandchild.status == "succeeded"
    assert_consistent(engine, grandchild.id)


def test_a_task_inside_a_parallel_branch_gets_the_output_schema_the_context_declares(engine: Engine) -> None:
    """An executor reads the schema to ask a model for the right shape and to check the reply (the `llm`
    executor's structured output); a branch's task must get it as a task at the top level does."""
    company = {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}}}
    engine.deploy(workflow(
        {"enrich": {"type": "parallel", "branches": [_branch("crm", "crm", "company")]},
         "solo": task("crm", output="company"), "merged": final(), "failed": final("failure")},
        [edge("enrich", "solo", "done"), edge("solo", "merged", "done"), edge(["enrich", "solo"], "failed", "error")],
        id="enrich", context={"type": "object", "properties": {"company": company}},
    ))
    seen: list[tuple[str, dict[str, Any] | None]] = []

    @engine.register("crm")
    def crm(request: ActionRequest) -> dict[str, int]:
        seen.append((request.state, request.output_schema))
        return {"size": 12}

    started = engine.start("enrich", {})
    assert finished(engine, started).state == "merged"
    assert seen == [("run", company), ("solo", company)]
