"""Property-based tests of the API against its own OpenAPI document: no 500, no response that breaks the schema.

Every operation of /schema/openapi.json gets a bounded number of generated requests (valid and invalid ones)
sent as an admin (the role that may call everything), with the default checks: not a server error, status
code, content type and response schema conformance, and invalid data rejected with a 4xx.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from designer_support import MINIMAL_WORKFLOW, PASSWORD, make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from designer.app import build_services, create_app

# The suite's run is derandomised (the same examples every time, so it never flickers); set
# STATEWRIGHT_FUZZ_EXAMPLES for a deeper, random run.
DEEP = "STATEWRIGHT_FUZZ_EXAMPLES" in os.environ
MAX_EXAMPLES = int(os.environ.get("STATEWRIGHT_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Litestar, dict[str, str]]]:
    services = build_services(make_settings(tmp_path_factory.mktemp("fuzz"), workers=0))
    services.accounts.add_user("fuzzer", PASSWORD, roles=["admin"], tenant="acme", approver_roles=["sales_manager"])
    token = services.accounts.create_token(services.accounts.login("fuzzer", PASSWORD).principal, "fuzz").token
    services.engine.deploy(MINIMAL_WORKFLOW)
    started = services.engine.start("tiny_flow", {}, tenant="acme", actor="fuzzer")
    assert started.state == "review"
    yield create_app(services=services), {"Authorization": f"Bearer {token}"}
    services.close()


@pytest.fixture(scope="module")
def openapi(api: tuple[Litestar, dict[str, str]]) -> Any:
    app, _ = api
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not DEEP,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_api_conforms_to_its_openapi_document(
    openapi: Any, api: tuple[Litestar, dict[str, str]], mode: GenerationMode
) -> None:
    _, headers = api
    failures: list[str] = []
    operations = [result.ok() for result in openapi.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        try:
            _run(operation, mode, headers)
        except Unsatisfiable:  # no invalid request exists (a public operation without parameters: /api/health)
            assert mode is GenerationMode.NEGATIVE, operation.label
        except (AssertionError, BaseExceptionGroup) as exc:  # every operation's failures, reported together
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
