"""Retry rules and `error` transitions by error kind, as one `validate` output reads them: rules and transitions
counted from 1 in the messages (their JSON pointers count from 0), and a misspelt kind answered with the kind it
was probably meant to be, found the way `unknown-field` finds a misspelt field."""

from __future__ import annotations

from typing import Any

import pytest

from engine.validation.findings import Finding
from engine.validation.loader import load_workflow


def _lookup(retry: list[dict[str, Any]], transitions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The definition format's `enrich_company`, with the retry rules and the `error` transitions given."""
    return {
        "id": "enrich_company", "title": "Enrich a company",
        "context": {"type": "object", "properties": {"domain": {"type": "string"}, "failure": {}}},
        "initial": "lookup",
        "states": {
            "lookup": {"type": "task", "action": "lookup_company", "input": {"domain": "domain"},
                       "output": "company", "timeout_s": 10, "retry": retry},
            "enriched": {"type": "final"},
            "not_found": {"type": "final", "outcome": "failure"},
            "failed": {"type": "final", "outcome": "failure"},
        },
        "transitions": [{"source": "lookup", "trigger": "done", "dest": "enriched"},
                        *(transitions or [{"source": "lookup", "trigger": "error", "dest": "failed"}])],
    }


def _found(document: dict[str, Any], code: str) -> list[Finding]:
    return [f for f in load_workflow(document).findings if f.code == code]


def test_retry_rules_are_counted_from_one_as_transitions_are() -> None:
    document = _lookup(
        [{"errors": ["timeout"]}, {"errors": ["*"], "max_attempts": 1}, {"errors": ["rate_limited"]}],
        [{"source": "lookup", "trigger": "error", "dest": "failed"},
         {"source": "lookup", "trigger": "error", "dest": "not_found", "errors": ["not_found"]}],
    )
    (rule,) = _found(document, "unreachable-retry-rule")
    assert rule.pointer == "/states/lookup/retry/2"  # the pointer counts from 0
    assert rule.message.startswith("Retry rule 3 of 'lookup' never applies: rule 2 before it applies to every "
                                   "error kind")
    (catch,) = _found(document, "unreachable-catch")
    assert catch.pointer == "/transitions/2/errors"
    assert catch.message.startswith("Transition 3 (lookup → not_found on 'error') never fires from 'lookup': "
                                    "transition 2 (lookup → failed on 'error')")


def test_a_rule_taking_only_kinds_taken_before_is_counted_from_one() -> None:
    (rule,) = _found(_lookup([{"errors": ["timeout", "unavailable"]}, {"errors": ["timeout"]}]),
                     "unreachable-retry-rule")
    assert (rule.pointer, rule.message.split(":")[0]) == ("/states/lookup/retry/1", "Retry rule 2 of 'lookup' never "
                                                                                     "applies")


@pytest.mark.parametrize(("kind", "meant"), [("timout", "timeout"), ("rate_limted", "rate_limited"),
                                             ("not_fuond", "not_found"), ("Timeout", "timeout")])
def test_a_misspelt_kind_is_answered_with_the_kind_it_was_meant_to_be(kind: str, meant: str) -> None:
    (retried,) = _found(_lookup([{"errors": [kind]}]), "unknown-error-kind")
    assert retried.pointer == "/states/lookup/retry/0/errors/0"
    assert f"The error kind '{kind}' is not one" in retried.message
    assert f"did you mean '{meant}'?" in retried.message
    catches = [{"source": "lookup", "trigger": "error", "dest": "failed", "errors": [kind]},
               {"source": "lookup", "trigger": "error", "dest": "failed"}]
    (caught,) = _found(_lookup([{"errors": ["timeout"]}], catches), "unknown-error-kind")
    assert (caught.pointer, caught.transitions) == ("/transitions/1/errors/0", (1,))
    assert f"did you mean '{meant}'?" in caught.message


def test_a_kind_like_none_of_the_known_ones_gets_no_guess() -> None:
    (finding,) = _found(_lookup([{"errors": ["quota_gone"]}]), "unknown-error-kind")
    assert "did you mean" not in finding.message
    assert finding.message.endswith("(see 'Error kinds' in the definition format), nor one the workflow declares in "
                                    "`error_kinds`. Check the spelling, or declare it in `error_kinds` if your own "
                                    "handlers raise it.")


def _declaring(kinds: list[str], retry_kind: str, catch_kind: str) -> dict[str, Any]:
    """`_lookup` with `error_kinds` declared, a retry rule naming `retry_kind` and an `error` transition naming
    `catch_kind` (and an ask of the user naming `retry_kind`)."""
    document = _lookup([{"errors": [retry_kind]}],
                       [{"source": "lookup", "trigger": "error", "dest": "not_found", "errors": [catch_kind],
                         "priority": 1},
                        {"source": "lookup", "trigger": "error", "dest": "failed"}])
    document["states"]["lookup"]["ask_user"] = {"errors": [retry_kind], "timeout": "PT1H"}
    return {**document, "error_kinds": kinds}


def test_a_kind_the_workflow_declares_is_known_where_every_rule_names_it() -> None:
    document = _declaring(["card_declined", "fraud_suspected"], "card_declined", "fraud_suspected")
    loaded = load_workflow(document)
    assert [f for f in loaded.findings if f.code == "unknown-error-kind"] == []
    assert loaded.model is not None
    assert loaded.model.error_kinds == ["card_declined", "fraud_suspected"]


def test_a_typo_of_a_declared_kind_is_still_warned_about_with_the_declared_kind_meant() -> None:
    found = _found(_declaring(["card_declined"], "card_decline", "card_declined"), "unknown-error-kind")
    assert [f.pointer for f in found] == ["/states/lookup/ask_user/errors/0", "/states/lookup/retry/0/errors/0"]
    assert all("did you mean 'card_declined'?" in f.message for f in found)


def test_a_declared_kind_is_known_inside_a_parallel_branch_too() -> None:
    inner = _lookup([{"errors": ["card_declined"]}])
    document = {
        "id": "both", "title": "Both", "initial": "p", "error_kinds": ["card_declined"],
        "states": {"p": {"type": "parallel", "branches": [
            {"name": "one", "initial": "lookup", "states": inner["states"], "transitions": inner["transitions"]}]},
            "end": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "p", "trigger": "done", "dest": "end"},
                        {"source": "p", "trigger": "error", "dest": "failed"}],
    }
    assert _found(document, "unknown-error-kind") == []
    assert len(_found({**document, "error_kinds": []}, "unknown-error-kind")) == 1


