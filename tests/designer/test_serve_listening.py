"""Where `statewright serve` listens: a port another server holds stops it at once with one line, before it
opens the database (before, it deployed and seeded, printed a URL that was the other server's, then logged
uvicorn's bind error between its start-up and shut-down lines); `--port 0` takes a free port and prints the
one it got (before, it printed http://127.0.0.1:0/, in the demo's "sign in at" line too)."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

STATEWRIGHT = Path(sys.executable).with_name("statewright")
_SERVING = re.compile(r"Statewright designer on (http://127\.0\.0\.1:(\d+)/)")


def test_a_port_in_use_is_one_line_and_touches_no_database(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = subprocess.run(
            [str(STATEWRIGHT), "serve", "--demo", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'x.db'}"],
            capture_output=True, text=True, timeout=120, check=False,
        )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; another server listens there: "
        "choose another --port"
    )
    assert "Statewright designer on" not in done.stdout
    assert not (tmp_path / "x.db").exists()


def test_port_zero_serves_on_a_free_port_and_says_which(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(STATEWRIGHT), "serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 'x.db'}"],
            stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    try:
        deadline = time.monotonic() + 90
        found = None
        while found is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            found = _SERVING.search(log.read_text())
        assert found is not None, log.read_text()
        url, port = found.group(1), int(found.group(2))
        assert port != 0
        while time.monotonic() < deadline:
            try:
                assert httpx.get(f"{url}api/health", timeout=1.0).status_code == 200
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"nothing answers at {url}:\n{log.read_text()}")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
