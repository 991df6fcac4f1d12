"""Every HTTP request has an id: the caller's `X-Request-ID` when it is a sane token, else a new one. The response
carries it back, and every log record written while the request is handled carries it — the engine's too, on the
thread a handler runs on — so an operator can tie an error line to the request that caused it. Before, nothing did:
no header, no id on any line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from designer.app import create_app
from designer.settings import Settings
from engine.errors import StorageError
from engine.log_format import RequestIdFilter

_NEW_ID = re.compile(r"[0-9a-f]{32}")


class _Kept(logging.Handler):
    """The records that reach the root logger, each stamped as the JSON handler of `serve` stamps them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    folder: Path = tmp_path_factory.mktemp("request-ids")
    return create_app(Settings(database_url=f"sqlite:///{folder / 'ids.db'}", workers=0, deploy_shipped=False))


@pytest.fixture(scope="module")
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def kept() -> Iterator[_Kept]:
    handler = _Kept()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def test_a_sane_request_id_is_sent_back(client: TestClient[Litestar]) -> None:
    for given in ("abc-123", "req.7:9_x", "A" * 128):
        answer = client.get("/api/health", headers={"X-Request-ID": given})
        assert answer.status_code == 200
        assert answer.headers["x-request-id"] == given


def test_without_one_each_request_gets_a_new_id(client: TestClient[Litestar]) -> None:
    first = client.get("/api/health").headers["x-request-id"]
    second = client.get("/api/health").headers["x-request-id"]
    assert _NEW_ID.fullmatch(first)
    assert _NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("given", ["two words", "A" * 129, "semi;colon", "slash/ed", "quote\"d", ""])
def test_an_unfit_id_is_replaced_not_echoed(client: TestClient[Litestar], given: str) -> None:
    answer = client.get("/api/health", headers={"X-Request-ID": given})
    assert _NEW_ID.fullmatch(answer.headers["x-request-id"])
    assert answer.headers.get_list("x-request-id") == [answer.headers["x-request-id"]]  # one header, not two


def test_answers_outside_routing_carry_it_too(client: TestClient[Litestar]) -> None:
    assert client.get("/api/no-such-thing", headers={"X-Request-ID": "lost-1"}).headers["x-request-id"] == "lost-1"
    assert client.delete("/api/health", headers={"X-Request-ID": "lost-2"}).headers["x-request-id"] == "lost-2"
    assert client.head("/api/health", headers={"X-Request-ID": "lost-3"}).headers["x-request-id"] == "lost-3"


def test_engine_lines_written_while_a_request_is_handled_carry_its_id(
        app: Litestar, client: TestClient[Litestar], kept: _Kept, monkeypatch: pytest.MonkeyPatch) -> None:
    """`/api/ready` runs on a worker thread and asks the engine: a line the engine writes there is the request's."""
    engine = app.state["engine"]
    original = engine.ping

    def ping_and_say_so() -> None:
        logging.getLogger("statewright.storage").warning("slow answer from the database")
        original()

    monkeypatch.setattr(engine, "ping", ping_and_say_so)
    assert client.get("/api/ready", headers={"X-Request-ID": "probe-7"}).status_code == 200
    logging.getLogger("statewright.storage").warning("between requests")
    said = {record.getMessage(): record for record in kept.records}
    assert said["slow answer from the database"].request_id == "probe-7"  # type: ignore[attr-defined]
    assert said["between requests"].request_id == ""  # type: ignore[attr-defined]


def test_the_designers_error_line_carries_the_id_its_answer_names(
        app: Litestar, client: TestClient[Litestar], kept: _Kept, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise StorageError("connection to server at \"db.internal\" (10.0.0.9), port 5432 failed")

    monkeypatch.setattr(app.state["engine"], "ping", refuse)
    answer = client.get("/api/ready", headers={"X-Request-ID": "lb-probe-1"})
    assert answer.status_code == 503
    assert answer.headers["x-request-id"] == "lb-probe-1"
    assert "lb-probe-1" in answer.json()["detail"]
    errors = [record for record in kept.records if record.levelno >= logging.ERROR]
    assert [record.request_id for record in errors] == ["lb-probe-1"]  # type: ignore[attr-defined]
    assert "db.internal" in errors[0].getMessage()
