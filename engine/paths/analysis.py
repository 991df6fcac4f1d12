"""Every simple path of a workflow with its time and cost: declared best and worst (engine.paths.declared),
expected from recorded runs when there are some, probabilities when there are enough, and the critical path.
Bounded: at most `limit` paths; loops are never gone round (a path enters each state once) and are listed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine.definition import Agent, FinalState, Workflow
from engine.definition.durations import parse_duration
from engine.paths.declared import DeclaredMeasure
from engine.paths.prices import ModelRate
from engine.paths.recorded import Edge, EdgeStats, RecordedRuns
from engine.paths.report import PathReport, PathsReport, StepReport
from engine.paths.routes import Route, loop_edges, outgoing_by_priority, simple_routes

__all__ = ["MIN_RUNS", "PATH_LIMIT", "analyze_paths"]

PATH_LIMIT = 100
MIN_RUNS = 10


def analyze_paths(workflow: Workflow, *, agents: Mapping[str, Agent] | None = None,
                  prices: Mapping[str, ModelRate] | None = None,
                  subflow: Callable[[str], Workflow | None] | None = None,
                  recorded: RecordedRuns | None = None, limit: int = PATH_LIMIT, min_runs: int = MIN_RUNS,
                  ) -> PathsReport:
    measure = DeclaredMeasure(agents or {}, prices or {}, subflow or (lambda _id: None))
    outgoing = outgoing_by_priority(workflow.states, workflow.transitions)
    search = simple_routes(workflow.initial, workflow.states, workflow.transitions, limit, outgoing)
    history = recorded if recorded is not None and recorded.runs > 0 else None
    sla_s = None if workflow.sla is None else parse_duration(workflow.sla).total_seconds()
    paths = [_path(workflow, n + 1, route, measure, history, sla_s, loop_edges(route, workflow.transitions,
                                                                                outgoing))
             for n, route in enumerate(search.routes)]
    paths = _with_probabilities(paths, history, min_runs)
    critical = _critical(paths)
    paths = [p.model_copy(update={"critical": p.number == critical}) for p in paths]
    notes = _notes(workflow, search.bounded, limit, paths, history, min_runs) + sorted(measure.notes)
    return PathsReport(
        workflow=workflow.id, version=workflow.version, paths=paths, limit=limit, bounded=search.bounded,
        critical=critical, sla_s=sla_s, basis="history" if history else "declared",
        runs=history.runs if history else 0, runs_on_paths=sum(p.runs_taken for p in paths), min_runs=min_runs,
        notes=notes)


def _path(workflow: Workflow, number: int, route: Route, measure: DeclaredMeasure,  # noqa: PLR0917
          history: RecordedRuns | None, sla_s: float | None, loops: Route) -> PathReport:
    steps = [_step(workflow, source, index, measure, history) for source, index in route]
    final = workflow.transitions[route[-1][1]].dest if route else workflow.initial
    state = workflow.states[final]
    worsts = [s.worst_s for s in steps]
    costs = [s.cost_worst for s in steps]
    expected_costs = [s.cost_expected for s in steps]
    worst = None if None in worsts else sum(w or 0.0 for w in worsts)
    return PathReport(
        number=number, states=[workflow.initial, *[s.dest for s in steps]], final=final,
        outcome=state.outcome if isinstance(state, FinalState) else "success",
        best_s=sum(s.best_s for s in steps), worst_s=worst,
        expected_s=None if history is None else sum(s.expected_s or 0.0 for s in steps),
        cost_best=sum(s.cost_best for s in steps), cost_worst=None if None in costs else sum(c or 0.0 for c in costs),
        cost_expected=None if None in expected_costs else sum(c or 0.0 for c in expected_costs),
        probability=None, runs_taken=0, critical=False,
        sla_at_risk=sla_s is not None and (worst is None or worst > sla_s),
        unrecorded_steps=0 if history is None else sum(1 for s in steps if s.recorded == 0),
        loops=sorted({index for _, index in loops}), steps=steps)


def _step(workflow: Workflow, source: str, index: int, measure: DeclaredMeasure,
          history: RecordedRuns | None) -> StepReport:
    transition = workflow.transitions[index]
    declared = measure.step(source, workflow.states[source], transition.trigger)
    seen = _recorded(history, source, transition.trigger, transition.dest) if history else []
    count = sum(stats.count for stats in seen)
    expected_s = None
    cost_expected = declared.expected_cost
    if history is not None:
        expected_s = sum(s.count * s.mean_s for s in seen) / count if count else declared.time.best
        cost_expected = history.state_costs.get(source, cost_expected if count == 0 else 0.0)
    return StepReport(
        state=source, transition=index, trigger=transition.trigger, dest=transition.dest,
        best_s=declared.time.best, worst_s=declared.time.worst, expected_s=expected_s,
        cost_best=declared.cost.best, cost_worst=declared.cost.worst, cost_expected=cost_expected, recorded=count)


def _recorded(history: RecordedRuns, source: str, trigger: str | None, dest: str) -> list[EdgeStats]:
    return [stats for edge, stats in history.edges.items() if _same(edge, source, trigger, dest)]


def _same(edge: Edge, source: str, trigger: str | None, dest: str) -> bool:
    """A recorded transition is this step when it joins the same states on the same event (any event for an
    automatic transition, whose history names what moved the instance on)."""
    return edge[0] == source and edge[2] == dest and (trigger is None or edge[1] == trigger)


def _with_probabilities(paths: list[PathReport], history: RecordedRuns | None, min_runs: int) -> list[PathReport]:
    if history is None:
        return paths
    updated = []
    for path in paths:
        taken = sum(count for sequence, count in history.sequences.items() if _follows(sequence, path))
        probability = taken / history.runs if history.runs >= min_runs else None
        updated.append(path.model_copy(update={"runs_taken": taken, "probability": probability}))
    return updated


def _follows(sequence: tuple[Edge, ...], path: PathReport) -> bool:
    return len(sequence) == len(path.steps) and all(
        _same(edge, step.state, step.trigger, step.dest) for edge, step in zip(sequence, path.steps, strict=True))


def _critical(paths: list[PathReport]) -> int | None:
    """The path with the longest worst case (one without a limit first; then the longer least time)."""
    if not paths:
        return None
    return max(paths, key=lambda p: (p.worst_s is None, p.worst_s or 0.0, p.best_s, -p.number)).number


def _notes(workflow: Workflow, bounded: bool, limit: int, paths: list[PathReport],  # noqa: PLR0917
           history: RecordedRuns | None, min_runs: int) -> list[str]:
    notes = [f"{len(paths)} simple paths from '{workflow.initial}' to a final state"
             + (f"; enumeration stopped at {limit}: there are more" if bounded else "")]
    loops = sorted({index for path in paths for index in path.loops})
    if loops:
        named = ", ".join(f"{workflow.transitions[i].dest} (transition {i + 1})" for i in loops)
        notes.append(f"loops counted once: a path enters each state at most once; going back to {named} "
                     "adds that stretch's time again each time round")
    if any(p.worst_s is None for p in paths):
        notes.append("a worst case of 'no limit' means a step on the path declares no timeout")
    if history is None:
        notes.append("expected time needs recorded runs (--db); expected cost is one full reply per task at "
                     "its agent's model price")
    else:
        limited = f" (the latest {history.limited_to})" if history.limited_to else ""
        notes.append(f"expected time and cost from {history.runs} finished runs{limited}")
        if history.runs < min_runs:
            notes.append(f"no probabilities: {history.runs} runs is fewer than the {min_runs} needed")
    return notes
