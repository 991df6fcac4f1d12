"""support_ticket_triage deployed as shipped and run by a `statewright worker` process (the console script,
`--executor llm`) against the chat-completions test server: the setup the end-to-end test and the killed-worker
test share (imported by name, like chat_completions_server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from triage_model_script import TICKET

from agents.handlers import shipped_definitions
from engine import Engine
from engine.definition import Workflow
from engine.runtime.views import InstanceView

__all__ = ["llm_worker", "start_triage"]

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
# the worker's model settings come from its command line and these: the test's own, never the developer's
LLM_VARIABLES = ("STATEWRIGHT_EXECUTOR", "STATEWRIGHT_LLM_URL", "STATEWRIGHT_LLM_MODEL", "STATEWRIGHT_LLM_API_KEY")


def start_triage(engine: Engine) -> tuple[Workflow, InstanceView]:
    """Every shipped agent and support_ticket_triage deployed, and the flow started on the test's ticket: the flow
    as deployed, and its run."""
    workflows, agents = shipped_definitions()
    for agent in agents.values():
        engine.deploy_agent(agent)
    triage = workflows["support_ticket_triage"]
    engine.deploy(triage)
    return triage, engine.start("support_ticket_triage", dict(TICKET))


@contextmanager
def llm_worker(database_url: str, url: str) -> Iterator[subprocess.Popen[str]]:
    """A `statewright worker` process on the `llm` executor, its model at `url` (gpt-4o-mini), polling every 0.1 s
    and renewing its leases every second (a lease of three); stopped when the block ends, if the block has not
    stopped it, and waited for."""
    env = {k: v for k, v in os.environ.items() if k not in LLM_VARIABLES}
    env |= {"STATEWRIGHT_LLM_URL": url, "STATEWRIGHT_LLM_MODEL": "gpt-4o-mini", "STATEWRIGHT_LLM_API_KEY": "sk-e2e"}
    worker = subprocess.Popen([STATEWRIGHT, "worker", "--db", database_url, "--executor", "llm", "--poll", "0.1",
                               "--heartbeat-s", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.terminate()
        worker.communicate(timeout=30)
