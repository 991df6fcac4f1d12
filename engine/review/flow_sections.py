"""The transition table, and the workflow's policies, budgets, schedules and start events."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.definition import ANY_SOURCE, Agent, Transition, Workflow
from engine.render.scopes import first_numbers, iter_scopes
from engine.review.html_parts import Markup, code, items, section, table, text
from engine.review.plain_words import in_words
from engine.review.state_section import agents_used

__all__ = ["policies_section", "transitions_section"]

_READS_BUDGET = re.compile(r"\bbudget\.")


def _source(transition: Transition) -> object:
    if transition.source == ANY_SOURCE:
        return "any non-final state"
    return items([transition.source] if isinstance(transition.source, str) else transition.source)


def _guard(expression: str | None) -> tuple[object, object]:
    if not expression:
        return "—", "always (no guard)"
    words = in_words(expression)
    return code(expression), words if words else Markup('<span class="note">as written</span>')


def _assign(transition: Transition) -> object:
    return items([Markup(f"{code(key)} ← {code(value)}") for key, value in transition.assign.items()])


def _rows(transitions: list[Transition], before: int) -> Iterator[tuple[object, ...]]:
    for index, transition in enumerate(transitions, start=before):
        guard, words = _guard(transition.effective_guard())  # an `errors` list as the condition it means
        rows: tuple[object, ...] = (
            f"T{index + 1}", _source(transition), transition.trigger or "auto", transition.dest, guard, words,
            transition.priority or "—", _assign(transition),
        )
        yield rows


def transitions_section(workflow: Workflow) -> Markup:
    headers = ("#", "From", "Trigger", "To", "Guard as written", "In plain words", "Priority", "Sets")
    parts: list[str] = [Markup(
        "<p>T-numbers are the labels on the diagram. <i>auto</i> transitions fire by themselves when their "
        "guard holds, highest priority first; an unguarded one is the default.</p>")]
    numbers = first_numbers(workflow)  # one T-number per transition, branches' included, as the diagram labels them
    for scope in iter_scopes(workflow):
        if scope.path:
            parts.append(Markup(f"<h3>Inside branch {code(scope.path)}</h3>"))
        parts.append(table(headers, _rows(list(scope.transitions), numbers[scope.path]), css="transitions",
                           widths=(5, 16, 9, 16, 15, 13, 9, 17)))
    return section("transitions", "Transitions", *parts)


def _policies(workflow: Workflow) -> Markup:
    rows = []
    for policy in workflow.policies:
        words = in_words(policy.condition)
        condition = Markup(code(policy.condition) + (f"<br><i>{text(words)}</i>" if words else ""))
        approvers = ", ".join([*policy.approvers.roles, *policy.approvers.users]) if policy.approvers else "—"
        why = Markup(text(policy.reason) + (f"<br><i>to pass: {text(policy.action_required)}</i>"
                                            if policy.action_required else ""))
        rows.append((Markup(f"<b>{code(policy.id)}</b>"), ", ".join(policy.applies_at), condition,
                     policy.outcome.replace("_", " "), why, approvers))
    headers = ("Policy", "Checked at", "Applies when", "Outcome", "Reason", "Approvers")
    return Markup("<h3>Policies (first match decides)</h3>" + table(headers, rows, widths=(15, 10, 27, 10, 26, 12)))


def _budgets(workflow: Workflow, agents: dict[str, Agent]) -> Markup:
    rows: list[tuple[object, ...]] = []
    for agent_id in agents_used(workflow):
        agent = agents.get(agent_id)
        if agent is not None and agent.policies.budget_limit is not None:
            rows.append((f"agent {agent_id}", f"at most {agent.policies.budget_limit:g} per task",
                         "the tenant's remaining monthly budget must cover it before the action runs"))
    expressions = [(f"T{n + 1}", t.guard) for n, t in enumerate(workflow.transitions) if t.guard]
    expressions += [(f"policy {p.id}", p.condition) for p in workflow.policies]
    for where, expression in expressions:
        if expression and _READS_BUDGET.search(expression):
            rows.append((where, code(expression), "reads the tenant's monthly budget (budget.limit, .spent, …)"))
    headers = ("Where", "Limit or condition", "Meaning")
    return Markup("<h3>Budgets</h3>" + table(headers, rows, widths=(20, 40, 40)))


def _schedules(workflow: Workflow) -> Markup:
    rows = [(code(s.id), code(s.cron), s.timezone, "yes" if s.enabled else "no (disabled)",
             ", ".join(s.context) or "—") for s in workflow.schedules]
    starts = [(code(s.event), code(s.condition) if s.condition else "every event", ", ".join(s.context) or "—")
              for s in workflow.starts_on]
    return Markup(
        "<h3>Schedules</h3>"
        + table(("Schedule", "Cron", "Time zone", "Enabled", "Context keys set"), rows)
        + "<h3>Started by events</h3>"
        + table(("Event", "Only when", "Context keys set"), starts)
    )


def policies_section(workflow: Workflow, agents: dict[str, Agent]) -> Markup:
    return section("policies", "Policies, budgets and schedules",
                   _policies(workflow), _budgets(workflow, agents), _schedules(workflow))
