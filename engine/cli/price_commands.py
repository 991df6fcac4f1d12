"""`statewright prices list|set|remove`: the model prices in the database (the deployment's, over the price file
and the built-in table), as an operator with access to the database edits them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from engine.cli.engine_options import CLI_ACTOR, Db, Format, actor_option, open_engine
from engine.cli.output import OutputFormat, emit_json, fail, stdout
from engine.model_rates import MAX_PRICE, price_problem
from engine.runtime.model_prices import ANY_PROVIDER

__all__ = ["register_price_commands"]

Provider = Annotated[str, typer.Option(help="The provider the price applies on; empty for any provider.")]


def list_command(*, db: Db = None, output: Format = OutputFormat.text) -> None:
    """The prices set in the database, USD per million tokens."""
    with open_engine(db, existing=True) as engine:
        prices = engine.model_prices()
    if output is OutputFormat.json:
        emit_json([asdict(p) for p in prices])
        return
    if not prices:
        stdout.print("no prices in the database: the price file's and the built-in ones apply", highlight=False)
    for p in prices:
        stdout.print(f"{p.provider or '*'}\t{p.model}\tprompt {p.prompt_per_million:g}\t"
                     f"completion {p.completion_per_million:g}\t(by {p.updated_by or '-'})", highlight=False)


def _price(value: float) -> float:
    """A price as the price file must give it too (`engine.model_rates.price_problem`): `nan` and `inf`, which
    parse as numbers, are refused as a negative price is, saying what a price must be."""
    if price_problem(value) is not None:
        raise typer.BadParameter(f"{value:g} is not a price: a price must be a finite number of USD per million "
                                 f"tokens, from 0 to {MAX_PRICE:,.0f}")
    return value


def set_command(
    model: Annotated[str, typer.Argument(help="The model, e.g. llama-3.1-70b.")],
    prompt: Annotated[float, typer.Option("--prompt", callback=_price, help="USD per million prompt tokens.")],
    completion: Annotated[float, typer.Option("--completion", callback=_price,
                                              help="USD per million completion tokens.")],
    *, provider: Provider = ANY_PROVIDER, actor: Annotated[str, actor_option("Who sets it")] = CLI_ACTOR,
    db: Db = None,
) -> None:
    """Set MODEL's price (a new one, or replacing the one set)."""
    with open_engine(db) as engine:
        _, created = engine.set_model_price(model, provider=provider, prompt_per_million=prompt,
                                            completion_per_million=completion, actor=actor)
    stdout.print(f"{'set' if created else 'changed'} the price of {model} on {provider or 'any provider'}",
                 highlight=False)


def remove_command(
    model: Annotated[str, typer.Argument(help="The model.")], *, provider: Provider = ANY_PROVIDER, db: Db = None,
) -> None:
    """Remove MODEL's price from the database (the price file's or the built-in one applies again)."""
    with open_engine(db, existing=True) as engine:
        removed = engine.remove_model_price(model, provider=provider)
    if not removed:
        fail(f"no price is set for {model} on {provider or 'any provider'}")
    stdout.print(f"removed the price of {model} on {provider or 'any provider'}", highlight=False)


def register_price_commands(app: typer.Typer) -> None:
    prices = typer.Typer(name="prices", help="Model prices in the database (USD per million tokens).",
                         no_args_is_help=True)
    prices.command("list")(list_command)
    prices.command("set")(set_command)
    prices.command("remove")(remove_command)
    app.add_typer(prices)
