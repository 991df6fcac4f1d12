"""Action attempts: what each attempt of a task's action did — outcome, error, cost and its tool-call steps.

Each row also keeps how many tool calls its steps hold and how many of them failed, counted as it is written:
the KPIs (`engine.read_models.kpis`) read those two numbers and never the steps, whose JSON is the bulk of the
table (an agent's tool results, a megabyte an attempt is not unusual) — reading and parsing it on every
metrics request made the request's cost grow with the size of the stored tool calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.codec import dump_optional, load_optional
from storage.records import record
from storage.transaction import Row, Transaction

__all__ = ["AttemptRecord", "AttemptStore", "count_tool_calls", "tool_call_succeeded"]

_COLUMNS = "instance_id, task_seq, attempt, state, action, agent, outcome, error, steps, cost, at"
_INSERT = (f"INSERT INTO action_attempts ({_COLUMNS}, tool_calls, failed_tool_calls) "  # noqa: S608
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance_id, task_seq, attempt) DO NOTHING")


@record
class AttemptRecord:
    instance_id: str
    task_seq: int  # the history seq of the transition that entered the task
    attempt: int
    state: str
    action: str
    agent: str | None
    outcome: str  # 'done', 'error' or 'retry'
    error: Any
    steps: list[dict[str, Any]]
    cost: float | None
    at: float

    def as_dict(self) -> dict[str, Any]:
        return {"attempt": self.attempt, "action": self.action, "agent": self.agent, "outcome": self.outcome,
                "error": self.error, "steps": self.steps, "cost": self.cost, "at": self.at}


def tool_call_succeeded(step: dict[str, Any]) -> bool:
    """A recorded tool call worked — or found nothing, which is an answer, not a failure."""
    error = step.get("error")
    return error is None or (isinstance(error, dict) and error.get("kind") == "not_found")


def count_tool_calls(steps: Sequence[Any]) -> tuple[int, int]:
    """(tool calls, failed tool calls) of an attempt's steps: each step that is a JSON object is a call."""
    calls = [step for step in steps if isinstance(step, dict)]
    return len(calls), sum(not tool_call_succeeded(step) for step in calls)


def _record(row: Row) -> AttemptRecord:
    return AttemptRecord(row[0], int(row[1]), int(row[2]), row[3], row[4], row[5], row[6], load_optional(row[7]),
                         load_optional(row[8]) or [], None if row[9] is None else float(row[9]), float(row[10]))


class AttemptStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def record(self, record: AttemptRecord) -> None:
        """Add an attempt (sent with the transaction's deferred writes); an attempt recorded before is kept."""
        self.tx.defer(_INSERT, (  # the outcome as an exact str: sqlite3 binds a StrEnum member only after looking up
            # an adapter for it, half a microsecond a parameter
            record.instance_id, record.task_seq, record.attempt, record.state, record.action, record.agent,
            str(record.outcome), dump_optional(record.error), dump_optional(record.steps or None), record.cost,
            record.at, *count_tool_calls(record.steps),
        ))

    def for_instance(self, instance_id: str, *, tasks: tuple[int, int] | None = None) -> list[AttemptRecord]:
        """The instance's attempts, in task and attempt order; `tasks`: only those of the tasks entered at the
        seqs from the first to the second, inclusive (a page of history)."""
        if tasks is None:
            rows = self.tx.all(f"SELECT {_COLUMNS} FROM action_attempts WHERE instance_id = ? "  # noqa: S608
                               "ORDER BY task_seq, attempt", (instance_id,))
        else:
            rows = self.tx.all(f"SELECT {_COLUMNS} FROM action_attempts WHERE instance_id = ? "  # noqa: S608
                               "AND task_seq >= ? AND task_seq <= ? ORDER BY task_seq, attempt",
                               (instance_id, *tasks))
        return [_record(r) for r in rows]

    def for_instances(self, instance_ids: list[str]) -> list[AttemptRecord]:
        if not instance_ids:
            return []
        marks = ", ".join("?" for _ in instance_ids)
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM action_attempts WHERE instance_id IN ({marks}) "  # noqa: S608
                           "ORDER BY instance_id, task_seq, attempt", instance_ids)
        return [_record(r) for r in rows]
