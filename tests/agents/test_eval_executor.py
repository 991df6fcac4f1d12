"""`statewright eval --executor llm|rules` (default: $STATEWRIGHT_EXECUTOR, else rules): the shipped triage flow
evaluated on a model behind the chat-completions test server, `--base-url` and `--model` standing in for
STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_MODEL; its labels and side effects judged as with the rules."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from chat_completions_server import Reply, Script
from triage_model_script import TICKET, triage_script
from typer.testing import CliRunner

from definitions import WORKFLOWS_DIR
from designer.cli import build_cli, main

TRIAGE = str(WORKFLOWS_DIR / "support_ticket_triage.json")
LLM_VARIABLES = ("STATEWRIGHT_EXECUTOR", "STATEWRIGHT_LLM_URL", "STATEWRIGHT_LLM_MODEL", "STATEWRIGHT_LLM_API_KEY")
CASE = {"name": "password_reset_on_the_model", "context": TICKET, "expect_state": "resolved",
        "expect": {"classification.priority": "P3", "result.article_id": "KB-101"},
        "expect_side_effects": [
            {"table": "tickets", "where": {"id": "T-2001", "status": "solved"}, "name": "ticket solved"},
            {"table": "ticket_comments", "where": {"ticket_id": "T-2001", "public": True}, "name": "solution posted"},
            {"table": "ticket_comments", "where": {"ticket_id": "T-2001", "public": False}, "count": 0}]}


@pytest.fixture(autouse=True)
def no_llm_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LLM_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _eval(tmp_path: Path, *options: str, flow: str = TRIAGE) -> tuple[int, str]:
    """The exit code and the JSON report (stdout; the verdict's line goes to stderr)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(CASE) + "\n")
    done = CliRunner().invoke(build_cli(), ["eval", flow, "--cases", str(cases), "--format", "json", *options])
    if done.exit_code != 0 and not done.stdout:  # say why, for the assertion's message
        return done.exit_code, f"stderr: {done.stderr}\nexception: {done.exception!r}"
    return done.exit_code, done.stdout


def test_eval_on_the_llm_executor_judges_the_models_run_and_its_side_effects(
        tmp_path: Path, server: tuple[str, Script]) -> None:
    url, script = server
    triage_script(script)
    code, output = _eval(tmp_path, "--executor", "llm", "--base-url", url, "--model", "gpt-4o-mini")
    assert code == 0, output
    report: dict[str, Any] = json.loads(output)
    (case,) = report["cases"]
    assert (case["state"], case["passed"], case["mismatches"]) == ("resolved", True, [])
    assert case["error"] is None  # the 500 was retried: no error ended the run
    assert [(c["name"], c["found"]) for c in case["side_effects"]] == [
        ("ticket solved", 1), ("solution posted", 1), (None, 0)]  # one comment, though the 500 came after it
    assert report["side_effects_failed"] == []
    metrics = report["metrics"]
    assert metrics["retry_rate"] == 1.0  # the one instance needed a second attempt (the 500)
    assert metrics["cost_per_instance"] > 0  # priced from the replies' usage
    assert len(script.requests) == 11
    assert all(r["model"] == "gpt-4o-mini" for r in script.requests)
    assert "STATEWRIGHT_LLM_URL" not in os.environ  # the options stood in for the settings during the run only


def test_eval_defaults_to_the_rules_executor(tmp_path: Path, server: tuple[str, Script]) -> None:
    _, script = server
    code, output = _eval(tmp_path)
    assert code == 0, output
    assert json.loads(output)["cases"][0]["passed"]
    assert script.requests == []  # no model was asked


@pytest.mark.parametrize(("options", "message", "code"), [  # 2: options that do not go together
    (("--base-url", "http://127.0.0.1:9/v1"), "--base-url and --model configure the llm executor", 2),
    (("--executor", "rules", "--model", "gpt-4o"), "--base-url and --model configure the llm executor", 2),
    (("--executor", "llm", "--base-url", "http://127.0.0.1:9/v1"),
     "--executor llm needs --model NAME (or STATEWRIGHT_LLM_MODEL)", 1),
    (("--executor", "llm"), "needs --base-url URL (or STATEWRIGHT_LLM_URL) and --model NAME (or STATEWRIGHT_LLM_MODEL)",
     1),
    (("--executor", "llm", "--handlers", "agents.handlers:register"), "give --handlers or --executor, not both", 2),
    (("--executor", "llm", "--base-url", "127.0.0.1:11434", "--model", "m"), "is not an API base the llm executor",
     1),
])
def test_eval_refuses_options_that_do_not_fit_the_executor(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                            options: tuple[str, ...], message: str,
                                                            code: int) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(CASE) + "\n")
    assert main(["eval", TRIAGE, "--cases", str(cases), *options]) == code
    said = capfd.readouterr().err
    assert message in " ".join(said.split())
    assert "Traceback" not in said


