"""testgen on a flow whose own event wait (not one inside a parallel or map state) stores its payload at an
`output` whose context-schema entry requires fields. The generated test published `{}` (or only what the guards
chose), which the engine refuses ("'ok' is a required property": the wait goes on waiting), so every path through
the wait failed on the engine and was reported not covered — 1 of 2 transitions for the smallest such flow, 2 of 7
for one with an approval after the wait. It also printed the engine's own logs on stderr while it played the
paths (the refused delivery; "no checkpoint thread for /tmp/statewright-testgen-…/flow.db"). Now the payload is
built as for the waits inside parallel and map states — what the schema declares at the `output`, with what the
guards choose laid over it — an event sent to the wait carries what its assignments read, and stderr stays quiet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.testgen.generation import generate_tests
from engine.testgen.playback import RouteStep, path_script
from engine.validation.loader import require_workflow

STATEWRIGHT = str(Path(sys.executable).parent / "statewright")
SIGNAL = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}

SIGNALLED: dict[str, Any] = {
    "id": "signalled", "title": "Signalled",
    "context": {"type": "object", "properties": {"sig": SIGNAL}},
    "initial": "w",
    "states": {"w": {"type": "wait", "event": {"type": "signal"}, "timeout": "PT1H", "output": "sig"},
               "ok": {"type": "final"}, "no": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "w", "trigger": "done", "dest": "ok"},
                    {"source": "w", "trigger": "timeout", "dest": "no"}],
}

# correlated by the start context, an event sent to the wait that assigns what it carries, an approval after it
REVIEWED: dict[str, Any] = {
    "id": "reviewed", "title": "Reviewed",
    "context": {"type": "object", "properties": {"n": {"type": "integer"}, "note": {"type": "string"},
                                                 "sig": SIGNAL}, "required": ["n"]},
    "initial": "w",
    "states": {
        "w": {"type": "wait", "event": {"type": "qa.signal", "correlation": "string(n)"}, "timeout": "PT1H",
              "output": "sig"},
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}, "timeout": "PT1H"},
        "ok": {"type": "final"}, "no": {"type": "final", "outcome": "failure"}},
    "transitions": [
        {"source": "w", "trigger": "done", "dest": "review"},
        {"source": "w", "trigger": "timeout", "dest": "no"},
        {"source": "w", "trigger": "poke", "dest": "w", "assign": {"note": "event.note"}},
        {"source": "w", "trigger": "withdraw", "dest": "no"},
        {"source": "review", "trigger": "approve", "dest": "ok"},
        {"source": "review", "trigger": "reject", "dest": "no"},
        {"source": "review", "trigger": "timeout", "dest": "no"},
    ],
}

# the guards read the payload twice: as the event (`event.ok`) and, later, where the wait stored it (`sig.level`)
GUARDED: dict[str, Any] = {
    "id": "guarded", "title": "Guarded",
    "context": {"type": "object", "properties": {"sig": {
        "type": "object", "required": ["ok", "level", "tag"],
        "properties": {"ok": {"type": "boolean"}, "level": {"type": "integer", "minimum": 1},
                       "tag": {"type": "string", "enum": ["a", "b"]}}}}},
    "initial": "w",
    "states": {"w": {"type": "wait", "event": {"type": "signal"}, "timeout": "PT1H", "output": "sig"},
               "check": {"type": "choice"}, "big": {"type": "final"}, "small": {"type": "final"},
               "no": {"type": "final", "outcome": "failure"}},
    "transitions": [
        {"source": "w", "trigger": "done", "dest": "check", "guard": "event.ok", "priority": 1},
        {"source": "w", "trigger": "done", "dest": "no"},
        {"source": "w", "trigger": "timeout", "dest": "no"},
        {"source": "check", "dest": "big", "guard": "sig.level > 3", "priority": 1},
        {"source": "check", "dest": "small"},
    ],
}


def _testgen(tmp_path: Path, flow: dict[str, Any], *options: str) -> tuple[subprocess.CompletedProcess[str], str]:
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    done = subprocess.run([STATEWRIGHT, "testgen", str(path), "-o", str(out), *options], capture_output=True,
                          text=True, check=False, cwd=tmp_path, env={"COLUMNS": "200", "PATH": ""}, timeout=300)
    return done, out.read_text(encoding="utf-8") if out.exists() else ""


def test_a_top_level_wait_is_published_a_payload_its_output_schema_accepts(tmp_path: Path) -> None:
    done, written = _testgen(tmp_path, SIGNALLED, "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "transitions 2/2" in done.stdout
    assert "Not covered" not in done.stdout
    assert "run.publish('signal', {'ok': False}, None)" in written
    assert done.stderr == ""  # neither the refused delivery nor the checkpoint thread's complaint


def test_every_transition_around_a_correlated_wait_and_an_approval_is_covered(tmp_path: Path) -> None:
    done, written = _testgen(tmp_path, REVIEWED)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "transitions 7/7" in done.stdout, done.stdout
    assert "run.publish('qa.signal', {'ok': False}, '0')" in written
    assert "run.send('poke', {'note': 'text'})" in written  # what `"note": "event.note"` assigns
    assert done.stderr == ""


def test_the_payload_carries_what_the_guards_choose_over_what_the_schema_requires(tmp_path: Path) -> None:
    path = tmp_path / "guarded.json"
    path.write_text(json.dumps(GUARDED), encoding="utf-8")
    _, coverage = generate_tests(require_workflow(path), path, tmp_path / "test_guarded.py", "guards")
    assert (coverage.transitions_covered, coverage.transitions_total) == (5, 5)
    assert (coverage.guards_true, coverage.guards_false, coverage.uncovered) == (2, 2, [])
    written = (tmp_path / "test_guarded.py").read_text(encoding="utf-8")
    assert "run.publish('signal', {'ok': True, 'level': 4, 'tag': 'a'}, None)" in written  # on to `big`
    assert "run.publish('signal', {'ok': False, 'level': 1, 'tag': 'a'}, None)" in written  # to `no`
    # the simulator's script of a path plays the same payload
    script = path_script(require_workflow(path), [RouteStep(state="w", transition=0),
                                                   RouteStep(state="check", transition=3)])
    assert script.playable
    assert script.cues[0].payload == {"ok": True, "level": 4, "tag": "a"}


def test_a_failing_path_says_what_the_engine_warned_of_in_its_reason_not_on_stderr(tmp_path: Path) -> None:
    """A payload the model cannot foresee (a schema pattern testgen does not satisfy): the path is left out, and
    the engine's refusal is in its reason — without the instance's id, which changes on every run."""
    flow = json.loads(json.dumps(SIGNALLED))
    flow["context"]["properties"]["sig"] = {"type": "object", "required": ["code"],
                                            "properties": {"code": {"type": "string", "pattern": "^[0-9]+$"}}}
    done, written = _testgen(tmp_path, flow)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    said = " ".join(done.stdout.split())
    assert ("Not covered: w --done--> ok — its generated test failed on the engine: the engine did not follow the "
            "modelled path") in said
    assert "the engine warned: event 1 (signal) is not delivered to the instance: the event's payload does not " \
           "fit the schema" in said
    assert said.count("Not covered") == 1
    assert "is not delivered to the instance" in written
