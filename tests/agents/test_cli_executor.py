"""`--executor rules|llm` on `statewright run`, `worker` and `serve` (default $STATEWRIGHT_EXECUTOR, else rules).

The llm runs go through the installed console script against a real chat-completions server on 127.0.0.1
(chat_completions_server.py), on each database: the model's answers drive the shipped lead flow, its tool calls
write to the sandbox, and the server records what the agent asked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chat_completions_server import Reply, Script, completion, tool_call

from agents.executors import LlmExecutor
from agents.tools import Sandbox
from definitions import WORKFLOWS_DIR
from designer._lifecycle import register_shipped_handlers
from engine import Engine
from engine.errors import InvalidInput
from engine.runtime.handler_loading import EXECUTORS, Executor, HandlerChoice, choose_handlers, default_handlers

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
LEAD_QUALIFICATION = str(WORKFLOWS_DIR / "lead_qualification.json")
LLM_VARIABLES = ("STATEWRIGHT_EXECUTOR", "STATEWRIGHT_LLM_URL", "STATEWRIGHT_LLM_MODEL", "STATEWRIGHT_LLM_API_KEY")
DUPLICATE_PATH = ["extract", "check_duplicate", "duplicate_gate", "log_duplicate", "duplicate"]
JANE = "jane.smith@globex.com"  # CRM contact C-2001 in the seeded sandbox (the example known_contact_is_duplicate)


def _statewright(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in LLM_VARIABLES}
    return subprocess.run([STATEWRIGHT, *args], capture_output=True, text=True, env={**clean, "COLUMNS": "200", **env},
                          cwd=cwd, timeout=300, check=False)


def _duplicate_lead_script(script: Script) -> None:
    """The model's answers for the duplicate lead: extract it, find it in the CRM (a tool call), log a note."""
    script.replies += [
        Reply(completion(json.dumps({"email": JANE, "name": "Jane Smith", "title": None, "company": "Globex",
                                     "domain": "globex.com", "company_size": None, "use_case": None,
                                     "timeline_days": None}))),
        Reply(completion(None, [tool_call("call_1", "crm.contacts.search", {"email": JANE})])),
        Reply(completion(json.dumps({"duplicate": True, "contact_id": "C-2001", "owner": None}))),
        Reply(completion(None, [tool_call("call_2", "crm.notes.add",
                                          {"subject_id": "C-2001", "body": "Asked the model about pricing."})])),
        Reply(completion(json.dumps({"logged": True}), prompt=300, completion_tokens=50)),
    ]


def test_run_with_the_llm_executor_follows_the_models_answers(tmp_path: Path, server: tuple[str, Script],
                                                               sandbox: Sandbox, database_url: str) -> None:
    url, script = server
    _duplicate_lead_script(script)
    done = _statewright(tmp_path, "run", LEAD_QUALIFICATION, "--example", "known_contact_is_duplicate",
                        "--db", database_url, "--executor", "llm", "--format", "json",
                        STATEWRIGHT_LLM_URL=url, STATEWRIGHT_LLM_MODEL="gpt-4o-mini",
                        STATEWRIGHT_LLM_API_KEY="sk-local", STATEWRIGHT_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    history = run["history"]
    assert [h["to_state"] for h in history] == DUPLICATE_PATH
    assert run["instance"]["result"] == {"qualified": False, "score": 0, "duplicate_of": "C-2001"}
    assert run["instance"]["context"]["lead"]["domain"] == "globex.com"  # only the model said so
    by_state = {h["from_state"]: h for h in history}
    [search] = [s for a in by_state["check_duplicate"]["attempts"] for s in a["steps"]]
    assert search["action"] == "crm.contacts.search"
    assert search["parameters"] == {"email": JANE}
    assert "C-2001" in json.dumps(search["result"])
    # the action's two completions, priced by the model price table: (100 + 300) prompt, (20 + 50) completion
    assert by_state["log_duplicate"]["cost"] == pytest.approx((400 * 0.15 + 70 * 0.60) / 1e6)
    # what the agent asked: its instructions, the action, the input the flow mapped, and its tools
    assert len(script.requests) == 5
    assert script.replies == []
    first = script.requests[0]
    assert first["model"] == "gpt-4o-mini"
    assert "BDR Concierge" in first["messages"][0]["content"]
    asked = json.loads(first["messages"][1]["content"])
    assert asked["action"] == "extract_lead"
    assert asked["input"]["email"] == JANE
    assert asked["input"]["source"] == "email"
    assert json.loads(script.requests[1]["messages"][1]["content"])["action"] == "search_crm_duplicates"
    assert "crm__contacts__search" in {t["function"]["name"] for t in script.requests[1]["tools"]}
    assert script.requests[2]["messages"][-1]["tool_call_id"] == "call_1"
    assert script.headers[0]["Authorization"] == "Bearer sk-local"
    # the note the model's tool call wrote is in the sandbox
    notes = sandbox.crm.search_notes(subject_id="C-2001")
    assert "Asked the model about pricing." in json.dumps(notes)


def test_the_executor_comes_from_the_environment(tmp_path: Path, server: tuple[str, Script]) -> None:
    url, script = server
    _duplicate_lead_script(script)
    done = _statewright(tmp_path, "run", LEAD_QUALIFICATION, "--example", "known_contact_is_duplicate",
                        "--db", f"sqlite:///{tmp_path / 'env.db'}", STATEWRIGHT_EXECUTOR="llm",
                        STATEWRIGHT_LLM_URL=url, STATEWRIGHT_LLM_MODEL="gpt-4o-mini")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].strip() == "duplicate (succeeded)"
    assert len(script.requests) == 5


