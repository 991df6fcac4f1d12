"""The shipped handlers say what input they need: `agents.handlers.register` gives each action its input schema
(each handler module's `INPUTS`), so a flow whose task does not give a shipped action a key its handler cannot work
without is refused at deploy and by `statewright validate --executor rules` (`action-input-mismatch`, at the task),
and an input that does not fit fails the task with kind `validation` before the handler runs."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.handlers import ACTIONS, INPUTS, register, shipped_definitions
from engine import Engine, InvalidDefinition
from engine.runtime.actions import HandlerRegistry

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
MODULES = ("lead", "support", "knowledge", "research", "ops", "ops_reports", "squads", "qa", "policy", "cost",
           "commander")


def _flow(states: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Tasks in a row (in the order given), each with its error path, then `done`."""
    ids = list(states)
    transitions: list[dict[str, Any]] = []
    for sid, after in zip(ids, [*ids[1:], "done"], strict=True):
        transitions += [{"source": sid, "trigger": "done", "dest": after},
                        {"source": sid, "trigger": "error", "dest": "failed", "assign": {"failure": "event"}}]
    return {"id": "intake", "version": 1, "title": "Lead intake", "initial": ids[0],
            "states": {**states, "done": {"type": "final", "outcome": "success"},
                       "failed": {"type": "final", "outcome": "failure"}},
            "transitions": transitions}


def _extract(input_: dict[str, str] | None) -> dict[str, Any]:
    task: dict[str, Any] = {"type": "task", "action": "extract_lead", "output": "lead"}
    if input_ is not None:
        task["input"] = input_
    return task


@pytest.fixture
def shipped(tmp_path: Path) -> Iterator[Engine]:
    """An engine on SQLite with the shipped handlers registered, as an embedding application has it."""
    with Engine(f"sqlite:///{tmp_path / 'flows.db'}") as built:
        register(built)
        yield built


def test_every_shipped_action_is_registered_with_its_input_schema(shipped: Engine, tmp_path: Path) -> None:
    assert sorted(INPUTS) == sorted(ACTIONS)
    for name in ACTIONS:
        assert shipped.handlers.input_schema(name) == INPUTS[name], name
    registry = HandlerRegistry()  # the bare registry of `statewright run` and `worker`: the same schemas
    register(registry, database_url=f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert registry.input_schemas() == INPUTS


def test_every_required_key_has_a_schema_and_the_shipped_flows_give_each(shipped: Engine) -> None:
    for name, schema in INPUTS.items():
        assert set(schema["required"]) <= set(schema["properties"]), name
    workflows, agents = shipped_definitions()
    for agent in agents.values():
        shipped.deploy_agent(agent)
    for workflow in workflows.values():  # refused (InvalidDefinition) if a task did not give what is required
        shipped.deploy(workflow, alongside=workflows.values())


def _handler_functions() -> dict[tuple[str, str], ast.FunctionDef]:
    """Every function of the handler modules, by (module, name)."""
    found: dict[tuple[str, str], ast.FunctionDef] = {}
    for name in MODULES:
        tree = ast.parse(inspect.getsource(importlib.import_module(f"agents.handlers.{name}")))
        found.update({(name, node.name): node for node in tree.body if isinstance(node, ast.FunctionDef)})
    return found


def _reads(module: str, function: str, functions: dict[tuple[str, str], ast.FunctionDef],
           seen: set[str]) -> tuple[set[str], bool]:
    """The keys `function` reads with `run.arg(...)`, it or the handler modules' functions it calls; and whether
    it reads the whole `run.input`."""
    node = functions.get((module, function)) or next((n for (_, f), n in functions.items() if f == function), None)
    if node is None or function in seen:
        return set(), False
    seen.add(function)
    keys, whole = set(), False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == "input":
            whole = True
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "arg":
            keys.add(ast.literal_eval(sub.args[0]))
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            called, all_of_it = _reads(module, sub.func.id, functions, seen)
            keys, whole = keys | called, whole or all_of_it
    return keys, whole


def test_each_schema_declares_exactly_the_keys_its_handler_reads() -> None:
    """A key read with `run.arg` and not in the schema, or one in the schema the handler never reads, is a schema
    that no longer says what the handler needs. A handler that reads the whole input (extract_lead hands it to
    lead_rules) may declare more."""
    functions = _handler_functions()
    for module in MODULES:
        for action, function in importlib.import_module(f"agents.handlers.{module}").ACTIONS.items():
            keys, whole = _reads(module, function.__name__, functions, set())
            declared = set(INPUTS[action]["properties"])
            assert keys <= declared if whole else keys == declared, (action, keys ^ declared)


def test_a_task_without_the_email_extract_lead_needs_is_refused_at_deploy_at_the_task(shipped: Engine) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        shipped.deploy(_flow({"extract": _extract(None)}))
    found = [f for f in refused.value.findings if f.code == "action-input-mismatch"]
    assert [(f.pointer, f.severity) for f in found] == [("/states/extract", "error")]
    assert "gives the action 'extract_lead' no 'email', which its handler requires" in found[0].message

    with pytest.raises(InvalidDefinition) as refused:  # a constant that is not a list of teams
        shipped.deploy(_flow({"extract": _extract({"email": "email"}),
                             "check": {"type": "task", "action": "check_sla_compliance", "output": "sla",
                                       "input": {"teams": "'support_emea'"}}}))
    found = [f for f in refused.value.findings if f.code == "action-input-mismatch"]
    assert [f.pointer for f in found] == ["/states/check/input/teams"]
    assert "is not of type \"array\"" in found[0].message

    shipped.deploy(_flow({"extract": _extract({"email": "email", "source": "'web_form'"})}))  # gives it: deployed


def test_an_email_that_is_null_at_run_time_fails_the_task_before_the_handler(shipped: Engine) -> None:
    shipped.deploy(_flow({"extract": _extract({"email": "email"})}))
    run = shipped.start("intake", {"email": None})
    shipped.run_until_idle()
    ended = shipped.get(run.id)
    assert ended.state == "failed"
    failure = ended.context["failure"]
    assert failure["kind"] == "validation"
    assert "does not fit the input schema" in failure["message"]
    assert "/email: null is not of type \"string\"" in failure["message"]


def test_validate_with_the_rules_executor_reports_the_task(tmp_path: Path) -> None:
    flow = tmp_path / "intake.json"
    flow.write_text(json.dumps(_flow({"extract": _extract(None)})), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATEWRIGHT_")}

    def validate(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([STATEWRIGHT, "validate", str(flow), "--format", "json", *options], capture_output=True,
                              text=True, cwd=tmp_path, env=env, check=False, timeout=300)

    checked = validate("--executor", "rules")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    (report,) = json.loads(checked.stdout)["files"]
    found = [f for f in report["findings"] if f["code"] == "action-input-mismatch"]
    assert [f["pointer"] for f in found] == ["/states/extract"]
    assert "no 'email'" in found[0]["message"]
    plain = validate()  # without the handlers, what they need is not known
    assert plain.returncode == 0, plain.stdout + plain.stderr
