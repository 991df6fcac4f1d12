"""Retries in a simulation: an `error` sent to a task is an attempt that failed, and it is tried again as the
task's retry rules say — by the first rule naming its kind, while that rule has retries left — before the task
takes its `error` transition, as a worker would. A retry moves nowhere: it is a step in the same state whose one
effect says which rule retried and after how long. The payload may say `"retryable": false`, as a handler's
`ActionError(..., retryable=False)` does."""

from __future__ import annotations

import random
from typing import Any

from designer.simulation_words import duration_words
from engine.definition import State, TaskState, retry_rules
from engine.runtime.retries import RetryPlan, plan_retry

__all__ = ["SimulatedRetries"]


def _kind(payload: Any) -> str:
    kind = payload.get("kind") if isinstance(payload, dict) else None
    return kind if isinstance(kind, str) and kind else "error"


class SimulatedRetries:
    """The failed attempts of the task the instance is in; forgotten whenever the instance takes a step."""

    def __init__(self) -> None:
        self.attempt = 1
        self.last_error: dict[str, Any] | None = None
        self._rng = random.Random(0)  # noqa: S311 - jittered waits, the same in every run of one simulation

    def reset(self) -> None:
        self.attempt, self.last_error = 1, None

    def failed(self, state: State, payload: Any) -> RetryPlan | None:
        """An attempt of `state` failed with `payload`: the retry planned, if any (else the error goes on)."""
        if not isinstance(state, TaskState):
            return None
        retryable = not (isinstance(payload, dict) and payload.get("retryable") is False)
        plan = plan_retry(retry_rules(state.retry), _kind(payload), retryable, attempt=self.attempt,
                          last_error=self.last_error, rng=self._rng)
        if plan is not None:
            self.last_error = {"kind": _kind(payload), "retries": list(plan.retries)}
            self.attempt += 1
        return plan

    def error_payload(self, payload: Any) -> Any:
        """The `error` the task fires once no rule retries: the payload with the attempts made, as the engine's."""
        if not isinstance(payload, dict):
            return {"kind": _kind(payload), "message": "" if payload is None else str(payload),
                    "attempts": self.attempt}
        return {**payload, "kind": _kind(payload), "attempts": self.attempt}

    def effect(self, plan: RetryPlan, kind: str) -> dict[str, Any]:
        """The retry step's one effect, described."""
        # the words count rules from 1, as the inspector shows them ("Rule 1"); `rule` stays the list's index
        summary = (f"{kind}: attempt {self.attempt - 1} failed; retry rule {plan.rule + 1} tries again in "
                   f"{duration_words(plan.delay_s)} (attempt {self.attempt})")
        return {"type": "Retry", "rule": plan.rule, "attempt": self.attempt, "delay_s": round(plan.delay_s, 3),
                "kind": kind, "summary": summary}
