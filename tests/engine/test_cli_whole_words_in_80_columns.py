"""At 80 columns (a terminal's default, a pipe, a CI log) `history`, `run`, `instances` and `approvals` break no
word: a history whose task failed once and succeeded on its retry printed `succeede`/`d` and `(2 attempts`/`)` on
lines of their own — the table's words fitted 80 columns without its rules, so it was not printed as records, but
it was printed with them, and rich then narrowed its widest columns below their longest word."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.table import Table
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine

RETRIED: dict[str, Any] = {  # short words: its table fits 80 columns without rules, not with them
    "id": "retried", "title": "Retried", "initial": "first",
    "states": {"first": {"type": "task", "action": "flaky", "output": "a",
                         "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 0.01,
                                   "jitter": False}},
               "done": {"type": "final"}},
    "transitions": [{"source": "first", "trigger": "done", "dest": "done"}],
}
FLOW: dict[str, Any] = {
    "id": "claim_review", "title": "Claim review", "initial": "classify_request",
    "context": {"type": "object"},
    "states": {"classify_request": {"type": "task", "action": "classify_claim", "output": "routing",
                                    "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 0.01,
                                              "jitter": False}},
               "discount_approval": {"type": "approval", "approvers": {"roles": ["finance_director"]},
                                     "request": {"customer": "customer"}},
               "approved_and_recorded": {"type": "final"},
               "rejected_for_good": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "classify_request", "trigger": "done", "dest": "discount_approval"},
                    {"source": "classify_request", "trigger": "error", "dest": "rejected_for_good"},
                    {"source": "discount_approval", "trigger": "approve", "dest": "approved_and_recorded"},
                    {"source": "discount_approval", "trigger": "reject", "dest": "rejected_for_good"}],
}
HANDLERS = '''from engine.runtime.actions import ActionError


def flaky(request):
    if request.attempt < 2:
        raise ActionError("unavailable", "down")
    return {"n": 1}


def register(engine):
    engine.register("flaky", flaky)
'''
# The words the listings below must show whole (each a token of their text, rules and padding aside).
HISTORY_WORDS = ("first", "done", "(start)", "running", "succeeded", "(2", "attempts)")
_RULES = re.compile(r"[\u2500-\u257f]")  # box drawing: a table's rules


def _flaky(request: ActionRequest) -> dict[str, int]:
    if request.attempt < 2:
        raise ActionError("unavailable", "down")
    return {"n": 1}


def _classify(request: ActionRequest) -> dict[str, str]:
    return {"queue": "enterprise_customer_success"}


def _settled(engine: Engine, instance: str, state: str) -> None:
    for _ in range(100):
        engine.run_until_idle()
        if engine.get(instance).state == state:
            return
        engine.clock.sleep(0.02)
    raise AssertionError(f"{instance} never reached {state}")


@pytest.fixture
def retried(tmp_path: Path) -> tuple[str, str]:
    """An instance whose task failed once and succeeded on its retry."""
    url = f"sqlite:///{tmp_path / 'retried.db'}"
    with Engine(url) as engine:
        engine.register("flaky", _flaky)
        engine.deploy(RETRIED)
        instance = engine.start("retried", {}).id
        _settled(engine, instance, "done")
        assert len(engine.history(instance)[-1].attempts) == 2
    return url, instance


@pytest.fixture
def waiting(tmp_path: Path) -> tuple[str, str]:
    """An instance of long state names that waits for an approval."""
    url = f"sqlite:///{tmp_path / 'waiting.db'}"
    with Engine(url) as engine:
        engine.register("classify_claim", _classify)
        engine.deploy(FLOW)
        instance = engine.start("claim_review", {"customer": "Globex Corporation"}).id
        _settled(engine, instance, "discount_approval")
    return url, instance


def _at_80(monkeypatch: pytest.MonkeyPatch, *args: str, code: int = 0) -> str:
    monkeypatch.setattr(output.stdout, "_width", 80)
    done = CliRunner().invoke(build_app(args[0]), list(args))
    assert done.exit_code == code, done.output
    return done.stdout  # the tables: not what another test's thread may log to stderr meanwhile


def _assert_whole(text: str, words: tuple[str, ...]) -> None:
    lines = text.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines), text
    tokens = {token for line in lines for token in _RULES.sub(" ", line).split()}
    assert [word for word in words if word not in tokens] == [], text
    broken = {t for t in tokens for word in words if t != word and len(t) > 1 and (
        word.startswith(t) or word.endswith(t)) and t not in words}
    assert broken == set(), text


def test_a_history_with_a_retried_task_breaks_no_word_in_80_columns(
        retried: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = retried
    _assert_whole(_at_80(monkeypatch, "history", instance, "--db", url), HISTORY_WORDS)


def test_a_run_whose_task_is_retried_breaks_no_word_in_80_columns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "retried.json").write_text(json.dumps(RETRIED), encoding="utf-8")
    (tmp_path / "whole_words_handlers.py").write_text(HANDLERS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    text = _at_80(monkeypatch, "run", "retried.json", "--handlers", "whole_words_handlers:register",
                  "--db", f"sqlite:///{tmp_path / 'r.db'}")
    _assert_whole(text, HISTORY_WORDS)


def test_the_instances_and_approvals_break_no_word_in_80_columns(
        waiting: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = waiting
    _assert_whole(_at_80(monkeypatch, "instances", "--db", url),
                  (instance, "claim_review", "discount_approval", "running"))
    _assert_whole(_at_80(monkeypatch, "approvals", "--db", url),
                  (instance, "claim_review", "discount_approval", "finance_director", '"Globex', 'Corporation"}'))


def test_a_wide_terminal_keeps_the_history_a_table_with_its_rules(
        retried: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = retried
    monkeypatch.setattr(output.stdout, "_width", 200)
    text = CliRunner().invoke(build_app("history"), ["history", instance, "--db", url]).output
    assert any("succeeded" in line and "(2 attempts)" in line and "│" in line for line in text.splitlines()), text


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_()", min_size=1, max_size=18)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    headers = [f"h{index}" for index in range(draw(st.integers(min_value=2, max_value=9)))]
    cell = st.lists(_WORD, max_size=4).map(" ".join)
    rows = draw(st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=4))
    return headers, rows


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=_tables())
def test_a_records_table_in_80_columns_breaks_no_word(table: tuple[list[str], list[list[str]]],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever its columns' words, a records table is printed (as a table, bare or ruled, or as records) with each
    word whole: rich alone narrows its widest columns first, below their longest word."""
    headers, rows = table
    monkeypatch.setattr(output.stdout, "_width", 80)
    shown = Table(title="t")
    for header in headers:
        shown.add_column(header, overflow="fold")
    for row in rows:
        shown.add_row(*row)
    with output.stdout.capture() as captured:
        output.print_table(shown, records=True)
    words = {word for row in rows for cell in row for word in cell.split()}
    tokens = {token for line in captured.get().splitlines() for token in _RULES.sub(" ", line).split()}
    assert tokens - {*headers, "t"} <= words, captured.get()  # no piece of a word
    assert words <= tokens, captured.get()  # every word whole
