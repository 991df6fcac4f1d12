"""The migration preview of the API says, for an instance whose context the new version's schema does not take,
what can be done: leave it on the version it runs, or move it to a version its context fits — not only why it is
refused (docs/api.md#migration). The same words in the refusals, the group and the instance's plan."""

from __future__ import annotations

from typing import Any

from designer_support import Env

FLOW: dict[str, Any] = {
    "id": "order_flow", "title": "Order", "initial": "review", "context": {"type": "object"},
    "states": {"review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}, "timeout": "P1D"},
               "done": {"type": "final"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                    {"source": "review", "trigger": "reject", "dest": "done"},
                    {"source": "review", "trigger": "timeout", "dest": "done"}],
}
STRICT = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
REFUSAL = (
    "its context does not fit the schema of version 2: leave it on version 1, where it runs on to its end, or "
    "migrate it to a version whose schema takes its context (a running instance's context cannot be corrected; a "
    "failed or stuck one's can, with a redrive)")


def test_the_preview_says_what_can_be_done_about_a_context_that_does_not_fit(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": FLOW}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    made = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "order_flow",
                                                               "context": {"amount": "ten"}})
    assert made.status_code == 201, made.text
    stricter = env.call("POST", "/api/drafts", "analyst", json={"content": {**FLOW, "context": STRICT}}).json()

    preview = env.call("GET", f"/api/drafts/{stricter['id']}/migration", "viewer")
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["refusals"] == [{"reason": REFUSAL, "instances": 1}]
    assert [(g["refused"], g["context_invalid"]) for g in shown["groups"]] == [(REFUSAL, 1)]
    [plan] = shown["plans"]
    assert (plan["instance_id"], plan["refused"], plan["context_valid"]) == (made.json()["id"], REFUSAL, False)
    assert plan["context_problems"][0].startswith("/amount:")
