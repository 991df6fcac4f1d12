"""`serve --demo` on a database already in use: the demo users are made, and nothing else is run. Before, seeding
started the demo instances and ran every queued job of the database to its end before the server listened — on
an outside tester's database with 10,000 queued instances, minutes with no port and no word."""

from __future__ import annotations

import pathlib

from designer_support import make_settings

from designer.app import build_services
from designer.demo import seed_demo
from designer.security.roles import ROLES
from engine.runtime.actions import ActionRequest


def test_a_database_in_use_gets_the_demo_users_and_its_queued_work_stays_queued(tmp_path: pathlib.Path) -> None:
    services = build_services(make_settings(tmp_path, workers=0))
    engine = services.engine
    calls: list[str] = []

    def noted(request: ActionRequest) -> dict[str, bool]:
        calls.append(request.instance_id)
        return {"ok": True}

    engine.register("note_it", noted)
    engine.deploy({"id": "queued", "title": "Queued", "initial": "work",
                   "states": {"work": {"type": "task", "action": "note_it", "output": "out"},
                              "done": {"type": "final"}},
                   "transitions": [{"source": "work", "trigger": "done", "dest": "done"}]})
    waiting = engine.start("queued", {})

    seed = seed_demo(services)

    assert sorted(role for _, role, _ in seed.credentials) == sorted(ROLES)
    assert seed.instances == {}
    assert calls == []  # its job is the workers' to run
    assert engine.get(waiting.id).state == "work"
    assert engine.count_instances() == 1  # no demo instance was added beside it