KEY = "sk-test-0123456789abcdefXYZ"  # the model's API key, which a failing provider may echo back


def _three_quick_attempts(tmp_path: Path) -> str:
    """The triage flow with `classify` given three attempts a tenth of a second apart: the shipped rules ride
    out a provider outage of minutes, which a test of how a failure is reported need not wait for."""
    flow = json.loads(Path(TRIAGE).read_text(encoding="utf-8"))
    flow["states"]["classify"]["retry"] = [{"errors": ["timeout", "rate_limited", "unavailable"], "max_attempts": 3,
                                            "backoff": "fixed", "initial_interval_s": 0.1, "jitter": False}]
    root = tmp_path / "definitions"  # beside the shipped agents, as the flow is found with them
    (root / "workflows").mkdir(parents=True)
    (root / "agents").symlink_to(Path(TRIAGE).parent.parent / "agents")
    path = root / "workflows" / "support_ticket_triage.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("replies", "kind", "said"), [
    ([Reply({"error": {"message": f"upstream overloaded (key {KEY})", "type": "server_error"}}, status=500)] * 3,
     "unavailable",
     'the model endpoint answered HTTP 500: {"error": {"message": "upstream overloaded (key [redacted])"'),
    ([Reply(raw=b"<html>502 Bad Gateway</html>")], "llm_malformed",
     "the model's reply is not JSON: '<html>502 Bad Gateway</html>'"),
    ([Reply({"id": "chatcmpl-1", "object": "chat.completion"})], "llm_malformed",
     "the model's reply has no choices"),
])
def test_a_case_the_model_endpoint_failed_reports_the_error_kind_and_message(
        tmp_path: Path, server: tuple[str, Script], monkeypatch: pytest.MonkeyPatch,
        replies: list[Reply], kind: str, said: str) -> None:
    """The real client against a real loopback server: HTTP 500 on every attempt (the key it echoes redacted),
    a reply that is not JSON, one that is JSON but no completion. In the JSON report and the text one."""
    url, script = server
    monkeypatch.setenv("STATEWRIGHT_LLM_API_KEY", KEY)
    script.replies += replies
    flow = _three_quick_attempts(tmp_path)
    code, output = _eval(tmp_path, "--executor", "llm", "--base-url", url, "--model", "gpt-4o-mini", flow=flow)
    assert code == 1, output  # the case failed: a pipeline gating the model stops
    (case,) = json.loads(output)["cases"]
    assert (case["passed"], case["status"]) == (False, "failed")
    error = case["error"]
    assert (error["kind"], error["state"]) == (kind, "classify")
    assert error["message"].startswith(said), error["message"]
    assert KEY not in output
    assert len(script.requests) == len(replies)  # each attempt the task's retry policy allows, no more

    script.replies += replies
    cases = tmp_path / "cases.jsonl"
    done = CliRunner().invoke(build_cli(), ["eval", flow, "--cases", str(cases), "--executor", "llm",
                                            "--base-url", url, "--model", "gpt-4o-mini"], env={"COLUMNS": "400"})
    line = next(x for x in done.output.splitlines() if x.startswith("error password_reset_on_the_model:"))
    assert line == f"error password_reset_on_the_model: {kind} in 'classify': {error['message']}"
    assert KEY not in done.output


