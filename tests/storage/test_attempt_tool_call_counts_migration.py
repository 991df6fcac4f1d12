"""Migration 0016: each action attempt keeps how many tool calls its steps hold and how many failed. Attempts
recorded before it are counted by the migration with the rule the writer uses, so the KPIs of an upgraded
database are what they were; the migration goes both ways."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from migration_support import downgrade

from storage.attempts import count_tool_calls
from storage.database import create_database_engine
from storage.schema import ensure_schema

STEPS: dict[str, Any] = {
    "a": [{"action": "crm.search", "result": {"n": 1}}, {"action": "crm.get", "error": {"kind": "not_found"}},
          {"action": "mail.send", "error": {"kind": "unavailable"}}, "odd"],
    "b": [],
    "c": None,
    "d": {"not": "a list"},
}


def _columns(database: sa.Engine) -> set[str]:
    return {str(c["name"]) for c in sa.inspect(database).get_columns("action_attempts")}


def test_upgrading_counts_the_tool_calls_of_attempts_recorded_before(database_url: str) -> None:
    downgrade(database_url, "0015")
    database = create_database_engine(database_url)
    try:
        assert not {"tool_calls", "failed_tool_calls"} & _columns(database)
        insert = sa.text("INSERT INTO action_attempts (instance_id, task_seq, attempt, state, action, outcome, "
                         "steps, at) VALUES (:i, 1, 1, 'look', 'look_up', 'done', :steps, 1.0)")
        with database.begin() as connection:
            for key, steps in STEPS.items():
                connection.execute(insert, {"i": key, "steps": None if steps is None else json.dumps(steps)})
        ensure_schema(database)
        with database.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT instance_id, tool_calls, failed_tool_calls FROM action_attempts")).all()
        found = {str(r[0]): (int(r[1]), int(r[2])) for r in rows}
        assert found == {"a": (3, 1), "b": (0, 0), "c": (0, 0), "d": (0, 0)}
        assert found["a"] == count_tool_calls(STEPS["a"])  # the migration's rule is the writer's
    finally:
        database.dispose()
    downgrade(database_url, "0015")
    database = create_database_engine(database_url)
    try:
        assert not {"tool_calls", "failed_tool_calls"} & _columns(database)
        ensure_schema(database)  # back at head: the PostgreSQL schema is the session's
    finally:
        database.dispose()
