"""`statewright serve`: the designer on one machine — the API, the built UI, the workers, and the shipped flows
when asked (`--demo`, `--shipped-flows`): a database of yours gets none of the examples, nor their schedules.

With `--log-format json` what it says as it starts is logged, one JSON object a line like every other, and the one
access line per request is uvicorn's with the request's fields added (designer/_request_ids.py). So are a refusal
to start (`fail`) and `--demo`'s users: their passwords, which text mode prints as a table on stdout for the person
who started it, are the fields of one record (`demo_users`), readable in the output as the table was — and kept
wherever that output is collected, so a demo is for a machine of one's own."""

from __future__ import annotations

import contextlib
import copy
import ipaddress
import logging
import socket
from collections.abc import Callable
from typing import Annotated, Any

import typer
import uvicorn
from rich.table import Table
from uvicorn.config import STARTUP_FAILURE

from definitions import WORKFLOWS_DIR
from designer._http_protocol import OneWriteHttpProtocol
from designer._lifecycle import deploy_definitions, housekeeping
from designer._listening import listening_socket, url_of
from designer._request_ids import annotate_access_lines
from designer.app import build_services, create_app
from designer.demo import DemoSeed, seed_demo
from designer.settings import Settings
from engine import tracing
from engine.cli.engine_options import (
    ExecutorOption,
    HandlerGraceOption,
    LogFormatOption,
    refuse_a_missing_sqlite_path,
    refuse_both_handler_options,
)
from engine.cli.output import ExitCode, fail, stdout
from engine.database import default_database_url
from engine.log_format import FIELDS, LogFormat, RequestIdFilter, configure_logging, quiet_scheduler_logs
from engine.runtime.engine import Engine
from engine.runtime.hand_backs import DEFAULT_HANDLER_GRACE_S
from engine.runtime.handler_loading import load_handlers

__all__ = ["register_serve_command"]

_log = logging.getLogger("statewright.designer")


def _say(text: str, log_format: LogFormat) -> None:
    """A line for the operator: printed, or with JSON logs one more record among them."""
    if log_format is LogFormat.json:
        _log.info("%s", text)
    else:
        stdout.print(text, highlight=False)


def _show(seed: DemoSeed, url: str, log_format: LogFormat) -> None:
    if not seed.credentials:
        _say("demo: the demo users exist already (their passwords were shown when they were created)", log_format)
        return
    if log_format is LogFormat.json:  # a table beside the records would be the one line a collector cannot read
        users = [{"username": username, "role": role, "password": password}
                 for username, role, password in seed.credentials]
        _log.info("demo: the demo users, shown once, keep them: %s", ", ".join(u["username"] for u in users),
                  extra={FIELDS: {"demo_users": users}})
    else:
        table = Table(title="Demo users — shown once, keep them", show_header=True)
        for column in ("username", "role", "password"):
            table.add_column(column)
        for username, role, password in seed.credentials:
            table.add_row(username, role, password)
        stdout.print(table)
    if seed.instances:
        summary = ", ".join(f"{count} {status}" for status, count in sorted(seed.instances.items()))
        _say(f"demo: started the shipped examples: {summary}", log_format)
    _say(f"demo: sign in at {url}", log_format)


def _text_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, its access line ending in the request's id (`request_id=…`), the id
    the response's X-Request-ID header carries (designer/_request_ids.py)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"request_id": {"()": RequestIdFilter}}
    config["handlers"]["access"]["filters"] = ["request_id"]
    config["formatters"]["access"]["fmt"] += " request_id=%(request_id)s"
    return config


def _trusted_proxies(value: str | None) -> str | None:
    """`--forwarded-allow-ips`: uvicorn's comma-separated addresses and networks (or `*`), each checked here —
    uvicorn takes a mistyped one as a literal name that no peer ever has, so the proxy would not be trusted and
    every client would count as the proxy's one address."""
    if value is None:
        return None
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if not entries:
        raise typer.BadParameter("give the proxies' addresses, comma-separated (e.g. 10.0.0.5,10.1.0.0/16), or *")
    for entry in entries:
        if entry == "*":
            continue
        try:
            if "/" in entry:
                ipaddress.ip_network(entry, strict=False)
            else:
                ipaddress.ip_address(entry)
        except ValueError:
            raise typer.BadParameter(f"'{entry}' is not an IP address or network (e.g. 10.0.0.5 or 10.1.0.0/16), "
                                     "nor *") from None
    return ",".join(entries)


