"""A worker killed (kill -9) in the middle of a model conversation: the model calls it made were paid for, and
the attempt counted as lost must carry what they cost — in its history and in the tenant's spend, which the
Cost Sentinel and the budget read. Before, the cost of an attempt travelled only with its outcome, so a worker
that died before the outcome lost it: a tenant could spend past its budget on crashes nobody saw in the costs.
A `statewright worker` process on the `llm` executor against a real chat-completions server on 127.0.0.1, on
each database."""

from __future__ import annotations

import signal
import time

import pytest
import sqlalchemy as sa
from chat_completions_server import Reply, Script, completion
from llm_deployment import llm_worker, start_triage

from agents.tools import Sandbox
from engine import Engine

PRICE = (1000 * 0.15 + 200 * 0.60) / 1e6  # gpt-4o-mini's price per million tokens, prompt and completion
DEADLINE_S = 90  # bounded, not measured


def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"not within {DEADLINE_S} s: {what}")
        time.sleep(0.05)


def _query(database_url: str, sql: str, instance_id: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), {"i": instance_id})]
    finally:
        engine.dispose()


def _spent(database_url: str, instance_id: str) -> tuple[float, float]:
    """(the instance's rows in the costs table, the tenant's month in budget_usage)."""
    [(rows,)] = _query(database_url, "SELECT coalesce(sum(amount), 0) FROM costs WHERE instance_id = :i", instance_id)
    [(month,)] = _query(database_url, "SELECT coalesce(sum(spent), 0) FROM budget_usage WHERE :i = :i", instance_id)
    return float(rows), float(month)  # type: ignore[arg-type]


def test_the_cost_of_model_calls_made_before_the_worker_was_killed_is_kept(
        server: tuple[str, Script], sandbox: Sandbox, database_url: str) -> None:
    url, script = server
    script.replies += [
        Reply(completion("Sure! The ticket looks like an account problem.", prompt=1000, completion_tokens=200)),
        Reply(completion("{}"), delay_s=120),  # the repair the worker asks for: it is killed while it waits
    ]
    with Engine(database_url) as engine:
        _, run = start_triage(engine)
        with llm_worker(database_url, url) as worker:  # its heartbeat every second: a lease of three
            _until(lambda: len(script.requests) == 2, "the worker's second model call")
            worker.send_signal(signal.SIGKILL)
        assert _spent(database_url, run.id) == (0.0, 0.0)  # nothing recorded yet: the attempt never ended

        time.sleep(3.2)  # the killed worker's lease (three heartbeats) lapses
        survivor = engine.worker(owner="survivor")
        try:
            (claimed,) = survivor.claim()  # the next attempt: the lost one is recorded as it is taken up
        finally:
            survivor.close()
        assert claimed.job.attempt == 2
    [(attempt, outcome, cost)] = _query(
        database_url, "SELECT attempt, outcome, cost FROM action_attempts WHERE instance_id = :i", run.id)
    assert (attempt, outcome) == (1, "lost")
    assert cost == pytest.approx(PRICE)
    rows, month = _spent(database_url, run.id)
    assert rows == pytest.approx(PRICE)
    assert month == pytest.approx(PRICE)
