"""Starting, killing and stopping worker processes for the drills.

`Launcher` talks to `worker_launcher.py` (workers forked from a process that imported the engine already, so
a restart costs milliseconds); `WorkerProcess` is `statewright worker` started the ordinary way.
Both run the drill handlers against the side-effect ledger given in `environment`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

__all__ = ["HANDLERS", "Launcher", "WorkerProcess", "drill_environment", "worker_argv"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
HANDLERS = "drill_handlers:register"


def drill_environment(ledger: Path) -> dict[str, str]:
    from drill_handlers import LEDGER_VARIABLE  # noqa: PLC0415 - keeps this module free of the engine

    env = {k: v for k, v in os.environ.items() if k != "STATEWRIGHT_DATABASE_URL"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE)])
    env[LEDGER_VARIABLE] = str(ledger)
    return env


def worker_argv(database_url: str, *, batch: int, poll_s: float, heartbeat_s: float) -> list[str]:
    """A worker's command line; its leases last three heartbeats."""
    return ["--db", database_url, "--handlers", HANDLERS, "--batch", str(batch), "--poll", str(poll_s),
            "--heartbeat-s", str(heartbeat_s)]


class Launcher:
    """The client side of `worker_launcher.py`; every worker it names is its own child."""

    def __init__(self, env: dict[str, str], log: IO[str]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(HERE / "worker_launcher.py"), HANDLERS], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=ROOT,
        )
        self.live: list[int] = []
        self.kills = 0
        if self._ask(None) != "ready":
            raise RuntimeError("the worker launcher did not start")

    def _ask(self, command: str | None) -> str:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        if command is not None:
            self._process.stdin.write(command + "\n")
            self._process.stdin.flush()
        answer = self._process.stdout.readline().strip()
        if not answer or answer.startswith("refused"):
            raise RuntimeError(f"the worker launcher answered '{answer}' to '{command}'")
        return answer

    def spawn(self, argv: list[str]) -> int:
        pid = int(self._ask(f"spawn {json.dumps(argv)}"))
        self.live.append(pid)
        return pid

    def kill(self, pid: int) -> None:
        """SIGKILL, at whatever moment the worker is in."""
        self.live.remove(pid)
        self._ask(f"kill {pid}")
        self.kills += 1

    def stop(self, pid: int) -> int:
        """SIGTERM and wait: the worker finishes its round and exits. Its exit code."""
        self.live.remove(pid)
        return int(self._ask(f"stop {pid}").split()[-1])

    def close(self) -> None:
        """Kill what still runs, and end the launcher."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self.live.clear()


class WorkerProcess:
    """`statewright worker ...` (`python -m designer.cli worker`), started the way an operator starts one."""

    def __init__(self, argv: list[str], env: dict[str, str], log: IO[str]) -> None:
        self._process = subprocess.Popen([sys.executable, "-m", "designer.cli", "worker", *argv], env=env, cwd=ROOT,
                                         stdout=log, stderr=log)

    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self, timeout_s: float = 60) -> int:
        """SIGTERM and wait for a clean exit (SIGKILL if it does not come)."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise
