"""A body is read as JSON only when it is sent as JSON, uncompressed (docs/api.md#errors, 415): a form on another
site cannot sign a browser in (login CSRF), and a compressed body is not misreported as "not valid UTF-8"."""

from __future__ import annotations

import gzip
import json

import pytest
from designer_support import PASSWORD, Env, assert_problem, json_bodies, username

LOGIN = json.dumps({"username": username("viewer"), "password": PASSWORD}).encode()
NOT_JSON = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/xml", "text/json"]


@pytest.mark.parametrize("media", NOT_JSON)
def test_a_login_sent_as_another_media_type_is_refused_and_signs_nobody_in(env: Env, media: str) -> None:
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", content=LOGIN, headers={"Content-Type": media})
    problem = assert_problem(response, 415, "unsupported-media-type")
    assert "Content-Type: application/json" in problem["detail"]
    assert f"this request has Content-Type: {media}" in problem["detail"]
    assert "set-cookie" not in response.headers
    assert_problem(env.client.get("/api/auth/me"), 401)


def test_a_login_without_a_content_type_is_refused(env: Env) -> None:
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", content=LOGIN)
    problem = assert_problem(response, 415, "unsupported-media-type")
    assert problem["detail"].endswith("this request has no Content-Type")
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("media", ["application/json", "application/json; charset=utf-8",
                                   "Application/JSON;charset=UTF-8", "application/merge-patch+json"])
def test_json_and_json_suffixed_media_types_are_read(env: Env, media: str) -> None:
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", content=LOGIN, headers={"Content-Type": media})
    assert response.status_code == 200, response.text


def test_a_token_asked_for_in_xml_media_is_refused_and_none_is_made(env: Env) -> None:
    before = env.call("GET", "/api/auth/tokens", "analyst").json()["total"]
    response = env.call("POST", "/api/auth/tokens", "analyst", content=b'{"name": "ci"}',
                        headers={"Content-Type": "application/xml"})
    assert_problem(response, 415, "unsupported-media-type")
    assert env.call("GET", "/api/auth/tokens", "analyst").json()["total"] == before


def test_every_json_endpoint_refuses_a_body_of_another_media_type(env: Env) -> None:
    endpoints = json_bodies(env)
    assert len(endpoints) > 20
    for method, path in endpoints:
        response = env.call(method, path, "admin", content=b"{}", headers={"Content-Type": "text/plain"})
        problem = assert_problem(response, 415, "unsupported-media-type")
        assert "takes a JSON body" in problem["detail"], (method, path)


def test_a_compressed_body_is_refused_saying_encodings_are_not_taken(env: Env) -> None:
    body = gzip.compress(b'{"name": "ci"}')
    for headers in ({"Content-Encoding": "gzip", "Content-Type": "application/json"},
                    {"Content-Encoding": "br", "Content-Type": "application/json"}):
        response = env.call("POST", "/api/auth/tokens", "analyst", content=body, headers=headers)
        problem = assert_problem(response, 415, "unsupported-media-type")
        assert problem["detail"].startswith("content encodings are not accepted")
        assert response.headers["accept-encoding"] == "identity"
    plain = env.call("POST", "/api/auth/tokens", "analyst", json={"name": "ci"},
                     headers={"Content-Encoding": "identity"})
    assert plain.status_code == 201


def test_an_import_is_still_taken_as_json(env: Env) -> None:
    scxml = ('<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a"><state id="a">'
             '<transition event="go" target="b"/></state><final id="b"/></scxml>')
    response = env.call("POST", "/api/import/scxml", "viewer", json={"source": scxml, "id": "imported_flow"})
    assert response.status_code == 200, response.text
    assert response.json()["imported"] is True


def test_the_document_names_the_415_on_writes_only(env: Env) -> None:
    paths = env.client.get("/schema/openapi.json").json()["paths"]
    assert "415" in paths["/api/auth/login"]["post"]["responses"]
    assert "415" not in paths["/api/auth/me"]["get"]["responses"]
