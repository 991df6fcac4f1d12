"""`unknown-variable`: an expression reads a name that is not certainly set by the time it runs — and
`variable-not-in-schema`, an error, when it can never be set: a closed context schema (`additionalProperties:
false`) does not declare it, so no start context has it, and nothing in the flow sets it.

A name is certainly set at a point when the context schema declares it, when it is one of the engine's
reserved names, or when on *every* path from the start to that point a task/subflow/wait `output`, a parallel
state's branches or a transition's `assign` set it (a must-availability data-flow analysis). Where only a broken
transition (one `unknown-state` reports) may lead, the paths are unknown: only a name nothing sets anywhere is
reported there; where nothing leads at all, `unreachable-state` reports the place instead. Sets of names are
bit masks. Each machine is solved once with an empty entry; that is exact because nothing is ever unset, so
what is set inside a branch is what the parallel state had on entry plus what the branch itself adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine.definition import FinalState, MapState, ParallelState, State, SubflowState, TaskState, WaitState, Workflow
from engine.definition.expressions import ExpressionError, referenced_names
from engine.definition.paths import path_parts
from engine.definition.scope import RESERVED_NAMES
from engine.validation.checks._report import capitalised, error, listed, nearest, quoted, warning
from engine.validation.checks.expressions import ExpressionSite
from engine.validation.checks.reachability import reach
from engine.validation.context_shape import closed_names
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_unknown_variables", "free_names"]

# Macros bind their own variables: `items.exists(i, i > 0)`, `m.map(k, v, v)`, `cel.bind(x, a, x + 1)`.
_MACRO_VARIABLES = re.compile(
    r"\.\s*(?:all|exists|exists_one|existsOne|map|filter|transformList|transformMap)\s*\(\s*([A-Za-z_]\w*)\s*,"
    r"(?:\s*([A-Za-z_]\w*)\s*,)?"
)
_BIND = re.compile(r"\bcel\s*\.\s*bind\s*\(\s*([A-Za-z_]\w*)\s*,")


EVERYTHING = -1  # the mask with every bit set


def free_names(source: str) -> frozenset[str]:
    """The top-level names an expression reads from outside, without the variables its macros bind."""
    names = referenced_names(source)
    bound = {name for match in _MACRO_VARIABLES.finditer(source) for name in match.groups() if name}
    for match in _BIND.finditer(source):
        bound.update((match.group(1), "cel"))
    return names - bound


def _meet(masks: Iterable[int]) -> int | None:
    """Names set on every one of the paths (None when there is no path at all)."""
    result: int | None = None
    for mask in masks:
        result = mask if result is None else result & mask
    return result


def _output_of(state: State) -> str | None:
    """The top-level context key a state's `output` sets (a path sets its first key)."""
    output = state.output if isinstance(state, TaskState | SubflowState | WaitState | MapState) else None
    return None if output is None else path_parts(output)[0]


def _reverse_post_order(machine: Machine) -> list[str]:
    """The states reachable from the initial one, each after the states that lead to it (loops aside)."""
    seen, post = {machine.initial}, []
    stack = [(machine.initial, machine.successors(machine.initial))]
    while stack:
        node, successors = stack[-1]
        for successor in successors:
            if successor not in seen:
                seen.add(successor)
                stack.append((successor, machine.successors(successor)))
                break
        else:
            post.append(node)
            stack.pop()
    return post[::-1]


