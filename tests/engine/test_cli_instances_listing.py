"""`statewright instances` lists what a user started — one row per order, a subflow with the instance it is part
of — not the engine's internal instances that run a parallel state's branches and a map's items (the API hides
them too). Before, one order with a map over four lines and two branches was seven rows, all named after the
order's workflow, in states such as `reserved` the workflow itself does not have."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.engine import Engine

CHILD: dict[str, Any] = {
    "id": "shipping", "title": "Shipping", "initial": "book",
    "states": {"book": {"type": "task", "action": "book", "output": "booking"}, "booked": {"type": "final"}},
    "transitions": [{"source": "book", "trigger": "done", "dest": "booked"}],
}
ORDER: dict[str, Any] = {
    "id": "order", "title": "Order", "initial": "reserve",
    "context": {"type": "object", "properties": {"lines": {"type": "array"}}},
    "states": {
        "reserve": {"type": "map", "items": "lines", "output": "reservations", "iterator": {
            "initial": "hold",
            "states": {"hold": {"type": "task", "action": "hold", "output": "held"},
                       "held_ok": {"type": "final", "result": {"bin": "held.bin"}}},
            "transitions": [{"source": "hold", "trigger": "done", "dest": "held_ok"}]}},
        "prepare": {"type": "parallel", "branches": [
            {"name": "payment", "initial": "charge",
             "states": {"charge": {"type": "task", "action": "charge", "output": "payment"},
                        "charged": {"type": "final"}},
             "transitions": [{"source": "charge", "trigger": "done", "dest": "charged"}]},
            {"name": "packing", "initial": "pack",
             "states": {"pack": {"type": "task", "action": "pack", "output": "parcel"}, "packed": {"type": "final"}},
             "transitions": [{"source": "pack", "trigger": "done", "dest": "packed"}]}]},
        "ship": {"type": "subflow", "workflow": "shipping", "output": "shipment"},
        "shipped": {"type": "final"},
    },
    "transitions": [{"source": "reserve", "trigger": "done", "dest": "prepare"},
                    {"source": "prepare", "trigger": "done", "dest": "ship"},
                    {"source": "ship", "trigger": "done", "dest": "shipped"}],
}



@pytest.fixture(autouse=True)
def _wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them, whichever test made the console first (it reads COLUMNS once)."""
    monkeypatch.setattr(output.stdout, "_width", 300)

def _listed(*args: str) -> Any:
    done = CliRunner().invoke(build_app("instances"), ["instances", *args], env={"COLUMNS": "250"})
    assert done.exit_code == 0, done.output
    return done.stdout  # with --format json, a full page's note goes to stderr


def _run_one_order(database_url: str) -> str:
    with Engine(database_url) as engine:
        for action in ("book", "hold", "charge", "pack"):
            engine.register(action, lambda request: {"bin": "B-1"})
        engine.deploy(CHILD)
        engine.deploy(ORDER)
        order = engine.start("order", {"lines": [{"sku": "A"}, {"sku": "B"}, {"sku": "C"}, {"sku": "D"}]}).id
        engine.run_until_idle()
        assert engine.get(order).state == "shipped"
        return order


def test_an_order_is_one_row_and_its_subflow_names_it(database_url: str) -> None:
    order = _run_one_order(database_url)

    rows = json.loads(_listed("--db", database_url, "--format", "json"))

    assert sorted((r["workflow_id"], r["state"], r["parent_id"]) for r in rows) == [
        ("order", "shipped", None), ("shipping", "booked", order)]
    table = _listed("--db", database_url)
    assert "part of" in table
    assert "reserve.iterator" not in table
    assert "prepare.payment" not in table


def test_the_limit_counts_the_rows_shown(database_url: str) -> None:
    _run_one_order(database_url)
    _run_one_order(database_url)

    rows = json.loads(_listed("--db", database_url, "--format", "json", "--limit", "3"))

    assert len(rows) == 3
    assert all(r["branch"] == "" for r in rows)


