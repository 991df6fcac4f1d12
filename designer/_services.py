"""What the handlers are given: the app's long-lived services, injected by name as Litestar dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from designer._loop_writes import loop_batches
from designer._tenant_instances import provide_tenant_instances
from designer.checking import Checker
from designer.graphviz_slots import GraphvizSlots
from designer.live import ChangeFeed
from designer.schemas.pagination import provide_page_params
from designer.security.accounts import AccountService
from designer.security.guards import principal_of_connection
from designer.security.principal import Principal
from designer.settings import Settings
from designer.store.drafts import DraftStore
from designer.store.publication_requests import PublicationRequestStore
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.engine import Engine

__all__ = ["SERVICE_NAMES", "Services", "dependencies"]

SERVICE_NAMES = ("settings", "engine", "database", "accounts", "drafts", "checker", "catalog", "requests", "feed",
                 "graphviz")


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    database: sa.Engine  # the designer's own pool (accounts, drafts) on the engine's database
    accounts: AccountService
    drafts: DraftStore
    checker: Checker
    catalog: DefinitionCatalog
    requests: PublicationRequestStore
    feed: ChangeFeed
    graphviz: GraphvizSlots  # how many Graphviz runs at once, one user's at most

    def install(self, state: State) -> None:
        for name in SERVICE_NAMES:
            state[name] = getattr(self, name)
        state["batches"] = loop_batches(self.engine)  # the starts and sends of requests that arrive together

    def close(self) -> None:
        self.engine.close()
        self.database.dispose()


def _from_state(name: str) -> Provide:
    def provide(state: State) -> Any:
        return state[name]

    provide.__name__ = f"provide_{name}"
    return Provide(provide, sync_to_thread=False)


def _me(request: Request[Any, Any, Any]) -> Principal:
    return principal_of_connection(request)


def dependencies() -> dict[str, Provide]:
    found = {name: _from_state(name) for name in SERVICE_NAMES}
    found["me"] = Provide(_me, sync_to_thread=False)
    found["page"] = Provide(provide_page_params, sync_to_thread=False)
    found["instances"] = Provide(provide_tenant_instances, sync_to_thread=False)
    return found
