"""Start-up and shutdown: deploy the shipped definitions (when the settings ask: `serve --demo` or
`--shipped-flows`), run the in-process workers, stop them cleanly.

A worker that is stopped finishes the job in its hands and releases its leases (`Worker.close`), so nothing
claimed is lost: another worker, or this one after a restart, takes it up when the lease lapses.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

import designer.executors  # noqa: F401 - provides the agent system's executors to the engine
from designer._services import Services
from designer.store.refusals import database_refusal
from engine.errors import StatewrightError, StorageError
from engine.runtime.deployments import parse_definition
from engine.runtime.engine import Engine
from engine.runtime.handler_loading import choose_handlers, load_chosen_handlers

__all__ = ["Lifecycle", "Workers", "deploy_definitions", "housekeeping", "register_shipped_handlers"]

_log = logging.getLogger("statewright.designer")


def deploy_definitions(engine: Engine, folders: list[Path]) -> list[str]:
    """Deploy every workflow file in `folders`, after the agents in each folder's sibling `agents` folder; a file
    that cannot be deployed is logged and skipped."""
    deployed = []
    for folder in folders:
        for path in sorted((folder.parent / "agents").glob("*.json")):
            try:
                agent = engine.deploy_agent(path)
            except StatewrightError as exc:
                _log.warning("agent not deployed: %s: %s", path.name, exc.detail)
                continue
            deployed.append(f"agent {agent.agent_id} {agent.version}")
    workflows = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            try:
                workflows.append(parse_definition(path))
            except StatewrightError as exc:
                _log.warning("not deployed: %s: %s", path.name, exc.detail)
    for workflow in workflows:  # together: a flow may start one that sorts after it
        try:
            ref = engine.deploy(workflow, alongside=workflows)
        except StatewrightError as exc:
            _log.warning("not deployed: %s: %s", workflow.id, exc.detail)
            continue
        deployed.append(f"{ref.workflow_id} v{ref.version}")
    return deployed


def register_shipped_handlers(engine: Engine, executor: str | None = None) -> bool:
    """The handlers the shipped flows call, performed by `executor` (`rules`, the offline handlers of
    agents.handlers, or `llm`; default $STATEWRIGHT_EXECUTOR, else rules). False when the default rules
    handlers are not installed; an executor asked for by name that cannot be loaded raises `InvalidInput`."""
    note = load_chosen_handlers(choose_handlers(executor=executor), engine)
    if note is not None:
        _log.warning("%s", note)
    return note is None


def housekeeping(services: Services) -> None:
    """Forget expired sessions and old login attempts: the first write of a start-up, so a database the designer
    cannot write to (read-only, locked past the busy timeout, full, one of its tables missing) is found here —
    a `StorageError` naming the database (its password hidden) and the reason in one line."""
    try:
        services.accounts.housekeeping()
    except SQLAlchemyError as exc:
        reason = database_refusal(exc)
        if reason is None:
            raise
        url = services.database.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot write to the database {url}: {reason}") from exc


class Workers:
    """`count` threads each running the engine's worker loop until `stop`."""

    def __init__(self, engine: Engine, count: int, *, poll_s: float = 0.5) -> None:
        self._engine = engine
        self._count = count
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for index in range(self._count):
            thread = threading.Thread(
                target=self._engine.run_worker,
                args=(self._stop,),
                kwargs={"poll_s": self._poll_s},
                name=f"statewright-worker-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    @property
    def running(self) -> int:
        return sum(1 for t in self._threads if t.is_alive())

    def stopped(self) -> str | None:
        """Why the server is not ready on the workers' side: some of those started have stopped (not asked to),
        so instances no longer move in this server — or None."""
        if self._stop.is_set() or not self._threads:
            return None
        gone = len(self._threads) - self.running
        if gone == 0:
            return None
        return (f"{gone} of the server's {len(self._threads)} in-process worker(s) stopped (its log says why): "
                "instances no longer move here until the server is restarted")


class Lifecycle:
    """What `create_app` runs at start-up (deploy, then start the workers) and at shutdown (stop them)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.workers = Workers(services.engine, services.settings.workers)

    def startup(self) -> None:
        settings = self.services.settings
        housekeeping(self.services)
        if settings.deploy_shipped:
            from definitions import WORKFLOWS_DIR  # noqa: PLC0415

            folders = [WORKFLOWS_DIR, *(root / "workflows" for root in settings.extra_definition_roots)]
            deployed = deploy_definitions(self.services.engine, folders)
            _log.info("deployed %d definitions: %s", len(deployed), ", ".join(deployed))
        self.workers.start()

    def shutdown(self) -> None:
        self.workers.stop()