@pytest.mark.parametrize("kind", ["*", "", "9lives", "card declined"])
def test_a_declared_kind_is_a_name_a_handler_can_raise(kind: str) -> None:
    loaded = load_workflow({**_lookup([{"errors": ["timeout"]}]), "error_kinds": [kind]})
    assert loaded.model is None
    assert [f.pointer for f in loaded.findings if f.code == "schema"] == ["/error_kinds/0"]


@pytest.mark.parametrize("kind", ["output_path", "assign", "unhandled", "loop"])
def test_the_engines_own_kinds_are_known(kind: str) -> None:
    catches = [{"source": "lookup", "trigger": "error", "dest": "not_found", "errors": [kind], "priority": 1},
               {"source": "lookup", "trigger": "error", "dest": "failed"}]
    assert _found(_lookup([{"errors": ["timeout"]}], catches), "unknown-error-kind") == []


def test_a_task_whose_error_transitions_all_name_kinds_is_warned_about() -> None:
    limited = [{"source": "lookup", "trigger": "error", "dest": "not_found", "errors": ["not_found"]},
               {"source": "lookup", "trigger": "error", "dest": "failed", "errors": ["timeout", "unavailable"]}]
    (finding,) = _found(_lookup([{"errors": ["timeout"]}], limited), "uncaught-error-kinds")
    assert (finding.severity, finding.pointer, finding.states, finding.transitions) == (
        "warning", "/states/lookup", ("lookup",), (1, 2))
    assert finding.message.startswith("The `error` transitions of 'lookup' catch only 'not_found', 'timeout' and "
                                      "'unavailable': a failure of any other kind (a handler's own, or the engine's, "
                                      "such as 'error' or 'output') fails the instance there.")
    for catch_all in ({}, {"errors": ["*"]}, {"guard": "event.kind != 'not_found'"}):  # these may catch the rest
        catches = [limited[0], {"source": "lookup", "trigger": "error", "dest": "failed", **catch_all}]
        assert _found(_lookup([{"errors": ["timeout"]}], catches), "uncaught-error-kinds") == []

