"""A parallel state's join keeps what each branch wrote at the paths it wrote: two branches filling
`enrichment.company` and `enrichment.person` both keep theirs (the join used to take the last branch's whole
`enrichment`, and lose the first's without a word). Where two branches wrote one path, the later branch wins."""

from __future__ import annotations

from typing import Any

from runtime_support import finished

from engine.runtime.engine import Engine
from engine.runtime.joins import BranchEnd, merged_changes


def _branch(name: str, action: str, output: str, assign: dict[str, str] | None = None) -> dict[str, Any]:
    done: dict[str, Any] = {"source": "t", "trigger": "done", "dest": "e"}
    if assign:
        done["assign"] = assign
    return {"name": name, "initial": "t",
            "states": {"t": {"type": "task", "action": action, "output": output}, "e": {"type": "final"},
                       "x": {"type": "final", "outcome": "failure"}},
            "transitions": [done, {"source": "t", "trigger": "error", "dest": "x"}]}


FLOW: dict[str, Any] = {
    "id": "enrich_paths", "title": "Enrich at paths", "initial": "enrich",
    "context": {"type": "object", "properties": {"enrichment": {"type": "object"}, "acc": {"type": "object"}}},
    "states": {
        "enrich": {"type": "parallel", "branches": [
            _branch("company", "lookup_company", "enrichment.company",
                    {"acc.company": "true", "acc.last": "'company'"}),
            _branch("person", "lookup_person", "enrichment.person",
                    {"acc.person": "true", "acc.last": "'person'"}),
        ]},
        "done": {"type": "final",
                 "result": {"company": "enrichment.company.name", "person": "enrichment.person.name"}},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "enrich", "trigger": "done", "dest": "done"},
                    {"source": "enrich", "trigger": "error", "dest": "failed"}],
}


def test_branches_writing_paths_in_one_object_both_keep_theirs(engine: Engine) -> None:
    engine.register("lookup_company", lambda _request: {"name": "Acme"})
    engine.register("lookup_person", lambda _request: {"name": "Ada"})
    engine.deploy(FLOW)
    run = engine.start("enrich_paths", {"enrichment": {"source": "form"}, "acc": {"started": True}})
    done = finished(engine, run)
    assert (done.status, done.result) == ("succeeded", {"company": "Acme", "person": "Ada"})
    assert done.context["enrichment"] == {"source": "form", "company": {"name": "Acme"}, "person": {"name": "Ada"}}
    # each branch's assigns kept too; the path both wrote holds the later branch's value
    assert done.context["acc"] == {"started": True, "company": True, "person": True, "last": "person"}


def _end(name: str, context: dict[str, Any], status: str = "succeeded") -> BranchEnd:
    return BranchEnd(name, name, status, context)


def test_the_merge_goes_as_deep_as_the_branches_wrote() -> None:
    base = {"a": {"x": 1, "keep": {"k": 0}}, "n": 1}
    ends = [_end("one", {"a": {"x": 1, "keep": {"k": 0, "one": 1}}, "n": 1}),
            _end("two", {"a": {"x": 2, "keep": {"k": 0, "two": 2}}, "n": 1}),
            _end("failed", {"a": {"x": 9}, "n": 9}, status="failed")]  # a branch that failed adds nothing
    assert merged_changes(base, ends) == {"a": {"x": 2, "keep": {"k": 0, "one": 1, "two": 2}}}


def test_a_value_that_is_not_an_object_is_taken_whole_by_the_later_branch() -> None:
    base = {"a": {"x": 1}}
    ends = [_end("one", {"a": {"x": 1, "y": 2}}), _end("two", {"a": [1, 2]}), _end("three", {"b": {"c": 1}})]
    assert merged_changes(base, ends) == {"a": [1, 2], "b": {"c": 1}}


def test_a_member_a_branch_removed_from_an_object_it_rewrote_is_removed() -> None:
    base = {"a": {"x": 1, "y": 2}}
    ends = [_end("one", {"a": {"x": 1}}), _end("two", {"a": {"x": 1, "y": 2, "z": 3}})]
    assert merged_changes(base, ends) == {"a": {"x": 1, "z": 3}}
