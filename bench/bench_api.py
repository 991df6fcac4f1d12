"""The designer API under load: start and send-event requests per second over HTTP on loopback, beside the
engine called directly on the same kind of database, in one run; p50/p99 latency; one table.

    .venv/bin/python -m bench.bench_api [--seconds 5] [--concurrency 16] [--db-dir /tmp]

A temporary SQLite database gets a one-wait-state flow (start: one transition and a timer; send `close`: the
final transition). The server is the real app under uvicorn in its own process (no in-process workers, access
log off), driven by an httpx load generator with `--concurrency` requests in flight, authenticated by a bearer
token. Each phase runs for `--seconds` (bounded); `send` closes the instances its `start` phase created. The
engine-direct rows do the same through `Engine.start` / `Engine.send` in one thread on a fresh database.
"""

from __future__ import annotations

import argparse
import asyncio
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

from designer.app import build_services
from designer.settings import Settings
from engine.runtime.engine import Engine

FLOW: dict[str, Any] = {
    "id": "bench_flow",
    "title": "Benchmark: open, then close",
    "initial": "open",
    "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final", "outcome": "success"}},
    "transitions": [
        {"source": "open", "trigger": "done", "dest": "closed"},
        {"source": "open", "trigger": "close", "dest": "closed"},
    ],
}
PASSWORD = "benchmark-password"
MINIMAL = {"Prefer": "return=minimal"}  # the summary, not the detail: the engine direct returns a view, no more
TENANT = "bench"


@dataclass
class Result:
    name: str
    latencies: list[float]
    seconds: float
    errors: int = 0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def row(self) -> list[str]:
        ordered = sorted(self.latencies) or [0.0]
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rate = self.count / self.seconds if self.seconds else 0.0
        return [self.name, f"{self.count:,}", f"{self.seconds:.1f}", f"{rate:,.0f}", f"{p50:.1f}", f"{p99:.1f}",
                str(self.errors)]


# --- the server process -------------------------------------------------------------------------------


def serve(database_url: str, port: int) -> None:
    """The server side of the benchmark (run in its own process by `main`)."""
    import uvicorn  # noqa: PLC0415

    from designer.app import create_app  # noqa: PLC0415

    settings = Settings(database_url=database_url, workers=0, deploy_shipped=False)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


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


async def _load(
    client: httpx.AsyncClient, seconds: float, concurrency: int, request: Any, limit: int | None = None
) -> tuple[list[float], float, int, list[Any]]:
    latencies: list[float] = []
    outputs: list[Any] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds
    issued = 0

    async def worker() -> None:
        nonlocal errors, issued
        while time.perf_counter() < deadline and (limit is None or issued < limit):
            index = issued
            issued += 1
            begin = time.perf_counter()
            response = await request(client, index)
            latencies.append(time.perf_counter() - begin)
            if response.status_code >= 300:
                errors += 1
            else:
                outputs.append(response.json())

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors, outputs


async def _http(url: str, token: str, seconds: float, concurrency: int) -> list[Result]:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30) as client:

        async def start(client: httpx.AsyncClient, _: int) -> httpx.Response:
            return await client.post("/api/instances", json={"workflow_id": FLOW["id"], "context": {}})

        latencies, elapsed, errors, started = await _load(client, seconds, concurrency, start)
        ids = [s["id"] for s in started]
        starts = Result(f"start — HTTP (c={concurrency})", latencies, elapsed, errors)

        async def send(client: httpx.AsyncClient, index: int) -> httpx.Response:
            return await client.post(f"/api/instances/{ids[index]}/events", json={"event": "close"}, headers=MINIMAL)

        latencies, elapsed, errors, _ = await _load(client, seconds, concurrency, send, limit=len(ids))
        sends = Result(f"send — HTTP (c={concurrency})", latencies, elapsed, errors)
    return [starts, sends]


def _direct(database_url: str, seconds: float) -> list[Result]:
    with Engine(database_url) as engine:
        engine.deploy(FLOW)
        ids: list[str] = []
        latencies: list[float] = []
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            tick = time.perf_counter()
            ids.append(engine.start(FLOW["id"], {}, tenant=TENANT, actor="bench").id)
            latencies.append(time.perf_counter() - tick)
        starts = Result("start — engine direct (1 thread)", latencies, time.perf_counter() - began)
        latencies = []
        began = time.perf_counter()
        for instance_id in ids:
            if time.perf_counter() - began >= seconds:
                break
            tick = time.perf_counter()
            engine.send(instance_id, "close", actor="bench")
            latencies.append(time.perf_counter() - tick)
        sends = Result("send — engine direct (1 thread)", latencies, time.perf_counter() - began)
    return [starts, sends]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="Length of each phase (default 5).")
    parser.add_argument("--concurrency", type=int, default=16, help="Requests in flight (default 16).")
    parser.add_argument("--db-dir", type=Path, default=None, help="Where the temporary databases go.")
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
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
            http = asyncio.run(_http(url, token, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)
        direct = _direct(f"sqlite:///{Path(folder) / 'direct.db'}", args.seconds)
    table = Table(title="Designer API: start and send-event, HTTP on loopback vs the engine directly (SQLite)")
    for column in ("operation", "requests", "seconds", "per second", "p50 ms", "p99 ms", "errors"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for result in (http[0], direct[0], http[1], direct[1]):
        table.add_row(*result.row())
    Console(width=140).print(table)
    return 1 if any(r.errors for r in http) else 0


if __name__ == "__main__":
    sys.exit(main())
