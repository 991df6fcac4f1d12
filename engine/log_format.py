"""How the long-running commands (`serve`, `worker`) log: readable lines, or one JSON object per line.

With `--log-format json` every record becomes one line of JSON with the fields `time` (RFC 3339, UTC),
`level`, `logger`, `message`, `instance_id`, `trace_id` and `request_id` (each `""` when not known), plus
`exception` when there is a traceback. The instance id is the record's own (`log.info(..., extra={"instance_id":
id})`) or the one the running code has set with `instance_scope(id)`; the trace id is the current OpenTelemetry
span's when tracing is on (engine.tracing), else empty; the request id is the HTTP request's the record was
written while handling (`request_scope(id)`, set by the designer for each request), so an engine line written
inside a request can be tied to it. An access line carries its request's `method`, `path`, `status`,
`duration_ms` and, when known, `tenant` and `user`, as fields of their own; any other record may carry fields of
its own too, given as `extra={"fields": {...}}` (`FIELDS`: `serve --demo`'s users and their passwords).

Nothing else may reach the output as plain text in JSON mode: Python's warnings and the traceback of a thread
that dies of an exception are logged as records too, and the commands' own lines for the operator (a refusal at
start-up, a worker stopping) ask `json_logging_on()` whether to be one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from engine import tracing

__all__ = [
    "ACCESS_FIELDS",
    "FIELDS",
    "JsonLogFormatter",
    "LogFormat",
    "RequestIdFilter",
    "configure_logging",
    "current_instance_id",
    "current_request_id",
    "instance_scope",
    "json_logging_on",
    "quiet_scheduler_logs",
    "request_scope",
]

current_instance_id: ContextVar[str] = ContextVar("statewright_instance_id", default="")
current_trace_id: ContextVar[str] = ContextVar("statewright_trace_id", default="")
current_request_id: ContextVar[str] = ContextVar("statewright_request_id", default="")
TEXT_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
# An access line's fields (designer/_request_ids.py), each written only when the record has it.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "tenant", "user")
# The record attribute holding a record's own fields (`extra={"fields": {...}}`), each written beside the standard
# ones — never over them: a field named `message` or `level` is left out.
FIELDS = "fields"
# APScheduler's loggers: INFO lines for every job it adds and runs ("Added job", "Running job", "executed
# successfully") — a worker re-arms its wake-up job every poll, so they were most of the log.
SCHEDULER_LOGGER = "apscheduler"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


@contextlib.contextmanager
def instance_scope(instance_id: str) -> Iterator[None]:
    """Within this block, log records without an instance id of their own carry `instance_id`."""
    token = current_instance_id.set(instance_id)
    try:
        yield
    finally:
        current_instance_id.reset(token)


@contextlib.contextmanager
def request_scope(request_id: str) -> Iterator[None]:
    """Within this block (an HTTP request being handled, threads it hands work to included), log records without
    a request id of their own carry `request_id`."""
    token = current_request_id.set(request_id)
    try:
        yield
    finally:
        current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the request id of the code that wrote it (`record.request_id`, `""` outside a
    request). On a handler, it reaches every record the handler writes, whichever logger wrote it — the engine's
    too: a filter on a logger sees only the records written to that logger itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get()
        return True


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "instance_id": str(getattr(record, "instance_id", None) or current_instance_id.get()),
            "trace_id": str(getattr(record, "trace_id", None) or current_trace_id.get() or tracing.current_trace_id()),
            "request_id": str(getattr(record, "request_id", None) or current_request_id.get()),
        }
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        own = getattr(record, FIELDS, None)
        if isinstance(own, dict):
            entry.update({str(name): value for name, value in own.items() if str(name) not in entry})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_logging_on() -> bool:
    """Whether this process logs JSON records (`configure_logging(LogFormat.json)`, as `serve` and `worker` do with
    `--log-format json`): then a command's line for the operator must be one more record, not text beside them.
    Read from the root logger's handlers, not remembered apart, so it stays true to what is configured."""
    return any(isinstance(handler.formatter, JsonLogFormatter) for handler in logging.getLogger().handlers)


def quiet_scheduler_logs() -> None:
    """APScheduler's loggers at WARNING (its errors still show) — unless a level was set for them before, by a
    host application or a logging configuration that asked for its INFO lines."""
    scheduler = logging.getLogger(SCHEDULER_LOGGER)
    if scheduler.level == logging.NOTSET:
        scheduler.setLevel(logging.WARNING)


def _log_thread_death(args: threading.ExceptHookArgs) -> None:
    """A thread ended by an exception: its traceback as one record, where Python prints it as plain text."""
    if args.exc_type is SystemExit:
        return
    if args.exc_value is None:  # nothing to format: Python's own words
        threading.__excepthook__(args)
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("statewright").error("thread %s ended by %s", name, args.exc_type.__name__,
                                           exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    """One handler on the root logger, in the chosen format; other loggers (uvicorn's too) propagate to it. In
    JSON, warnings and dying threads are logged through it, not printed beside it."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLogFormatter() if log_format is LogFormat.json else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_scheduler_logs()
    if log_format is LogFormat.json:
        logging.captureWarnings(True)
        threading.excepthook = _log_thread_death
