"""`guard-not-boolean`: a guard that gives no boolean — a constant, arithmetic, or a context path not declared
boolean — is taken as false by the engine, so its transition is never taken and a choice silently falls to its
default. It validated clean; an outside run found `"guard": "order.id"` sending every order to `rejected`, and QA
found `1 + 1` and `n + 1` passing unreported."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from rich.console import Console
from test_checks_type_mismatch import FLOW

from engine.cli.history_view import history_table
from engine.runtime.engine import Engine
from engine.validation.loader import load_workflow


def flow(guard: str) -> dict[str, Any]:
    document = copy.deepcopy(FLOW)
    document["transitions"][0]["guard"] = guard
    document["context"]["properties"]["ok"] = {"type": "boolean"}
    return document


def said(guard: str) -> list[str]:
    return [f.message for f in load_workflow(flow(guard)).findings if f.code == "guard-not-boolean"]


@pytest.mark.parametrize(("guard", "gives"), [
    ("vendor.name", "vendor.name, a text in the context schema"),
    ("context.x", "x, a whole number in the context schema"),
    ("vendor", "vendor, an object in the context schema"),
    ("1", "the number 1"),
    ("'yes'", "the text 'yes'"),
    ("null", "the value null"),
    ("1 + 1", "arithmetic (`+`), which gives a number, a text, a list or a time, never true or false"),
    ("x + 1", "arithmetic (`+`), which gives a number, a text, a list or a time, never true or false"),
    ("(x % 2)", "arithmetic (`%`), which gives a number, never true or false"),
    ("-x", "arithmetic (`-`), which gives a number or a time, never true or false"),
    ("undeclared * 2", "arithmetic (`*`), which gives a number, never true or false"),
    ("[ok]", "a list literal"),
    ("{'ok': true}", "a map literal"),
])
def test_a_guard_that_gives_no_boolean_is_named_with_what_it_gives(guard: str, gives: str) -> None:
    assert said(guard) == [
        f"The guard of transition 1 (route → review automatically) is {gives}: a guard must give true or false, "
        "and anything else is taken as false, so the transition is never taken. Make it a comparison "
        "(`order.id != ''`, `count > 0`)."]


@pytest.mark.parametrize("guard", ["ok", "true", "vendor.name != ''", "x > 0", "undeclared", "has(vendor.name)",
                                   "event.ok", "vendor.name.startsWith('A')", "x + 1 > 2", "x % 2 == 0 || ok",
                                   "!ok", "ok ? x > 1 : x < 1"])
def test_a_guard_that_may_give_a_boolean_is_not_reported(guard: str) -> None:
    assert said(guard) == []


@pytest.mark.parametrize(("guard", "gave"), [("vendor.name", "str"), ("x + 1", "int")])
def test_the_engine_takes_such_a_guard_as_false(tmp_path: Any, guard: str, gave: str) -> None:
    """What the finding says is what happens: the choice falls to its default, and the history says why."""
    with Engine(f"sqlite:///{tmp_path / 'g.db'}") as engine:
        engine.deploy(flow(guard))
        run = engine.start("typed_guard", {"vendor": {"name": "Acme"}, "x": 1})
        assert run.state == "approved"
        (evaluation, *_) = engine.history(run.id)[-1].guards
        assert evaluation["error"] == f"the guard gave {gave}, not a boolean"


def test_the_history_table_says_the_guard_failed_not_that_it_was_false(tmp_path: Any) -> None:
    """`statewright history` showed `vendor.name = False`, as if the guard had been checked and not held."""
    with Engine(f"sqlite:///{tmp_path / 'g.db'}") as engine:
        engine.deploy(flow("vendor.name"))
        run = engine.start("typed_guard", {"vendor": {"name": "Acme"}})
        entries = engine.history(run.id)
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(history_table(entries, None))
    shown = console.export_text()
    assert "vendor.name failed (the guard gave str, not a boolean): taken as false" in shown
    assert "vendor.name = False" not in shown
