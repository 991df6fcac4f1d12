"""Map states: one child per item, at most `max_concurrency` running, results in item order, tolerated
failures, `map_failed` beyond them, cancelling, an empty list, a list too long, and a subflow per item."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.definition.map_state import MAX_MAP_ITEMS
from engine.errors import TransitionNotAllowed
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.caller_events import caller_events
from engine.runtime.child_jobs import resume_parent
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


def _mapping(**options: Any) -> Any:
    iterator = {"initial": "work",
                "states": {"work": task("score", input={"lead": "item", "at": "index"}, output="score"),
                           "ok": final(result={"score": "score"}), "bad": final("failure")},
                "transitions": [edge("work", "ok", "done"), edge("work", "bad", "error")]}
    body = options.pop("body", {"iterator": iterator})
    return workflow(
        {"each": {"type": "map", "items": "leads", "output": "scores", **body, **options},
         "done": final(), "failed": final("failure")},
        [edge("each", "done", "done"), edge("each", "failed", "error")],
        id="squad",
    )


def _scorer(engine: Engine, failing: frozenset[str] = frozenset()) -> None:
    @engine.register("score")
    def score(request: ActionRequest) -> int:
        if request.input["lead"] in failing:
            raise ActionError("validation", f"cannot score {request.input['lead']}")
        return len(request.input["lead"])


def _items(engine: Engine, parent_id: str, status: str | None = None) -> list[Any]:
    found = engine.list_instances(parent_id=parent_id, limit=500)
    return [c for c in found if status is None or c.status == status]


LEADS = ["ann", "bob", "carla", "dimitri", "eve"]


def test_results_come_in_item_order_and_no_more_than_max_concurrency_run(engine: Engine,
                                                                         clock: ManualClock) -> None:
    # each item waits (5 - index) seconds first, so of the items running together the later one ends first
    waiting = {"initial": "pause",
               "states": {"pause": {"type": "wait",
                                    "deadline": "string(timestamp(now) + duration(string(5 - index) + 's'))"},
                          "work": task("score", input={"lead": "item"}, output="score"),
                          "ok": final(result={"score": "score", "at": "index"})},
               "transitions": [edge("pause", "work", "done"), edge("work", "ok", "done")]}
    engine.deploy(_mapping(max_concurrency=2, body={"iterator": waiting}))
    _scorer(engine)
    parent = engine.start("squad", {"leads": LEADS})
    running_at_once, ended_order = [], []
    while not engine.get(parent.id).ended:
        running_at_once.append(len(_items(engine, parent.id, "running")))
        clock.advance(1)
        engine.run_until_idle()
        ended_order += [c.branch for c in _items(engine, parent.id, "succeeded") if c.branch not in ended_order]
    assert max(running_at_once) == 2
    assert ended_order[:2] == ["each.iterator#1", "each.iterator#0"]
    done = engine.get(parent.id)
    assert done.state == "done"
    assert done.context["scores"] == [{"score": len(lead), "at": i} for i, lead in enumerate(LEADS)]
    assert [(c.context["item"], c.context["index"]) for c in sorted(_items(engine, parent.id),
                                                                    key=lambda c: c.branch)] == list(
        zip(LEADS, range(5), strict=True))
    assert_consistent(engine, parent.id)


def test_each_item_end_is_a_step_of_the_parent_with_its_progress(engine: Engine) -> None:
    engine.deploy(_mapping(max_concurrency=1))
    _scorer(engine)
    done = finished(engine, engine.start("squad", {"leads": LEADS[:3]}))
    progress = [h.payload for h in engine.history(done.id) if h.event == "(item)"]
    assert [(p["index"], p["done"], p["total"], p["running"]) for p in progress] == [
        (0, 1, 3, 1), (1, 2, 3, 1), (2, 3, 3, 0)]  # the last item's end too, just before the map's `done`
    assert all(h.to_state == "each" for h in engine.history(done.id) if h.event == "(item)")
    assert [h.event for h in engine.history(done.id)][-2:] == ["(item)", "done"]
    assert done.context["scores"] == [{"score": 3}, {"score": 3}, {"score": 5}]


def _end_together(engine: Engine, parent_id: str) -> dict[int, str]:
    """Run the items' actions in one batch — one transaction ends them all (a group commit); their ends are
    queued, not yet heard by the parent. Item index -> child id."""
    worker = engine.worker()
    worker.execute(worker.claim(limit=10))
    return {int(c.branch.rpartition("#")[2]): c.id for c in _items(engine, parent_id) if c.status != "running"}


def _heard_in_order(engine: Engine, items: dict[int, str], order: list[int]) -> None:
    worker = engine.worker()
    ends = {c.job.payload["child_id"]: c for c in worker.claim(limit=10) if c.job.kind == "child_done"}
    for index in order:
        worker.execute([ends[items[index]]])


def _progress(engine: Engine, instance_id: str) -> list[tuple[int, int, int, int]]:
    return [(h.payload["index"], h.payload["done"], h.payload["failed"], h.payload["running"])
            for h in engine.history(instance_id) if h.event == "(item)"]


def test_items_ending_together_are_counted_as_of_each_ones_end(engine: Engine) -> None:
    """Two items end in one transaction: the first row the parent writes counts one done (the other still
    running then), the second two — not both two, read from the items' statuses after both ended."""
    engine.deploy(_mapping(max_concurrency=2))
    _scorer(engine)
    parent = engine.start("squad", {"leads": LEADS[:3]})
    items = _end_together(engine, parent.id)
    assert sorted(items) == [0, 1]
    _heard_in_order(engine, items, [1, 0])
    assert _progress(engine, parent.id) == [(1, 1, 0, 2), (0, 2, 0, 1)]  # item 2 started at the first
    done = finished(engine, parent)
    assert done.context["scores"] == [{"score": 3}, {"score": 3}, {"score": 5}]
    assert_consistent(engine, parent.id)


