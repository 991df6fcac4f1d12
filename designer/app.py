"""The designer's app factory: the REST API, its OpenAPI document, authentication and the built UI."""

from __future__ import annotations

from functools import partial
from importlib.metadata import PackageNotFoundError, version

from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler, Empty

from designer._allow import AllowHeader
from designer._body_read_timeout import BodyReadTimeout
from designer._json_bodies import JsonSchemaTypedBodies
from designer._lifecycle import Lifecycle, register_shipped_handlers
from designer._openapi import describe_problems
from designer._openapi_bodies import describe_bodies
from designer._path_integers import IntegerPaths
from designer._problems import exception_handlers
from designer._request_checks import check_request
from designer._request_ids import RequestIds
from designer._request_spans import RequestSpans
from designer._security_headers import SecurityHeaders
from designer._services import Services, dependencies
from designer._static import spa_index, spa_path
from designer.api.approvals import ApprovalController
from designer.api.auth import AuthController
from designer.api.budgets import BudgetController
from designer.api.catalog import CatalogController
from designer.api.checks import CheckController
from designer.api.definitions import DefinitionController
from designer.api.drafts import DraftController
from designer.api.events import EventController
from designer.api.generated_tests import GeneratedTestsController
from designer.api.health import health, ready
from designer.api.instances import InstanceController
from designer.api.interop import InteropController
from designer.api.metrics import MetricsController, prometheus_metrics
from designer.api.migration import MigrationController
from designer.api.paths import PathController
from designer.api.prices import PriceController
from designer.api.publication import PublicationController
from designer.api.sandbox import SandboxController
from designer.api.simulation import SimulationController
from designer.api.stream import stream
from designer.api.users import UserController
from designer.api.workers import WorkerController
from designer.api_reference_page import ReferencePageRenderPlugin
from designer.checking import Checker
from designer.deciders import people_of_tenant
from designer.graphviz_slots import GraphvizSlots
from designer.live import ChangeFeed
from designer.security.accounts import AccountService, ThrottlePolicy
from designer.security.middleware import SESSION_COOKIE, AuthMiddleware
from designer.settings import Settings
from designer.store.accounts import AccountStore
from designer.store.drafts import DraftStore
from designer.store.publication_requests import PublicationRequestStore
from engine.database import create_database_engine
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.engine import Engine

__all__ = ["build_services", "create_app"]

ROUTES: list[ControllerRouterHandler] = [
    health,
    ready,
    AuthController,
    UserController,
    CheckController,
    PathController,
    CatalogController,
    DraftController,
    PublicationController,
    DefinitionController,
    SimulationController,
    InstanceController,
    MigrationController,
    ApprovalController,
    EventController,
    MetricsController,
    PriceController,
    BudgetController,
    prometheus_metrics,
    SandboxController,
    InteropController,
    GeneratedTestsController,
    WorkerController,
    stream,
]


def _version() -> str:
    try:
        return version("statewright")
    except PackageNotFoundError:
        return "0+unknown"


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    """Open the database (migrated to the newest schema by the engine) and build what the handlers use."""
    engine = engine or Engine(settings.database_url)
    register_shipped_handlers(engine, settings.executor)
    database = create_database_engine(settings.database_url, pool_size=4)
    account_store = AccountStore(database)
    accounts = AccountService(
        account_store,
        session_ttl=settings.session_ttl,
        throttle=ThrottlePolicy(settings.login_max_failures, settings.login_window,
                                settings.login_address_max_failures, settings.login_backoff),
    )
    catalog = DefinitionCatalog(engine, database)
    checker = Checker(engine.catalog, people=partial(people_of_tenant, account_store))
    return Services(
        settings=settings,
        engine=engine,
        database=database,
        accounts=accounts,
        drafts=DraftStore(database),
        checker=checker,
        catalog=catalog,
        requests=PublicationRequestStore(database),
        feed=ChangeFeed(database),
        graphviz=GraphvizSlots(settings.graphviz_slots, settings.graphviz_slots_per_user),
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Statewright designer API",
        version=_version(),
        description="The REST API of the Statewright designer; see docs/api.md for the contract in words.",
        path="/schema",
        render_plugins=[
            ReferencePageRenderPlugin(path="/"),  # self-contained; the two below load their code from a CDN
            SwaggerRenderPlugin(path="/swagger"),
            RedocRenderPlugin(path="/redoc"),
            JsonRenderPlugin(),
        ],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", description="An API token: sw_…"),
                "session": SecurityScheme(
                    type="apiKey",
                    name=SESSION_COOKIE,
                    security_scheme_in="cookie",
                    description="The session cookie; unsafe methods also need the X-CSRF-Token header.",
                ),
            }
        ),
        security=[{"bearer": []}, {"session": []}],
    )


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Litestar:
    """The Litestar app. `services` lets a caller (the CLI, a test) share an already opened engine."""
    settings = settings or (services.settings if services else Settings())
    services = services or build_services(settings)
    lifecycle = Lifecycle(services)
    state = State()
    services.install(state)
    app = Litestar(
        route_handlers=[*ROUTES, spa_index, spa_path],
        dependencies=dependencies(),
        exception_handlers=exception_handlers(),
        middleware=[DefineMiddleware(AuthMiddleware, exclude=["^/schema"])],
        openapi_config=_openapi(),
        plugins=[JsonSchemaTypedBodies()],
        state=state,
        before_request=check_request,
        on_startup=[lifecycle.startup],
        on_shutdown=[lifecycle.shutdown],
        request_max_body_size=settings.max_body_bytes,
        # Litestar's default configures the root logger in its own text format; JSON logs keep theirs
        logging_config=None if settings.log_format == "json" else Empty,
        debug=settings.debug,
    )
    describe_problems(app)
    describe_bodies(app)
    app.state["workers"] = lifecycle.workers  # `/api/ready` asks whether they still run
    app.state["integer_paths"] = IntegerPaths(app)  # a mistyped integer in a path: 400, not the router's 404
    # a stalled body: its read raises inside the app, whose handlers answer 408 (designer/_body_read_timeout.py)
    timed = BodyReadTimeout(app.asgi_handler, settings.body_read_timeout.total_seconds())
    # outside routing: 404s, 405s, HEAD too; the request id outermost, so every line the request causes has it
    app.asgi_handler = RequestIds(SecurityHeaders(AllowHeader(RequestSpans(timed), app)))
    return app
