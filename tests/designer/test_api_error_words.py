"""A request refused for a value's form says what the value must be, in words: not the regular expression it
failed (`String should match pattern '^[A-Za-z_][A-Za-z0-9_\\-]*(\\.[A-Za-z_]…$'`), not a dictionary key spelt
`set.a..b.[key]`, and, for a value of a fixed list, the list (not only "Invalid enum value 'bogus'")."""

from __future__ import annotations

import pytest
from designer_support import Env, assert_problem


@pytest.mark.parametrize(("method", "path", "body", "key", "said"), [
    ("POST", "/api/instances/nope/redrive", {"set": {"a..b": 1}}, "set",
     "the key 'a..b' is not a name or dotted names (enrichment.company.size, lead.created), each made of letters, "
     "digits, '_' and '-', starting with a letter or '_'"),
    ("POST", "/api/import/asl", {"source": "{}", "id": "Bad Id"}, "id",
     "the value is not an id: an id is made of letters, digits, '_' and '-', starting with a letter or '_'"),
    ("GET", "/api/definitions/nope/versions/1/tests?coverage=bogus", None, "coverage",
     "'bogus' is not one of transitions, guards, paths"),
    ("GET", "/api/instances?status=bogus", None, "status",
     "'bogus' is not one of running, held, stuck, succeeded, failed, cancelled"),
])
def test_a_value_of_the_wrong_form_is_refused_in_words(env: Env, method: str, path: str, body: object, key: str,
                                                       said: str) -> None:
    problem = assert_problem(env.call(method, path, "admin", json=body), 400)
    assert problem["errors"][0]["key"] == key
    assert problem["errors"][0]["message"] == said
    assert said in problem["detail"]
    assert "pattern" not in problem["detail"]
