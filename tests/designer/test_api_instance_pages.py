"""The instance list read page after page from a place (`before`: the last instance of the page before), so that
the walk stays put while instances start (docs/api.md#instances); `offset` alone still pages as it did. The
engine runs on a manual clock, so that instances started at the very same moment can be made."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from designer_support import MINIMAL_WORKFLOW, PASSWORD, assert_problem, make_settings
from litestar.testing import TestClient

from designer.app import build_services, create_app
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


class Api:
    def __init__(self, client: TestClient[Any], engine: Engine, clock: ManualClock, bearer: dict[str, str]) -> None:
        self.client, self.engine, self.clock, self.bearer = client, engine, clock, bearer

    def start(self, count: int, *, step_s: float = 1.0, workflow: str = "tiny_flow", tenant: str = "acme") -> None:
        for _ in range(count):
            self.clock.advance(step_s)
            self.engine.start(workflow, {}, tenant=tenant, actor="pager")

    def page(self, **query: Any) -> httpx.Response:
        return self.client.get("/api/instances", params=query, headers=self.bearer)

    def ids(self, **query: Any) -> list[str]:
        response = self.page(**query)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = make_settings(tmp_path_factory.mktemp("pages"), workers=0)
    clock = ManualClock()
    engine = Engine(settings.database_url, clock=clock)
    services = build_services(settings, engine=engine)
    services.accounts.add_user("pager", PASSWORD, roles=["admin"], tenant="acme")
    token = services.accounts.create_token(services.accounts.login("pager", PASSWORD).principal, "t").token
    engine.deploy(MINIMAL_WORKFLOW)
    engine.deploy({**MINIMAL_WORKFLOW, "id": "other_flow"})
    with TestClient(create_app(settings, services=services)) as client:
        yield Api(client, engine, clock, {"Authorization": f"Bearer {token}"})
    services.close()


def _walk(api: Api, limit: int, **query: Any) -> list[str]:
    walked: list[str] = []
    while True:
        page = api.ids(limit=limit, **query, **({"before": walked[-1]} if walked else {}))
        walked += page
        if len(page) < limit:
            return walked


def test_a_page_after_the_last_one_stays_put_while_instances_start(api: Api) -> None:
    api.start(25)
    first = api.ids(limit=10)
    whole = api.ids(limit=500)
    api.start(10)  # started between reading page 1 and page 2
    shifted = api.ids(limit=10, offset=10)
    assert set(shifted) == set(first)  # what offset does: the ten new ones pushed page 1 down onto page 2
    after = api.ids(limit=10, before=first[-1])
    assert after == whole[10:20]
    response = api.page(limit=10, before=first[-1]).json()
    assert (response["total"], response["limit"], response["offset"]) == (len(whole) + 10, 10, 0)


def test_instances_started_at_one_moment_are_each_listed_once(api: Api) -> None:
    api.start(1)
    api.start(7, step_s=0)  # the same created_at: listed by id among themselves
    api.start(2)
    whole = api.ids(limit=500)
    for limit in (1, 3, 4, 50):
        assert _walk(api, limit) == whole
    assert api.ids(limit=5, offset=4, before=whole[2]) == whole[7:12]  # offset counts from the place


def test_the_place_combines_with_the_filters(api: Api) -> None:
    api.start(6, workflow="other_flow")
    only = api.ids(limit=500, workflow="other_flow")
    assert len(only) == 6
    assert _walk(api, 2, workflow="other_flow") == only
    window = api.page(limit=500, workflow="other_flow").json()["items"]
    since, until = window[-1]["created_at"], window[1]["created_at"]  # the oldest up to the second newest
    assert api.ids(limit=2, before=only[1], workflow="other_flow", since=since, until=until) == only[2:4]
    whole = api.ids(limit=500)
    assert api.ids(limit=3, before=only[0]) == whole[whole.index(only[0]) + 1:][:3]  # any instance is a place


def test_a_place_that_is_no_instance_of_the_tenant_is_refused(api: Api) -> None:
    api.start(1, tenant="globex")
    theirs = api.engine.start("tiny_flow", {}, tenant="globex", actor="other").id
    for place in ("nope", theirs):
        problem = assert_problem(api.page(before=place), 422, "invalid-input")
        assert problem["detail"] == (f"before: there is no instance '{place}' in your tenant to list from; give "
                                     "the id of the last instance of the page before")