@pytest.mark.parametrize(("order", "progress"), [
    ([0, 2, 1], [(0, 1, 0, 3), (2, 2, 0, 2), (1, 2, 1, 1)]),  # the failure heard last
    ([1, 0, 2], [(1, 0, 1, 3), (0, 1, 1, 2), (2, 2, 1, 1)]),  # first
])
def test_failures_ending_together_with_successes_are_counted_as_of_each_end(
        engine: Engine, order: list[int], progress: list[tuple[int, int, int, int]]) -> None:
    """Items 0 and 2 succeed and item 1 fails (tolerated) in one transaction; whichever order the parent hears
    them in, each row counts the ends heard so far, and the rest as running."""
    engine.deploy(_mapping(max_concurrency=3, tolerated_failures=1))
    _scorer(engine, failing=frozenset({"bob"}))
    parent = engine.start("squad", {"leads": LEADS[:4]})
    items = _end_together(engine, parent.id)
    assert sorted(items) == [0, 1, 2]
    _heard_in_order(engine, items, order)
    assert _progress(engine, parent.id) == progress  # item 3 started at the first
    done = finished(engine, parent)
    assert done.context["scores"] == [{"score": 3}, None, {"score": 5}, {"score": 7}]
    assert_consistent(engine, parent.id)


def test_tolerated_failures_leave_null_results_and_the_map_succeeds(engine: Engine) -> None:
    engine.deploy(_mapping(tolerated_failures=1))
    _scorer(engine, failing=frozenset({"bob"}))
    done = finished(engine, engine.start("squad", {"leads": LEADS}))
    assert done.state == "done"
    assert done.context["scores"][1] is None
    assert done.context["scores"][2] == {"score": 5}


def test_failures_beyond_the_tolerance_take_the_error_path_naming_the_items(engine: Engine) -> None:
    engine.deploy(_mapping(tolerated_failure_percentage=20, max_concurrency=5))
    _scorer(engine, failing=frozenset({"bob", "eve"}))
    done = finished(engine, engine.start("squad", {"leads": LEADS}))
    assert done.state == "failed"
    error = next(h for h in engine.history(done.id) if h.event == "error").payload
    assert error["kind"] == "map_failed"
    assert error["failed"] == [1, 4]
    assert "1 tolerated" in error["message"]
    assert not _items(engine, done.id, "running")


