"""The designer API under load: start and send-event requests per second over HTTP on loopback, beside the
engine called directly on the same kind of database, in one run; p50/p99 latency; one table.

    .venv/bin/python -m bench.bench_api [--seconds 5] [--concurrency 16] [--db-dir /tmp]

A temporary SQLite database gets a one-wait-state flow (start: one transition and a timer; send `close`: the
final transition). The server is the real app under uvicorn in its own process (no in-process workers, access
log off), driven by a lean asyncio load generator (keep-alive HTTP/1.1, one connection per request in flight)
with `--concurrency` requests in flight, authenticated by a bearer token. Each phase runs for `--seconds`
(bounded); `send` closes the instances its `start` phase created. The engine-direct rows do the same through
`Engine.start` / `Engine.send` in one thread on a fresh database.

Then both HTTP phases run again while another process writes to the same SQLite file all the time (starting and
closing instances of another tenant in a loop, as a `statewright worker` process beside the server would): the
server's writes must then wait their turn without stalling its event loop.

The HTTP requests ask `Prefer: return=minimal` (the instance's summary, as the engine direct returns a view;
without it the reply is the full detail: history, timers, approvals). Target: HTTP `send` at ≥ 30 % of the
engine direct at 16 in flight. The server's CPU time per request is printed beside it, with the engine
direct's per call and the load generator's own per request: on a loaded machine the load generator and the
server compete for the same cores, so the CPU ratio shows what the request path costs when the rate cannot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench.workloads import OPEN_CLOSE_FLOW
from designer.app import build_services
from designer.settings import Settings
from engine.runtime.engine import Engine

FLOW = OPEN_CLOSE_FLOW
PASSWORD = "benchmark-password"
MINIMAL = {"Prefer": "return=minimal"}  # the summary, not the detail: the engine direct returns a view, no more
TENANT = "bench"
TARGET_RATIO = 0.30


@dataclass
class Result:
    name: str
    latencies: list[float]
    seconds: float
    errors: int = 0
    cpu_s: float = 0.0
    client_cpu_s: float = 0.0  # the load generator's, over HTTP: what it took from the cores the server shares

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per request (the server's) or per call (the engine direct's)."""
        return self.cpu_s * 1000 / self.count if self.count else 0.0

    @property
    def client_cpu_ms(self) -> float:
        return self.client_cpu_s * 1000 / self.count if self.count else 0.0

    def row(self) -> list[str]:
        ordered = sorted(self.latencies) or [0.0]
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        return [self.name, f"{self.count:,}", f"{self.seconds:.1f}", f"{self.rate:,.0f}", f"{p50:.1f}",
                f"{p99:.1f}", f"{self.cpu_ms:.2f}", f"{self.client_cpu_ms:.2f}" if self.client_cpu_s else "",
                str(self.errors)]


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the server process -------------------------------------------------------------------------------


def serve(database_url: str, port: int) -> None:
    """The server side of the benchmark (run in its own process by `main`)."""
    import uvicorn  # noqa: PLC0415

    from designer._http_protocol import OneWriteHttpProtocol  # noqa: PLC0415
    from designer.app import create_app  # noqa: PLC0415

    settings = Settings(database_url=database_url, workers=0, deploy_shipped=False)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False,
                http=OneWriteHttpProtocol)  # as `statewright serve` runs it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(database_url: str) -> str:
    """Deploy the flow and create the benchmark user; its bearer token."""
    services = build_services(Settings(database_url=database_url, workers=0, deploy_shipped=False))
    try:
        services.engine.deploy(FLOW)
        services.accounts.add_user("bench", PASSWORD, roles=["analyst"], tenant=TENANT)
        principal = services.accounts.login("bench", PASSWORD).principal
        return services.accounts.create_token(principal, "bench").token
    finally:
        services.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


# --- the load generator -------------------------------------------------------------------------------


