"""`statewright serve --log-format json` that refuses to start says why in one JSON error record, as every other
line it writes is one: `--handlers` with `--executor`, a database in a folder that does not exist, a port in use.
Those went out as plain text (`error: …`) — the first before JSON logging was even set up — so a log collector
reading one JSON object a line dropped the very line saying why the server exited. `--log-format`'s help names the
`request_id` each record carries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli

STATEWRIGHT = Path(sys.executable).with_name("statewright")


def _refused(folder: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    """The exit code of `serve --log-format json ARGS` and each line of its stderr, read as the JSON it must be;
    it writes nothing on stdout."""
    done = subprocess.run([str(STATEWRIGHT), "serve", "--log-format", "json", "--port", "0", *args], cwd=folder,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    assert done.stdout == ""
    records = []
    for line in done.stderr.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"a line that is no JSON: {line!r}\n{done.stderr}") from None
    return done.returncode, records


@pytest.mark.parametrize(("args", "code", "reason"), [
    (["--handlers", "mine:register", "--executor", "rules"], 2, "give --handlers or --executor, not both"),
    (["--db", "sqlite:///no/such/folder/served.db"], 1, "cannot open the database sqlite:///no/such/folder/served.db"),
], ids=["both handler options", "missing folder"])
def test_a_refusal_to_start_is_one_error_record(tmp_path: Path, args: list[str], code: int, reason: str) -> None:
    exited, records = _refused(tmp_path, *args)
    assert exited == code
    (refusal,) = records
    assert refusal["message"].startswith(reason), refusal
    assert (refusal["level"], refusal["logger"]) == ("error", "statewright.cli")


def test_a_port_in_use_is_one_error_record(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        exited, records = _refused(tmp_path, "--port", str(port), "--db", f"sqlite:///{tmp_path / 's.db'}")
    assert exited == 1
    (refusal,) = records
    assert refusal["message"].startswith(f"cannot listen on 127.0.0.1:{port}: "), refusal
    assert refusal["level"] == "error"


def test_the_help_of_log_format_names_the_request_id() -> None:
    done = CliRunner().invoke(build_cli(), ["serve", "--help"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.replace("│", " ").split())
    assert "instance_id, trace_id, request_id: under serve, the id of the HTTP request" in said
