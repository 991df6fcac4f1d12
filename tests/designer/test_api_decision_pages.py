"""The decisions someone took, read page after page from a place (`before`: the approval of the last decision of
the page before), so that an approver with hundreds of decisions reaches every one exactly once while decisions
are taken (docs/api.md#approvals); without `before` the list pages by `offset` as it did. The engine runs on a
manual clock, so that decisions taken at the very same moment can be made."""

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

APPROVERS = ("pat", "quinn")  # approvers of the tenant acme; "ada" its admin
PAIRED_FLOW = {  # two approvals needed: both approvers decide each request
    **MINIMAL_WORKFLOW, "id": "paired_flow",
    "states": {**MINIMAL_WORKFLOW["states"],
               "review": {**MINIMAL_WORKFLOW["states"]["review"], "quorum": 2}},
}


class Api:
    def __init__(self, client: TestClient[Any], engine: Engine, clock: ManualClock,
                 bearers: dict[str, dict[str, str]]) -> None:
        self.client, self.engine, self.clock, self.bearers = client, engine, clock, bearers

    def decide(self, count: int, *, step_s: float = 1.0, workflow: str = "tiny_flow",
               actors: tuple[str, ...] = ("pat",), tenant: str = "acme") -> list[str]:
        """`count` requests started and approved by each of `actors`, `step_s` apart: their instances' ids."""
        started = []
        for _ in range(count):
            self.clock.advance(step_s)
            instance = self.engine.start(workflow, {}, tenant=tenant, actor="starter").id
            for actor in actors:
                self.engine.approve(instance, actor=actor, roles=("sales_manager",))
            started.append(instance)
        return started

    def page(self, user: str = "pat", **query: Any) -> httpx.Response:
        return self.client.get("/api/approvals/decisions", params=query, headers=self.bearers[user])

    def keys(self, user: str = "pat", **query: Any) -> list[tuple[int, str]]:
        response = self.page(user, **query)
        assert response.status_code == 200, response.text
        return [(item["approval_id"], item["actor"]) for item in response.json()["items"]]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = make_settings(tmp_path_factory.mktemp("decisions"), workers=0)
    clock = ManualClock()
    engine = Engine(settings.database_url, clock=clock)
    services = build_services(settings, engine=engine)
    bearers = {}
    for user, roles in (("pat", ["approver"]), ("quinn", ["approver"]), ("ada", ["admin"])):
        services.accounts.add_user(user, PASSWORD, roles=roles, tenant="acme", approver_roles=["sales_manager"])
        token = services.accounts.create_token(services.accounts.login(user, PASSWORD).principal, "t").token
        bearers[user] = {"Authorization": f"Bearer {token}"}
    engine.deploy(MINIMAL_WORKFLOW)
    engine.deploy(PAIRED_FLOW)
    with TestClient(create_app(settings, services=services)) as client:
        yield Api(client, engine, clock, bearers)
    services.close()


def _walk(api: Api, limit: int, user: str = "pat", **query: Any) -> list[tuple[int, str]]:
    """Every decision of the list, a page at a time, each page from the last decision of the one before."""
    walked: list[tuple[int, str]] = []
    while True:
        place = {"before": walked[-1][0], "before_actor": walked[-1][1]} if walked else {}
        page = api.keys(user, limit=limit, **query, **place)
        walked += page
        if len(page) < limit:
            return walked


def test_more_decisions_than_a_page_are_each_reached_once_while_more_are_taken(api: Api) -> None:
    decided = api.decide(230)
    first = api.page(limit=100).json()
    assert (first["total"], len(first["items"])) == (230, 100)
    assert [d["instance_id"] for d in first["items"]] == decided[::-1][:100]  # newest first
    walked = [(d["approval_id"], d["actor"]) for d in first["items"]]
    later = api.decide(15)  # taken between reading page 1 and the others
    while True:
        page = api.page(limit=100, before=walked[-1][0]).json()  # mine: the approval alone is the place
        assert page["total"] == 245
        walked += [(d["approval_id"], d["actor"]) for d in page["items"]]
        if len(page["items"]) < 100:
            break
    assert len(walked) == len(set(walked)) == 230  # the 230 there were when the walk began, none twice
    assert walked == api.keys(limit=500)[15:]  # in the list's order, behind the 15 taken since
    assert api.keys(limit=15) == api.keys(limit=15, offset=0)
    assert len(later) == 15


def test_offset_alone_pages_as_before(api: Api) -> None:
    whole = api.keys(limit=500)
    shifted = api.keys(limit=10, offset=10)
    assert shifted == whole[10:20]
    api.decide(3)
    assert api.keys(limit=10, offset=10) == whole[7:17]  # what offset does: three new ones push page 2 down
    response = api.page(limit=10, offset=4, before=whole[2][0]).json()
    assert [(d["approval_id"], d["actor"]) for d in response["items"]] == whole[7:17]  # offset counts from there
    assert (response["total"], response["limit"], response["offset"]) == (len(whole) + 3, 10, 4)


def test_decisions_at_one_moment_are_each_listed_once(api: Api) -> None:
    api.decide(1)
    api.decide(6, step_s=0, workflow="paired_flow", actors=APPROVERS)  # twelve decisions at the very same `at`
    api.decide(2)
    everyone = api.keys("ada", mine="false", limit=500)
    newest = everyone[:14]
    assert [actor for _, actor in newest[2:14]] == ["pat", "quinn"] * 6  # an approval's actors in name order
    assert [approval for approval, _ in newest[2:14]] == sorted((a for a, _ in newest[2:14]), reverse=True)
    for limit in (1, 3, 5, 50):
        assert _walk(api, limit, "ada", mine="false") == everyone
    assert _walk(api, 4, "quinn") == api.keys("quinn", limit=500)
    assert len(api.keys("quinn", limit=500)) == 6


def test_a_place_that_is_no_decision_of_the_list_is_refused(api: Api) -> None:
    api.decide(2, workflow="paired_flow", actors=APPROVERS)
    theirs, _ = api.keys("quinn", limit=1)[0]
    undecided = api.engine.start("tiny_flow", {}, tenant="acme", actor="starter").id
    pending = api.client.get("/api/approvals", params={"instance": undecided}, headers=api.bearers["pat"]).json()
    cases = [
        ("pat", {"before": pending["items"][0]["id"]},
         f"before: approval {pending['items'][0]['id']} has no decision of yours in this list to list from; give "
         "the approval_id of the last decision of the page before"),
        ("pat", {"before": theirs, "before_actor": "quinn"},  # quinn's decision: not in pat's list
         f"before: approval {theirs} has no decision by 'quinn' in this list to list from; give the approval_id of "
         "the last decision of the page before"),
        ("ada", {"mine": "false", "before": theirs},  # the admin decided nothing: the actor is needed
         f"before: approval {theirs} has no decision of yours in this list to list from; give the approval_id of "
         "the last decision of the page before and its actor as before_actor"),
        ("pat", {"before_actor": "pat"},
         "before_actor: give it with before, the approval of the decision to list from"),
    ]
    for user, query, detail in cases:
        assert assert_problem(api.page(user, **query), 422, "invalid-input")["detail"] == detail
    everyone = api.keys("ada", mine="false", limit=500)
    after_theirs = everyone[everyone.index((theirs, "quinn")) + 1:][:2]
    assert api.keys("ada", mine="false", before=theirs, before_actor="quinn", limit=2) == after_theirs
    assert_problem(api.page(before=0), 400)
