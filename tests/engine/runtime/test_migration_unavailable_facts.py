"""QA: version 2 of a flow gave an approval the request facts `incident`, `subject`, `priority` and `impact`,
`impact` written by a task v2 added before it. The instances migrated while waiting there had no `impact`: their
approvers saw one raw CEL error in place of every fact, and the preview had said "would migrate" with no word of
it. Each fact is now evaluated on its own (the others shown, the one that cannot be computed said so in words),
and the preview names what entering the state afresh cannot compute for each instance."""

from __future__ import annotations

from typing import Any

from runtime_support import edge, final, workflow

from engine.definition import Workflow
from engine.runtime.engine import Engine


def _incident(version: int, request: dict[str, str], *, extra: dict[str, Any] | None = None) -> Workflow:
    states: dict[str, Any] = {
        "containment": {"type": "approval", "approvers": {"roles": ["commander"]}, "timeout": "PT4H",
                        "request": request},
        "contained": final(), "escalated": final("failure"),
        **(extra or {}),
    }
    transitions = [edge("containment", "contained", "approve"), edge("containment", "escalated", "reject"),
                   edge("containment", "escalated", "timeout")]
    return workflow(states, transitions, id="incident", version=version, initial="containment")


FACTS = {"incident": "incident_id", "subject": "subject"}


def test_the_preview_names_the_facts_a_migrated_approval_cannot_show_and_approvers_see_the_rest(
        engine: Engine) -> None:
    engine.deploy(_incident(1, FACTS))
    waiting = engine.start("incident", {"incident_id": "INC-7", "subject": "Disk full"}).id
    engine.deploy(_incident(2, {**FACTS, "impact": "impact.customers"}))

    preview = {p["instance_id"]: p for p in engine.migration_preview("incident", 1, 2).as_dict()["plans"]}[waiting]
    assert preview["refused"] is None
    assert any("1 fact of the request of 'containment' as not available" in note and "'impact'" in note
               for note in preview["notes"]), preview["notes"]

    engine.migrate("incident", 1, 2)
    (approval,) = [a for a in engine.approvals(waiting) if a.status == "pending"]  # the v1 one was cancelled
    assert approval.request["incident"] == "INC-7"
    assert approval.request["subject"] == "Disk full"
    assert approval.request["impact"] == "(not available: this instance holds no 'impact' (impact.customers))"


def test_a_fresh_instance_of_the_new_version_shows_every_fact(engine: Engine) -> None:
    engine.deploy(_incident(1, {**FACTS, "impact": "impact.customers"}))
    run = engine.start("incident", {"incident_id": "INC-8", "subject": "Slow", "impact": {"customers": 40}})
    (approval,) = engine.approvals(run.id)
    assert approval.request == {"incident": "INC-8", "subject": "Slow", "impact": 40}
