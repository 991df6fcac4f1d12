"""A migration's plans grouped and paged, purely: the groups the CLI and the designer show, and the pages the API
lists (engine/runtime/migration_groups.py)."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.runtime.migration_groups import PROBLEMS_SHOWN, WorkCount, group_plans, page_of
from engine.runtime.migration_plan import InstancePlan, PendingWork


def _plan(instance_id: str, state: str = "review", *, problems: tuple[str, ...] = (), refused: str | None = None,
          notes: tuple[str, ...] = (), work: tuple[str, ...] = ()) -> InstancePlan:
    pending = tuple(PendingWork(kind, "…", "cancelled") for kind in work)
    return InstancePlan(instance_id, "acme", "running", 3, state, state, "kept", "entered", problems, pending,
                        refused, notes)


def test_plans_done_alike_are_one_group_counting_their_work_problems_and_notes() -> None:
    note = "'review' is entered afresh in version 2: an approval opens"
    refusal = "its context does not fit the schema of version 2"
    plans = [_plan("c", work=("timer", "approval"), notes=(note,)), _plan("a", work=("timer",), notes=(note,)),
             _plan("b", refused=refusal, problems=("/go: 'x'",)), _plan("d", "hold"),
             *(_plan(f"e{n:02d}", refused=refusal, problems=(f"/n: {n}",)) for n in range(PROBLEMS_SHOWN + 2))]

    refused, review, hold = group_plans(plans)  # the largest first

    assert (review.instances, review.example, review.notes, review.context_invalid) == (2, "a", (note,), 0)
    assert review.work == (WorkCount("timer", "cancelled", 2), WorkCount("approval", "cancelled", 1))
    assert (refused.refused, refused.instances, refused.context_invalid, refused.example) == (
        refusal, PROBLEMS_SHOWN + 3, PROBLEMS_SHOWN + 3, "b")
    assert refused.context_problems == ("/go: 'x'", *(f"/n: {n}" for n in range(PROBLEMS_SHOWN - 1)))
    assert (hold.state, hold.instances, hold.work) == ("hold", 1, ())
    assert sum(g.instances for g in (review, refused, hold)) == len(plans)


def test_pages_follow_the_instance_ids_from_the_cursor_on() -> None:
    plans = [_plan(i, "hold" if i in {"b", "e"} else "review") for i in ("d", "b", "a", "e", "c")]
    first = page_of(plans, limit=2)
    assert ([p.instance_id for p in first.plans], first.next) == (["a", "b"], "b")
    rest = page_of(plans, limit=3, after=first.next)
    assert ([p.instance_id for p in rest.plans], rest.next) == (["c", "d", "e"], None)
    held = page_of(plans, limit=1, state="hold")
    assert ([p.instance_id for p in held.plans], held.next) == (["b"], "b")
    assert [p.instance_id for p in page_of(plans, limit=5, after="b", state="hold").plans] == ["e"]


def test_a_bad_page_size_is_refused() -> None:
    with pytest.raises(InvalidInput, match="limit: 0 is not a page size"):
        page_of([_plan("a")], limit=0)


def test_a_walk_goes_on_after_the_instance_it_stopped_at_has_left_the_list() -> None:
    """The instance a page ended on may end or move before the next page is asked for: the next page starts
    after its place in the order all the same, and nothing is listed twice or skipped."""
    plans = [_plan(i) for i in ("a", "c", "d", "f")]
    assert [p.instance_id for p in page_of(plans, limit=2, after="b").plans] == ["c", "d"]
    assert page_of(plans, limit=2, after="zz").plans == ()