class _Connection:
    """One keep-alive HTTP/1.1 connection that posts JSON and reads `Content-Length` replies: the load generator
    is a lean one (as wrk is), so that on a small machine it leaves the CPU to the server it measures (httpx
    spent more CPU per request than the server did)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, headers: bytes) -> None:
        self.reader, self.writer, self.headers = reader, writer, headers

    @classmethod
    async def open(cls, port: int, token: str) -> _Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        headers = (f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nPrefer: return=minimal\r\n"
                   "Content-Type: application/json\r\n").encode()
        return cls(reader, writer, headers)

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        data = json.dumps(body).encode()
        self.writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\n" + self.headers
                          + b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(int(line.split(b":", 1)[1]) for line in head.lower().split(b"\r\n")
                      if line.startswith(b"content-length:"))
        return status, json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        self.writer.close()


async def _load(
    connections: list[_Connection], seconds: float, request: Any, limit: int | None = None
) -> tuple[list[float], float, int, list[Any]]:
    latencies: list[float] = []
    outputs: list[Any] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds
    issued = 0

    async def worker(connection: _Connection) -> None:
        nonlocal errors, issued
        while time.perf_counter() < deadline and (limit is None or issued < limit):
            index = issued
            issued += 1
            begin = time.perf_counter()
            status, body = await request(connection, index)
            latencies.append(time.perf_counter() - begin)
            if status >= 300:
                errors += 1
            else:
                outputs.append(body)

    await asyncio.gather(*(worker(connection) for connection in connections))
    return latencies, time.perf_counter() - started, errors, outputs


async def _http(port: int, token: str, seconds: float, concurrency: int, server_pid: int,
                label: str = "HTTP") -> list[Result]:
    connections = [await _Connection.open(port, token) for _ in range(concurrency)]
    try:

        async def start(connection: _Connection, _: int) -> tuple[int, Any]:
            return await connection.post("/api/instances", {"workflow_id": FLOW["id"], "context": {}})

        cpu, client = _process_cpu(server_pid), time.process_time()
        latencies, elapsed, errors, started = await _load(connections, seconds, start)
        ids = [s["id"] for s in started]
        starts = Result(f"start — {label} (c={concurrency})", latencies, elapsed, errors,
                        _process_cpu(server_pid) - cpu, time.process_time() - client)

        async def send(connection: _Connection, index: int) -> tuple[int, Any]:
            return await connection.post(f"/api/instances/{ids[index]}/events", {"event": "close"})

        cpu, client = _process_cpu(server_pid), time.process_time()
        latencies, elapsed, errors, _ = await _load(connections, seconds, send, limit=len(ids))
        sends = Result(f"send — {label} (c={concurrency})", latencies, elapsed, errors,
                       _process_cpu(server_pid) - cpu, time.process_time() - client)
    finally:
        for connection in connections:
            connection.close()
    return [starts, sends]


def write_alongside(database_url: str, seconds: float) -> None:
    """Another process writing to the benchmark's database for `seconds` (run in its own process by `main`):
    start and close instances of another tenant, one after the other; prints how many."""
    written = 0
    with Engine(database_url) as engine:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            view = engine.start(FLOW["id"], {}, tenant="alongside", actor="alongside")
            engine.send(view.id, "close", actor="alongside")
            written += 2
    print(f"{written} {seconds}", flush=True)


def _contended(database_url: str, port: int, token: str, args: argparse.Namespace, server_pid: int,
               root: Path) -> tuple[list[Result], float]:
    """The HTTP phases again while another process writes to the same file; its writes per second."""
    command = [sys.executable, "-m", "bench.bench_api", "--write-alongside", database_url,
               str(2 * args.seconds + 1)]
    writer = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                              stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # under way
        results = asyncio.run(_http(port, token, args.seconds, args.concurrency, server_pid,
                                    "HTTP, another process writing"))
    finally:
        out, _ = writer.communicate(timeout=120)
    written, seconds = out.split()
    return results, int(written) / float(seconds)


def _direct(database_url: str, seconds: float) -> list[Result]:
    with Engine(database_url) as engine:
        engine.deploy(FLOW)
        ids: list[str] = []
        latencies: list[float] = []
        cpu = time.process_time()
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            tick = time.perf_counter()
            ids.append(engine.start(FLOW["id"], {}, tenant=TENANT, actor="bench").id)
            latencies.append(time.perf_counter() - tick)
        starts = Result("start — engine direct (1 thread)", latencies, time.perf_counter() - began, 0,
                        time.process_time() - cpu)
        latencies = []
        cpu = time.process_time()
        began = time.perf_counter()
        for instance_id in ids:
            if time.perf_counter() - began >= seconds:
                break
            tick = time.perf_counter()
            engine.send(instance_id, "close", actor="bench")
            latencies.append(time.perf_counter() - tick)
        sends = Result("send — engine direct (1 thread)", latencies, time.perf_counter() - began, 0,
                       time.process_time() - cpu)
    return [starts, sends]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="Length of each phase (default 5).")
    parser.add_argument("--concurrency", type=int, default=16, help="Requests in flight (default 16).")
    parser.add_argument("--db-dir", type=Path, default=None, help="Where the temporary databases go.")
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--write-alongside", nargs=2, metavar=("DATABASE_URL", "SECONDS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    if args.write_alongside:
        write_alongside(args.write_alongside[0], float(args.write_alongside[1]))
        return 0
    with tempfile.TemporaryDirectory(dir=args.db_dir) as folder:
        http_db = f"sqlite:///{Path(folder) / 'http.db'}"
        token = _prepare(http_db)
        port = _free_port()
        command = [sys.executable, "-m", "bench.bench_api", "--serve", http_db, str(port)]
        root = Path(__file__).resolve().parents[1]
        server = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, server)
            http = asyncio.run(_http(port, token, args.seconds, args.concurrency, server.pid))
            contended, alongside_rate = _contended(http_db, port, token, args, server.pid, root)
        finally:
            server.terminate()
            server.wait(timeout=30)
        direct = _direct(f"sqlite:///{Path(folder) / 'direct.db'}", args.seconds)
    load = os.getloadavg()
    table = Table(title="Designer API: start and send-event, HTTP on loopback vs the engine directly (SQLite)")
    for column in ("operation", "requests", "seconds", "per second", "p50 ms", "p99 ms", "CPU ms", "client CPU ms",
                   "errors"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for result in (http[0], direct[0], http[1], direct[1], *contended):
        table.add_row(*result.row())
    console = Console(width=140)
    console.print(table)
    sent, direct_sent = http[1], direct[1]
    ratio = sent.rate / direct_sent.rate if direct_sent.rate else 0.0
    cpu_ratio = direct_sent.cpu_ms / sent.cpu_ms if sent.cpu_ms else 0.0
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    console.print(
        f"send over HTTP: {sent.rate:,.0f}/s = {ratio:.0%} of the engine direct's {direct_sent.rate:,.0f}/s "
        f"(p50 {sent.row()[4]} ms, p99 {sent.row()[5]} ms at {args.concurrency} in flight); "
        f"target ≥ {TARGET_RATIO:.0%}: {verdict}. CPU per send: server {sent.cpu_ms:.2f} ms, engine direct "
        f"{direct_sent.cpu_ms:.2f} ms ({cpu_ratio:.0%}), load generator {sent.client_cpu_ms:.2f} ms. "
        f"Load average {load[0]:.2f} on {os.cpu_count()} CPUs."
    )
    busy = contended[1]
    console.print(
        f"With another process writing to the same file ({alongside_rate:,.0f} writes/s): send over HTTP "
        f"{busy.rate:,.0f}/s, p99 {busy.row()[5]} ms ({busy.rate / sent.rate if sent.rate else 0:.0%} of the "
        "send over HTTP alone)."
    )
    return 1 if any(r.errors for r in (*http, *contended)) else 0


if __name__ == "__main__":
    sys.exit(main())
