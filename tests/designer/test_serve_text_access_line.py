"""`statewright serve` with its default, readable logs keeps uvicorn's access line as it was, one a request, ending
in the request's id — the one the response's X-Request-ID carries — so a line can be tied to a request there too."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

STATEWRIGHT = Path(sys.executable).with_name("statewright")
_SERVING = re.compile(r"Statewright designer on (http://127\.0\.0\.1:\d+/)")


def test_the_access_line_ends_in_the_request_id(tmp_path: Path) -> None:
    out = tmp_path / "stdout.log"
    with out.open("w") as stdout:
        process = subprocess.Popen(
            [str(STATEWRIGHT), "serve", "--port", "0", "--workers", "0", "--db", f"sqlite:///{tmp_path / 'x.db'}"],
            stdout=stdout, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 90
        found = None
        while found is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
            found = _SERVING.search(out.read_text())
        assert found is not None, out.read_text()
        while True:
            try:
                answers = [httpx.get(f"{found.group(1)}api/health", headers=headers, timeout=5.0)
                           for headers in ({"X-Request-ID": "text-1"}, {})]
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, out.read_text()
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    access = [line for line in out.read_text().splitlines() if '"GET /api/health HTTP/1.1"' in line]
    assert len(access) == 2, out.read_text()  # one line a request, as before
    assert access[0].startswith("INFO:     127.0.0.1:")
    assert access[0].endswith('"GET /api/health HTTP/1.1" 200 OK request_id=text-1')
    assert access[1].endswith(f'"GET /api/health HTTP/1.1" 200 OK request_id={answers[1].headers["x-request-id"]}')
