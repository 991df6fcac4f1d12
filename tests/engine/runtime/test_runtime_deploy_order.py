"""A deployed definition keeps the order its author wrote: an approval's `request` lists its facts as defined
(the cards listed them A to Z, the definition having been stored with its keys sorted). Two deployments of one
version are still compared whatever order their keys come in."""

from __future__ import annotations

from typing import Any

from engine.runtime.engine import Engine


def _flow(request: dict[str, str]) -> dict[str, Any]:
    return {"id": "ordered", "title": "Ordered", "initial": "review",
            "context": {"type": "object"},
            "states": {"review": {"type": "approval", "approvers": {"roles": ["finance"]}, "timeout": "PT1H",
                                  "request": request},
                       "done": {"type": "final"}},
            "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                            {"source": "review", "trigger": "reject", "dest": "done"},
                            {"source": "review", "trigger": "timeout", "dest": "done"}]}


def test_an_approvals_request_keeps_the_order_the_definition_gives(engine: Engine) -> None:
    engine.deploy(_flow({"vendor": "'Acme'", "risk": "'high'", "amount": "50000"}))
    run = engine.start("ordered", {})
    (approval,) = engine.approvals(run.id)
    assert list(approval.request) == ["vendor", "risk", "amount"]


def test_the_same_version_in_another_key_order_is_the_same_deployment(engine: Engine) -> None:
    first = engine.deploy(_flow({"vendor": "'Acme'", "amount": "50000"}))
    again = engine.deploy(dict(reversed(list(_flow({"amount": "50000", "vendor": "'Acme'"}).items()))))
    assert (first.created, again.created) == (True, False)