class DataFlow:
    """For every machine, the mask of names set on every path to each reachable state, and on entering it."""

    def __init__(self, all_machines: list[Machine]) -> None:
        self.bits: dict[str, int] = {}
        self.providers: dict[str, list[str]] = {}
        self.done_gen: dict[tuple[int, str], int] = {}
        self.reach: dict[int, dict[str, int]] = {}
        self.entry: dict[int, int | None] = {}
        by_location = {machine.location: machine for machine in all_machines}
        self.branches = {
            (id(machine), sid): [by_location[(*machine.location, "states", sid, "branches", k)]
                                 for k in range(len(state.branches))]
            for machine in all_machines for sid, state in machine.states.items() if isinstance(state, ParallelState)
        }
        for machine in reversed(all_machines):  # a branch is solved before the machine holding it
            self._solve(machine)
        for machine in all_machines:  # a map's iterator starts with the item's context only
            for sid, state in machine.states.items():
                if isinstance(state, MapState) and state.iterator is not None:
                    iterator = by_location[(*machine.location, "states", sid, "iterator")]
                    self.entry[id(iterator)] = self._item_names(sid, state)
        for machine in all_machines:  # entries top-down: the workflow first, then its branches
            self.entry.setdefault(id(machine), 0)
            for sid, state in machine.states.items():
                if isinstance(state, ParallelState):
                    at_parallel = self.at_state(machine, sid)
                    for branch in self.branches[(id(machine), sid)]:
                        self.entry[id(branch)] = at_parallel

    def _item_names(self, sid: str, state: MapState) -> int:
        names = list(state.input) or [state.item_key, state.index_key]
        mask = 0
        for name in names:
            mask |= self._bit(name, f"each item's input of map '{sid}'")
        return mask

    def _bit(self, name: str, provider: str) -> int:
        self.providers.setdefault(name, []).append(provider)
        return 1 << self.bits.setdefault(name, len(self.bits))

    def has(self, mask: int, name: str) -> bool:
        return name in self.bits and bool(mask >> self.bits[name] & 1)

    def at_state(self, machine: Machine, sid: str) -> int | None:
        entry, reach = self.entry.get(id(machine)), self.reach[id(machine)].get(sid)
        return None if entry is None or reach is None else entry | reach

    def leaving(self, machine: Machine, sid: str, index: int) -> int:
        """Names the state sets as it leaves by transition `index`: its output on `done` (or automatically)."""
        if machine.transitions[index].trigger in ("done", None):
            return self.done_gen.get((id(machine), sid), 0)
        return 0

    def _branch_gen(self, state: ParallelState, branches: list[Machine]) -> int:
        """What the branches set by the time the parallel state is done: every branch's share with join
        mode 'all', only what each of them sets otherwise (any one may be the one that finished). A branch
        that cannot finish at all is broken (other checks say how) and is taken to set everything."""
        shares = []
        for branch in branches:
            reach = self.reach[id(branch)]
            ends = [f for f in branch.finals if f in reach]
            succeeded = [f for f in ends if isinstance(s := branch.states[f], FinalState) and s.outcome == "success"]
            shares.append(_meet(reach[f] for f in succeeded or ends))
        if state.join.mode != "all":
            common = _meet(share for share in shares if share is not None)
            return EVERYTHING if common is None else common
        combined = 0
        for share in shares:
            combined |= EVERYTHING if share is None else share
        return combined

    def _solve(self, machine: Machine) -> None:
        key = id(machine)
        for sid, state in machine.states.items():
            output = _output_of(state)
            gen = 0 if output is None else self._bit(output, f"the output of '{sid}'")
            if isinstance(state, ParallelState):
                gen |= self._branch_gen(state, self.branches[(key, sid)])
            self.done_gen[(key, sid)] = gen
        assigned: dict[int, int] = {}
        for index, transition in enumerate(machine.transitions):
            for name in dict.fromkeys(path_parts(path)[0] for path in transition.assign):
                assigned[index] = assigned.get(index, 0) | self._bit(name, f"transition {index + 1}")
        self.reach[key] = self._fixpoint(machine, assigned) if machine.initial in machine.states else {}

    def _fixpoint(self, machine: Machine, assigned: dict[int, int]) -> dict[str, int]:
        order = _reverse_post_order(machine)[1:]
        reach = {machine.initial: 0}
        changed = True
        while changed:
            changed = False
            for node in order:
                value = _meet(reach[u] | self.leaving(machine, u, index) | assigned.get(index, 0)
                              for u, _, index in machine.in_edges(node) if u in reach)
                if value is not None and reach.get(node) != value:
                    reach[node], changed = value, True
        return reach


