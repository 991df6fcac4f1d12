"""The flow the crash drill runs, and the one history each of its instances must end with.

Tasks (`prepare` fails its first attempt for odd `n` and every attempt when `n` is a multiple of 7, so some
retry and some run out of retries), a choice, a timer wait and an approval. An attempt killed with its worker
counts too: a task may lose all its attempts that way (rare) and take its error path. Every path through it is decided
by `n` and by the approval decision, so the test knows each instance's complete history in advance: a
transition applied twice, or one lost, shows as a difference.
"""

from __future__ import annotations

from typing import Any

__all__ = ["APPROVER_ROLE", "CRASH_FLOW", "approves", "expected_path", "fails_every_attempt", "fails_first_attempt"]

APPROVER_ROLE = "ops"

CRASH_FLOW: dict[str, Any] = {
    "id": "crash_drill",
    "version": 1,
    "title": "Crash drill",
    "context": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    "initial": "prepare",
    "states": {
        "prepare": {"type": "task", "action": "prepare", "input": {"n": "n"}, "output": "prepared",
                    "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 0.05, "jitter": False,
                              "retry_on": ["flaky"]}},
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": [APPROVER_ROLE]}},
        "cool_off": {"type": "wait", "duration": "PT0.3S"},
        "finish": {"type": "task", "action": "finish", "input": {"n": "n", "prepared": "prepared"},
                   "output": "finished"},
        "done": {"type": "final", "outcome": "success"},
        "rejected": {"type": "final", "outcome": "failure"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "prepare", "trigger": "done", "dest": "route"},
        {"source": "route", "dest": "review", "guard": "n % 3 == 0", "priority": 1},
        {"source": "route", "dest": "cool_off"},
        {"source": "review", "trigger": "approve", "dest": "finish"},
        {"source": "review", "trigger": "reject", "dest": "rejected"},
        {"source": "cool_off", "trigger": "done", "dest": "finish"},
        {"source": "finish", "trigger": "done", "dest": "done"},
        {"source": ["prepare", "finish"], "trigger": "error", "dest": "failed", "assign": {"failure": "event"}},
    ],
}


def fails_every_attempt(n: int) -> bool:
    return n % 7 == 0


def fails_first_attempt(n: int) -> bool:
    return n % 2 == 1


def approves(n: int) -> bool:
    """The drill approves most reviews and rejects some, so both ways out of the approval are taken."""
    return n % 6 != 3


def expected_path(n: int, lost_out: str | None = None) -> list[tuple[str | None, str, str]]:
    """(from, to, event) of every history row, in order, for the instance started with `n` — or, when the task
    `lost_out` lost every attempt it had with killed workers, for the instance that took its error path there."""
    path: list[tuple[str | None, str, str]] = [(None, "prepare", "(start)")]
    if fails_every_attempt(n) or lost_out == "prepare":
        return [*path, ("prepare", "failed", "error")]
    path.append(("prepare", "route", "done"))
    if n % 3 == 0:
        path.append(("route", "review", "(auto)"))
        if not approves(n):
            return [*path, ("review", "rejected", "reject")]
        path.append(("review", "finish", "approve"))
    else:
        path += [("route", "cool_off", "(auto)"), ("cool_off", "finish", "done")]
    if lost_out == "finish":
        return [*path, ("finish", "failed", "error")]
    return [*path, ("finish", "done", "done")]
