"""The path an instance took, as a diagram highlight: the states it entered and the transitions it took — its
own, and those of the parallel branches and map items it ran, each a child instance with a history of its own.
(A subflow, or a map's items run as subflows, runs another workflow, drawn in a diagram of its own.)"""

from __future__ import annotations

from engine.definition import Workflow
from engine.render import BranchRun, Highlight, TransitionStep
from engine.render.scopes import SEPARATOR
from engine.runtime.engine import Engine
from engine.runtime.queries import load_trail
from engine.runtime.snapshot import AUTO
from engine.runtime.views import InstanceView, TrailStep
from storage.transaction import Transaction

__all__ = ["branch_scope", "instance_highlight"]

_PAGE = 1000


def instance_highlight(engine: Engine, workflow: Workflow, instance_id: str) -> Highlight:
    """Read from the instance's history and its branches' and items' (raises InstanceNotFound for an unknown
    id)."""
    children = _branch_children(engine, instance_id)

    def read(tx: Transaction) -> tuple[list[TrailStep], list[list[TrailStep]]]:
        return load_trail(tx, instance_id), [load_trail(tx, child.id) for child in children]

    own, trails = engine.runtime.read(read)
    runs = [BranchRun(branch_scope(child.branch), tuple(step.to_state for step in trail), tuple(_steps(trail)),
                      item="#" in child.branch.rpartition("/")[2])
            for child, trail in zip(children, trails, strict=True)]
    return Highlight.of_history(workflow, _steps(own), runs)


def _steps(trail: list[TrailStep]) -> list[TransitionStep]:
    return [(entry.from_state, None if entry.event == AUTO else entry.event, entry.to_state)
            for entry in trail if entry.from_state is not None and entry.from_state != entry.to_state]


def branch_scope(branch: str) -> str:
    """The drawn machine a child instance runs in, from its `branch`: 'enrich.crm' (branch `crm` of the parallel
    state `enrich`) is 'enrich/crm'; 'score.iterator#3' (item 3 of the map `score`) is 'score/iterator'; nested,
    'enrich.crm/score.iterator#0' is 'enrich/crm/score/iterator'."""
    parts = []
    for part in branch.split("/"):
        state, _, name = part.partition("#")[0].partition(".")
        parts += [state, name]
    return SEPARATOR.join(parts)


def _branch_children(engine: Engine, root: str) -> list[InstanceView]:
    """Every descendant of `root` that runs inside its workflow's drawing (a parallel branch, a map item), not
    the subflows: those run other workflows."""
    found: list[InstanceView] = []
    pending = [root]
    while pending:
        parent = pending.pop()
        offset = 0
        while True:
            page = engine.list_instances(parent_id=parent, limit=_PAGE, offset=offset)
            inside = [child for child in page if child.branch]
            found += inside
            pending += [child.id for child in inside]
            if len(page) < _PAGE:
                break
            offset += _PAGE
    return found
