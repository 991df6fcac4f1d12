"""`event-not-set`: an expression reads `event` where no event is in scope.

`event` is the payload of the event a transition fires on (a task's output for `done`, …). On entering a state
(task and map `input`, approval `request`, wait `deadline` and correlation, final `result`) and in the guard and
`assign` of an automatic transition (one without a `trigger`, a choice's) there is none: `event` is null there,
so `event.score > 70` fails to evaluate and the guard counts as false — a choice silently takes its default.
"""

from __future__ import annotations

from engine.definition.expressions import ExpressionError
from engine.validation.checks._report import capitalised, warning
from engine.validation.checks.dataflow import free_names
from engine.validation.checks.expressions import ExpressionSite
from engine.validation.findings import Finding

__all__ = ["find_event_not_set"]


def _where(site: ExpressionSite) -> str | None:
    """Why `event` is null where the site is evaluated; None where an event is in scope."""
    if site.machine is None:
        return None  # a policy or a start trigger
    if site.state is not None:
        return "it is evaluated on entering the state, where no event is in scope"
    if site.transition is not None and site.machine.transitions[site.transition].trigger is None:
        return "the transition is automatic (it has no trigger), so no event fires it"
    return None


def find_event_not_set(sites: list[ExpressionSite]) -> list[Finding]:
    """Each expression that reads `event` where it is always null."""
    found: list[Finding] = []
    for site in sites:
        why = _where(site)
        if why is None:
            continue
        try:
            reads = "event" in free_names(site.source)
        except ExpressionError:
            continue  # `guard-syntax` reports it
        if reads:
            message = (f"{capitalised(site.what)} reads `event`, which is null there: {why}. Keep what you need "
                       "from the event in the context on the transition that fires on it (`output` on a task, "
                       "or `assign`, e.g. {\"score\": \"event.score\"}) and read it from there.")
            found.append(warning("event-not-set", message, site.pointer,
                                 states=() if site.state is None else (site.state,),
                                 transitions=() if site.transition is None else (site.transition,)))
    return found
