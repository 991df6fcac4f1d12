"""Schema findings a user meets when a definition is the wrong shape say what is wrong in the format's words.
Before: a definition that was a JSON list read "'this value' must be an object", a transition written as text
read "'transitions' must be an object" (the list was fine, one item was not), a choice state carrying a task's
fields read "'action' is not a field the format knows (check the spelling)" five times, and a misspelt state
type was pydantic's "Input tag 'taks' found using 'type' does not match any of the expected tags"."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from engine.validation.loader import load_workflow

FLOW: dict[str, Any] = {
    "id": "order", "title": "Order", "initial": "check",
    "states": {"check": {"type": "task", "action": "check_order", "output": "checked"},
               "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "check", "trigger": "done", "dest": "done"},
                    {"source": "check", "trigger": "error", "dest": "failed"}],
}


def _changed(change: Callable[[dict[str, Any]], Any]) -> Any:
    document = copy.deepcopy(FLOW)
    replaced = change(document)
    return document if replaced is None else replaced


CASES = [
    ("a list instead of an object", lambda d: [d], "", "The definition must be an object { … }."),
    ("a transition written as text", lambda d: d["transitions"].append("check -> done"), "/transitions/2",
     "Item 3 of 'transitions' must be an object { … }."),  # counted from 1, as people count; the pointer from 0
    ("a misspelt state type", lambda d: d["states"]["check"].update(type="taks"), "/states/check",
     "'type' is 'taks', which is not one of 'task', 'choice', 'approval', 'wait', 'parallel', 'subflow', 'map', "
     "'final'."),
    ("a task's field on a choice", lambda d: d["states"].update(route={"type": "choice", "timeout_s": 5}),
     "/states/route/timeout_s",
     "'timeout_s' is not a field of a choice state; a task state has it (check the state's 'type')."),
    ("a field several types have", lambda d: d["states"]["done"].update(output="x"), "/states/done/output",
     "'output' is not a field of a final state; a task, wait, subflow or map state has it (check the state's "
     "'type')."),
    ("a misspelt field", lambda d: d["states"]["check"].update(retries=3), "/states/check/retries",
     "'retries' is not a field of a task state (check the spelling)."),
    ("a misspelt top-level field", lambda d: d.update(intial="check"), "/intial",
     "'intial' is not a field the format knows (check the spelling)."),
    # a transition's source is a state id, a list of them or '*': a wrong id used to get three findings, two of
    # them about the other kinds ("'list' must be a list [ … ]", "'literal['*']' must be one of '*'")
    ("a source id with an accent", lambda d: d["transitions"][0].update(source="vérifier"), "/transitions/0/source",
     "Use letters a-z and A-Z (no accents or other scripts), digits, '_' and '-' only, starting with a "
     "letter or '_'."),
    ("a list source with a bad id", lambda d: d["transitions"][0].update(source=["check", "審査"]),
     "/transitions/0/source/1",
     "Use letters a-z and A-Z (no accents or other scripts), digits, '_' and '-' only, starting with a "
     "letter or '_'."),
    ("a source of no kind it may be", lambda d: d["transitions"][0].update(source=5), "/transitions/0/source",
     "'source' must be text in quotes, a list [ … ] or '*'."),
    # a new flow's empty start state read "Use letters a-z …", as if what was typed had the wrong form
    ("no initial state yet", lambda d: d.update(initial=""), "/initial",
     "'initial' cannot be empty: name the state instances start in."),
    ("an empty transition trigger", lambda d: d["transitions"][0].update(trigger=""), "/transitions/0/trigger",
     "'trigger' cannot be empty."),
    # the two forms of `retry` name their error kinds differently: each written in the other's words was "not a
    # field the format knows", with nothing to say the field was right for the other form
    ("the policy's kinds in a list of rules",
     lambda d: d["states"]["check"].update(retry=[{"errors": ["timeout"], "retry_on": ["timeout"]}]),
     "/states/check/retry/0/retry_on",
     "'retry_on' belongs to the single retry policy (an object); a rule in a list of rules names its error kinds "
     "in 'errors'."),
    ("a rule's kinds in the single policy",
     lambda d: d["states"]["check"].update(retry={"max_attempts": 2, "errors": ["timeout"]}),
     "/states/check/retry/errors",
     "'errors' belongs to a rule in a list of retry rules; the single retry policy (an object) names its error "
     "kinds in 'retry_on' — or write `retry` as a list of rules."),
]


@pytest.mark.parametrize(("change", "pointer", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_finding_says_what_is_wrong_in_the_formats_words(change: Callable[[dict[str, Any]], Any],
                                                             pointer: str, message: str) -> None:
    loaded = load_workflow(json.dumps(_changed(change)))  # as a file's text
    # the checks' findings about the rest of the flow follow (the choice added here leads nowhere)
    schema = [(f.code, f.pointer, f.message) for f in loaded.findings if f.code == "schema"]
    assert schema == [("schema", pointer, message)]
