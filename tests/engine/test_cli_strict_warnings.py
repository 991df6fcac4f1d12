"""`statewright validate` and `deploy` on a definition with warnings: `deploy` prints them (and, in JSON, hands
them back per file), and with `--strict` both refuse it — exit 1, saying that the warnings are why. A tester's
`amout > 500.0` (for `amount`) validated with exit 0 and deployed without a word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.errors import DefinitionNotFound
from engine.runtime.engine import Engine

SCRIPT = Path(sys.executable).parent / "statewright"
GUARD = "/transitions/0/guard"


def _refund(guard: str = "amout > 500.0", *, closed: bool = False) -> dict[str, Any]:
    context: dict[str, Any] = {"type": "object", "properties": {"amount": {"type": "number"}}}
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


def _charge(kinds: list[str] | None) -> dict[str, Any]:
    """A task of the user's own whose retry rule and `error` transition name `card_declined`."""
    flow: dict[str, Any] = {
        "id": "charge", "title": "Charge", "initial": "charge",
        "states": {"charge": {"type": "task", "action": "charge_card",
                              "retry": [{"errors": ["card_declined"], "max_attempts": 1}, {"errors": ["*"]}]},
                   "charged": {"type": "final"}, "declined": {"type": "final", "outcome": "failure"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "charge", "trigger": "done", "dest": "charged"},
                        {"source": "charge", "trigger": "error", "dest": "declined", "errors": ["card_declined"],
                         "priority": 1},
                        {"source": "charge", "trigger": "error", "dest": "failed"}],
    }
    return flow if kinds is None else {**flow, "error_kinds": kinds}


def _file(folder: Path, flow: dict[str, Any]) -> Path:
    path = folder / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    return path


def _invoke(*argv: str) -> tuple[int, str]:
    done = CliRunner().invoke(build_app(argv[0]), list(argv), env={"COLUMNS": "400"})
    return done.exit_code, " ".join(done.output.split())


@pytest.fixture
def refund(tmp_path: Path) -> Path:
    return _file(tmp_path, _refund())


def test_validate_strict_exits_1_for_a_warning_saying_the_warnings_are_why(refund: Path) -> None:
    code, said = _invoke("validate", str(refund))
    assert code == 0
    assert f"warning unknown-variable at {GUARD}" in said
    code, said = _invoke("validate", str(refund), "--strict")
    assert code == 1
    assert f"✗ {refund}" in said
    assert "error: --strict: 1 warning(s) in 1 file, and warnings count as errors" in said
    done = CliRunner().invoke(build_app("validate"), ["validate", str(refund), "--strict", "--format", "json"])
    assert done.exit_code == 1
    (checked,) = json.loads(done.stdout)["files"]
    assert checked["ok"] is False
    assert [f["code"] for f in checked["findings"]] == ["unknown-variable"]


def test_validate_strict_passes_a_clean_definition(tmp_path: Path) -> None:
    assert _invoke("validate", str(_file(tmp_path, _refund("amount > 500.0"))), "--strict")[0] == 0


def test_a_misspelt_name_a_closed_schema_never_lets_in_is_an_error_without_strict(tmp_path: Path) -> None:
    code, said = _invoke("validate", str(_file(tmp_path, _refund(closed=True))))
    assert code == 1
    assert f"error variable-not-in-schema at {GUARD}" in said
    assert "did you mean 'amount'?" in said


