"""The state table (what each state does, its time limits and retries, who approves) and the agents it names."""

from __future__ import annotations

from urllib.parse import urlsplit

from engine.definition import (
    Agent,
    ApprovalState,
    Approvers,
    FinalState,
    MapState,
    ParallelState,
    RetryRule,
    State,
    SubflowState,
    TaskState,
    WaitState,
    Workflow,
    retry_rules,
)
from engine.render import all_states
from engine.review.html_parts import Markup, code, items, section, table, text

__all__ = ["agents_section", "agents_used", "states_section"]


def _who(approvers: Approvers | None) -> str:
    if approvers is None:
        return "anyone with the role approver"
    return ", ".join([*(f"role {r}" for r in approvers.roles), *(f"user {u}" for u in approvers.users)])


def _retry(rule: RetryRule) -> str:
    kinds = "any error" if rule.catches_all else ", ".join(rule.errors)
    if rule.max_attempts == 1:
        return f"no retries on {kinds}"
    wait = (f"every {rule.initial_interval_s:g} s" if rule.backoff == "fixed"
            else f"{rule.initial_interval_s:g} s, growing {rule.multiplier:g} times each try, "
                 f"up to {rule.max_interval_s:g} s")
    return f"{rule.max_attempts} attempts in all, {wait}, on {kinds}"


def _does(state: State) -> list[object]:  # noqa: PLR0911 - one line per state type
    match state:
        case TaskState():
            lines: list[object] = [Markup(f"runs action {code(state.action)}")]
            if state.agent:
                lines.append(Markup(f"as agent {code(state.agent)} (policies under Agents)"))
            if state.input:
                lines.append(f"input: {', '.join(state.input)}")
            if state.output:
                lines.append(f"result stored as {state.output}")
            return lines
        case ApprovalState():
            shown = [f"request shows: {', '.join(state.request)}"] if state.request else []
            return ["waits for a decision: approve, reject (or timeout)", *shown]
        case WaitState(event=event) if event is not None:
            keyed = f", matched on {event.correlation}" if event.correlation else ""
            return [f"waits for event {event.type}{keyed}"]
        case WaitState():
            return [f"waits {state.duration}" if state.duration else f"waits until {state.deadline}"]
        case SubflowState():
            pinned = f" v{state.version}" if state.version else " (latest deployed)"
            return [f"runs workflow {state.workflow}{pinned} as a child"]
        case ParallelState():
            quorum = f" {state.join.quorum}" if state.join.quorum else ""
            names = ", ".join(b.name for b in state.branches)
            return [f"branches {names}", f"join: {state.join.mode}{quorum}; on a failure: {state.join.on_failure}"]
        case MapState():
            return _map_lines(state)
        case FinalState():
            return [f"ends the instance: {state.outcome}"]
        case _:
            return ["decides automatically: the first guarded transition that holds, by priority"]


def _limits(state: State) -> list[object]:
    lines: list[object] = []
    if isinstance(state, TaskState):
        if state.timeout_s:
            lines.append(f"timeout {state.timeout_s:g} s per attempt")
        lines.extend(_retry(rule) for rule in retry_rules(state.retry))
    if isinstance(state, (ApprovalState, WaitState)) and state.timeout:
        lines.append(f"timeout after {state.timeout}")
    return lines


def _approvals(state: State) -> list[object]:
    lines: list[object] = []
    if isinstance(state, ApprovalState):
        lines.append(f"approvers: {_who(state.approvers)}")
        lines.append(f"quorum: {state.quorum} approval{'s' if state.quorum > 1 else ''}; one rejection rejects")
        if state.escalation:
            lines.append(f"escalates after {state.escalation.after} to {_who(state.escalation.to)}")
    if state.policies:
        lines.append(f"policies checked on entry: {', '.join(state.policies)}")
    return lines


def _kind(state: State) -> str:
    return f"final ({state.outcome})" if isinstance(state, FinalState) else state.type


def states_section(workflow: Workflow) -> Markup:
    rows = []
    for qid, state in all_states(workflow).items():
        name = Markup(f"<b>{text(state.title or qid)}</b><br>{code(qid)}"
                      + (f'<div class="note">{text(state.description)}</div>' if state.description else ""))
        rows.append((name, _kind(state), items(_does(state)), items(_limits(state)), items(_approvals(state))))
    headers = ("State", "Type", "What it does", "Timeouts and retries", "Approvers, quorum, escalation, policies")
    intro = Markup(f"<p>{len(rows)} states; a state inside a parallel branch is named by its path "
                   "(<code>parallel/branch/state</code>).</p>")
    return section("states", "States", intro, table(headers, rows, css="states", widths=(21, 10, 28, 19, 22)))


def agents_used(workflow: Workflow) -> list[str]:
    found = {s.agent: None for s in all_states(workflow).values() if isinstance(s, TaskState) and s.agent}
    return sorted(found)


def _policies(agent: Agent) -> list[object]:
    policies = agent.policies
    lines: list[object] = []
    lines.append(f"approval before each action: {_who(policies.approvers)}" if policies.approval_required
                 else "acts without a prior approval")
    lines.append(f"budget limit per task: {policies.budget_limit:g}" if policies.budget_limit is not None
                 else "no budget limit")
    if policies.timeout_seconds:
        lines.append(f"timeout {policies.timeout_seconds} s per attempt (the shorter of this and the task's)")
    return lines


def _model(agent: Agent) -> str:
    """The model, and the host of the agent's own provider when it has one: where the task's data is sent."""
    if agent.provider is None:
        return agent.model
    return f"{agent.model} at {urlsplit(agent.provider.base_url).netloc or agent.provider.base_url}"


def agents_section(workflow: Workflow, agents: dict[str, Agent]) -> Markup:
    rows = []
    for agent_id in agents_used(workflow):
        agent = agents.get(agent_id)
        if agent is None:
            rows.append((code(agent_id), "not in the catalog: its policies are unknown", "—", "—"))
            continue
        tasks = [qid for qid, s in all_states(workflow).items() if isinstance(s, TaskState) and s.agent == agent_id]
        who = Markup(f"<b>{text(agent.name)}</b><br>{code(agent.id)} v{text(agent.version)} · {text(agent.level)}")
        rows.append((who, items(_policies(agent)), items(tasks), f"{_model(agent)}; {len(agent.tools)} tools"))
    headers = ("Agent", "Policies (enforced by the engine)", "Tasks it performs", "Model and tools")
    return section("agents", "Agents and their policies", table(headers, rows, widths=(24, 40, 20, 16)))


def _map_lines(state: MapState) -> list[object]:
    runs = f"runs workflow {state.workflow} for each" if state.workflow else "runs its iterator for each"
    if state.tolerated_failure_percentage is not None:
        tolerance = f"up to {state.tolerated_failure_percentage:g}% of the items may fail"
    else:
        tolerance = f"up to {state.tolerated_failures or 0} items may fail"
    return [f"{runs} item of {state.items}, {state.max_concurrency} at a time", tolerance]
