"""The path an instance took, as a diagram highlight: the states it entered and the transitions it took — its
own, and those of the parallel branches and map items it ran, each a child instance with a history of its own.
(A subflow, or a map's items run as subflows, runs another workflow, drawn in a diagram of its own.)"""

from __future__ import annotations

from engine.definition import Workflow
from engine.render import BranchRun, Highlight, TransitionStep
from engine.render.scopes import SEPARATOR
from engine.runtime.engine import Engine
from engine.runtime.queries import load_instance
from engine.runtime.snapshot import AUTO
from storage.history import BranchStep, HistoryStore, Step
from storage.transaction import Transaction

__all__ = ["branch_scope", "instance_highlight"]


def instance_highlight(engine: Engine, workflow: Workflow, instance_id: str) -> Highlight:
    """Read from the instance's history and its branches' and items' (raises InstanceNotFound for an unknown
    id): each distinct transition once, however long the histories, and the branches' and items' in one
    statement however many there are."""

    def read(tx: Transaction) -> tuple[list[Step], list[BranchStep]]:
        load_instance(tx, instance_id)
        history = HistoryStore(tx)
        return history.distinct_steps(instance_id), history.branch_steps(instance_id)

    own, descendants = engine.runtime.read(read)
    return Highlight.of_history(workflow, _transitions(own), _runs(descendants))


def _runs(descendants: list[BranchStep]) -> list[BranchRun]:
    """One run per descendant: the states it was in (its first included) and its transitions."""
    steps: dict[str, tuple[str, list[Step]]] = {}
    for child, branch, source, event, dest in descendants:
        found = steps.setdefault(child, (branch, []))[1]
        if event is not None and dest is not None:
            found.append((source, event, dest))
    return [BranchRun(branch_scope(branch), tuple(dest for _, _, dest in found), tuple(_transitions(found)),
                      item="#" in branch.rpartition("/")[2])
            for branch, found in steps.values()]


def _transitions(steps: list[Step]) -> list[TransitionStep]:
    """The steps that moved from one state to another: not the entry of the first state, nor a self-loop."""
    return [(source, None if event == AUTO else event, dest)
            for source, event, dest in steps if source is not None and source != dest]


def branch_scope(branch: str) -> str:
    """The drawn machine a child instance runs in, from its `branch`: 'enrich.crm' (branch `crm` of the parallel
    state `enrich`) is 'enrich/crm'; 'score.iterator#3' (item 3 of the map `score`) is 'score/iterator'; nested,
    'enrich.crm/score.iterator#0' is 'enrich/crm/score/iterator'."""
    parts = []
    for part in branch.split("/"):
        state, _, name = part.partition("#")[0].partition(".")
        parts += [state, name]
    return SEPARATOR.join(parts)
