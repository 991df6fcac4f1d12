"""Model prices in the database: set, replaced and removed through the engine and `statewright prices`, read by
the executors' price book over the price file and the built-in table; a model without a price is recorded as
unknown, not as a silent 0."""

from __future__ import annotations

import json
from typing import Any

import pytest
from runtime_support import edge, final, finished, task, workflow
from typer.testing import CliRunner

from agents.handlers.pricing import MODEL_PRICES, ModelPrice, PriceBook, Pricing
from engine.cli.app import build_app
from engine.definition import Agent
from engine.errors import InvalidInput
from engine.read_models.kpis import KpiScope, collect_kpis
from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine


class _Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_database_prices_override_the_table_and_the_providers_own_win(engine: Engine) -> None:
    book = PriceBook({"gpt-4o": MODEL_PRICES["gpt-4o"]}, engine, provider="vllm")
    assert book.get("llama-3.1-70b") is None
    engine.set_model_price("llama-3.1-70b", prompt_per_million=0.6, completion_per_million=0.8, actor="ada")
    assert book["llama-3.1-70b"] == ModelPrice(0.6, 0.8)  # a change through this engine is seen at once
    engine.set_model_price("llama-3.1-70b", provider="vllm", prompt_per_million=0.1, completion_per_million=0.2)
    engine.set_model_price("llama-3.1-70b", provider="groq", prompt_per_million=9, completion_per_million=9)
    engine.set_model_price("gpt-4o", prompt_per_million=1, completion_per_million=2)
    assert (book["llama-3.1-70b"], book["gpt-4o"]) == (ModelPrice(0.1, 0.2), ModelPrice(1, 2))
    assert engine.remove_model_price("gpt-4o")
    assert not engine.remove_model_price("gpt-4o")
    assert book["gpt-4o"] == MODEL_PRICES["gpt-4o"]  # the table's price applies again
    assert [(p.provider, p.model, p.updated_by) for p in engine.model_prices()] == [
        ("", "llama-3.1-70b", "ada"), ("groq", "llama-3.1-70b", None), ("vllm", "llama-3.1-70b", None)]


def test_another_processs_change_is_read_after_the_refresh_interval(engine: Engine, database_url: str) -> None:
    ticks = _Ticks()
    book = PriceBook({}, engine, refresh_s=30, clock=ticks)
    assert "mistral-large" not in book
    with Engine(database_url) as other:  # another process, as far as this engine knows
        other.set_model_price("mistral-large", prompt_per_million=2, completion_per_million=6)
    ticks.now = 29
    assert "mistral-large" not in book
    ticks.now = 31
    assert book["mistral-large"] == ModelPrice(2, 6)


@pytest.mark.parametrize(("change", "message"), [
    ({"prompt_per_million": -1}, "from 0 to"), ({"completion_per_million": float("nan")}, "from 0 to"),
    ({"prompt_per_million": 5e6}, "from 0 to"), ({"model": " gpt"}, "surrounding spaces"),
    ({"model": ""}, "1 to 200"), ({"provider": "open ai"}, "provider"),
])
def test_bad_prices_and_names_are_refused(engine: Engine, change: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"model": "m", "provider": "", "prompt_per_million": 1.0,
                              "completion_per_million": 1.0, **change}
    with pytest.raises(InvalidInput, match=message):
        engine.set_model_price(values.pop("model"), **values)
    assert engine.model_prices() == []


def test_a_model_without_a_price_is_recorded_as_unknown_not_zero(engine: Engine) -> None:
    agent = Agent.model_validate({"id": "writer", "type": "writer", "version": "1.0.0", "name": "Writer",
                                  "model": "llama-3.1-70b", "instructions": "Write.", "actions": ["write"]})
    pricing = Pricing({"writer": agent}, PriceBook({}, engine))
    engine.register("write", lambda request: ActionResult(
        "text", pricing.cost("writer", request.input, [], "text")))
    engine.deploy(workflow({"write": task("write", output="text"), "ok": final()}, [edge("write", "ok", "done")],
                           id="writing"))
    finished(engine, engine.start("writing", {}))
    (total,) = engine.cost_totals(by="model")
    assert (total.key, total.amount, total.unpriced, total.actions) == ("llama-3.1-70b", 0.0, 1, 1)
    assert total.tokens > 0
    engine.set_model_price("llama-3.1-70b", prompt_per_million=1000, completion_per_million=1000)
    finished(engine, engine.start("writing", {}))
    (total,) = engine.cost_totals(by="model")
    assert (total.unpriced, total.actions) == (1, 2)
    assert total.amount > 0


def test_a_handlers_unknown_cost_is_kept_unknown(engine: Engine) -> None:
    @engine.register("guess")
    def guess(request: ActionRequest) -> ActionResult:
        return ActionResult("x", Cost(amount=0.0, tokens=50, model="self-hosted", priced=False))

    engine.deploy(workflow({"guess": task("guess"), "ok": final()}, [edge("guess", "ok", "done")], id="guessing"))
    finished(engine, engine.start("guessing", {}))
    assert [(t.key, t.unpriced) for t in engine.cost_totals(by="workflow_id")] == [("guessing", 1)]
    overall, (per_workflow,) = collect_kpis(engine.database, KpiScope())  # the metrics flag it, not a free call
    assert (overall.total_cost, overall.unpriced_costs) == (0.0, 1)
    assert (per_workflow.workflow_id, per_workflow.unpriced_costs) == ("guessing", 1)


def test_the_prices_commands_list_set_and_remove(database_url: str) -> None:
    runner = CliRunner()
    app = build_app("prices")

    def run(*args: str) -> Any:
        return runner.invoke(app, ["prices", *args, "--db", database_url])

    assert "no prices in the database" in run("list").output
    done = run("set", "llama-3.1-70b", "--prompt", "0.6", "--completion", "0.8", "--provider", "vllm")
    assert done.exit_code == 0, done.output
    assert "set the price of llama-3.1-70b on vllm" in done.output
    assert "changed" in run("set", "llama-3.1-70b", "--prompt", "0.5", "--completion", "0.8",
                            "--provider", "vllm").output
    listed = json.loads(run("list", "--format", "json").output)
    assert [(p["provider"], p["model"], p["prompt_per_million"]) for p in listed] == [("vllm", "llama-3.1-70b", 0.5)]
    refused = run("set", "x", "--prompt", "-1", "--completion", "0")
    assert refused.exit_code != 0
    assert run("remove", "llama-3.1-70b", "--provider", "vllm").exit_code == 0
    missing = run("remove", "llama-3.1-70b", "--provider", "vllm")
    assert missing.exit_code == 1
    assert "no price is set" in missing.output