def test_parent_lists_every_child_with_its_branch(database_url: str) -> None:
    order = _run_one_order(database_url)

    rows = json.loads(_listed("--db", database_url, "--parent", order, "--format", "json"))
    table = _listed("--db", database_url, "--parent", order)

    assert sorted(r["branch"] for r in rows) == [
        "", "prepare.packing", "prepare.payment", *(f"reserve.iterator#{n}" for n in range(4))]
    assert f"{order} (prepare.payment)" in table


def test_an_empty_listing_says_so(database_url: str) -> None:
    assert "no instance matches" in _listed("--db", database_url, "--workflow", "nothing_of_that_name")


def test_state_filters_and_a_full_page_says_there_may_be_more(database_url: str) -> None:
    _run_one_order(database_url)
    _run_one_order(database_url)

    shipped = json.loads(_listed("--db", database_url, "--state", "shipped", "--format", "json"))
    page = _listed("--db", database_url, "--workflow", "order", "--limit", "1")

    assert [r["state"] for r in shipped] == ["shipped", "shipped"]
    assert "1 to 1 shown, newest first; there may be more: --offset 1 shows the next page" in page
    assert "next page" not in _listed("--db", database_url, "--workflow", "order", "--limit", "5")


def test_a_full_json_page_says_so_on_stderr_and_offset_pages_on(database_url: str) -> None:
    """From an outside QA pass: a script waiting for 300 finished instances read `--format json`, got the newest
    50 in a bare list with nothing saying it was cut, and waited for ever. The JSON stays the list; stderr says
    the page was full, and --offset reads the next one."""
    orders = [_run_one_order(database_url) for _ in range(3)]
    runner, app = CliRunner(), build_app("instances")
    pages = []
    for offset in ("0", "2", "4"):
        done = runner.invoke(app, ["instances", "--db", database_url, "--workflow", "order", "--limit", "2",
                                   "--offset", offset, "--format", "json"])
        assert done.exit_code == 0, done.output
        pages.append((json.loads(done.stdout), done.stderr))
    assert [[r["id"] for r in rows] for rows, _ in pages] == [orders[:0:-1], orders[:1], []]
    assert "1 to 2 shown, newest first; there may be more: --offset 2 shows the next page" in pages[0][1]
    assert pages[1][1] == pages[2][1] == ""
    refused = runner.invoke(app, ["instances", "--db", database_url, "--offset", "-1"])
    assert refused.exit_code == 2
    assert "--offset is how many of the newest to skip, 0 or more; not -1" in refused.output


FAILING: dict[str, Any] = {
    "id": "charge", "title": "Charge", "initial": "charge",
    "states": {"charge": {"type": "task", "action": "charge_card"}, "paid": {"type": "final"}},
    "transitions": [{"source": "charge", "trigger": "done", "dest": "paid"}],
}


def test_a_failed_instance_is_listed_with_why_it_failed(tmp_path: Any) -> None:
    """`instances --status failed` says why each failed (its error's kind and message, on one line), so that an
    operator need not `show` each; a list with no error has no error column."""
    db = f"sqlite:///{tmp_path / 'failed.db'}"
    with Engine(db) as engine:
        engine.deploy(FAILING)

        @engine.register("charge_card")
        def charge_card(request: Any) -> None:
            raise RuntimeError("the card was declined:\n insufficient funds " + "x" * 200)

        failed = engine.start("charge", {}).id
        engine.run_until_idle()
        assert engine.get(failed).status == "failed"
        engine.register("book", lambda request: None)
        engine.deploy(CHILD)
        engine.start("shipping", {})
    listed = _listed("--db", db, "--status", "failed")
    row = next(line for line in listed.splitlines() if failed in line)
    assert "the card was declined: insufficient funds" in row
    assert "…" in row  # cut to one short line
    assert "error" not in _listed("--db", db, "--status", "running").splitlines()[1]