def test_exceeding_the_tolerance_cancels_the_items_still_running(engine: Engine) -> None:
    engine.deploy(_mapping(max_concurrency=3))
    _scorer(engine, failing=frozenset({"ann"}))
    parent = engine.start("squad", {"leads": LEADS})
    first = next(c for c in _items(engine, parent.id) if c.branch.endswith("#0"))
    worker = engine.worker()
    worker.execute([c for c in worker.claim(limit=100) if c.job.instance_id == first.id])
    worker.execute([c for c in worker.claim(limit=100) if c.job.kind == "child_done"])
    assert engine.get(parent.id).state == "failed"
    statuses = sorted(c.status for c in _items(engine, parent.id))
    assert statuses == ["cancelled", "cancelled", "failed"]  # items 3 and 4 never started


def test_an_empty_list_completes_at_once_with_no_results(engine: Engine) -> None:
    engine.deploy(_mapping())
    done = engine.start("squad", {"leads": []})
    assert (done.state, done.context["scores"]) == ("done", [])
    assert _items(engine, done.id) == []


@pytest.mark.parametrize(("leads", "kind"), [("not a list", "map_items"),
                                             (list(range(MAX_MAP_ITEMS + 1)), "map_too_large")])
def test_a_list_that_is_no_list_or_too_long_takes_the_error_path(engine: Engine, leads: Any, kind: str) -> None:
    engine.deploy(_mapping())
    done = engine.start("squad", {"leads": leads})
    assert done.state == "failed"
    assert engine.history(done.id)[-1].payload["kind"] == kind
    assert _items(engine, done.id) == []


@pytest.mark.parametrize(("leads", "named"), [("abc", "a string"), ({"a": 1}, "an object"), (None, "null"),
                                              (3, "a number"), (True, "a boolean")])
def test_a_list_that_is_no_list_is_named_by_its_json_type(engine: Engine, leads: Any, named: str) -> None:
    engine.deploy(_mapping())
    done = engine.start("squad", {"leads": leads})
    assert engine.history(done.id)[-1].payload["message"] == f"'leads' gave {named}, not a list"


def test_cancelling_the_parent_cancels_its_running_items(engine: Engine) -> None:
    engine.deploy(_mapping(max_concurrency=2))
    _scorer(engine)
    parent = engine.start("squad", {"leads": LEADS})
    engine.cancel(parent.id)
    assert sorted(c.status for c in _items(engine, parent.id)) == ["cancelled", "cancelled"]
    engine.run_until_idle()
    assert len(_items(engine, parent.id)) == 2  # no further item started


def test_a_map_over_a_subflow_runs_the_workflow_per_item(engine: Engine) -> None:
    engine.deploy(workflow({"score": task("score", input={"lead": "name"}, output="score"),
                            "ok": final(result={"score": "score"})}, [edge("score", "ok", "done")], id="scoring"))
    engine.deploy(_mapping(body={"workflow": "scoring", "input": {"name": "item + '@' + string(index)"}}))
    _scorer(engine)
    done = finished(engine, engine.start("squad", {"leads": ["ann", "bob"]}))
    assert done.context["scores"] == [{"score": 5}, {"score": 5}]
    assert {c.workflow_id for c in _items(engine, done.id)} == {"scoring"}


def test_an_items_end_heard_twice_starts_no_item_twice(engine: Engine) -> None:
    """A child_done delivered again (a worker that died before its lease ended) finds the items already
    started: the map starts nothing twice and still finishes with every result once."""
    engine.deploy(_mapping(max_concurrency=1))
    _scorer(engine)
    parent = engine.start("squad", {"leads": LEADS[:3]})
    worker = engine.worker()
    worker.execute(worker.claim(limit=10))  # item 0's action: it ends, its child_done is queued
    first = next(c for c in _items(engine, parent.id) if c.branch.endswith("#0"))
    assert first.status == "succeeded"
    for _ in range(2):  # the same end, heard twice
        engine.runtime.write(lambda tx: resume_parent(engine.runtime, tx, first.id))
    assert sorted(c.branch for c in _items(engine, parent.id)) == ["each.iterator#0", "each.iterator#1"]
    done = finished(engine, parent)
    assert done.context["scores"] == [{"score": 3}, {"score": 3}, {"score": 5}]
    assert len(_items(engine, parent.id)) == 3


