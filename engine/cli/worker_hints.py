"""Which `statewright worker` command can carry an instance on, for the hints the commands print.

A plain `statewright worker --db URL` has the handlers of the shipped flows' actions (its default executor's)
and no others: told to run one for an action of your own, it claims the job and fails it with `unknown_action`.
So a hint names the handlers the command was given (`run --handlers app:register`: the worker needs the same),
and, when an action is none the shipped flows run and the command was given none, asks for yours —
`--handlers MODULE:FUNCTION` — saying why.
"""

from __future__ import annotations

import shlex
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from engine.definition import MapState, SubflowState, TaskState, Workflow

__all__ = ["PLACEHOLDER", "WorkerHint", "actions_of", "child_workflows", "remember_handler_options", "worker_command"]

PLACEHOLDER = "MODULE:FUNCTION"

# The handler options (`--handlers app:register`, `--executor llm`) each engine a command opened was given: what
# a worker beside it needs too. Weak: an engine closed and dropped is forgotten with it.
_GIVEN: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def remember_handler_options(engine: Any, handlers: str | None, executor: str | None) -> None:
    """Say that `engine` was opened with these `--handlers` or `--executor` (None: neither was given)."""
    if handlers is not None:
        _GIVEN[engine] = f"--handlers {shlex.quote(handlers)}"
    elif executor is not None:
        _GIVEN[engine] = f"--executor {shlex.quote(str(executor))}"


@cache
def shipped_actions() -> frozenset[str]:
    """The actions the shipped flows' tasks run (definitions/workflows): those a plain worker has handlers for."""
    from definitions import ROOT  # noqa: PLC0415 - read only when a hint names a worker
    from engine.validation.loader import load_catalog  # noqa: PLC0415

    return frozenset(action for workflow in load_catalog(ROOT)[0].workflows.values() for action in actions_of(workflow))


def actions_of(workflow: Workflow) -> list[str]:
    """Every action the workflow's tasks run, its branches' and map iterators' included, each once."""
    from engine.validation.graph import machines  # noqa: PLC0415

    found = (state.action for machine in machines(workflow) for state in machine.states.values()
             if isinstance(state, TaskState))
    return list(dict.fromkeys(found))


def child_workflows(workflow: Workflow) -> list[tuple[str, int | None]]:
    """The deployed workflows the workflow's subflow states and maps over a `workflow` start, as (id, version;
    None: the latest), each once: their actions are run by the same worker as the parent's."""
    from engine.validation.graph import machines  # noqa: PLC0415

    found = ((state.workflow, state.version) for machine in machines(workflow) for state in machine.states.values()
             if isinstance(state, SubflowState | MapState) and state.workflow is not None)
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class WorkerHint:
    """A worker command to name ('`statewright worker … --db DB`'), and what to add after the sentence naming it:
    why it asks for your handlers ('' when it does not)."""

    command: str
    note: str = ""


def worker_command(engine: Any, db: str, actions: Iterable[str]) -> WorkerHint:
    """The worker that can run `actions`: with `engine`'s own handler options when the command was given some,
    else with `--handlers MODULE:FUNCTION` when an action is none the shipped flows run — saying why."""
    given = _GIVEN.get(engine)
    if given is not None:
        return WorkerHint(f"`statewright worker {given} --db {db}`")
    own = [action for action in dict.fromkeys(actions) if action not in shipped_actions()]
    if not own:
        return WorkerHint(f"`statewright worker --db {db}`")
    named = " and ".join(f"'{action}'" for action in own)
    which = "is your own action" if len(own) == 1 else "are your own actions"
    return WorkerHint(f"`statewright worker --handlers {PLACEHOLDER} --db {db}`",
                      f" ({named} {which}: a worker without your handlers fails it with unknown_action; "
                      f"{PLACEHOLDER} names the function that registers them, as `run --handlers` takes it)")
