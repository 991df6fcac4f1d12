"""An action registered with an `input_schema` says what input its handler needs. A task that cannot give it is
found before any instance runs (`action-input-mismatch`, at deploy and in validation), and an input that does
not fit at run time fails the task with kind `validation` — not retried, the handler never called — instead of
the handler's own KeyError deep inside, retried as kind `error`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from engine import ActionRequest, Engine, InvalidDefinition
from engine.runtime.actions import HandlerRegistry

MAIL = {"type": "object", "required": ["to", "subject"], "additionalProperties": False,
        "properties": {"to": {"type": "string"}, "subject": {"type": "string"},
                       "priority": {"enum": ["low", "high"]}}}


def _flow(input_: dict[str, str] | None, *, retry: bool = False) -> dict[str, Any]:
    task: dict[str, Any] = {"type": "task", "action": "send_email", "output": "sent"}
    if input_ is not None:
        task["input"] = input_
    if retry:
        task["retry"] = {"max_attempts": 3, "initial_interval_s": 1}
    return {"id": "mail", "title": "Mail", "initial": "compose",
            "states": {"compose": task, "done": {"type": "final"}, "failed": {"type": "final"}},
            "transitions": [{"source": "compose", "trigger": "done", "dest": "done"},
                            {"source": "compose", "trigger": "error", "dest": "failed",
                             "assign": {"why": "event"}}]}


def test_a_task_that_cannot_give_the_input_is_refused_at_deploy_at_its_place(engine: Engine) -> None:
    engine.register("send_email", lambda _r: {"ok": True}, input_schema=MAIL)
    cases = {
        None: ("/states/compose", "gives the action 'send_email' no 'to' or 'subject', which its handler requires"),
        "missing": ("/states/compose/input", "no 'subject'"),
        "unknown key": ("/states/compose/input/cc", "takes no input 'cc'"),
        "constant": ("/states/compose/input/priority", "always \"urgent\", which does not fit"),
    }
    inputs: dict[str | None, dict[str, str] | None] = {
        None: None,
        "missing": {"to": "email"},
        "unknown key": {"to": "email", "subject": "'Hi'", "cc": "email"},
        "constant": {"to": "email", "subject": "'Hi'", "priority": "'urgent'"},
    }
    for case, (where, said) in cases.items():
        with pytest.raises(InvalidDefinition) as refused:
            engine.deploy(_flow(inputs[case]))
        found = [f for f in refused.value.findings if f.code == "action-input-mismatch"]
        assert [f.pointer for f in found] == [where], case
        assert said in found[0].message, case
    engine.deploy(_flow({"to": "email", "subject": "'Hi'", "priority": "'high'"}))  # fits: deployed


@pytest.mark.parametrize("inline", [False, True])
def test_an_input_that_does_not_fit_at_run_time_fails_the_task_once_without_calling_the_handler(
        engine: Engine, inline: bool) -> None:
    called: list[dict[str, Any]] = []

    def send(request: ActionRequest) -> dict[str, Any]:
        called.append(request.input)
        return {"ok": True}

    engine.register("send_email", send, inline=inline, input_schema=MAIL)
    engine.deploy(_flow({"to": "email", "subject": "subject"}, retry=True))
    wrong = engine.start("mail", {"email": 42, "subject": "Hi"})  # a number where the schema says a string
    right = engine.start("mail", {"email": "ann@example.com", "subject": "Hi"})
    engine.run_until_idle()
    failed, sent = engine.get(wrong.id), engine.get(right.id)
    assert failed.state == "failed"
    assert failed.context["why"]["kind"] == "validation"
    assert failed.context["why"]["attempts"] == 1  # not retried: the same input would not fit the next time
    assert "/to: 42 is not of type \"string\"" in failed.context["why"]["message"]
    assert sent.state == "done"
    assert sent.context["sent"] == {"ok": True}
    assert called == [{"to": "ann@example.com", "subject": "Hi"}]


def test_a_schema_that_is_not_one_is_refused_when_registered() -> None:
    registry = HandlerRegistry()
    with pytest.raises(TypeError, match="the input schema of the action 'a' must be a JSON Schema object"):
        registry.register("a", lambda _r: None, input_schema=["to"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="the input schema of the action 'a' is not a JSON Schema"):
        registry.register("a", lambda _r: None, input_schema={"type": "objekt"})
    with pytest.raises(ValueError, match="refers outside itself"):
        registry.register("a", lambda _r: None, input_schema={"$ref": "http://127.0.0.1:9/schema.json"})
    assert registry.get("a") is None
    registry.register("a", lambda _r: None, input_schema=MAIL)
    registry.register("a", lambda _r: None, replace=True)  # registered again without one: no schema is kept
    assert registry.input_schema("a") is None


def test_validate_with_handlers_names_the_task_that_cannot_give_the_input(tmp_path: Path) -> None:
    (tmp_path / "mail_handlers.py").write_text(textwrap.dedent(f"""
        def register(engine):
            engine.register("send_email", lambda request: {{"ok": True}}, input_schema={MAIL!r})
    """), encoding="utf-8")
    flow = tmp_path / "mail.json"
    flow.write_text(json.dumps(_flow({"to": "email"})), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "engine.cli", "validate", str(flow), "--handlers", "mail_handlers:register"],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "action-input-mismatch at /states/compose/input" in result.stdout
    assert "no 'subject'" in result.stdout
