"""`/metrics` gives the person on call what they alert on, now: per kind of job, the tenant's jobs due and not taken
(`statewright_jobs_ready`), how long the oldest has waited (`statewright_jobs_ready_oldest_age_seconds`), the jobs
stuck with a worker whose lease lapsed (`statewright_jobs_lease_expired`), and the deployment's live workers
(`statewright_workers_alive`). Before, it had none of them: a queue backing up with every worker dead showed
nothing. A tenant sees its own jobs only, as it sees its own KPIs; every kind is listed, 0 included, so an alert's
series never vanishes when the queue empties. On SQLite and PostgreSQL, ages by the engine's clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from designer_support import PASSWORD
from litestar import Litestar
from litestar.testing import TestClient

from designer.app import build_services, create_app
from designer.settings import Settings
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.live_workers import Advert
from storage.jobs import JobStore
from storage.transaction import Transaction

FLOW = {"id": "queued_work", "title": "Queued work", "initial": "work",
        "states": {"work": {"type": "task", "action": "queued_work_step"}, "end": {"type": "final"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "end"}]}
TENANTS = ("acme", "globex")
GAUGES = ("statewright_jobs_ready", "statewright_jobs_ready_oldest_age_seconds", "statewright_jobs_lease_expired",
          "statewright_workers_alive")


@dataclass
class Served:
    client: TestClient[Litestar]
    engine: Engine
    clock: ManualClock
    tokens: dict[str, str]  # tenant -> a viewer's bearer token

    def metrics(self, tenant: str) -> str:
        answer = self.client.get("/metrics", headers={"Authorization": f"Bearer {self.tokens[tenant]}"})
        assert answer.status_code == 200, answer.text
        return answer.text


@pytest.fixture
def served(database_url: str) -> Iterator[Served]:
    clock = ManualClock(2_000_000_000.0)
    engine = Engine(database_url, clock=clock)
    engine.register("queued_work_step", lambda request: None)  # no worker runs (workers=0): its jobs wait
    services = build_services(Settings(database_url=database_url, workers=0, deploy_shipped=False), engine=engine)
    tokens = {}
    for tenant in TENANTS:
        services.accounts.add_user(f"viewer-{tenant}", PASSWORD, roles=["viewer"], tenant=tenant)
        principal = services.accounts.login(f"viewer-{tenant}", PASSWORD).principal
        tokens[tenant] = services.accounts.create_token(principal, "metrics").token
    with TestClient(create_app(services.settings, services=services)) as client:
        yield Served(client, engine, clock, tokens)


def _gauge(text: str, name: str, **labels: str) -> float:
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    (value,) = re.findall(rf"^{re.escape(name)}{re.escape('{' + inner + '}' if inner else '')} (\S+)$", text, re.M)
    return float(value)


def test_the_queue_and_the_workers_now_per_tenant(served: Served) -> None:
    engine, clock = served.engine, served.clock
    engine.deploy(FLOW)
    for tenant in ("acme", "acme", "acme", "globex"):
        engine.start(FLOW["id"], tenant=tenant)
    gone = Advert("gone-worker", ["queued_work_step"], lease_s=6, started_at=clock.now())
    engine.runtime.write(lambda tx: gone.announce(tx, clock.now()))

    def take_one(tx: Transaction) -> None:  # the oldest job: one of acme's
        assert len(JobStore(tx).claim(owner="gone-worker", now=clock.now(), lease_s=6, limit=1)) == 1

    engine.runtime.write(take_one)  # and the worker that took it stops answering
    clock.advance(90)
    alive = Advert("live-worker", ["queued_work_step"], lease_s=6, started_at=clock.now())
    engine.runtime.write(lambda tx: alive.announce(tx, clock.now()))

    acme, globex = served.metrics("acme"), served.metrics("globex")
    for name in GAUGES:
        assert f"# TYPE {name} gauge" in acme
        assert re.search(rf"^# HELP {name} \S", acme, re.M), name
    assert _gauge(acme, "statewright_jobs_ready", tenant="acme", kind="action") == 2
    assert _gauge(acme, "statewright_jobs_ready_oldest_age_seconds", tenant="acme", kind="action") == 90
    assert _gauge(acme, "statewright_jobs_lease_expired", tenant="acme", kind="action") == 1
    assert _gauge(acme, "statewright_jobs_ready", tenant="acme", kind="deliver") == 0
    assert _gauge(acme, "statewright_jobs_ready_oldest_age_seconds", tenant="acme", kind="notify") == 0
    assert _gauge(acme, "statewright_workers_alive") == 1  # the gone worker's heartbeat is past its lease
    assert _gauge(globex, "statewright_jobs_ready", tenant="globex", kind="action") == 1
    assert _gauge(globex, "statewright_jobs_lease_expired", tenant="globex", kind="action") == 0
    assert 'tenant="acme"' not in globex
    assert _gauge(globex, "statewright_workers_alive") == 1  # the deployment's workers: the same for every tenant


def test_an_empty_queue_still_lists_every_kind(served: Served) -> None:
    text = served.metrics("acme")
    for kind in ("action", "child_done", "deliver", "approval_notice", "notify"):
        assert _gauge(text, "statewright_jobs_ready", tenant="acme", kind=kind) == 0
        assert _gauge(text, "statewright_jobs_lease_expired", tenant="acme", kind=kind) == 0
    assert _gauge(text, "statewright_workers_alive") == 0