def serve(
    *,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The TCP port.", min=0, max=65535)] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: $STATEWRIGHT_DATABASE_URL or sqlite:///statewright.db)."),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="In-process workers; 0 when they run apart (`statewright worker`).", min=0, max=64)
    ] = 1,
    handler_grace_s: HandlerGraceOption = DEFAULT_HANDLER_GRACE_S,
    demo: Annotated[bool, typer.Option("--demo", help="Seed one user per role and a few instances of the shipped "
                                       "flows (deployed with it, unless --no-shipped-flows).")] = False,
    shipped_flows: Annotated[bool | None, typer.Option(
        "--shipped-flows/--no-shipped-flows",
        help="Deploy the example flows shipped with Statewright (and their agents); their cron schedules then start "
             "instances on this database. Default: only with --demo.")] = None,
    executor: ExecutorOption = None,
    handlers: Annotated[str | None, typer.Option(
        "--handlers", metavar="MODULE:FUNCTION",
        help="Your action handlers, registered beside the shipped flows' (yours win a name both have): publishing "
             "counts their actions, and the in-process workers run them. Not with --executor.")] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies",
            help="Mark the session cookies Secure (behind a TLS proxy; automatic when the request is https).",
        ),
    ] = False,
    log_format: LogFormatOption = LogFormat.text,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="IPS",
            callback=_trusted_proxies,
            help="Behind a reverse proxy: the proxies' addresses or networks, comma-separated (or * for any), whose "
            "X-Forwarded-For and X-Forwarded-Proto are trusted. Without it those headers are ignored, from any peer.",
        ),
    ] = None,
) -> None:
    """Run the designer: REST API under /api, the UI at /, the OpenAPI document at /schema."""
    if log_format is LogFormat.json:  # first: a refusal at start-up is a record too
        configure_logging(log_format)
        annotate_access_lines()
    else:
        quiet_scheduler_logs()  # as configure_logging does: its per-poll job lines drown the access log
    refuse_both_handler_options(handlers, executor)
    settings = Settings(
        database_url=db or default_database_url(),
        workers=workers,
        deploy_shipped=demo if shipped_flows is None else shipped_flows,  # a database of yours gets none unasked
        executor=executor.value if executor is not None else None,
        secure_cookies=secure_cookies,
        log_format=log_format.value,
    )
    sock = listening_socket(host, port)  # first: a port in use stops it before the database is touched
    try:
        refuse_a_missing_sqlite_path(settings.database_url, existing=False)  # a folder that does not exist: said so
    except BaseException:
        sock.close()
        raise
    tracing.configure_from_environment()
    try:
        # its in-process workers share the database with any `statewright worker` beside it, whose handlers differ
        services = build_services(settings, Engine(settings.database_url, handler_grace_s=handler_grace_s))
    except ValueError as exc:  # a bad setting, e.g. of the approver notifications: one line, no traceback
        sock.close()
        fail(str(exc), ExitCode.UNREADABLE)
    url = url_of(host, sock)
    try:
        if handlers is not None:  # after the shipped ones (`build_services`): a name both register is yours
            with services.engine.handlers.replacing_earlier():
                load_handlers(handlers, services.engine)
        # the start-up's first write, before uvicorn: a database it cannot write to is one line (StorageError,
        # exit 1), not uvicorn's traceback of the failed lifespan (the lifespan does it again: two DELETEs)
        housekeeping(services)
        if demo:
            if settings.deploy_shipped:
                deploy_definitions(services.engine, [WORKFLOWS_DIR])
            _show(seed_demo(services, instances=settings.deploy_shipped), url, log_format)
        app = create_app(settings, services=services)
        _say(f"Statewright designer on {url} (API docs at {url}schema)", log_format)
        if not settings.deploy_shipped and not services.catalog.version_count():
            _say("no workflow is deployed on this database: publish one in the designer, or `statewright deploy "
                 "FILE`; `serve --shipped-flows` deploys the shipped examples", log_format)
        # with JSON logs uvicorn configures nothing: its records, the access lines too (one a request), reach the
        # root logger's JSON handler
        log_config = None if log_format is LogFormat.json else _text_log_config()
        # The client address (login throttling counts per address) is the peer's, unless the peer is a proxy named
        # by --forwarded-allow-ips: uvicorn's default trusts X-Forwarded-For from 127.0.0.1, so anyone on the
        # machine could pose as any address.
        config = uvicorn.Config(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10,
                                log_config=log_config, http=OneWriteHttpProtocol,
                                proxy_headers=forwarded_allow_ips is not None,
                                forwarded_allow_ips=forwarded_allow_ips or "")
        server = _Server(config, on_shutdown=services.feed.close)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn shuts down, then raises it again
            server.run(sockets=[sock])
        if not server.started:  # the app's start-up failed (uvicorn has logged why): as uvicorn.run exits
            raise typer.Exit(STARTUP_FAILURE)
    finally:
        sock.close()
        services.close()
        tracing.shutdown_tracing()


class _Server(uvicorn.Server):
    """uvicorn's server, which first ends the live pages' streams when it shuts down: a stream never ends by
    itself, so uvicorn waited out its graceful-shutdown timeout for each, then cancelled it with an error and a
    traceback in the log."""

    def __init__(self, config: uvicorn.Config, *, on_shutdown: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_shutdown = on_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._on_shutdown()
        await super().shutdown(sockets)


def register_serve_command(app: typer.Typer) -> None:
    app.command("serve")(serve)
