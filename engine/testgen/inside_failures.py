"""Making a parallel or map state end with `error` in a generated test: tasks inside it whose stubs fail.

A branch (or a map item) ends in failure when a task it is known to reach fails and what its `error` leads to
ends in a failure final — or no transition takes that error, and the child fails at once. A parallel state fails
once fewer branches can succeed than its join needs; a map once more of its items failed than it tolerates. The
failure is scoped to the child branch the task runs in (`outer.pay`, `each.iterator`): a state of the same id
at the top of the flow or in another branch keeps its stub answers. And it fails exactly as many calls as the
state needs — one per failing branch, one more than tolerated for a map — so none is left for a later visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.definition import MapState, ParallelState, TaskState
from engine.testgen.child_runs import route_from
from engine.testgen.inner_waits import item_count

__all__ = ["FAILURE_KIND", "FailingTask", "InsideFailure", "inside_failure"]

FAILURE_KIND = "error"  # the kind of the failure the stub answers with (not retried)


@dataclass(frozen=True)
class FailingTask:
    """The task `task` in the child branch `branch` (as the engine names it, a map item's without its index),
    whose first `count` calls fail; `dest` is where its error leads (None: nothing takes it, the child fails)."""

    branch: str
    task: str
    count: int
    dest: str | None

    @property
    def key(self) -> str:
        """The key of its stub answers in a generated test (`outer.pay:charge`)."""
        return f"{self.branch}:{self.task}"


@dataclass(frozen=True)
class InsideFailure:
    """The tasks to fail inside a parallel or map state, and the kind of the state's error that follows."""

    tasks: tuple[FailingTask, ...]
    error_kind: str  # `join` for a parallel state, `map_failed` for a map

    def describe(self, state_id: str) -> str:
        """What the failure does, in words (`charge fails in branch outer.pay, so outer's join cannot be met`)."""
        if self.error_kind == "map_failed":
            (task,) = self.tasks
            items = f"{task.count} item{'s' if task.count != 1 else ''}"
            return (f"{task.task} fails in {items} of {state_id} ({task.branch}), more than the {task.count - 1} "
                    f"it tolerates, so {state_id} ends with error")
        failing = " and ".join(f"{t.task} fails in branch {t.branch}" for t in self.tasks)
        return f"{failing}, so {state_id}'s join cannot be met and it ends with error"


def inside_failure(state_id: str, state: Any, context: dict[str, Any]) -> InsideFailure | str:
    """The tasks to fail so that `state` (entered with `context`) ends with `error`, or why none can."""
    if isinstance(state, ParallelState):
        return _parallel(state_id, state)
    if isinstance(state, MapState):
        return _map(state_id, state, context)
    return f"{state_id} is not a parallel or map state"


def _parallel(state_id: str, state: ParallelState) -> InsideFailure | str:
    total = len(state.branches)
    needed = {"all": total, "any": 1}.get(state.join.mode, state.join.quorum or total)
    to_fail = total - needed + 1
    found = []
    for branch in state.branches:
        failing = _failing_task(branch)
        if failing is not None:
            found.append(FailingTask(f"{state_id}.{branch.name}", failing[0], 1, failing[1]))
    if len(found) < to_fail:
        which = "no branch" if not found else f"only {len(found)} of the {to_fail} branches its join needs to fail"
        return (f"{which} of {state_id} has a task known to be reached whose failure ends the branch in a failure "
                f"state (a branch that catches its tasks' errors and succeeds cannot make the join fail)")
    return InsideFailure(tuple(found[:to_fail]), "join")


def _map(state_id: str, state: MapState, context: dict[str, Any]) -> InsideFailure | str:
    if state.iterator is None:
        return (f"the items of {state_id} run the subflow '{state.workflow}', whose stub testgen does not fail for "
                "one map alone")
    failing = _failing_task(state.iterator)
    if failing is None:
        return (f"{state_id}'s iterator has no task known to be reached whose failure ends the item in a failure "
                "state")
    count = item_count(state, context)
    if count == 0:
        return f"{state_id} runs no item on the test data"
    needed = state.tolerated(count) + 1
    if needed > count:
        return f"{state_id} tolerates all {count} of its items failing on the test data"
    return InsideFailure((FailingTask(f"{state_id}.iterator", failing[0], needed, failing[1]),), "map_failed")


def _failing_task(machine: Any) -> tuple[str, str | None] | None:
    """The first task the children of `machine` are known to reach whose failure ends them in failure, with where
    its error leads (None: nothing takes it)."""
    _, reached = route_from(machine, machine.initial, timeouts=False)
    for sid in reached:
        if not isinstance(machine.states[sid], TaskState):
            continue
        told, caught = _error_dest(machine, sid)
        if told and (caught is None or route_from(machine, caught, timeouts=False)[0] == "failure"):
            return sid, caught
    return None


def _error_dest(machine: Any, sid: str) -> tuple[bool, str | None]:
    """Whether it can be told where a failure of kind FAILURE_KIND of the task `sid` leads (not when a guard
    would decide), and where: the first `error` transition by priority that takes it (None: none does, and the
    child fails)."""
    leaving = sorted((t for t in machine.transitions if sid in t.sources(list(machine.states))
                      and t.trigger == "error"), key=lambda t: -t.priority)
    for transition in leaving:
        if transition.catches is not None and FAILURE_KIND not in transition.catches:
            continue
        return transition.guard is None, str(transition.dest)
    return True, None
