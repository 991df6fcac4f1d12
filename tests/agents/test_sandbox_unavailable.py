"""A sandbox database that does not answer makes its tools fail with kind `unavailable`, which the shipped
flows' `retry_on` retries — not with a plain exception, kind `error`, which no policy retries (an operator walk
on PostgreSQL: four workers and their handlers took every connection the server allowed, and 52 escalations
failed for good at `apply_discount`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from postgres_roles import PostgresRole
from sqlalchemy.pool import NullPool

from agents.handlers import shipped_definitions
from agents.handlers.agent_run import Agents
from agents.handlers.pricing import PriceBook, Pricing
from agents.tools import Sandbox, ToolError, ToolRegistry, sandbox_tools
from engine import ActionError, ActionRequest, Engine, SystemClock

EMAIL = {"to": "ann@example.com", "subject": "Hello", "body": "Hi Ann", "idempotency_key": "run-1:welcome"}


def _send(tools: ToolRegistry) -> ActionError:
    """What the engine sees when an agent's action calls `email.send` on these tools."""
    _, agents = shipped_definitions()
    agent_run = Agents(tools, Pricing(agents, PriceBook()), SystemClock()).handler(
        lambda run: run.call("email.send", **EMAIL))
    request = ActionRequest(action="send", input={}, context={}, idempotency_key="i:1", attempt=1,
                            instance_id="i", workflow_id="w", state="s", tenant="default")
    with pytest.raises(ActionError) as failed:
        agent_run(request)
    return failed.value


def _tools(database: sa.Engine) -> ToolRegistry:
    return sandbox_tools(Sandbox.open(database, seed=False))


def test_a_sandbox_database_locked_past_its_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    Engine(f"sqlite:///{path}").close()  # migrated: the sandbox's tables
    database = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1}, poolclass=NullPool)
    tools = _tools(database)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than the busy timeout
    try:
        with pytest.raises(ToolError) as refused:
            tools.call("email.send", EMAIL)
        failure = _send(tools)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (refused.value.kind, refused.value.retryable) == ("unavailable", True)
    assert str(refused.value) == "email.send: the sandbox's database did not answer: database is locked"
    assert (failure.kind, failure.retryable) == ("unavailable", True)
    assert failure.steps[0]["error"]["kind"] == "unavailable"
    assert tools.call("email.send", EMAIL)["sent"] is True  # answers again once the lock is gone


@pytest.mark.postgres
def test_a_postgresql_server_refusing_more_connections_is_unavailable(postgres_role: PostgresRole) -> None:
    database = sa.create_engine(postgres_role.url, poolclass=NullPool)
    tools = _tools(database)
    postgres_role.limit(1)
    with psycopg.connect(postgres_role.driver_url):  # the role's one connection, taken by someone else
        with pytest.raises(ToolError) as refused:
            tools.call("email.send", EMAIL)
        failure = _send(tools)
    assert (refused.value.kind, refused.value.retryable) == ("unavailable", True)
    assert "too many connections for role" in str(refused.value)
    assert (failure.kind, failure.retryable) == ("unavailable", True)
    assert tools.call("email.send", EMAIL)["sent"] is True