def test_the_results_may_go_to_a_nested_path(engine: Engine) -> None:
    engine.deploy(_mapping(output="enrichment.scores"))
    _scorer(engine)
    done = finished(engine, engine.start("squad", {"leads": ["ann", "bob"], "enrichment": {"source": "crm"}}))
    assert done.context["enrichment"] == {"source": "crm", "scores": [{"score": 3}, {"score": 3}]}


def test_a_failed_map_redriven_runs_its_failed_items_again_and_carries_the_others(engine: Engine) -> None:
    """Without an error path a map beyond its tolerance fails the instance in the map; once the cause is fixed,
    a redrive enters the map again: the items that succeeded are carried over — their results kept, their actions
    not run again (a thousand model calls are not paid twice for three failures) — and the failed one runs."""
    flow = _mapping()
    engine.deploy(flow.model_copy(update={"transitions": flow.transitions[:1]}))  # no error transition
    failing = {"bob"}
    scored: list[str] = []

    @engine.register("score")
    def score(request: ActionRequest) -> int:
        scored.append(request.input["lead"])
        if request.input["lead"] in failing:
            raise ActionError("validation", "cannot score")
        return len(request.input["lead"])

    failed = finished(engine, engine.start("squad", {"leads": ["ann", "bob", "carla"]}))
    assert (failed.state, failed.status, failed.error["kind"]) == ("each", "failed", "unhandled")
    first_visit = {c.branch: c.id for c in _items(engine, failed.id)}
    failing.clear()
    scored.clear()
    engine.redrive(failed.id)
    done = finished(engine, failed)
    assert (done.state, done.context["scores"]) == ("done", [{"score": 3}, {"score": 3}, {"score": 5}])
    assert scored == ["bob"]
    second_visit = [c for c in _items(engine, done.id) if c.id not in first_visit.values()]
    assert len(second_visit) == 3
    for carried in (c for c in second_visit if c.branch != "each.iterator#1"):
        (row,) = engine.history(carried.id)
        earlier = first_visit[carried.branch]
        assert (row.event, row.to_state, row.payload["carried_from"]) == ("(carried)", "ok", earlier)
        assert engine.get(carried.id).result == engine.get(earlier).result
    assert_consistent(engine, done.id)


def test_a_redrive_that_corrects_the_list_runs_again_each_item_whose_value_changed(engine: Engine) -> None:
    """`redrive --set leads=…` after a bad item: an item is carried over only if it would start with the same
    input — the one now at index 0 is another lead, and runs, instead of index 0's old result standing for it;
    a later redrive carries over what the first redrive carried."""
    flow = _mapping()
    engine.deploy(flow.model_copy(update={"transitions": flow.transitions[:1]}))
    failing = {"bob", "zed"}
    scored: list[str] = []

    @engine.register("score")
    def score(request: ActionRequest) -> int:
        scored.append(request.input["lead"])
        if request.input["lead"] in failing:
            raise ActionError("validation", "cannot score")
        return len(request.input["lead"])

    failed = finished(engine, engine.start("squad", {"leads": ["ann", "bob", "carla"]}))
    scored.clear()
    engine.redrive(failed.id, fixes={"leads": ["dimitri", "zed", "carla"]})  # 0 changed, 1 still bad, 2 kept
    again = finished(engine, failed)
    assert again.status == "failed"
    assert sorted(scored) == ["dimitri", "zed"]
    failing.clear()
    scored.clear()
    engine.redrive(again.id)
    done = finished(engine, again)
    assert done.context["scores"] == [{"score": 7}, {"score": 3}, {"score": 5}]
    assert scored == ["zed"]
    assert_consistent(engine, done.id)


