"""`deploy` says what validation warns about in what it deploys — `DeployedRef.warnings` and a WARNING on
`statewright.deploy` — and, with `strict`, refuses it. A tester's refund flow read `amout > 500.0` for `amount`:
it deployed without a word, the guard counted as false, and a refund of 100,000 went round the manager's
approval."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from runtime_support import run_async

from engine.definition import Workflow
from engine.errors import DefinitionNotFound, InvalidDefinition
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.definition_files import deploy_files
from engine.runtime.engine import Engine

GUARD = "/transitions/0/guard"


def _refund(guard: str = "amout > 500.0", *, closed: bool = False) -> dict[str, Any]:
    """The tester's flow: refunds over 500 go to a manager; `guard` decides which."""
    context: dict[str, Any] = {"type": "object", "properties": {"amount": {"type": "number"}},
                               "required": ["amount"]}
    if closed:
        context["additionalProperties"] = False
    return {
        "id": "refund", "title": "Refund", "context": context, "initial": "route",
        "states": {"route": {"type": "choice"},
                   "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT48H"},
                   "paid": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "route", "dest": "review", "guard": guard, "priority": 1},
                        {"source": "route", "dest": "paid"},
                        {"source": "review", "trigger": "approve", "dest": "paid"},
                        {"source": "review", "trigger": "reject", "dest": "refused"},
                        {"source": "review", "trigger": "timeout", "dest": "refused"}],
    }


def _charge(kind: str, declared: list[str] | None = None) -> dict[str, Any]:
    """A task whose retry rule names `kind` (and whose workflow declares `declared` as its own kinds)."""
    flow: dict[str, Any] = {
        "id": "charge", "title": "Charge", "initial": "charge",
        "states": {"charge": {"type": "task", "action": "charge_card",
                              "retry": [{"errors": [kind], "max_attempts": 1}, {"errors": ["*"]}]},
                   "charged": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "charge", "trigger": "done", "dest": "charged"},
                        {"source": "charge", "trigger": "error", "dest": "failed"}],
    }
    return flow if declared is None else {**flow, "error_kinds": declared}