def _site_mask(flow: DataFlow, workflow: Workflow, all_machines: list[Machine], site: ExpressionSite) -> int | None:
    """Names certainly set where the expression runs; None where it never runs (unreachable)."""
    machine = site.machine
    if machine is not None and site.state is not None:
        return flow.at_state(machine, site.state)
    if machine is not None and site.transition is not None:
        transition = machine.transitions[site.transition]
        masks = (at | flow.leaving(machine, sid, site.transition)
                 for sid in dict.fromkeys(machine.sources(transition)) if sid in machine.states
                 and (at := flow.at_state(machine, sid)) is not None)
        return _meet(masks)
    if site.policy is not None:
        policy = workflow.policies[site.policy]
        places = set(policy.applies_at)
        at_places = [0] if "start" in places else []
        at_places += [at for m in all_machines for sid, state in m.states.items()
                  if (sid in places or policy.id in state.policies) and (at := flow.at_state(m, sid)) is not None]
        return _meet(at_places) if at_places else 0
    return 0


def _never_run(all_machines: list[Machine]) -> dict[int, frozenset[str]]:
    """By machine (`id`), the states certainly never entered: those `unreachable-state` reports, and every state of
    a branch (or iterator) of one. A state only a broken transition may lead to is not among them."""
    by_location = {machine.location: machine for machine in all_machines}
    never: dict[int, frozenset[str]] = {}
    for machine in all_machines:  # enclosing machines come first
        owner = by_location.get(machine.location[:-4] if not machine.in_map else machine.location[:-3])
        if machine.parallel is not None and owner is not None and machine.parallel in never[id(owner)]:
            never[id(machine)] = frozenset(machine.states)
        else:
            never[id(machine)] = frozenset(reach(machine).unreachable(machine))
    return never


def _never_runs(site: ExpressionSite, never: dict[int, frozenset[str]]) -> bool:
    machine = site.machine
    if machine is None:
        return False
    if site.state is not None:
        return site.state in never[id(machine)]
    if site.transition is not None:
        sources = machine.sources(machine.transitions[site.transition])
        return all(sid not in machine.states or sid in never[id(machine)] for sid in sources)
    return False


def _explain(flow: DataFlow, name: str, known: Iterable[str]) -> str:
    """Why `name` may be missing; for a name nothing sets, the known name (declared or set) it is likely a typo of."""
    providers = flow.providers.get(name)
    if providers:
        return f"'{name}' is set only on some of the paths to it (by {listed(providers, limit=3)})"
    closest = nearest(name, [*known, *flow.providers])
    meant = f" (did you mean '{closest}'?)" if closest else ""
    return f"'{name}' is not in the context schema, and no step or transition sets it{meant}"


def _enclosing_map(machine: Machine, all_machines: list[Machine]) -> tuple[str, MapState] | None:
    """The map whose items a machine runs as (the nearest one, for a branch inside an iterator or a map inside
    another's iterator)."""
    tokens = machine.location
    for i in range(len(tokens) - 1, 1, -1):
        if tokens[i] == "iterator" and tokens[i - 2] == "states":
            owner = next((m for m in all_machines if m.location == tokens[:i - 2]), None)
            state = None if owner is None else owner.states.get(str(tokens[i - 1]))
            return (str(tokens[i - 1]), state) if isinstance(state, MapState) else None
    return None


def _item_words(state: MapState) -> str:
    """What each item's context holds: its map's `input` keys, or the item and its index when there is none."""
    if state.input:
        return f"the keys of the map's `input`: {quoted(state.input)}"
    return f"{quoted([state.item_key, state.index_key])}: the map has no `input`"


def _explain_per_item(flow: DataFlow, name: str, in_schema: bool, map_id: str, state: MapState) -> str:
    """Why a name read on a map's items may be missing: its context is the item's input, not the workflow's."""
    if in_schema:
        return (f"'{name}' is in the workflow's context schema, but the iterator of map '{map_id}' sees only its "
                f"item's input ({_item_words(state)}), not the workflow's context")
    if name not in flow.providers:
        return (f"'{name}' is not in the item's input the iterator of map '{map_id}' sees ({_item_words(state)}), "
                "and no step or transition sets it")
    return _explain(flow, name, ())


