"""`--log-format json` (engine.log_format.configure_logging), as `statewright worker` and `serve` set it up: every
line on stderr is one JSON object — a warning and the traceback of a thread that died too, which Python printed as
plain text beside them — each with the request id of the code that wrote it; and APScheduler's INFO lines, one
"Added job" per poll of a worker, are left out unless the host asked for them."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.log_format import FIELDS, JsonLogFormatter

ROOT = Path(__file__).resolve().parents[2]
HOST = """
import logging, tempfile, threading, warnings
{configure}
from engine import Engine
from engine.log_format import LogFormat, configure_logging, request_scope
configure_logging(LogFormat.json)
warnings.warn("an old call", UserWarning)
def doomed():
    raise ZeroDivisionError("division by zero")
thread = threading.Thread(target=doomed, name="doomed")
thread.start()
thread.join()
with request_scope("req-9"):
    logging.getLogger("statewright.engine").warning("inside a request")
logging.getLogger("statewright.engine").warning("outside")
with Engine("sqlite:///" + tempfile.mkdtemp() + "/e.db") as engine:  # a worker polls for a second
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    engine.run_worker(stop, poll_s=0.1)
"""


def _records(configure: str = "") -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-c", HOST.format(configure=configure)], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=120)
    assert done.stdout == ""
    records = []
    for line in done.stderr.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"a line that is no JSON: {line!r}\n{done.stderr}") from None
    return records


def test_every_line_is_json_with_the_request_id_and_no_scheduler_chatter() -> None:
    records = _records()
    said = {record["message"]: record for record in records}
    assert said["inside a request"]["request_id"] == "req-9"
    assert said["outside"]["request_id"] == ""
    warning = next(record for record in records if record["logger"] == "py.warnings")
    assert "an old call" in warning["message"]
    died = said["thread doomed ended by ZeroDivisionError"]
    assert died["level"] == "error"
    assert "ZeroDivisionError: division by zero" in died["exception"]
    assert not [record for record in records if record["logger"].startswith("apscheduler")]


def test_a_host_that_asked_for_the_schedulers_lines_keeps_them() -> None:
    records = _records("logging.getLogger('apscheduler').setLevel(logging.INFO)")
    assert any(record["logger"].startswith("apscheduler.") and record["level"] == "info" for record in records)


def test_a_records_own_fields_are_written_beside_the_standard_ones_never_over_them() -> None:
    """`extra={"fields": {...}}`: how `serve --demo` gives its users' passwords in JSON mode, where it printed a
    table between the records."""
    record = logging.LogRecord("statewright.designer", logging.INFO, __file__, 1, "demo: %s", ("users",), None)
    setattr(record, FIELDS, {"demo_users": [{"username": "admin", "password": "pw"}], "message": "not this",
                             "level": "not this either"})
    written = json.loads(JsonLogFormatter().format(record))
    assert written["demo_users"] == [{"username": "admin", "password": "pw"}]
    assert (written["message"], written["level"]) == ("demo: users", "info")
