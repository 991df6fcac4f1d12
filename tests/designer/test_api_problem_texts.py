"""A problem's texts: it echoes at most a few hundred characters of what was sent (a 1 MB value in a wrongly typed
field came back whole), and its title is written the one way every title is (`Not found`, never `Not Found`)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem

import designer.errors
import engine.errors
from designer._echo_limits import ECHO_LIMIT, TEXT_LIMIT, clip_echoes
from designer._problems import sentence_case

SIZED_FLOW: dict[str, Any] = {**MINIMAL_WORKFLOW, "id": "sized_flow", "title": "A sized flow",
                              "context": {"type": "object", "properties": {"amount": {"type": "number"}}}}
MEGABYTE = 1_000_000


def test_a_short_text_is_left_alone() -> None:
    text = "the context does not fit the workflow's schema: /amount: 'ten' is not of type 'number'"
    assert clip_echoes(text) == text


def test_a_long_run_keeps_its_start_and_says_its_length() -> None:
    clipped = clip_echoes(f"/amount: '{'y' * 5000}' is not of type 'number'")
    assert clipped == f"/amount: '{'y' * (ECHO_LIMIT - 1)}…(5,002 characters) is not of type 'number'"


def test_a_long_text_with_blanks_keeps_its_start_and_its_end() -> None:
    clipped = clip_echoes(f"/amount: '{'y ' * 50_000}' is not of type 'number'")
    assert len(clipped) < TEXT_LIMIT + 100
    assert clipped.startswith("/amount: 'y y y")
    assert clipped.endswith("y y ' is not of type 'number'")  # the end says why: kept
    assert re.search(r"… \(\d{2},\d{3} characters left out\) …", clipped)


def _started(env: Env, context: dict[str, Any]) -> httpx.Response:
    return env.call("POST", "/api/instances", "analyst", json={"workflow_id": "sized_flow", "context": context})


@pytest.mark.parametrize("value", ["y" * MEGABYTE, "y " * (MEGABYTE // 2)])
def test_a_megabyte_in_a_wrongly_typed_field_is_not_echoed(env: Env, value: str) -> None:
    env.services.engine.deploy(SIZED_FLOW)
    response = _started(env, {"amount": value})
    problem = assert_problem(response, 422, "invalid-input")
    assert len(response.content) < 3 * TEXT_LIMIT
    assert problem["detail"].startswith("the context does not fit the workflow's schema: /amount: ")
    assert problem["detail"].endswith('is not of type "number"')  # the end says why: kept
    assert "characters" in problem["detail"]


def test_a_long_query_value_is_not_echoed_in_the_detail_nor_the_errors(env: Env) -> None:
    response = env.call("GET", "/api/instances?since=" + "y" * 20_000, "viewer")
    problem = assert_problem(response, 400, "bad-request")
    assert len(response.content) < 3 * TEXT_LIMIT
    assert "(20,002 characters) is not an RFC 3339 time" in problem["errors"][0]["message"]


def test_a_path_too_long_to_be_the_apis_is_left_out_of_the_instance(env: Env) -> None:
    response = env.call("GET", "/api/nothing/" + "y" * 20_000, "viewer")
    problem = assert_problem(response, 404, "not-found")
    assert "instance" not in problem
    assert len(response.content) < TEXT_LIMIT
    assert assert_problem(env.call("GET", "/api/nothing", "viewer"), 404)["instance"] == "/api/nothing"


def _is_sentence_case(title: str) -> bool:
    """`Not found`, `CSRF token missing or wrong`: the first word capitalised, the others lower case but for
    acronyms."""
    first, *others = title.split(" ")
    return first[:1].isupper() and all(word.islower() or word.isupper() or not word.isalpha() for word in others)


def _every_subclass(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_every_subclass(sub)]
    return found


def test_every_error_of_the_engine_and_designer_has_a_sentence_cased_title() -> None:
    titles = {error.__name__: error.title for error in _every_subclass(engine.errors.StatewrightError)}
    assert {designer.errors.NoSession.__name__, engine.errors.InvalidInput.__name__} <= titles.keys()
    assert len(titles) > 20
    assert {name: title for name, title in titles.items() if not _is_sentence_case(title)} == {}


def test_the_titles_of_statuses_the_framework_raises_are_sentence_cased(env: Env) -> None:
    answers = [
        env.call("GET", "/api/nothing", "viewer"),  # 404 of routing
        env.call("PUT", "/api/validate", "viewer"),  # 405
        env.call("POST", "/api/validate", "viewer", content=b"x" * (3 * 1024 * 1024),
                 headers={"content-type": "application/json"}),  # 413
        env.call("GET", "/api/instances?limit=x", "viewer"),  # 400
        env.client.get("/api/auth/me"),  # 401
    ]
    titles = {response.status_code: response.json()["title"] for response in answers}
    assert titles == {404: "Not found", 405: "Method not allowed", 413: "Payload too large",
                      400: "Bad request", 401: "Authentication required"}


@pytest.mark.parametrize(("phrase", "title"), [("Method Not Allowed", "Method not allowed"),
                                               ("Request-URI Too Long", "Request-URI too long"),
                                               ("HTTP Version Not Supported", "HTTP version not supported")])
def test_sentence_case_keeps_acronyms(phrase: str, title: str) -> None:
    assert sentence_case(phrase) == title
