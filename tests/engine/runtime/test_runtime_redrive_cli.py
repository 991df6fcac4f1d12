"""`statewright redrive ID`: a failed instance resumed from the shell; a refusal is one line and exit code 1."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

FLOW = {
    "id": "tasked", "title": "Tasked", "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work", "output": "out"}, "ok": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}],
}


def _redrive(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["redrive", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_redrive_resumes_a_failed_instance_and_refuses_one_that_has_not_failed(database_url: str) -> None:
    app = build_app("redrive")
    with Engine(database_url) as engine:
        engine.deploy(FLOW)
        failed = engine.start("tasked", {})
        engine.run_until_idle()  # no handler is registered: the task fails, and with it the instance
        assert engine.get(failed.id).status == "failed"

        code, output = _redrive(app, failed.id, "--actor", "ops", "--db", database_url, "--format", "json")
        assert code == 0, output
        shown = json.loads(output)
        assert (shown["state"], shown["status"], shown["error"]) == ("work", "running", None)
        assert [(h.event, h.actor) for h in engine.history(failed.id)][-1] == ("(redrive)", "ops")

        engine.register("do_work", lambda request: {"n": 7})
        engine.run_until_idle()
        assert engine.get(failed.id).status == "succeeded"

    code, output = _redrive(app, failed.id, "--db", database_url)
    assert code == 1
    assert f"the instance {failed.id} cannot be redriven: its status is succeeded" in output
    code, output = _redrive(app, "ghost", "--db", database_url)
    assert code == 1
    assert "no instance 'ghost'" in output


def test_redrive_with_set_corrects_the_context_first_and_a_malformed_set_is_refused(database_url: str) -> None:
    app = build_app("redrive")
    with Engine(database_url) as engine:
        engine.deploy({**FLOW, "id": "sized", "states": {
            "work": {"type": "task", "action": "do_work", "output": "company.size"}, "ok": {"type": "final"}}})
        failed = engine.start("sized", {"company": "unknown"})
        engine.register("do_work", lambda request: 500)
        engine.run_until_idle()  # 'company' is text: the size cannot be written into it, and the instance fails
        assert (engine.get(failed.id).status, engine.get(failed.id).error["kind"]) == ("failed", "output_path")

        code, output = _redrive(app, failed.id, "--set", "oops", "--db", database_url)
        assert code == 2
        assert output.strip() == "error: --set 'oops': give PATH=VALUE, e.g. --set enrichment.company.size=500"

        code, output = _redrive(app, failed.id, "--set", "company={}", "--set", "note=by hand", "--db", database_url,
                                "--format", "json")
        assert code == 0, output
        assert {k: json.loads(output)["context"][k] for k in ("company", "note")} == {"company": {}, "note": "by hand"}
        engine.run_until_idle()
        assert engine.get(failed.id).context["company"] == {"size": 500}
