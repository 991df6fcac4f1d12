"""A case whose run an error ended says which — its kind, the state it happened in and its message on one line,
secrets redacted — in the report's JSON and its text; a run that succeeded (after a retry, or along an `error`
transition the flow takes on purpose) has none. The model endpoint's errors over HTTP are in
tests/agents/test_eval_executor.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli
from engine import Engine
from engine.evaluation import evaluate, load_cases
from engine.evaluation.case_errors import MAX_MESSAGE, REDACTED, redact, secrets_in
from engine.runtime.actions import ActionError, ActionRequest, ActionResult
from engine.runtime.deployments import parse_definition

HANDLERS = "test_eval_case_errors:register"  # this module, for `statewright eval --handlers`
PASSWORD = "hunter2-hunter2"


def _flow(*, error_to: str | None) -> dict[str, Any]:
    """look (a task, two attempts) → found; its `error` to `error_to`, or none (the instance then fails)."""
    states: dict[str, Any] = {"look": {"type": "task", "action": "look_up", "input": {"who": "who"},
                                       "retry": {"max_attempts": 2, "backoff": "fixed", "initial_interval_s": 0.01,
                                                 "jitter": False}},
                              "found": {"type": "final", "outcome": "success"}}
    transitions = [{"source": "look", "dest": "found", "trigger": "done"}]
    if error_to is not None:
        states[error_to] = {"type": "final", "outcome": "failure" if error_to == "gave_up" else "success"}
        transitions.append({"source": "look", "dest": error_to, "trigger": "error"})
    return {"id": "lookup", "title": "Lookup", "initial": "look", "states": states, "transitions": transitions}


def look_up(request: ActionRequest) -> ActionResult:
    who = request.input["who"]
    if who == "flaky" and request.attempt == 1:
        raise ActionError("unavailable", "the CRM is down")
    if who == "broken":  # a tool that raises: not an ActionError, a bug in the client
        raise RuntimeError(f"the CRM client raised:\n  login to https://bot:{PASSWORD}@crm.example.com refused\n"
                           f"  with api_key={PASSWORD}")
    if who == "chatty":
        raise ActionError("validation", "the CRM said: " + "no such contact; " * 100, retryable=False)
    return ActionResult({"ok": True})


def register(engine: Engine) -> None:
    engine.register("look_up", look_up)


def _cases(tmp_path: Path, *whos: str) -> Path:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps({"name": who, "context": {"who": who}, "expect_state": "found"}) + "\n"
                             for who in whos))
    return cases


def _errors(tmp_path: Path, flow: dict[str, Any], *whos: str) -> dict[str, Any]:
    with Engine(f"sqlite:///{tmp_path / 'eval.db'}") as engine:
        register(engine)
        report = evaluate(engine, parse_definition(flow), load_cases(_cases(tmp_path, *whos)))
    return {case["name"]: case["error"] for case in report.as_dict()["cases"]}


def test_an_error_that_ended_the_run_is_reported_with_its_kind_state_and_message(tmp_path: Path) -> None:
    errors = _errors(tmp_path, _flow(error_to="gave_up"), "steady", "flaky", "broken", "chatty")
    assert errors["steady"] is None
    assert errors["flaky"] is None  # the retry succeeded
    broken = errors["broken"]
    assert (broken["kind"], broken["state"]) == ("error", "look")
    assert broken["message"] == (f"RuntimeError: the CRM client raised: login to https://bot:{REDACTED}@crm.example"
                                 f".com refused with api_key={REDACTED}")  # one line, the password gone
    chatty = errors["chatty"]
    assert (chatty["kind"], chatty["state"]) == ("validation", "look")
    assert chatty["message"].startswith("the CRM said: no such contact; no such contact;")
    assert len(chatty["message"]) == MAX_MESSAGE
    assert chatty["message"].endswith("…")


def test_an_error_with_no_error_transition_is_the_instances_own(tmp_path: Path) -> None:
    errors = _errors(tmp_path, _flow(error_to=None), "broken")
    assert errors["broken"]["kind"] == "error"
    assert errors["broken"]["message"].startswith("RuntimeError: the CRM client raised:")
    assert PASSWORD not in json.dumps(errors)


def test_a_run_that_succeeds_along_its_error_transition_has_no_error(tmp_path: Path) -> None:
    assert _errors(tmp_path, _flow(error_to="asked_a_person"), "broken") == {"broken": None}


def test_the_text_report_prints_the_error_under_the_mismatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    monkeypatch.setenv("CRM_API_TOKEN", "crm-token-0123456789")  # a secret of the evaluating process
    flow = tmp_path / "lookup.json"
    flow.write_text(json.dumps(_flow(error_to="gave_up")))
    cases = _cases(tmp_path, "broken", "steady")
    args = ["eval", str(flow), "--cases", str(cases), "--handlers", HANDLERS]
    done = CliRunner().invoke(build_cli(), args, env={"COLUMNS": "400"})
    assert done.exit_code == 1, done.output  # a case failed
    lines = done.output.splitlines()
    mismatch = lines.index("mismatch broken: state: expected found, got gave_up")
    assert lines[mismatch + 1].startswith("error broken: error in 'look': RuntimeError: the CRM client raised: ")
    assert f"api_key={REDACTED}" in lines[mismatch + 1]
    assert PASSWORD not in done.output
    assert not any(line.startswith("error steady") for line in lines)

    done = CliRunner().invoke(build_cli(), [*args, "--format", "json"])
    cases_run = {c["name"]: c for c in json.loads(done.stdout)["cases"]}
    assert (cases_run["broken"]["error"]["kind"], cases_run["steady"]["error"]) == ("error", None)


@pytest.mark.parametrize(("text", "said"), [
    ("the model endpoint answered HTTP 401: {\"error\": \"bad key sk-proj-abcdefgh12345678\"}",
     f"the model endpoint answered HTTP 401: {{\"error\": \"bad key {REDACTED}\"}}"),
    ("Authorization: Bearer abc.def-ghi_123", f"Authorization: Bearer {REDACTED}"),
    ("{\"api_key\": \"AKIA1234567890\", \"password\": \"pa55word!\"}",
     f"{{\"api_key\": \"{REDACTED}\", \"password\": \"{REDACTED}\"}}"),
    ("{\\\"token\\\": \\\"s3cr3tvalue\\\"}", f"{{\\\"token\\\": \\\"{REDACTED}\\\"}}"),  # JSON quoted in a message
    ("GET https://maps.example.com/api?key=AIzaSyABC123&q=x", f"GET https://maps.example.com/api?key={REDACTED}&q=x"),
    ("token sw_abcdefghijklmnop1234 refused", f"token {REDACTED} refused"),
    # not secrets: counts, correlation keys, the words themselves
    ("max_tokens: 4096, prompt_tokens=12", "max_tokens: 4096, prompt_tokens=12"),
    ("correlation key: ORDER-1234", "correlation key: ORDER-1234"),
    ("cannot reach the model endpoint: [Errno 111] Connection refused",
     "cannot reach the model endpoint: [Errno 111] Connection refused"),
])
def test_redact_hides_what_is_shaped_like_a_secret(text: str, said: str) -> None:
    assert redact(text) == said


def test_redact_hides_the_secrets_of_the_environment_and_only_those_long_enough() -> None:
    environ = {"STATEWRIGHT_LLM_API_KEY": "plain-key-value-42", "DEBUG_TOKEN": "1", "HOME": "/root",
               "AZURE_OPENAI_API_KEY": " spaced-secret-99 "}
    assert sorted(secrets_in(environ)) == [" spaced-secret-99 ", "plain-key-value-42"]
    assert redact("sent plain-key-value-42 and spaced-secret-99 from /root, 1 time", secrets_in(environ)) == (
        f"sent {REDACTED} and {REDACTED} from /root, 1 time")
