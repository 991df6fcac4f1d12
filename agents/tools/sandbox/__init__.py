"""The sandbox: every integration of `agents.tools.interface`, stored in the engine's own database.

    sandbox = Sandbox.open(engine.database, clock=engine.clock)   # creates its tables, seeds the corpus
    sandbox.crm.search_contacts(email="jane.smith@globex.com")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from agents.tools.sandbox.analytics import SandboxAnalytics
from agents.tools.sandbox.calendar import SandboxCalendar
from agents.tools.sandbox.crm import SandboxCrm
from agents.tools.sandbox.helpdesk import SandboxHelpdesk
from agents.tools.sandbox.knowledge import SandboxKnowledge
from agents.tools.sandbox.memory import SandboxMemory
from agents.tools.sandbox.messaging import SandboxChat, SandboxMailbox
from agents.tools.sandbox.seed import CORPUS_DIR, SeedReport, seed_sandbox
from agents.tools.sandbox.store import Clock, SandboxStore
from agents.tools.sandbox.web import SandboxWeb
from engine.runtime.memory import SharedMemory
from storage.transaction import Store

__all__ = ["Sandbox"]


@dataclass(frozen=True)
class Sandbox:
    store: SandboxStore
    crm: SandboxCrm
    calendar: SandboxCalendar
    mailbox: SandboxMailbox
    chat: SandboxChat
    helpdesk: SandboxHelpdesk
    knowledge: SandboxKnowledge
    web: SandboxWeb
    analytics: SandboxAnalytics
    memory: SandboxMemory

    @classmethod
    def open(cls, database: sa.Engine, *, clock: Clock | None = None, seed: bool = True,
             corpus: Path = CORPUS_DIR) -> Sandbox:
        """The sandbox in `database`: its tables created when missing and, with `seed`, the corpus added."""
        store = SandboxStore(database, clock)
        memory = SharedMemory(Store(database, keep_idle=0), store.clock)  # the engine's memory, in its database
        sandbox = cls(store, SandboxCrm(store), SandboxCalendar(store), SandboxMailbox(store), SandboxChat(store),
                      SandboxHelpdesk(store), SandboxKnowledge(store), SandboxWeb(store), SandboxAnalytics(store),
                      SandboxMemory(memory))
        if seed:
            sandbox.seed(corpus)
        return sandbox

    def seed(self, corpus: Path = CORPUS_DIR) -> SeedReport:
        return seed_sandbox(self.store, corpus)
