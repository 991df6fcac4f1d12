"""How the long-running commands (`serve`, `worker`) log: readable lines, or one JSON object per line.

With `--log-format json` every record becomes one line of JSON with the fields `time` (RFC 3339, UTC),
`level`, `logger`, `message`, `instance_id` and `trace_id` (both `""` when not known), plus `exception` when
there is a traceback. The instance id is the record's own (`log.info(..., extra={"instance_id": id})`) or the
one the running code has set with `instance_scope(id)`; the trace id is the current OpenTelemetry span's when
tracing is on (engine.tracing), else empty.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum

from engine import tracing

__all__ = ["JsonLogFormatter", "LogFormat", "configure_logging", "current_instance_id", "instance_scope"]

current_instance_id: ContextVar[str] = ContextVar("statewright_instance_id", default="")
current_trace_id: ContextVar[str] = ContextVar("statewright_trace_id", default="")
TEXT_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


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


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "instance_id": str(getattr(record, "instance_id", None) or current_instance_id.get()),
            "trace_id": str(getattr(record, "trace_id", None) or current_trace_id.get() or tracing.current_trace_id()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    """One handler on the root logger, in the chosen format; other loggers (uvicorn's too) propagate to it."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter() if log_format is LogFormat.json else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
