"""`statewright publish` through the console script: a waiting instance resumes, and an event that changed
nothing is reported rather than accepted in silence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))

FLOW = {"id": "waits_for_payment", "version": 1, "title": "Waits for payment", "initial": "wait_payment",
        "states": {"wait_payment": {"type": "wait", "event": {"type": "paid"}, "output": "payment"},
                   "done": {"type": "final"}},
        "transitions": [{"source": "wait_payment", "trigger": "done", "dest": "done"}]}


def _statewright(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([STATEWRIGHT, *args, "--db", f"sqlite:///{tmp_path / 'bus.db'}"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, check=False)


def test_publish_resumes_the_waiting_instance_and_reports_an_event_no_one_takes(tmp_path: Path) -> None:
    flow = tmp_path / "waits_for_payment.json"
    flow.write_text(json.dumps(FLOW))
    started = _statewright(tmp_path, "run", str(flow), "--format", "json")
    assert started.returncode == 3, started.stderr
    instance = json.loads(started.stdout)["instance"]["id"]

    resumed = _statewright(tmp_path, "publish", "paid", "--payload", '{"amount": 40}', "--format", "json")
    assert resumed.returncode == 0, resumed.stderr
    result = json.loads(resumed.stdout)
    assert (result["delivered"], result["unmatched"]) == ([instance], False)
    shown = json.loads(_statewright(tmp_path, "show", instance, "--format", "json").stdout)
    assert (shown["state"], shown["context"]["payment"]) == ("done", {"amount": 40})

    nobody = _statewright(tmp_path, "publish", "paid", "--payload", '{"amount": 41}')
    assert nobody.returncode == 0, nobody.stderr
    assert "resumed 0" in nobody.stdout
    assert "no instance waited for 'paid'" in nobody.stderr

    keyed = _statewright(tmp_path, "publish", "paid", "--correlation-key", "order-9", "--format", "json")
    assert json.loads(keyed.stdout)["unmatched"] is False  # a later wait on order-9 may still take it

    bad = _statewright(tmp_path, "publish", "paid", "--payload", "{oops")
    assert bad.returncode == 2
    assert "--payload is not valid JSON" in bad.stderr


STARTS_ON = {"id": "onboarding", "version": 1, "title": "Onboarding", "initial": "welcome",
             "context": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]},
             "starts_on": [{"event": "signed_up", "condition": "event.plan == 'pro'",
                            "context": {"email": "event.email"}}],
             "states": {"welcome": {"type": "wait", "duration": "PT1H"}, "done": {"type": "final"}},
             "transitions": [{"source": "welcome", "trigger": "done", "dest": "done"}]}


def test_an_event_a_workflow_starts_on_that_started_nothing_does_not_say_nothing_starts_on_it(tmp_path: Path) -> None:
    """The warning said 'no workflow starts on it' when one does and the payload missed its condition or context."""
    flow = tmp_path / "onboarding.json"
    flow.write_text(json.dumps(STARTS_ON))
    assert _statewright(tmp_path, "deploy", str(flow)).returncode == 0

    missed = _statewright(tmp_path, "publish", "signed_up", "--payload", '{"plan": "free", "email": "a@b.c"}')
    started = _statewright(tmp_path, "publish", "signed_up", "--payload", '{"plan": "pro", "email": "a@b.c"}')

    assert missed.returncode == 0, missed.stderr
    assert "started none of the workflows that start on it (onboarding)" in missed.stderr
    assert "no workflow starts on it" not in missed.stderr
    assert "started 1" in started.stdout
    assert "warning" not in started.stderr


def test_a_payload_too_large_for_the_command_line_is_read_from_a_file_or_standard_input(tmp_path: Path) -> None:
    """A payload the engine takes (up to 1 MiB) may be more than one argument may hold (128 KiB on Linux): the
    shell refused to start the command at all ('Argument list too long')."""
    flow = tmp_path / "waits_for_payment.json"
    flow.write_text(json.dumps(FLOW))
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"note": "n" * 1000}))

    def run(*options: str) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(_statewright(tmp_path, "run", str(flow), *options, "--format", "json")
                                           .stdout)["instance"]
        return found

    first = run("--context", f"@{context}")
    assert first["context"] == {"note": "n" * 1000}
    big = {"amount": 40, "receipt": "r" * 300_000}
    payload = tmp_path / "payment.json"
    payload.write_text(json.dumps(big))
    from_file = _statewright(tmp_path, "publish", "paid", "--payload", f"@{payload}", "--format", "json")
    assert from_file.returncode == 0, from_file.stderr
    assert json.loads(from_file.stdout)["delivered"] == [first["id"]]
    second = run()
    from_stdin = subprocess.run(
        [STATEWRIGHT, "publish", "paid", "--payload", "-", "--format", "json", "--db",
         f"sqlite:///{tmp_path / 'bus.db'}"],
        input=json.dumps({"amount": 41}), capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout)["delivered"] == [second["id"]]
    payments = [json.loads(_statewright(tmp_path, "show", i, "--format", "json").stdout)["context"]["payment"]
                for i in (first["id"], second["id"])]
    assert payments == [big, {"amount": 41}]
    missing = _statewright(tmp_path, "publish", "paid", "--payload", "@nowhere.json")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: --payload @nowhere.json: no such file"  # as every file option says


KEYED = {"id": "settles", "version": 1, "title": "Settles", "initial": "settle",
         "context": {"type": "object", "properties": {"order": {"type": "string"}}},
         "states": {"settle": {"type": "wait", "event": {"type": "settled", "correlation": "order"},
                               "timeout": "PT1H", "output": "settlement"},
                    "done": {"type": "final"}, "late": {"type": "final", "outcome": "failure"}},
         "transitions": [{"source": "settle", "trigger": "done", "dest": "done"},
                         {"source": "settle", "trigger": "timeout", "dest": "late"}]}


def test_an_event_published_before_its_wait_is_kept_for_it_and_a_misspelt_type_is_warned_of(tmp_path: Path) -> None:
    flow = tmp_path / "settles.json"
    flow.write_text(json.dumps(KEYED))
    assert _statewright(tmp_path, "deploy", str(flow)).returncode == 0

    early = _statewright(tmp_path, "publish", "settled", "--correlation-key", "O-7", "--payload", '{"ref": "S-7"}')
    assert early.returncode == 0, early.stderr
    assert "kept for the first wait on key 'O-7' until" in early.stdout
    assert "warning" not in early.stderr

    started = _statewright(tmp_path, "run", str(flow), "--context", '{"order": "O-7"}', "--format", "json")
    assert started.returncode == 0, started.stderr
    instance = json.loads(started.stdout)["instance"]["id"]
    shown = json.loads(_statewright(tmp_path, "show", instance, "--format", "json").stdout)
    assert (shown["state"], shown["context"]["settlement"]) == ("done", {"ref": "S-7"})

    typo = _statewright(tmp_path, "publish", "setled", "--correlation-key", "O-8")
    assert "no deployed workflow starts on, waits for or asks a reply of 'setled'" in typo.stderr

    unkept = _statewright(tmp_path, "publish", "settled", "--correlation-key", "O-9", "--keep-for", "PT0S",
                          "--format", "json")
    assert (json.loads(unkept.stdout)["kept_until"], json.loads(unkept.stdout)["unmatched"]) == (None, True)
    wrong = _statewright(tmp_path, "publish", "settled", "--correlation-key", "O-9", "--keep-for", "an hour")
    assert wrong.returncode == 2
    assert "--keep-for: 'an hour' is not an ISO 8601 duration" in wrong.stderr
