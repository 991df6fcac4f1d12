"""A price is a finite number of USD per million tokens from 0 to 1,000,000 at every door: the price file
(`STATEWRIGHT_MODEL_PRICES`, `--prices`) is refused when it is read, with one line naming the file, the model and
the setting, and `statewright prices set` refuses `nan` and `inf` saying what a price must be.

Before, a file's `"completion_per_million": -300` costed every attempt negative (the tenant's budget grew with
each), a `NaN` failed every LLM task with kind `error` and the database's `IntegrityError`, and `--prompt nan` was
refused as "less than or equal to 1000000"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from designer.cli import main
from engine.model_rates import MAX_PRICE, PRICES_ENV, ModelRate, deployment_rates, read_price_file
from engine.runtime import model_prices
from engine.runtime.engine import Engine

NOT_A_PRICE = "not a finite number of USD per million tokens from 0 to 1,000,000"


@pytest.mark.parametrize(("text", "fault"), [
    ('{"gpt-4o-mini": {"prompt_per_million": 1, "completion_per_million": -300}}',
     f'the completion_per_million of the model "gpt-4o-mini" is -300, {NOT_A_PRICE}'),
    ('{"gpt-4o-mini": {"prompt_per_million": NaN, "completion_per_million": -3}}',
     f'the prompt_per_million of the model "gpt-4o-mini" is nan, {NOT_A_PRICE}'),
    ('{"m": {"prompt_per_million": Infinity, "completion_per_million": 1}}',
     f'the prompt_per_million of the model "m" is inf, {NOT_A_PRICE}'),
    ('{"m": {"prompt_per_million": 1e400, "completion_per_million": 1}}',
     f'the prompt_per_million of the model "m" is inf, {NOT_A_PRICE}'),
    ('{"m": {"prompt_per_million": 1, "completion_per_million": 5000000}}',
     f'the completion_per_million of the model "m" is 5000000, {NOT_A_PRICE}'),
    ('{"m": {"prompt_per_million": "abc"}}', 'the prompt_per_million of the model "m" is "abc", not a number'),
    ('{"m": {"prompt_per_million": "0.5", "completion_per_million": 1}}',
     'the prompt_per_million of the model "m" is "0.5", not a number'),
    ('{"m": {"prompt_per_million": true, "completion_per_million": 1}}',
     'the prompt_per_million of the model "m" is True, not a number'),
    ('{"m": {"prompt_per_million": 1}}', 'the model "m" has no completion_per_million'),
], ids=["negative", "nan", "infinity", "overflowing", "too high", "text", "number as text", "boolean", "missing"])
def test_a_price_file_with_a_price_that_is_none_is_refused_naming_the_model_and_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, fault: str) -> None:
    path = tmp_path / "prices.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="the price file") as refused:
        read_price_file(path)
    assert str(refused.value) == f"the price file {path}: {fault}"
    monkeypatch.setenv(PRICES_ENV, str(path))  # as the executors load it
    with pytest.raises(ValueError, match="the price file"):
        deployment_rates()


def test_a_price_file_that_is_not_the_format_says_so(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    for text, said in [("[1]", ""), ('{"m": 3}', ': the model "m" is given 3')]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match="the price file") as refused:
            read_price_file(path)
        assert str(refused.value) == (f"the price file {path} is not a JSON object of model -> "
                                      f"{{prompt_per_million, completion_per_million}}{said}")
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"the price file {path} is not JSON: ")):
        read_price_file(path)
    with pytest.raises(ValueError, match=re.escape(f"the price file {tmp_path / 'gone.json'} cannot be read: ")):
        read_price_file(tmp_path / "gone.json")


def test_prices_within_the_limits_are_read(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"free": {"prompt_per_million": 0, "completion_per_million": 0},
                                "dear": {"prompt_per_million": 1_000_000, "completion_per_million": 0.5}}),
                    encoding="utf-8")
    assert read_price_file(path) == {"free": ModelRate(0.0, 0.0), "dear": ModelRate(1_000_000.0, 0.5)}


def test_the_file_and_the_database_take_the_same_prices() -> None:
    assert MAX_PRICE == model_prices.MAX_PRICE


def _cli(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capfd.readouterr()
    code = main(list(args))
    out, err = capfd.readouterr()
    return code, out, err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e7"])
@pytest.mark.parametrize("option", ["--prompt", "--completion"])
def test_prices_set_refuses_a_price_that_is_none_saying_what_one_must_be(
        database_url: str, capfd: pytest.CaptureFixture[str], value: str, option: str) -> None:
    prices = {"--prompt": "1", "--completion": "1", option: value}
    code, out, err = _cli(capfd, "prices", "set", "m", *(f"{k}={v}" for k, v in prices.items()), "--db", database_url)
    assert code == 2, out + err  # a wrong command line
    said = " ".join(err.split())  # as wrapped to the terminal's width
    assert (f"Invalid value for '{option}': {float(value):g} is not a price: a price must be a finite number of USD "
            "per million tokens, from 0 to 1,000,000") in said, said
    assert "Traceback" not in err
    with Engine(database_url) as engine:
        assert engine.model_prices() == []


def test_prices_set_takes_the_limits(database_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capfd, "prices", "set", "m", "--prompt", "0", "--completion", "1000000", "--db",
                          database_url)
    assert (code, out.strip()) == (0, "set the price of m on any provider"), err
    with Engine(database_url) as engine:
        assert [(p.prompt_per_million, p.completion_per_million) for p in engine.model_prices()] == [(0, 1e6)]
