"""A process that forks worker processes on request: `python worker_launcher.py HANDLERS`.

Importing the engine takes two to three seconds; a drill that kills and restarts workers hundreds of times
would spend its time importing. This launcher imports the worker module, the handlers and the database
drivers once — opening no database — and then, per request, forks a child that runs
`statewright worker ARGV` (`designer.cli.main`): a real worker process with its own connections, started at once.

Commands on stdin, one per line; each answers one line on stdout:
    spawn ARGV_JSON   -> the child's pid
    kill PID          -> SIGKILL it and reap it ("killed PID")
    stop PID          -> SIGTERM it until it finishes (SIGKILL after 30 s) ("stopped PID CODE")
End of input kills every child still running. Children die with the launcher (PR_SET_PDEATHSIG).
Only children of this launcher are ever signalled, and a child is reaped only after it was signalled, so
its pid cannot have been reused by another process.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1


# Imported before any fork, so a child starts working at once.
PRELOADED = (
    "alembic.runtime.migration", "alembic.script", "apscheduler.schedulers.background", "psycopg",
    "sqlalchemy.dialects.postgresql.psycopg", "sqlalchemy.dialects.sqlite", "engine.runtime.engine",
    "engine.runtime.scheduler", "engine.runtime.worker", "designer.cli", "engine.cli.runtime_commands",
)


def _preload(handlers: str) -> None:
    for name in (*PRELOADED, handlers.partition(":")[0]):
        importlib.import_module(name)


def _child(argv: list[str]) -> None:
    """In the forked child: become a worker process, never return."""
    code = 70
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(2, 1)  # stdout is the launcher's answer channel
        for sig in (signal.SIGINT, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        from designer.cli import main  # noqa: PLC0415 - imported by the launcher already

        code = main(["worker", *argv])
    finally:
        sys.stderr.flush()
        os._exit(code)


def _stop(pid: int) -> int:
    """SIGTERM, repeated every half second (one sent before the worker set up its handler is ignored)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        os.kill(pid, signal.SIGTERM)
        for _ in range(25):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def serve(handlers: str) -> None:
    # Ignored here, so a child ignores SIGTERM from the moment it is forked until the worker installs its own
    # handler (`stop` repeats the signal); the launcher itself ends when its input does.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _preload(handlers)
    children: set[int] = set()
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "spawn":
            pid = os.fork()
            if pid == 0:
                _child(json.loads(argument))
            children.add(pid)
            print(pid, flush=True)
        elif command in ("kill", "stop") and int(argument) in children:
            pid = int(argument)
            children.discard(pid)
            if command == "kill":
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                print(f"killed {pid}", flush=True)
            else:
                print(f"stopped {pid} {_stop(pid)}", flush=True)
        else:
            print(f"refused {line.strip()}", flush=True)
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    serve(sys.argv[1])
