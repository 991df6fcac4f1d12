"""The flow the race drill runs: work for several workers on the same instance at once.

A parallel state whose two branches finish on whichever workers claim them (their parent is resumed by two
`child_done` jobs that race), a short timer every worker wants to fire, and an event wait the test publishes
to while the workers run, then a last task. Every instance has one possible history.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BRANCH_PATH", "EVENT", "PARENT_PATH", "RACE_FLOW"]

EVENT = "ping"


def _branch(name: str) -> dict[str, Any]:
    return {"name": name, "initial": "work",
            "states": {"work": {"type": "task", "action": "work", "output": name},
                       "ok": {"type": "final", "outcome": "success"}},
            "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}]}


RACE_FLOW: dict[str, Any] = {
    "id": "race_drill",
    "version": 1,
    "title": "Race drill",
    "context": {"type": "object", "properties": {"n": {"type": "integer"}, "key": {"type": "string"}},
                "required": ["n", "key"]},
    "initial": "fan",
    "states": {
        "fan": {"type": "parallel", "branches": [_branch("left"), _branch("right")]},
        "tick": {"type": "wait", "duration": "PT0.2S"},
        "listen": {"type": "wait", "event": {"type": EVENT, "correlation": "key"}, "timeout": "PT600S",
                   "output": "ping"},
        "wrap": {"type": "task", "action": "work", "output": "wrapped"},
        "done": {"type": "final", "outcome": "success"},
        "late": {"type": "final", "outcome": "failure"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "fan", "trigger": "done", "dest": "tick"},
        {"source": "tick", "trigger": "done", "dest": "listen"},
        {"source": "listen", "trigger": "done", "dest": "wrap"},
        {"source": "listen", "trigger": "timeout", "dest": "late"},
        {"source": "wrap", "trigger": "done", "dest": "done"},
        {"source": ["fan", "wrap"], "trigger": "error", "dest": "failed", "assign": {"failure": "event"}},
    ],
}

PARENT_PATH: list[tuple[str | None, str, str]] = [
    (None, "fan", "(start)"), ("fan", "tick", "done"), ("tick", "listen", "done"), ("listen", "wrap", "done"),
    ("wrap", "done", "done"),
]
BRANCH_PATH: list[tuple[str | None, str, str]] = [(None, "work", "(start)"), ("work", "ok", "done")]
