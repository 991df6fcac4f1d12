"""Who may open a draft, and what a refusal or a missing draft says.

Every role may open and check a draft (docs/api.md, Roles); changing one takes `edit_drafts`. An outside tester,
signed in as a viewer, opened the address of a draft published meanwhile and read only "no draft '13dafa…'", as
if their role kept them out: the answer now says why a draft that existed is gone, and a refusal by role names the
roles that would be allowed.
"""

from __future__ import annotations

import copy

from designer_support import MINIMAL_WORKFLOW, Env, assert_problem


def _draft(env: Env, workflow_id: str) -> str:
    content = {**copy.deepcopy(MINIMAL_WORKFLOW), "id": workflow_id}
    response = env.call("POST", "/api/drafts", "analyst", json={"content": content})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_viewer_opens_a_draft_and_after_its_publishing_is_told_where_it_went(env: Env) -> None:
    draft = _draft(env, "opened_by_a_viewer")
    assert env.call("GET", f"/api/drafts/{draft}", "viewer").json()["id"] == draft
    assert env.call("POST", f"/api/drafts/{draft}/validate", "viewer").status_code == 200
    assert env.call("POST", f"/api/drafts/{draft}/publish", "publisher").status_code == 201
    for role in ("viewer", "admin"):  # not there for every role alike: no role is kept out of drafts
        gone = assert_problem(env.call("GET", f"/api/drafts/{draft}", role), 404, "not-found")
        assert gone["detail"] == (
            f"no draft '{draft}': publishing a draft removes it (its workflow is then among the definitions, "
            "GET /api/definitions), and so does deleting it; or the id is mistyped"
        )
    preview = assert_problem(env.call("GET", f"/api/drafts/{draft}/publication", "viewer"), 404, "not-found")
    assert "publishing a draft removes it" in preview["detail"]


def test_a_viewer_changing_a_draft_is_refused_with_the_roles_that_may(env: Env) -> None:
    draft = _draft(env, "saved_by_a_viewer")
    refused = assert_problem(
        env.call("PUT", f"/api/drafts/{draft}", "viewer", json={"content": MINIMAL_WORKFLOW}), 403, "forbidden"
    )
    assert refused["detail"] == (
        "this needs the 'edit_drafts' permission, which your roles (viewer) do not give; the roles that give it: "
        "analyst, publisher, admin"
    )
    deleted = assert_problem(env.call("DELETE", f"/api/drafts/{draft}", "approver"), 403, "forbidden")
    assert deleted["detail"].endswith("the roles that give it: analyst, publisher, admin")
