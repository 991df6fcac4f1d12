"""Names that must point at something: states, policies, subflows and agents; and no way out of a final state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from engine.definition import ANY_SOURCE, MapState, ParallelState, SubflowState, TaskState, Transition, Workflow
from engine.validation.catalog import Catalog
from engine.validation.checks._report import capitalised, error, nearest, transition_label, warning
from engine.validation.findings import Finding, pointer
from engine.validation.graph import Machine

__all__ = [
    "find_duplicate_branches",
    "find_duplicate_transition_ids",
    "find_exits_from_final",
    "find_unknown_agents",
    "find_unknown_policies",
    "find_unknown_states",
    "find_unknown_states_named_elsewhere",
    "find_unknown_subflows",
]


def _named_sources(transition: Transition) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Each state a transition names as its source, with the pointer tokens of that name ('*' names none)."""
    if transition.source == ANY_SOURCE:
        return
    if isinstance(transition.source, str):
        yield transition.source, ("source",)
    else:
        for j, source in enumerate(transition.source):
            yield source, ("source", j)


def _missing(machine: Machine, name: str) -> str:
    """Why `name` is no state of the machine, in words that leave out which branch or iterator it is: the way there
    that leads the finding (`said_where`) says that."""
    if name in machine.outside and machine.in_map:
        return (f"'{name}' is outside the iterator, and the iterator's transitions must stay inside it (the map "
                "state's own transitions lead on once its items are done)")
    if name in machine.outside:
        return (f"'{name}' is outside the branch, and a branch's transitions must stay inside it (the parallel "
                "state's own transitions lead on once the branches are done)")
    return f"'{name}' is not a state of {machine.called()}{_nearest(name, machine.states)}"