def test_a_redrive_runs_the_items_never_started_and_carries_over_in_another_process(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A map that failed early left items it never started: the redrive starts them, one batch at a time, and
    carries over the successes of the failed visit — also in a process that never saw the visit (its caches
    empty)."""
    from engine.runtime import map_progress, writer  # noqa: PLC0415 - their per-process caches are emptied

    flow = _mapping(max_concurrency=2)
    engine.deploy(flow.model_copy(update={"transitions": flow.transitions[:1]}))
    failing = {"bob"}
    scored: list[str] = []

    @engine.register("score")
    def score(request: ActionRequest) -> int:
        scored.append(request.input["lead"])
        monkeypatch.setattr(map_progress, "_LISTS", {})
        monkeypatch.setattr(writer, "_SUCCEEDED_ITEMS", {})
        if request.input["lead"] in failing:
            raise ActionError("validation", "cannot score")
        return len(request.input["lead"])

    failed = finished(engine, engine.start("squad", {"leads": LEADS}))
    assert failed.status == "failed"
    ran_before = list(scored)
    assert "eve" not in ran_before  # the map failed before it started the last item
    failing.clear()
    scored.clear()
    engine.redrive(failed.id)
    done = finished(engine, failed)
    assert done.context["scores"] == [{"score": len(lead)} for lead in LEADS]
    succeeded_before = [lead for lead in ran_before if lead != "bob"]
    assert sorted(scored) == sorted(lead for lead in LEADS if lead not in succeeded_before)
    assert_consistent(engine, done.id)



@pytest.mark.parametrize(("items", "context", "scored"), [
    ("batch.leads", {"batch": {"leads": LEADS}}, LEADS),  # a nested path, read straight from the context
    ("context.leads", {"leads": LEADS}, LEADS),
    ("leads.filter(l, size(l) > 3)", {"leads": LEADS}, ["carla", "dimitri"]),  # computed: through CEL
])
def test_the_list_may_be_a_nested_path_or_computed(engine: Engine, items: str, context: dict[str, Any],
                                                   scored: list[str]) -> None:
    engine.deploy(_mapping(items=items, max_concurrency=2))
    _scorer(engine)
    done = finished(engine, engine.start("squad", context))
    assert done.context["scores"] == [{"score": len(lead)} for lead in scored]


def test_migrating_a_map_in_progress_is_refused_and_says_why(engine: Engine) -> None:
    """Carried (the same map in the new version) or entered afresh (its iterator changed), the running items keep
    the instance where it is, and the reason speaks of items and of the iterator, counted in good English."""
    engine.deploy(_mapping(max_concurrency=2))
    parent = engine.start("squad", {"leads": LEADS})
    same = _mapping(max_concurrency=2).model_dump(mode="json", by_alias=True, exclude_none=True)
    engine.deploy({**same, "version": 2})
    changed = {**same, "version": 3}
    changed["states"]["each"]["iterator"]["states"]["work"]["action"] = "rescore"
    engine.deploy(changed)
    assert engine.migration_preview("squad", 1, 2).plans[0].refused == (
        "the map 'each' is in progress (2 items running); migrate it after the map")
    refused = engine.migration_preview("squad", 1, 3).plans[0].refused
    assert refused is not None
    assert refused.startswith("2 items run for 'each', which does not line up with the new version's 'each' "
                              "(its iterator or workflow changed)")
    assert engine.get(parent.id).workflow_version == 1


def test_a_caller_cannot_end_a_running_map_by_sending_its_done(engine: Engine) -> None:
    """'done' and 'error' leave a map when its items end; sent by a caller, they are refused and the map runs on."""
    engine.deploy(_mapping())
    _scorer(engine)
    parent = engine.start("squad", {"leads": LEADS})
    for event in ("done", "error"):
        with pytest.raises(TransitionNotAllowed, match="runtime fires this event itself"):
            engine.send(parent.id, event)
    assert (engine.get(parent.id).state, engine.get(parent.id).version) == ("each", parent.version)
    assert caller_events(_mapping(), "each", "running") == []
    engine.run_until_idle()
    assert engine.get(parent.id).context["scores"] == [{"score": len(lead)} for lead in LEADS]


def test_every_batch_reads_the_list_and_inputs_at_the_time_the_map_was_entered(engine: Engine,
                                                                               clock: ManualClock) -> None:
    """A list over `now` ('the leads due by now') must not move on while the map runs: each batch used to read
    `items` again at its own time, so a map whose first item took past a moment ran items 1, 8 and 9."""
    engine.deploy(_mapping(items="timestamp(now) > timestamp('2030-01-15T13:00:00Z') ? ['xx', 'yy', 'zz'] : leads",
                           max_concurrency=1, input={"item": "item", "index": "index", "asked_at": "now"}))
    seen: list[tuple[str, str]] = []

    @engine.register("score")
    def score(request: ActionRequest) -> int:
        seen.append((request.input["lead"], engine.get(request.instance_id).context["asked_at"]))
        clock.advance(7200)  # each item takes two hours: the moment passes during the first
        return len(request.input["lead"])

    parent = engine.start("squad", {"leads": ["ann", "bob", "carla"]})
    engine.run_until_idle()
    done = engine.get(parent.id)
    assert done.state == "done"
    assert [lead for lead, _ in seen] == ["ann", "bob", "carla"]
    assert {asked for _, asked in seen} == {"2030-01-15T12:00:00Z"}
    assert done.context["scores"] == [{"score": 3}, {"score": 3}, {"score": 5}]
    assert_consistent(engine, parent.id)


def test_a_computed_list_is_read_once_per_visit_not_at_every_items_end(engine: Engine,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`items` as an expression (`leads.filter(…)`) converts the whole list each time it is read: read at every
    item's end, a map of 500 objects took 10 s of CPU instead of 1 s. The list is read on entering the map and
    once more, at the first item's end, by the process that runs the rest."""
    from engine.runtime import decide, entering, map_progress  # noqa: PLC0415 - the modules whose reads are counted

    reads: list[str] = []
    for module in (decide, entering, map_progress):
        def counted(state: Any, scope: dict[str, Any], *, read: Any = module.map_items) -> list[Any]:
            reads.append(state.items)
            return read(state, scope)  # type: ignore[no-any-return]

        monkeypatch.setattr(module, "map_items", counted)
    engine.deploy(_mapping(items="leads.filter(lead, size(lead) > 0)", max_concurrency=2))
    _scorer(engine)
    leads = [f"lead {n}" for n in range(20)]
    parent = engine.start("squad", {"leads": leads})
    engine.run_until_idle()
    done = engine.get(parent.id)
    assert done.state == "done"
    assert done.context["scores"] == [{"score": len(lead)} for lead in leads]
    assert len(reads) <= 2, reads


@pytest.mark.parametrize("same_process", [True, False], ids=["same process", "another process"])
def test_later_items_come_from_the_list_kept_on_entering_the_map(engine: Engine, same_process: bool,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A map over shared memory (`memory.global.batch`, filled by another flow) whose list changes while its first
    item runs must still run the list it entered with: re-reading it for each batch ran the new list's entries
    from index 1 on — one lead skipped, another scored twice. The list is kept on entering, so a process that
    never saw the entry (its cache empty) starts the later items from the same list."""
    from engine.runtime import map_progress  # noqa: PLC0415 - its per-process cache is emptied for the other process

    engine.deploy(_mapping(items="memory.global.batch", max_concurrency=1))
    engine.memory.set("batch", ["ann", "bob", "carla"])
    seen: list[str] = []

    @engine.register("score")
    def score(request: ActionRequest) -> int:
        seen.append(request.input["lead"])
        if len(seen) == 1:  # another flow replaces the batch while the first item runs
            engine.memory.set("batch", ["xavier", "yolanda", "zed", "walt"])
        if not same_process:
            monkeypatch.setattr(map_progress, "_LISTS", {})
        return len(request.input["lead"])

    parent = engine.start("squad", {})
    engine.run_until_idle()
    done = engine.get(parent.id)
    assert done.state == "done"
    assert seen == ["ann", "bob", "carla"]
    assert done.context["scores"] == [{"score": 3}, {"score": 3}, {"score": 5}]
    assert_consistent(engine, parent.id)