@pytest.mark.parametrize("chosen", [(), ("--executor", "rules"), ("--executor", "RULES")])
def test_rules_is_the_default_and_asks_no_model(tmp_path: Path, server: tuple[str, Script],
                                                chosen: tuple[str, ...]) -> None:
    url, script = server
    done = _statewright(tmp_path, "run", LEAD_QUALIFICATION, "--example", "vp_at_acme_books_meeting",
                        "--db", f"sqlite:///{tmp_path / 'rules.db'}", *chosen,
                        STATEWRIGHT_LLM_URL=url, STATEWRIGHT_LLM_MODEL="gpt-4o-mini",
                        **({"STATEWRIGHT_EXECUTOR": "llm"} if chosen else {}))  # the option beats the variable
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].strip() == "qualified (succeeded)"
    assert script.requests == []


EXAMPLE = ["--example", "vp_at_acme_books_meeting"]  # a context that fits: `run` checks it before all else


@pytest.mark.parametrize(("command", "env", "missing"), [
    (["run", LEAD_QUALIFICATION, *EXAMPLE, "--executor", "llm"], {}, "STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_MODEL"),
    (["run", LEAD_QUALIFICATION, *EXAMPLE], {"STATEWRIGHT_EXECUTOR": "llm", "STATEWRIGHT_LLM_MODEL": "gpt-4o-mini"},
     "STATEWRIGHT_LLM_URL"),
    (["worker", "--executor", "llm"], {"STATEWRIGHT_LLM_URL": "http://127.0.0.1:9/v1"}, "STATEWRIGHT_LLM_MODEL"),
    (["serve", "--executor", "llm", "--port", "0"], {}, "STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_MODEL"),
])
def test_llm_without_its_settings_is_one_line_naming_them(tmp_path: Path, command: list[str], env: dict[str, str],
                                                          missing: str) -> None:
    done = _statewright(tmp_path, *command, "--db", f"sqlite:///{tmp_path / 'x.db'}", **env)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: the llm executor needs {missing} set"
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(("setting", "message"), [
    ({"STATEWRIGHT_LLM_URL": "api.openai.com/v1"},
     "STATEWRIGHT_LLM_URL 'api.openai.com/v1' is not an API base the llm executor can call: it has no http(s) scheme"),
    ({"STATEWRIGHT_LLM_URL": "http://[::1/v1"},
     "STATEWRIGHT_LLM_URL 'http://[::1/v1' is not an API base the llm executor can call: it cannot be parsed"),
    ({"STATEWRIGHT_LLM_TIMEOUT_S": "0"},
     "bad llm setting: STATEWRIGHT_LLM_TIMEOUT_S must be a number of seconds above 0, not '0'"),
    ({"STATEWRIGHT_LLM_TIMEOUT_S": "-5"},
     "bad llm setting: STATEWRIGHT_LLM_TIMEOUT_S must be a number of seconds above 0, not '-5'"),
    ({"STATEWRIGHT_LLM_TIMEOUT_S": "thirty"},
     "bad llm setting: STATEWRIGHT_LLM_TIMEOUT_S must be a number of seconds above 0, not 'thirty'"),
    ({"STATEWRIGHT_LLM_MAX_TOOL_ROUNDS": "-1"},
     "bad llm setting: STATEWRIGHT_LLM_MAX_TOOL_ROUNDS must be a whole number, 0 or more, not '-1'"),
])
@pytest.mark.parametrize("command", ["run", "worker"])
def test_a_setting_that_cannot_work_stops_the_command_before_any_task(
        tmp_path: Path, server: tuple[str, Script], setting: dict[str, str], message: str, command: str) -> None:
    """Not one task failing per call as `unavailable` (retried, as if the endpoint were down) or `error`, nor a
    traceback: one line naming the variable, exit 1, and the model never asked."""
    url, script = server
    arguments = [LEAD_QUALIFICATION, "--example", "vp_at_acme_books_meeting"] if command == "run" else []
    done = _statewright(tmp_path, command, *arguments, "--executor", "llm", "--db", f"sqlite:///{tmp_path / 'x.db'}",
                        **{"STATEWRIGHT_LLM_URL": url, "STATEWRIGHT_LLM_MODEL": "gpt-4o-mini", **setting})
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"error: {message}")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert script.requests == []


