"""Property-based tests of the API against its own OpenAPI document: the document is exactly what the server does.

Schemathesis's engine (what `st run` runs) goes over every operation of /schema/openapi.json in all its phases —
the document's examples, coverage (each constraint's edges, missing and unexpected values, undeclared
methods, OPTIONS), fuzzing, and stateful sequences along the links it infers — with valid and invalid
requests and every check it has: not a server error, status code, content type, headers and body conform,
invalid data refused, valid data accepted, a missing required header refused, an undeclared method answered
405 with `Allow`, `Allow` of OPTIONS as documented, authentication not ignored, nothing used after it was
deleted, a created resource available, and one tenant's admin never reading another tenant's objects.

Decided, not excluded: a request that fits the document may still be refused with 422 — a definition with
errors, a context the workflow's schema refuses, `since` after `until` — which the document cannot express
(docs/api.md, "Errors"); valid data is otherwise accepted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from designer_support import MINIMAL_WORKFLOW, PASSWORD, make_settings
from litestar import Litestar
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NotSet
from schemathesis.engine import events, from_schema

from designer.app import build_services, create_app

# The suite's run is derandomised (the same examples every time, so it never flickers); set
# STATEWRIGHT_FUZZ_EXAMPLES for a deeper, random run.
DEEP = "STATEWRIGHT_FUZZ_EXAMPLES" in os.environ
MAX_EXAMPLES = int(os.environ.get("STATEWRIGHT_FUZZ_EXAMPLES", "15"))
PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Valid data may be refused with 422 (see the module's docstring); the rest is schemathesis's default.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
PEERS = {"acme": "fuzzer", "globex": "other-tenant"}  # admins of two tenants: neither sees the other's objects


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Litestar, Path]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    services = build_services(make_settings(tmp, workers=0))
    identities = []
    for tenant, user in PEERS.items():
        services.accounts.add_user(user, PASSWORD, roles=["admin"], tenant=tenant, approver_roles=["sales_manager"])
        token = services.accounts.create_token(services.accounts.login(user, PASSWORD).principal, "fuzz").token
        identities.append({"name": user, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]})
    users = tmp / "users.json"  # Web Fuzzing Commons auth: the identities schemathesis switches between
    users.write_text(json.dumps({"auth": identities}))
    services.engine.deploy(MINIMAL_WORKFLOW)
    started = services.engine.start("tiny_flow", {}, tenant="acme", actor="fuzzer")
    assert started.state == "review"
    yield create_app(services=services), users
    services.close()


def _config(users: Path) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "auth": {"wfc": {"path": str(users), "user": PEERS["acme"], "peers": list(PEERS.values())}},
        "workers": 1,
        "max-stream-events": 1,  # /api/stream never ends: its first event is enough
        "request-timeout": 120,  # a review pack's PDF takes seconds on a busy machine; no time is under test
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": not DEEP, "mode": "all"},
        "phases": {phase: {"enabled": True} for phase in PHASES},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    })


@dataclass
class Run:
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    phases: dict[str, str] = field(default_factory=dict)
    operations: set[str] = field(default_factory=set)

    def note(self, event: events.EngineEvent) -> None:
        if isinstance(event, events.PhaseFinished):
            self.phases[event.phase.name.value] = event.status.value
        elif isinstance(event, events.NonFatalError | events.FatalError):
            self.errors.append(f"{event.label}: {event.value!r}" if isinstance(event, events.NonFatalError)
                               else repr(event.exception))
        elif isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            self.operations.add(event.recorder.label)
            self.failures.extend(_failures(event.recorder))


def _failures(recorder: Any) -> Iterator[str]:
    seen = set()
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            case = recorder.cases[case_id].value
            key = (check.name, failure.title)
            if key not in seen:
                seen.add(key)
                body = "" if isinstance(case.body, NotSet) else f" body={str(case.body)[:300]}"
                yield (f"{recorder.label}: {check.name}: {failure.title}\n{failure.message}\n"
                       f"sent {case.method} {case.formatted_path} query={case.query}{body}")


def test_api_conforms_to_its_openapi_document(api: tuple[Litestar, Path]) -> None:
    app, users = api
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app, config=_config(users))
    run = Run()
    for event in from_schema(schema).execute():
        run.note(event)
    assert not run.errors, "\n\n".join(run.errors)
    assert not run.failures, "\n\n".join(run.failures)
    ran = ("coverage", "fuzzing", "stateful")  # the document has no examples: that phase has nothing to run
    assert {phase: run.phases.get(phase) for phase in ran} == dict.fromkeys(ran, "success")
    assert len(run.operations) > 40
