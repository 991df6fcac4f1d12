"""Retry waits whose cap is below their start (`retry-max-below-initial`): every wait is then the cap, which is
seldom what the author meant. A warning, not an error: imported ASL documents may carry such retriers."""

from __future__ import annotations

from collections.abc import Iterator

from engine.definition import Retry, RetryRule, TaskState
from engine.validation.checks._report import warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine, Token

__all__ = ["find_retry_max_below_initial"]


def _retry_waits(machine: Machine) -> Iterator[tuple[str, Retry | RetryRule, tuple[Token, ...], str]]:
    """Every retry policy or rule of the machine's tasks: (state, rule, pointer tokens of the rule, its name)."""
    for sid, state in machine.states.items():
        if not isinstance(state, TaskState) or state.retry is None:
            continue
        if isinstance(state.retry, Retry):
            yield sid, state.retry, ("retry",), f"The retry policy of '{sid}'"
            continue
        for i, rule in enumerate(state.retry):
            yield sid, rule, ("retry", i), f"Retry rule {i + 1} of '{sid}'"


def find_retry_max_below_initial(machine: Machine) -> list[Finding]:
    """A rule that retries and whose `max_interval_s` is smaller than its `initial_interval_s`: every wait is
    `max_interval_s`. Pointed at `max_interval_s`, or at `initial_interval_s` where the cap is the default."""
    found: list[Finding] = []
    for sid, rule, tokens, name in _retry_waits(machine):
        if rule.max_attempts == 1 or rule.max_interval_s >= rule.initial_interval_s:
            continue
        written = "max_interval_s" in rule.model_fields_set
        cap = "max_interval_s" if written else f"the default max_interval_s of {rule.max_interval_s:g} s"
        about = "about " if rule.jitter else ""
        message = (f"{name} waits at most {rule.max_interval_s:g} s between attempts ({cap}), less than its "
                   f"first wait of {rule.initial_interval_s:g} s (initial_interval_s): every wait will be "
                   f"{about}{rule.max_interval_s:g} s. Raise max_interval_s to at least "
                   f"{rule.initial_interval_s:g} s, or lower initial_interval_s.")
        field = "max_interval_s" if written else "initial_interval_s"
        found.append(warning("retry-max-below-initial", message, machine.state_pointer(sid, *tokens, field),
                             states=(sid,)))
    return found
