"""What an effect of a simulated step means, in an analyst's words ("a 24 h timer started", "waiting for
event payment_received") rather than the engine's class names (ArmTimer, AwaitEvent, ClearWaits)."""

from __future__ import annotations

import json

from engine.runtime.effects import (
    ArmTimer,
    AwaitEvent,
    ClearWaits,
    Complete,
    Effect,
    KeepMapList,
    RequestApproval,
    RunAction,
    StartChild,
)
from engine.runtime.map_items import split_item

__all__ = ["describe_effect", "duration_words"]

_BRIEF = 80


def _brief(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _BRIEF else text[: _BRIEF - 1] + "…"


def duration_words(seconds: float) -> str:
    """A duration as a person says it: '45 s', '30 min', '24 h', '3 days'."""
    s = max(0.0, seconds)
    if s < 90:
        return f"{s:.0f} s"
    if s < 90 * 60:
        return f"{s / 60:.0f} min"
    if s < 72 * 3600:
        hours = s / 3600
        return f"{hours:.0f} h" if abs(hours - round(hours)) < 0.05 else f"{hours:.1f} h"
    return f"{s / 86400:.0f} days"


def _who(users: tuple[str, ...], roles: tuple[str, ...]) -> str:
    named = [f"role {r}" for r in roles] + [f"user {u}" for u in users]
    return " or ".join(named) if named else "no one named yet"


def describe_effect(effect: Effect, now: float) -> str:  # noqa: PLR0911 - one sentence per kind of effect
    """One sentence for one effect; `now` is the simulated time the step happened at."""
    if isinstance(effect, RunAction):
        agent = f" as agent {effect.agent}" if effect.agent else ""
        return f"runs the action {effect.action}{agent}"
    if isinstance(effect, ArmTimer):
        fires = "escalates" if effect.fire == "escalate" else f"fires '{effect.fire}'"
        return f"a {duration_words(effect.due_at - now)} timer started (then it {fires})"
    if isinstance(effect, AwaitEvent):
        key = f" for {effect.correlation_key}" if effect.correlation_key else ""
        return f"waiting for event {effect.event_type}{key}"
    if isinstance(effect, RequestApproval):
        agent = effect.request.get("agent_name") or effect.request.get("agent") or "an agent"
        whose = {"policy": f"a policy's approval ({effect.request.get('policy')})",
                 "agent": f"an approval before agent {agent} acts"}.get(effect.kind, "approval")
        quorum = f" ({effect.quorum} needed)" if effect.quorum > 1 else ""
        due = f", due in {duration_words(effect.due_at - now)}" if effect.due_at is not None else ""
        return f"asks for {whose} by {_who(effect.users, effect.roles)}{quorum}{due}"
    if isinstance(effect, StartChild):
        index = split_item(effect.branch)[1]
        if index is not None:
            runs = "its iterator" if effect.kind == "branch" else f"subflow {effect.workflow_id}"
            return f"starts item {index} of {effect.name} ({runs}) with {_brief(effect.context)}"
        if effect.kind == "branch":
            return f"starts branch {effect.name}"
        return f"starts subflow {effect.workflow_id}" + (f" v{effect.version}" if effect.version else "")
    if isinstance(effect, KeepMapList):
        count = len(effect.items)
        items = f"{count} item{'' if count == 1 else 's'}"
        return f"maps over {items}, the list read now and kept for the items that start later"
    if isinstance(effect, ClearWaits):
        return "stops what the state was waiting for (its timers, events, approvals, actions and children)"
    if isinstance(effect, Complete):
        return f"the instance finishes: {effect.outcome}"
    return type(effect).__name__