def test_a_misspelt_variable_in_a_guard_is_handed_back_and_logged(engine: Engine,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="statewright.deploy"):
        ref = engine.deploy(_refund())
    assert (ref.workflow_id, ref.version, ref.created) == ("refund", 1, True)
    (warning,) = ref.warnings
    assert (warning.code, warning.severity, warning.pointer) == ("unknown-variable", "warning", GUARD)
    assert "'amout'" in warning.message
    assert "did you mean 'amount'?" in warning.message
    (record,) = [r for r in caplog.records if r.name == "statewright.deploy"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(f"workflow refund v1 deployed with warning unknown-variable at {GUARD}: ")
    assert (record.workflow_id, record.workflow_version) == ("refund", 1)  # type: ignore[attr-defined]
    # the same content again deploys nothing new, and says it again: an application deploys at every start
    assert engine.deploy(_refund()).warnings == ref.warnings


def test_a_misspelt_error_kind_in_a_retry_rule_is_handed_back(engine: Engine) -> None:
    (warning,) = engine.deploy(_charge("card_decilned")).warnings
    assert (warning.code, warning.pointer) == ("unknown-error-kind", "/states/charge/retry/0/errors/0")


def test_a_clean_definition_has_no_warnings(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="statewright.deploy"):
        assert engine.deploy(_refund("amount > 500.0")).warnings == ()
    assert not [r for r in caplog.records if r.name == "statewright.deploy"]


def test_strict_refuses_the_warnings_as_errors_naming_each_with_its_pointer(engine: Engine) -> None:
    flow = _refund()
    flow["transitions"][1]["guard"] = "amout <= 500.0"
    flow["transitions"][1]["priority"] = 0
    flow["transitions"].append({"source": "route", "dest": "refused", "priority": -1})
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(flow, strict=True)
    assert refused.value.strict
    assert [(f.code, f.pointer) for f in refused.value.findings] == [
        ("unknown-variable", GUARD), ("unknown-variable", "/transitions/1/guard")]
    assert "2 warning(s), refused as strict" in refused.value.detail
    assert f"{GUARD}: unknown-variable: " in refused.value.detail
    assert "/transitions/1/guard: unknown-variable: " in refused.value.detail
    with pytest.raises(DefinitionNotFound):  # nothing was deployed
        engine.start("refund", {"amount": 100_000})


def test_strict_takes_a_clean_definition(engine: Engine) -> None:
    assert engine.deploy(_refund("amount > 500.0"), strict=True).created


def test_a_model_built_in_code_gets_its_warnings_too(engine: Engine) -> None:
    model = Workflow.model_validate(_refund())
    (warning,) = engine.deploy(model).warnings
    assert (warning.code, warning.pointer) == ("unknown-variable", GUARD)
    with pytest.raises(InvalidDefinition):
        engine.deploy(model.model_copy(update={"version": 2}), strict=True)


def test_a_name_a_closed_context_schema_never_lets_in_is_refused(engine: Engine) -> None:
    """With `additionalProperties: false` no start context has `amout`, and nothing sets it: an error, whatever
    `strict` says — the guard would be false on every run."""
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(_refund(closed=True))
    (error,) = refused.value.findings
    assert (error.code, error.severity, error.pointer) == ("variable-not-in-schema", "error", GUARD)
    assert "did you mean 'amount'?" in error.message
    assert not refused.value.strict
    assert engine.deploy(_refund("amount > 500.0", closed=True)).warnings == ()


def test_a_declared_error_kind_deploys_without_a_warning_and_a_typo_of_it_still_warns(engine: Engine) -> None:
    assert engine.deploy(_charge("card_declined", ["card_declined"])).warnings == ()
    typo = {**_charge("card_decline", ["card_declined"]), "id": "charge_typo"}
    (warning,) = engine.deploy(typo).warnings
    assert warning.code == "unknown-error-kind"
    assert "did you mean 'card_declined'?" in warning.message


def test_the_async_engine_hands_them_back_and_refuses_them_when_strict(database_url: str) -> None:
    async def scenario() -> None:
        async with AsyncEngine(database_url) as engine:
            with pytest.raises(InvalidDefinition):
                await engine.deploy(_refund(), strict=True)
            ref = await engine.deploy(_refund())
            assert [f.code for f in ref.warnings] == ["unknown-variable"]

    run_async(scenario())


def test_deploying_files_hands_back_each_files_warnings_and_strict_deploys_none(engine: Engine,
                                                                              tmp_path: Path) -> None:
    clean = _refund("amount > 500.0")
    clean["id"] = "clean"
    (tmp_path / "clean.json").write_text(json.dumps(clean))
    (tmp_path / "refund.json").write_text(json.dumps(_refund()))
    with pytest.raises(InvalidDefinition) as refused:
        deploy_files(engine, [tmp_path], strict=True)
    assert refused.value.strict
    assert refused.value.source == str(tmp_path / "refund.json")
    with pytest.raises(DefinitionNotFound):  # refused before anything was deployed: not even the clean one
        engine.start("clean", {"amount": 1})
    deployed = {d.id: d for d in deploy_files(engine, [tmp_path])}
    assert deployed["clean"].warnings == ()
    assert [(f.code, f.pointer) for f in deployed["refund"].warnings] == [("unknown-variable", GUARD)]


def test_a_file_not_named_by_its_id_is_warned_about_when_deployed(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "refunds.json"
    path.write_text(json.dumps(_refund("amount > 500.0")))
    assert [f.code for f in engine.deploy(path).warnings] == ["file-name-not-id"]
    (deployed,) = deploy_files(engine, [path])
    assert [f.code for f in deployed.warnings] == ["file-name-not-id"]


def test_the_guard_that_deployed_with_its_warning_does_route_round_the_approval(engine: Engine) -> None:
    """Why the warning matters: the flow runs, and the refund of 100,000 is paid without a review."""
    engine.deploy(copy.deepcopy(_refund()))
    view = engine.start("refund", {"amount": 100_000})
    assert (view.state, view.status) == ("paid", "succeeded")


CLOSER = {"id": "closer", "type": "bdr", "version": "1.0.0", "name": "Closer", "actions": ["call_lead"],
          "model": "gpt-4o-mini"}


def test_an_agent_file_not_named_by_its_id_is_warned_about_as_a_workflow_file_is(
        engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`deploy_agent` hands back and logs the agent file's warning, as `deploy` does a workflow file's: it said
    nothing, while `statewright deploy` of the same file printed it."""
    path = tmp_path / "closers.json"
    path.write_text(json.dumps(CLOSER))
    with caplog.at_level(logging.WARNING, logger="statewright.deploy"):
        deployed = engine.deploy_agent(path)
    assert (deployed.agent_id, deployed.created) == ("closer", True)
    (warning,) = deployed.warnings
    assert (warning.code, warning.pointer) == ("file-name-not-id", "/id")
    (record,) = [r for r in caplog.records if r.name == "statewright.deploy"]
    assert record.getMessage().startswith("agent closer 1.0.0 deployed with warning file-name-not-id at /id: ")
    again = engine.deploy_agent(path)  # the same content again: deployed before, the file still misnamed
    assert (again.created, [f.code for f in again.warnings]) == (False, ["file-name-not-id"])
    (said,) = [d for d in deploy_files(engine, [path]) if d.kind == "agent"]
    assert [f.code for f in said.warnings] == ["file-name-not-id"]  # said once, not once per way of finding it


def test_an_agent_named_by_its_id_or_given_as_data_has_no_warnings(engine: Engine, tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "closer.json"
    path.write_text(json.dumps(CLOSER))
    with caplog.at_level(logging.WARNING, logger="statewright.deploy"):
        assert engine.deploy_agent(path).warnings == ()
        assert engine.deploy_agent({**CLOSER, "version": "1.0.1"}).warnings == ()
    assert not [r for r in caplog.records if r.name == "statewright.deploy"]
