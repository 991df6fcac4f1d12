"""The engine fires through `transitions`, whose INFO lines narrate every callback of every fire. A host that
logs INFO (Litestar, uvicorn, `logging.basicConfig`) must not get them, unless it asked for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HOST = """
import logging, sys, tempfile
{configure}
from engine import Engine
flow = {{"id": "f", "title": "f", "initial": "a",
        "states": {{"a": {{"type": "wait", "event": {{"type": "x"}}}}, "b": {{"type": "final", "outcome": "success"}}}},
        "transitions": [{{"source": "a", "trigger": "go", "dest": "b"}},
                        {{"source": "a", "trigger": "done", "dest": "b"}}]}}
with Engine("sqlite:///" + tempfile.mkdtemp() + "/e.db") as engine:
    engine.deploy(flow)
    engine.send(engine.start("f").id, "go")
logging.getLogger("host").info("host line")
"""


def _stderr(configure: str) -> str:
    done = subprocess.run([sys.executable, "-c", HOST.format(configure=configure)], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=120)
    return done.stderr


def test_a_host_logging_info_gets_its_own_lines_and_none_of_the_machines() -> None:
    stderr = _stderr("logging.basicConfig(level=logging.INFO)")
    assert "host line" in stderr
    assert "transitions" not in stderr


def test_a_host_that_asks_for_the_machines_lines_gets_them() -> None:
    stderr = _stderr("logging.basicConfig(level=logging.INFO); logging.getLogger('transitions').setLevel(logging.INFO)")
    assert "transitions.core" in stderr


def test_json_log_lines_carry_the_instance_id_where_known() -> None:
    configure = ("from engine.log_format import LogFormat, configure_logging, instance_scope\n"
                 "configure_logging(LogFormat.json)\n"
                 "with instance_scope('i-42'):\n"
                 "    logging.getLogger('statewright.worker').warning('job failed')\n"
                 "logging.getLogger('statewright.events').info('told %s', 'x', extra={'instance_id': 'i-7'})\n")
    lines = [json.loads(line) for line in _stderr(configure).splitlines()]
    assert lines[0]["instance_id"] == "i-42"
    assert lines[0]["level"] == "warning"
    assert lines[1]["message"] == "told x"
    assert lines[1]["instance_id"] == "i-7"
    assert all(line["trace_id"] == "" and line["time"].endswith("Z") for line in lines)
    assert lines[-1]["message"] == "host line"
    assert lines[-1]["instance_id"] == ""