@pytest.mark.parametrize(("arguments", "env", "message", "code"), [
    (["--handlers", "agents.handlers:register", "--executor", "llm"], {},
     "error: give --handlers or --executor, not both", 2),  # exclusive options: a wrong command line
    ([], {"STATEWRIGHT_EXECUTOR": "gpt"},
     "error: unknown executor 'gpt' ($STATEWRIGHT_EXECUTOR); choose one of: rules, llm", 1),
    (["--executor", "gpt"], {}, "'gpt' is not one of", 2),
])
def test_a_wrong_choice_is_a_clear_error(tmp_path: Path, arguments: list[str], env: dict[str, str], message: str,
                                         code: int) -> None:
    done = _statewright(tmp_path, "run", LEAD_QUALIFICATION, "--db", f"sqlite:///{tmp_path / 'x.db'}", *arguments,
                        **env)
    assert done.returncode == code
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_every_command_that_runs_actions_offers_the_switch(tmp_path: Path) -> None:
    for command in ("run", "worker", "serve"):
        done = _statewright(tmp_path, command, "--help")
        assert done.returncode == 0
        assert "--executor" in done.stdout, command


def test_the_choice_of_handlers() -> None:
    assert choose_handlers(env={}) == HandlerChoice(default_handlers(), required=False, executor=Executor.rules)
    assert choose_handlers(env={"STATEWRIGHT_EXECUTOR": "llm"}).spec == EXECUTORS[Executor.llm]
    assert choose_handlers(executor="rules", env={"STATEWRIGHT_EXECUTOR": "llm"}).executor is Executor.rules
    assert choose_handlers("app:register", env={"STATEWRIGHT_EXECUTOR": "llm"}).spec == "app:register"
    assert choose_handlers(executor="rules", env={}).required
    with pytest.raises(InvalidInput, match="not both"):
        choose_handlers("app:register", "llm", env={})


@pytest.mark.parametrize(("executor", "env", "by_model"), [
    ("llm", {}, True), (None, {"STATEWRIGHT_EXECUTOR": "llm"}, True), (None, {}, False), ("rules", {}, False),
])
def test_the_designer_registers_the_chosen_executor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    executor: str | None, env: dict[str, str], by_model: bool) -> None:
    monkeypatch.delenv("STATEWRIGHT_EXECUTOR", raising=False)
    for name, value in {"STATEWRIGHT_LLM_URL": "http://127.0.0.1:9/v1", "STATEWRIGHT_LLM_MODEL": "gpt-4o-mini",
                        **env}.items():
        monkeypatch.setenv(name, value)
    with Engine(f"sqlite:///{tmp_path / 'designer.db'}") as engine:
        assert register_shipped_handlers(engine, executor)
        handler = engine.handlers.get("extract_lead")
        assert handler is not None
        assert isinstance(getattr(handler, "__self__", None), LlmExecutor) is by_model


def test_the_engine_does_not_import_the_agent_system_to_know_its_executors() -> None:
    probe = ("import sys, engine.runtime.handler_loading, engine.cli.app; "
             "print(sorted(m for m in sys.modules if m.startswith('agents')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_models_text_is_printed_as_it_is_never_read_as_console_markup(
        tmp_path: Path, server: tuple[str, Script], database_url: str) -> None:
    """A model's answer (or a provider's error) holding `[/]` or `[bold]` stopped `show` and `instances` with
    rich's MarkupError traceback; `[bold]` alone vanished from what they printed."""
    url, script = server
    name = "Jane [/]Smith [bold]"
    script.replies += [
        Reply(completion(json.dumps({"email": JANE, "name": name, "title": None, "company": "Globex",
                                     "domain": "globex.com", "company_size": None, "use_case": None,
                                     "timeline_days": None}))),
        *[Reply({"error": {"message": "upstream [/] closed"}}, status=400)],
    ]
    env = {"STATEWRIGHT_LLM_URL": url, "STATEWRIGHT_LLM_MODEL": "gpt-4o-mini"}
    done = _statewright(tmp_path, "run", LEAD_QUALIFICATION, "--example", "known_contact_is_duplicate", "--db",
                        database_url, "--executor", "llm", "--format", "json", **env)
    instance = json.loads(done.stdout)["instance"]
    assert instance["status"] == "failed"
    shown = _statewright(tmp_path, "show", instance["id"], "--db", database_url, COLUMNS="1000")
    assert shown.returncode == 0, shown.stderr
    assert name in shown.stdout
    assert "upstream [/] closed" in shown.stdout
    listed = _statewright(tmp_path, "instances", "--db", database_url, COLUMNS="1000")
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in shown.stderr + listed.stderr
