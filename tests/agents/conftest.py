"""Fixtures for the shipped handlers and tools: a sandbox and an engine on each database, at a fixed time.

The sandbox tables live beside the engine's (storage/sandbox.py) but are not yet part of its migrations; the
shared `database_url` fixture empties only the engine's tables, so each test here starts by emptying the
sandbox's; on PostgreSQL (one schema for the whole session) each test module drops them when it ends, leaving
the schema as the migrations made it for the tests that compare the two.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from chat_completions_server import Script, chat_completions_server

from agents.handlers import OfflineHandlers, register, shipped_definitions
from agents.tools import Sandbox, ToolRegistry, WorkflowPolicies, sandbox_tools
from agents.tools.sandbox.tables import clear_sandbox_tables
from engine import Engine, ManualClock
from storage.database import create_database_engine

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)  # a Tuesday


def _empty_sandbox(database_url: str) -> None:
    database = create_database_engine(database_url)
    try:
        clear_sandbox_tables(database)
    finally:
        database.dispose()


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    """A chat-completions server on 127.0.0.1 for the `llm` executor's tests: its API base URL and its script."""
    with chat_completions_server() as running:
        yield running


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def sandbox(database_url: str, clock: ManualClock) -> Iterator[Sandbox]:
    """The sandbox, seeded from the corpus, on an otherwise empty database."""
    _empty_sandbox(database_url)
    database = create_database_engine(database_url)
    yield Sandbox.open(database, clock=clock)
    database.dispose()


@pytest.fixture
def tools(sandbox: Sandbox) -> ToolRegistry:
    """The sandbox's tools and the Policy Officer's; no engine, so no workforce tools."""
    return sandbox_tools(sandbox, policies=WorkflowPolicies(shipped_definitions()[0]))


@pytest.fixture
def engine(database_url: str, clock: ManualClock) -> Iterator[Engine]:
    _empty_sandbox(database_url)
    with Engine(database_url, clock=clock, rng=random.Random(7)) as built:
        yield built


@pytest.fixture
def offline(engine: Engine) -> OfflineHandlers:
    """The shipped handlers registered on the engine, every shipped agent and workflow deployed (so tasks run as
    their agents, under the agents' policies and tool lists, as in the designer and `statewright run`)."""
    registered = register(engine)
    workflows, agents = shipped_definitions()
    for agent in agents.values():
        engine.deploy_agent(agent)
    for workflow in workflows.values():  # together: a flow may start one deployed after it
        engine.deploy(workflow, alongside=workflows.values())
    return registered