def test_deploy_prints_the_warnings_and_hands_them_back_in_json(refund: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    code, said = _invoke("deploy", str(refund), "--db", db)
    assert code == 0
    assert f"{refund}: deployed with 1 warning warning unknown-variable at {GUARD}: " in said
    assert "with --strict, a definition with warnings is refused instead" in said
    code, said = _invoke("deploy", str(refund), "--db", db, "--format", "json")
    assert code == 0
    (deployed,) = json.loads(said)
    assert [(w["code"], w["pointer"]) for w in deployed["warnings"]] == [("unknown-variable", GUARD)]


def test_deploy_strict_refuses_the_warnings_and_deploys_nothing(refund: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    code, said = _invoke("deploy", str(refund), "--db", db, "--strict")
    assert code == 1
    assert f"error: {refund} has 1 warning(s), refused by --strict: {GUARD}: unknown-variable: " in said
    with Engine(db) as engine, pytest.raises(DefinitionNotFound):
        engine.start("refund", {"amount": 100_000})


def test_deploy_says_each_warning_once_on_a_console(refund: Path, tmp_path: Path) -> None:
    """The command prints them; the `statewright.deploy` log, which no one configured in a command, does not say
    them again on stderr (logging's last resort would)."""
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    done = subprocess.run([str(SCRIPT), "deploy", str(refund), "--db", f"sqlite:///{tmp_path / 'd.db'}"],
                          capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("unknown-variable") == 1
    assert "unknown-variable" not in done.stderr


def test_a_kind_the_workflow_declares_passes_strict_even_with_the_handlers_known(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch
                                                                                  ) -> None:
    """`card_declined`, raised by the user's own handler: flagged even with --handlers until it is declared in
    `error_kinds`; declared, it passes --strict, while a typo of it is still warned about."""
    (tmp_path / "cardhandlers.py").write_text(
        "from engine import ActionError\n"
        "def register(engine):\n"
        "    def charge(request):\n"
        "        raise ActionError('card_declined', 'the issuer declined', retryable=False)\n"
        "    engine.register('charge_card', charge)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    undeclared = _file(tmp_path, _charge(None))
    code, said = _invoke("validate", str(undeclared), "--handlers", "cardhandlers:register", "--strict")
    assert code == 1
    assert said.count("unknown-error-kind") == 2
    declared = _file(tmp_path, _charge(["card_declined"]))
    assert _invoke("validate", str(declared), "--handlers", "cardhandlers:register", "--strict") == (0, f"✓ {declared}")
    typo = _charge(["card_declined"])
    typo["states"]["charge"]["retry"][0]["errors"] = ["card_decline"]
    code, said = _invoke("validate", str(_file(tmp_path, typo)))
    assert code == 0
    assert "warning unknown-error-kind at /states/charge/retry/0/errors/0" in said
    assert "did you mean 'card_declined'?" in said


def test_run_strict_refuses_the_warnings_and_deploys_and_runs_nothing(refund: Path, tmp_path: Path) -> None:
    """`run --strict` means what `deploy --strict` does; `run` had no such option, so a pipeline running a flow
    could not refuse the guard that reads a misspelt name."""
    db = f"sqlite:///{tmp_path / 'r.db'}"
    code, said = _invoke("run", str(refund), "--context", '{"amount": 100000}', "--db", db, "--strict")
    assert code == 1
    assert f"error: {refund} has 1 warning(s), refused by --strict: {GUARD}: unknown-variable: " in said
    with Engine(db) as engine:
        assert engine.list_instances() == []
        with pytest.raises(DefinitionNotFound):
            engine.start("refund", {"amount": 100_000})
    (tmp_path / "clean").mkdir()
    clean = _file(tmp_path / "clean", _refund("amount > 500.0"))  # the guard spelt right: run with --strict
    code, said = _invoke("run", str(clean), "--context", '{"amount": 100}', "--db", db, "--strict")
    assert code == 0, said
    assert "paid (succeeded)" in said


def test_run_strict_refuses_a_file_not_named_by_its_id_and_a_subflows_warnings(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    misnamed = tmp_path / "refunds.json"
    misnamed.write_text(json.dumps(_refund("amount > 500.0")), encoding="utf-8")
    code, said = _invoke("run", str(misnamed), "--context", '{"amount": 1}', "--db", db, "--strict")
    assert code == 1
    assert f"error: {misnamed} has 1 warning(s), refused by --strict: /id: file-name-not-id: " in said
    folder = tmp_path / "parent"
    folder.mkdir()
    _file(folder, _refund())  # the subflow, its guard misspelt
    parent = _file(folder, {"id": "parent", "title": "Parent", "initial": "refund",
                            "context": {"type": "object", "properties": {"amount": {"type": "number"}}},
                            "states": {"refund": {"type": "subflow", "workflow": "refund",
                                                  "input": {"amount": "amount"}},
                                       "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
                            "transitions": [{"source": "refund", "trigger": "done", "dest": "done"},
                                            {"source": "refund", "trigger": "error", "dest": "failed"}]})
    code, said = _invoke("run", str(parent), "--context", '{"amount": 1}', "--db", db, "--strict")
    assert code == 1, said
    assert f"error: workflow refund version 1 has 1 warning(s), refused by --strict: {GUARD}: unknown-variable" in said
    with Engine(db) as engine:
        assert engine.list_instances() == []


def test_run_without_strict_runs_despite_the_warnings(refund: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    code, said = _invoke("run", str(refund), "--context", '{"amount": 100000}', "--db", db)
    assert code == 0
    assert "paid (succeeded)" in said  # round the approval: what --strict is there to refuse
