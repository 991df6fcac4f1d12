"""`POST /api/validate` with `{"definition": "hello"}`: a JSON string is the definition given, not JSON text to parse
(that is `source`), yet it was read as text and reported `invalid-json: The file is not valid JSON` — of a request
that was valid JSON. Now it says what `statewright validate` says of a file holding a string: the definition must
be an object; JSON text still goes in `source`, with line and column."""

from __future__ import annotations

import json

from designer_support import MINIMAL_WORKFLOW, Env


def test_a_string_definition_must_be_an_object_not_valid_json(env: Env) -> None:
    for given in ("hello", json.dumps(MINIMAL_WORKFLOW)):  # even a string that holds a workflow's JSON text
        report = env.call("POST", "/api/validate", "viewer", json={"definition": given}).json()
        assert report["valid"] is False
        assert [(f["code"], f["pointer"], f["message"]) for f in report["findings"]] == [
            ("schema", "", "The definition must be an object { … }.")]
    text = env.call("POST", "/api/validate", "viewer", json={"source": json.dumps(MINIMAL_WORKFLOW)}).json()
    assert text["valid"] is True


def test_analyze_layout_render_and_paths_refuse_a_string_definition_as_validate_does(env: Env) -> None:
    """The same body means the same definition at every check: a string there was read as JSON text by the rest."""
    for path in ("/api/analyze", "/api/layout", "/api/render", "/api/paths"):
        refused = env.call("POST", path, "viewer", json={"definition": json.dumps(MINIMAL_WORKFLOW)})
        assert refused.status_code == 422, (path, refused.text)
        problem = refused.json()
        assert [(f["code"], f["pointer"]) for f in problem["findings"]] == [("schema", "")], (path, problem)
        accepted = env.call("POST", path, "viewer", json={"source": json.dumps(MINIMAL_WORKFLOW)})
        assert accepted.status_code == 200, (path, accepted.text)