def test_a_case_whose_model_did_not_answer_in_time_reports_the_timeout(
        tmp_path: Path, server: tuple[str, Script], monkeypatch: pytest.MonkeyPatch) -> None:
    url, script = server
    monkeypatch.setenv("STATEWRIGHT_LLM_TIMEOUT_S", "0.2")
    script.replies += [Reply({"choices": []}, delay_s=2.0)] * 3  # the client gives up first
    code, output = _eval(tmp_path, "--executor", "llm", "--base-url", url, "--model", "gpt-4o-mini",
                         flow=_three_quick_attempts(tmp_path))
    assert code == 1, output
    (case,) = json.loads(output)["cases"]
    assert case["error"] == {"kind": "timeout", "message": "the model did not answer within 0.2s",
                             "state": "classify"}


def test_a_mismatch_is_printed_as_it_is_never_read_as_console_markup(tmp_path: Path) -> None:
    """A mismatch line carries the values the labels expect and the run gave (a model's words): `[/]` in them
    stopped the text report with rich's MarkupError traceback, and `[bold]` vanished from it."""
    case = {**CASE, "name": "markup_in_labels", "expect": {"classification.priority": "[/]P1 [bold]"}}
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(case) + "\n")
    done = CliRunner().invoke(build_cli(), ["eval", TRIAGE, "--cases", str(cases)], env={"COLUMNS": "400"})
    assert done.exit_code == 1, done.output
    line = next(x for x in done.output.splitlines() if x.startswith("mismatch "))
    assert line.startswith("mismatch markup_in_labels: classification.priority: expected '[/]P1 [bold]', got 'P3'")


def test_a_case_left_for_a_retry_past_the_wait_says_why(tmp_path: Path, server: tuple[str, Script]) -> None:
    """A provider that asks for two minutes (`Retry-After: 120`) leaves the case's run waiting past eval's 30 s:
    the report said only `state: expected resolved, got classify`; it now names the failure and the retry."""
    url, script = server
    script.replies.append(Reply({"error": {"message": "slow down"}}, status=429, headers={"Retry-After": "120"}))
    code, output = _eval(tmp_path, "--executor", "llm", "--base-url", url, "--model", "gpt-4o-mini")
    assert code == 1
    (case,) = json.loads(output)["cases"]
    error = case["error"]
    assert (error["kind"], error["state"]) == ("rate_limited", "classify")
    assert error["message"].startswith('the model endpoint answered HTTP 429: {"error": {"message": "slow down"}}; '
                                       "attempt 2 of 'classify_ticket' is due in ")
    assert error["message"].endswith(" s, past the 30 s eval waits for a retry")
    assert len(script.requests) == 1


def test_eval_on_a_model_no_one_serves_says_each_case_and_stops_after_two(tmp_path: Path) -> None:
    """Nothing listens at the endpoint: the first two cases end 'unavailable', and the run stops there naming
    the cause and the setting to check, instead of every case waiting out its retries in silence."""
    with socket.socket() as free:  # a loopback port just let go: connections to it are refused
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps({**CASE, "name": f"case_{n}"}) + "\n" for n in range(5)))
    done = CliRunner().invoke(build_cli(), ["eval", TRIAGE, "--cases", str(cases), "--executor", "llm",
                                            "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "m"])
    assert done.exit_code == 1
    said = " ".join(done.stderr.split())
    assert "case 1 of 5 'case_0': failed: unavailable: " in said
    assert "case 2 of 5 'case_1': failed" in said
    assert "case 3 of 5" not in said
    assert "stopped after 2 of 5 cases: the model cannot be reached" in said
    assert "STATEWRIGHT_LLM_URL" in said
