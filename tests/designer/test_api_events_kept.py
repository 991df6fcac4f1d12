"""POST /api/events: an event with a correlation key that no instance waits for yet is kept for the first wait that
arms with its key, and the answer says until when; a type no deployed workflow knows is called out."""

from __future__ import annotations

from datetime import datetime

from designer_support import Env

SETTLES = {
    "id": "settles", "title": "Settles", "initial": "settle",
    "context": {"type": "object", "properties": {"order": {"type": "string"}}},
    "states": {"settle": {"type": "wait", "event": {"type": "settled", "correlation": "order"}, "timeout": "PT1H",
                          "output": "settlement"},
               "done": {"type": "final", "outcome": "success"},
               "late": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "settle", "trigger": "done", "dest": "done"},
                    {"source": "settle", "trigger": "timeout", "dest": "late"}],
}


def test_an_early_event_is_kept_for_the_wait_and_taken_when_it_arms(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": SETTLES}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    early = env.call("POST", "/api/events", "analyst",
                     json={"type": "settled", "payload": {"ref": "S-1"}, "correlation_key": "O-1",
                           "keep_for": "PT10M"})
    assert early.status_code == 202, early.text
    answer = early.json()
    assert (answer["delivered"], answer["unmatched"], answer["listened"]) == ([], False, True)
    kept = datetime.fromisoformat(answer["kept_until"])
    assert kept.tzinfo is not None

    started = env.call("POST", "/api/instances", "analyst",
                       json={"workflow_id": "settles", "context": {"order": "O-1"}})
    assert started.status_code == 201, started.text
    env.services.engine.run_until_idle()
    shown = env.call("GET", f"/api/instances/{started.json()['id']}", "viewer").json()
    assert (shown["state"], shown["context"]["settlement"]) == ("done", {"ref": "S-1"})


def test_a_misspelt_type_and_a_wrong_keep_for_are_told(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": {**SETTLES, "id": "settles_too"}}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    typo = env.call("POST", "/api/events", "analyst", json={"type": "setled", "correlation_key": "O-2"}).json()
    assert (typo["unmatched"], typo["listened"]) == (True, False)
    wrong = env.call("POST", "/api/events", "analyst",
                     json={"type": "settled", "correlation_key": "O-2", "keep_for": "ten minutes"})
    assert wrong.status_code == 400, wrong.text
    assert "keep_for" in wrong.text
    assert "ISO 8601 duration" in wrong.text
    unkept = env.call("POST", "/api/events", "analyst",
                      json={"type": "settled", "correlation_key": "O-3", "keep_for": "PT0S"}).json()
    assert (unkept["kept_until"], unkept["unmatched"]) == (None, True)