def _nearest(name: str, states: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the state named most like `name`, as `unknown-field` suggests; else nothing."""
    closest = nearest(name, states)
    return f" (did you mean '{closest}'?)" if closest else ""


def find_unknown_states(machine: Machine) -> list[Finding]:
    """The machine's initial state, and every transition's source and destination, must be its own states."""
    found: list[Finding] = []
    if machine.initial not in machine.states:
        message = f"The start state of {machine.called()} is missing: {_missing(machine, machine.initial)}."
        found.append(error("unknown-state", message, machine.field_pointer("initial")))
    for index, transition in enumerate(machine.transitions):
        label = capitalised(transition_label(transition, index))
        for source, tokens in _named_sources(transition):
            if source not in machine.states:
                message = f"{label} leaves from a state that does not exist: {_missing(machine, source)}."
                found.append(error("unknown-state", message, machine.transition_pointer(index, *tokens),
                                   transitions=(index,)))
        if transition.dest not in machine.states:
            message = f"{label} leads to a state that does not exist: {_missing(machine, transition.dest)}."
            found.append(error("unknown-state", message, machine.transition_pointer(index, "dest"),
                               transitions=(index,)))
    return found


def find_unknown_states_named_elsewhere(workflow: Workflow, all_machines: list[Machine]) -> list[Finding]:
    """Policies' `applies_at` and examples' `expect_state` name states too."""
    everywhere = {sid for machine in all_machines for sid in machine.states}
    found: list[Finding] = []
    for i, policy in enumerate(workflow.policies):
        for j, place in enumerate(policy.applies_at):
            if place != "start" and place not in everywhere:
                message = (f"Policy '{policy.id}' applies at '{place}', which is neither 'start' nor a state of "
                           "the workflow, so it would never be checked there.")
                found.append(error("unknown-state", message, pointer("policies", i, "applies_at", j)))
    for i, example in enumerate(workflow.examples):
        expected = example.expect_state
        if expected is not None and expected not in workflow.states:
            message = (f"Example '{example.name}' expects to end in '{expected}', which is not a state of the "
                       f"workflow{_nearest(expected, workflow.states)}.")
            found.append(error("unknown-state", message, pointer("examples", i, "expect_state")))
    return found


def find_duplicate_branches(machine: Machine) -> list[Finding]:
    """A parallel state's branches are told apart by name: a second branch of the same name would run, but its
    end would be taken for the first's, and what it wrote would be lost at the join."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, ParallelState):
            continue
        seen: set[str] = set()
        for index, branch in enumerate(state.branches):
            if branch.name in seen:
                message = (f"Parallel state '{sid}' has two branches named '{branch.name}': the engine tells "
                           "branches apart by name, so the second one's work would be lost at the join. Rename it.")
                found.append(error("duplicate-branch", message, machine.state_pointer(sid, "branches", index, "name"),
                                   states=(sid,)))
            seen.add(branch.name)
    return found


def find_duplicate_transition_ids(machine: Machine) -> list[Finding]:
    """A transition's `id` is its stable name — diffs, review packs and the designer match transitions by it — so
    two of one machine may not share it."""
    found: list[Finding] = []
    first: dict[str, int] = {}
    for index, transition in enumerate(machine.transitions):
        if transition.id is None:
            continue
        if transition.id in first:
            earlier = first[transition.id]
            message = (f"Transitions {earlier + 1} and {index + 1} of {machine.called()} are both named "
                       f"'{transition.id}': a transition's id is its stable name, which diffs and review packs match "
                       "transitions by. Rename one.")
            found.append(error("duplicate-transition-id", message, machine.transition_pointer(index, "id"),
                               transitions=(earlier, index)))
        else:
            first[transition.id] = index
    return found


def find_exits_from_final(machine: Machine) -> list[Finding]:
    """A final state ends the instance (or the branch): no transition may leave it."""
    found: list[Finding] = []
    for index, transition in enumerate(machine.transitions):
        for source, tokens in _named_sources(transition):
            if source in machine.finals:
                message = (f"{capitalised(transition_label(transition, index))} leaves the final state '{source}', "
                           "but nothing happens after a final state. Make it another kind of state or remove "
                           "the transition.")
                found.append(error("exit-from-final", message, machine.transition_pointer(index, *tokens),
                                   states=(source,), transitions=(index,)))
    return found


def find_unknown_policies(workflow: Workflow, all_machines: list[Machine]) -> list[Finding]:
    """A state's `policies` must name policies defined in the workflow's `policies`."""
    known = {policy.id for policy in workflow.policies}
    found: list[Finding] = []
    for machine in all_machines:
        for sid, state in machine.states.items():
            for j, policy_id in enumerate(state.policies):
                if policy_id not in known:
                    message = (f"State '{sid}' checks policy '{policy_id}', but the workflow defines no policy "
                               "with that id.")
                    found.append(error("unknown-policy", message, machine.state_pointer(sid, "policies", j),
                                       states=(sid,)))
    return found


def find_unknown_subflows(workflow: Workflow, all_machines: list[Machine], catalog: Catalog) -> list[Finding]:
    """A subflow state (or a map over a subflow) must run a workflow the catalog knows (or this workflow itself)."""
    found: list[Finding] = []
    for machine in all_machines:
        for sid, state in machine.states.items():
            if isinstance(state, SubflowState | MapState) and state.workflow is not None \
                    and state.workflow not in catalog.workflows and state.workflow != workflow.id:
                what = "Subflow state" if isinstance(state, SubflowState) else "Map state"
                message = (f"{what} '{sid}' runs workflow '{state.workflow}', which is not among the "
                           "known workflows.")
                found.append(error("unknown-subflow", message, machine.state_pointer(sid, "workflow"), states=(sid,)))
    return found


def find_subflows_starting_their_own_workflow(workflow: Workflow, all_machines: list[Machine]) -> list[Finding]:
    """`subflow-starts-itself`: a subflow state (or a map over a subflow) that runs the workflow it is in starts
    another instance of it each time it is reached — without end unless a guard on the way stops it; the engine
    stops such a chain 32 instances deep (kind `too_deep`), failing each of them (a warning: a guarded recursion,
    over a tree of parts, ends by itself)."""
    found: list[Finding] = []
    for machine in all_machines:
        for sid, state in machine.states.items():
            if isinstance(state, SubflowState | MapState) and state.workflow == workflow.id:
                each = "each item of the map starts" if isinstance(state, MapState) else "reaching it starts"
                message = (f"'{sid}' runs this workflow itself ('{workflow.id}'): {each} another instance of it, which "
                           f"reaches '{sid}' again unless a guard on the way stops it. Without such a guard the "
                           "instances start one another until the engine stops them 32 deep (kind too_deep), each "
                           "of them failed. Make the recursion end by a guard, or run another workflow.")
                found.append(warning("subflow-starts-itself", message, machine.state_pointer(sid, "workflow"),
                                     states=(sid,)))
    return found


def find_unknown_agents(all_machines: list[Machine], catalog: Catalog) -> list[Finding]:
    """A task's `agent` must be an agent the catalog knows."""
    found: list[Finding] = []
    for machine in all_machines:
        for sid, state in machine.states.items():
            if isinstance(state, TaskState) and state.agent is not None and state.agent not in catalog.agents:
                message = f"Task '{sid}' is assigned to agent '{state.agent}', which is not among the known agents."
                found.append(error("unknown-agent", message, machine.state_pointer(sid, "agent"), states=(sid,)))
    return found


def find_unknown_actions(all_machines: list[Machine], catalog: Catalog) -> list[Finding]:
    """A task's `action` must name a handler, when the catalog knows which there are: registered here, or
    advertised by a live worker (whose names the finding gives)."""
    if catalog.actions is None:
        return []
    found: list[Finding] = []
    for machine in all_machines:
        for sid, state in machine.states.items():
            if isinstance(state, TaskState) and state.action not in catalog.actions:
                message = (f"Task '{sid}' runs action '{state.action}', but no handler of that name is registered"
                           f"{_and_no_live_worker(catalog.workers)}; an instance would fail there with "
                           "unknown_action.")
                found.append(error("unknown-action", message, machine.state_pointer(sid, "action"), states=(sid,)))
    return found


_NAMED_WORKERS = 5


def _and_no_live_worker(workers: tuple[str, ...]) -> str:
    """What the live workers' side of `unknown-action` says: which are live (the first few), and that none has it."""
    if not workers:
        return ""
    named = ", ".join(workers[:_NAMED_WORKERS])
    more = f" and {len(workers) - _NAMED_WORKERS} more" if len(workers) > _NAMED_WORKERS else ""
    live = "the live worker" if len(workers) == 1 else f"any of the {len(workers)} live workers"
    return f" here, nor does {live} ({named}{more}) have one"
