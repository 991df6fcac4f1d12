"""A workflow of one approval state, 'review', that staff decide: the smallest maker of approval requests."""

from __future__ import annotations

from typing import Any

DESK: dict[str, Any] = {
    "id": "desk", "title": "A desk", "initial": "review",
    "states": {"review": {"type": "approval", "approvers": {"roles": ["staff"]}, "timeout": "P2D"},
               "done": {"type": "final"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                    {"source": "review", "trigger": "reject", "dest": "done"},
                    {"source": "review", "trigger": "timeout", "dest": "done"}],
}