def _per_item_advice(missing: list[str], in_schema: set[str], map_id: str, state: MapState) -> str:
    """What to do about names a map's items read but do not have: pass them in through the map's `input`."""
    it = "it" if len(missing) == 1 else "them"
    passed = [name for name in missing if name in in_schema]
    if not passed:
        return f"Pass {it} in through the `input` of map '{map_id}', or set {it} on every path before this point."
    entries = ", ".join(f'"{name}": "{name}"' for name in passed)
    if state.input:
        how = f"add {entries}"
    else:  # an `input` replaces the item and index the items get by default
        how = (f'e.g. {{"{state.item_key}": "{state.item_key}", {entries}}}, as an `input` replaces the default '
               f"'{state.item_key}' and '{state.index_key}'")
    return f"Pass {it} in through the `input` of map '{map_id}' ({how}), or set {it} on every path before this point."


def _never_set_message(site: ExpressionSite, names: list[str], closed: frozenset[str], flow: DataFlow) -> str:
    """Why names a closed context schema does not declare, and nothing sets, are never there: most often a typo
    of a declared name (`amout` for `amount`), which would make a guard count as false on every run."""
    it = "it" if len(names) == 1 else "them"
    meant = [f"'{name}': did you mean '{closest}'?" for name in names
             if (closest := nearest(name, [*closed, *flow.providers]))]
    hint = f" ({'; '.join(meant)})" if meant else ""
    return (f"{capitalised(site.what)} reads {quoted(names)}, which can never be set when it runs: the context "
            f"schema does not declare {it} and lets no other key in (`additionalProperties: false`), and no step or "
            f"transition sets {it}{hint}. Reading a name that is not there fails the expression — a guard then "
            f"counts as false. Correct the name, or declare {it} in the context schema.")


def find_unknown_variables(workflow: Workflow, all_machines: list[Machine], sites: list[ExpressionSite]) -> list[
        Finding]:
    """Expressions reading names that are not certainly set when they run (a warning: the value may be
    missing at run time, and the expression then fails); an error where a closed context schema means the name
    is never there (`variable-not-in-schema`)."""
    flow = DataFlow(all_machines)
    closed = closed_names(workflow.context)
    never: dict[int, frozenset[str]] | None = None
    properties = workflow.context.get("properties")
    in_schema = set(map(str, properties)) if isinstance(properties, dict) else set()
    declared = set(RESERVED_NAMES) | in_schema
    found: list[Finding] = []
    for site in sites:
        try:
            names = free_names(site.source)
        except ExpressionError:
            continue  # `guard-syntax` reports it
        is_start = site.machine is None and site.policy is None
        per_item = site.machine is not None and site.machine.runs_per_item  # the workflow's context is not there
        unknown = names - (set(RESERVED_NAMES) if is_start or per_item else declared) - site.item_names
        if not unknown:
            continue
        mask = _site_mask(flow, workflow, all_machines, site)
        if mask is None:  # no path over existing transitions leads there
            never = _never_run(all_machines) if never is None else never
            if _never_runs(site, never):
                continue  # `unreachable-state` reports the place
            # only a broken transition (or a start naming no state) may lead there: what is set on the way is
            # unknown, but a name nothing sets anywhere is missing on every way there
            missing = sorted(name for name in unknown if name not in flow.providers)
        else:
            missing = sorted(name for name in unknown if not flow.has(mask, name))
        owner = _enclosing_map(site.machine, all_machines) if per_item and site.machine is not None else None
        if closed is not None and not per_item and not is_start:  # where the workflow's context is read
            impossible = [name for name in missing if name not in closed and name not in flow.providers]
            if impossible:
                found.append(error("variable-not-in-schema", _never_set_message(site, impossible, closed, flow),
                                   site.pointer, states=() if site.state is None else (site.state,),
                                   transitions=() if site.transition is None else (site.transition,)))
                missing = [name for name in missing if name not in impossible]
        if missing:
            if owner is None:
                reasons = "; ".join(_explain(flow, name, in_schema) for name in missing)
                advice = "Declare it in the context schema, or set it on every path before this point."
            else:  # on a map's items: the workflow's context, and its schema, are not there
                reasons = "; ".join(_explain_per_item(flow, name, name in in_schema, *owner) for name in missing)
                advice = _per_item_advice(missing, in_schema, *owner)
            message = (f"{capitalised(site.what)} reads {quoted(missing)}, which may not be set when it runs: "
                       f"{reasons}. {advice}")
            found.append(warning("unknown-variable", message, site.pointer,
                                 states=() if site.state is None else (site.state,),
                                 transitions=() if site.transition is None else (site.transition,)))
    return found
