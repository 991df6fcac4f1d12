"""`register` takes only a name a task's `action` can write, and keeps the handler registered under a name unless
the caller says `replace=True`.

Testers registered handlers under '', '   ', 'send email' and 'crm..search' — accepted, and waiting for tasks no
definition could ever write — and a second module registering 'notify' silently took the first one's tasks over.
Now a name the definition format does not allow is a `ValueError` at the call, naming what it allows, and another
handler under a taken name is a `ValueError` unless `replace=True`; the same handler again changes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from runtime_support import edge, final, task, workflow

from engine.definition.states import TaskState
from engine.runtime.actions import ActionRequest, HandlerRegistry
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.engine import Engine

UNNAMEABLE = ["", "   ", "send email", "1st_step", "-x", "crm..search", ".crm", "crm.", "crm.1contacts", "a/b",
              "a:b", "café", "x" * 129, " extract_lead", "extract_lead\n"]
NAMEABLE = ["extract_lead", "_private", "step-2", "x" * 128, "crm.contacts.search", "crm_v2.contacts-list"]


def first(_request: ActionRequest) -> dict[str, str]:
    return {"by": "first"}


def second(_request: ActionRequest) -> dict[str, str]:
    return {"by": "second"}


def _a_task_can_name(name: str) -> bool:
    try:
        TaskState.model_validate({"type": "task", "action": name})
    except pydantic.ValidationError:
        return False
    return True


@pytest.mark.parametrize("name", UNNAMEABLE)
def test_a_name_no_task_could_write_is_refused_in_every_form_of_the_call(name: str, tmp_path: Path) -> None:
    registry = HandlerRegistry()
    with pytest.raises(ValueError, match=r"an action's name must be one a task's `action` can name: .*'crm\.contacts"):
        registry.register(name, first)
    with pytest.raises(ValueError, match="an action's name must be"):
        registry.register(name)  # the decorator form: refused at once, not when it decorates
    with Engine(f"sqlite:///{tmp_path / 'e.db'}") as engine:
        with pytest.raises(ValueError, match="an action's name must be"):
            engine.register(name, first)
        assert engine.handlers.names() == []
    assert registry.names() == []


def test_names_that_are_not_text_are_refused() -> None:
    for name in (None, 42, b"extract_lead"):
        with pytest.raises(ValueError, match="an action's name must be"):
            HandlerRegistry().register(name, first)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", NAMEABLE)
def test_every_name_a_task_can_write_is_taken(name: str) -> None:
    registry = HandlerRegistry()
    registry.register(name, first)
    assert registry.get(name) is first


@given(st.text(max_size=140) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_\-.]{0,20}", fullmatch=True))
def test_the_registry_takes_exactly_the_names_a_task_can_write(name: str) -> None:
    """The registry and the definition model never disagree: a name is taken if and only if a task's `action`
    may be it."""
    registry = HandlerRegistry()
    try:
        registry.register(name, first)
    except ValueError:
        taken = False
    else:
        taken = True
    assert taken == _a_task_can_name(name), name


def test_another_handler_under_a_taken_name_is_refused_and_the_first_stays() -> None:
    registry = HandlerRegistry()
    registry.register("notify", first)
    with pytest.raises(ValueError, match=r"the action 'notify' has a handler already \(.*\bfirst\); .*another "
                                         r"handler.*pass replace=True to replace it"):
        registry.register("notify", second)
    with pytest.raises(ValueError, match="pass replace=True"):
        registry.register("notify")(second)  # as a decorator too
    with pytest.raises(ValueError, match="pass replace=True"):
        registry.register("notify", lambda request: {"by": "first"})  # another function, doing the same
    assert registry.get("notify") is first


def test_the_same_handler_again_changes_nothing() -> None:
    registry = HandlerRegistry()
    schema = {"type": "object"}
    assert registry.register("notify", first, input_schema=schema) is first
    assert registry.register("notify", first, input_schema=dict(schema)) is first  # an equal schema: the same
    assert registry.get("notify") is first
    assert registry.input_schema("notify") == schema


def test_the_same_bound_method_taken_twice_is_the_same_handler() -> None:
    class Mailer:
        def send(self, _request: ActionRequest) -> None:
            return None

    mailer, registry = Mailer(), HandlerRegistry()
    registry.register("send_mail", mailer.send)
    registry.register("send_mail", mailer.send)  # a new bound-method object, equal to the first
    with pytest.raises(ValueError, match="another handler"):
        registry.register("send_mail", Mailer().send)  # another mailer's


@pytest.mark.parametrize(("again", "said"), [
    ({"inline": True}, "inline now, not before"),
    ({"input_schema": {"type": "object", "required": ["to"]}}, "another input schema"),
])
def test_the_same_handler_registered_otherwise_is_a_replacement_too(again: dict[str, Any], said: str) -> None:
    registry = HandlerRegistry()
    registry.register("notify", first)
    with pytest.raises(ValueError, match=f"differs \\({said}\\): pass replace=True"):
        registry.register("notify", first, **again)
    assert not registry.is_inline("notify")
    assert registry.input_schema("notify") is None
    registry.register("notify", first, replace=True, **again)
    assert registry.is_inline("notify") == again.get("inline", False)
    assert registry.input_schema("notify") == again.get("input_schema")


def test_replace_true_takes_the_name_over_and_its_tasks_run_the_new_handler(engine: Engine) -> None:
    engine.deploy(workflow({"notify": task("notify", output="out"), "done": final()},
                           [edge("notify", "done", "done")], id="notifying"))
    engine.register("notify", first)
    with pytest.raises(ValueError, match="pass replace=True"):
        engine.register("notify", second)
    run = engine.start("notifying")
    engine.run_until_idle()
    assert engine.get(run.id).context["out"] == {"by": "first"}  # the refused one took nothing over
    assert engine.register("notify", second, replace=True) is second

    @engine.register("notify", replace=True)
    def third(_request: ActionRequest) -> dict[str, str]:
        return {"by": "third"}

    run = engine.start("notifying")
    engine.run_until_idle()
    assert engine.get(run.id).context["out"] == {"by": "third"}


def test_the_async_engine_checks_the_same(tmp_path: Path) -> None:
    async def main() -> None:
        async with AsyncEngine(f"sqlite:///{tmp_path / 'a.db'}") as engine:
            with pytest.raises(ValueError, match="an action's name must be"):
                engine.register("send email", first)
            engine.register("notify", first)
            engine.register("notify", first)
            with pytest.raises(ValueError, match="pass replace=True"):
                engine.register("notify", second)
            engine.register("notify", second, replace=True)
            assert engine.engine.handlers.get("notify") is second

    asyncio.run(main())


def test_within_replacing_earlier_the_handlers_before_it_give_way_once() -> None:
    """What `serve --handlers` does: the application's function replaces a shipped handler without knowing of it,
    but two handlers of its own under one name are still a mistake it is told about."""
    registry = HandlerRegistry()
    registry.register("extract_lead", first)  # a shipped one
    with registry.replacing_earlier():
        registry.register("extract_lead", second)
        registry.register("extract_lead", second)  # the same again: no change
        with pytest.raises(ValueError, match="pass replace=True"):
            registry.register("extract_lead", first)
        registry.register("bill_customer", first)
    assert registry.get("extract_lead") is second
    with pytest.raises(ValueError, match="pass replace=True"):  # after the block, as before it
        registry.register("extract_lead", first)
