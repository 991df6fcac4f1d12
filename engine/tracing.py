"""OpenTelemetry traces of the runtime: a span per transition, per action attempt and per model call, each
with the instance id and workflow, and the trace carried from the call that started an instance (an API
request with a `traceparent` header, or a host application's own span) through the job outbox into the
worker that runs its tasks — so one trace shows a run across processes.

Off by default, and then every helper here costs one flag check. `serve` and `worker` switch it on when an
OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, the
OpenTelemetry SDK's own variables, exported over OTLP/HTTP); a host application embedding the engine calls
`enable_tracing(provider)` with its own tracer provider.
"""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

__all__ = [
    "ENDPOINT_VARIABLES", "attached", "configure_from_environment", "current_carrier", "current_trace_id",
    "disable_tracing", "enable_tracing", "failed", "shutdown_tracing", "span", "traced_handler", "tracing_enabled",
]

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
_NAME = "statewright"
_tracer: Tracer | None = None
_exporting: Any = None  # the SDK provider `configure_from_environment` made, flushed by `shutdown_tracing`


def enable_tracing(provider: trace.TracerProvider | None = None) -> None:
    """Trace from now on, through `provider` (the global tracer provider when None)."""
    global _tracer  # noqa: PLW0603 - one switch for the process, read on the hot path
    _tracer = (provider or trace.get_tracer_provider()).get_tracer(_NAME)


def disable_tracing() -> None:
    global _tracer  # noqa: PLW0603
    _tracer = None


def tracing_enabled() -> bool:
    return _tracer is not None


def configure_from_environment(service_name: str = _NAME) -> bool:
    """Export spans over OTLP/HTTP when the environment names an endpoint; True if tracing is now on."""
    if not any(os.environ.get(name) for name in ENDPOINT_VARIABLES):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415
    from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    enable_tracing(provider)
    global _exporting  # noqa: PLW0603
    _exporting = provider
    return True


def shutdown_tracing() -> None:
    """Send the spans still queued and stop exporting (the end of `serve` or `worker`)."""
    global _exporting
    provider, _exporting = _exporting, None
    if provider is not None:
        disable_tracing()
        provider.shutdown()


@contextlib.contextmanager
def span(name: str, attributes: Mapping[str, Any] | None = None, *, parent: Mapping[str, str] | None = None,
         kind: SpanKind = SpanKind.INTERNAL) -> Iterator[Span | None]:
    """A span around the block (None when tracing is off), current within it; child of the current span, or
    of the trace context `parent` (a W3C `traceparent` carrier) when given. An exception marks it failed."""
    tracer = _tracer
    if tracer is None:
        yield None
        return
    context = propagate.extract(parent) if parent else None
    with tracer.start_as_current_span(name, context=context, kind=kind, attributes=_clean(attributes)) as opened:
        yield opened


@contextlib.contextmanager
def attached(carrier: Mapping[str, str] | None) -> Iterator[None]:
    """Within the block, the trace context of `carrier` is current (spans opened there join its trace)."""
    if _tracer is None or not carrier:
        yield
        return
    token = otel_context.attach(propagate.extract(carrier))
    try:
        yield
    finally:
        otel_context.detach(token)


def current_carrier() -> dict[str, str] | None:
    """The current trace context as a `traceparent` carrier to store with a job; None when there is none."""
    if _tracer is None or not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier or None


def current_trace_id() -> str:
    """The current trace's id in hex, for log lines; "" when tracing is off or no span is current."""
    if _tracer is None:
        return ""
    found = trace.get_current_span().get_span_context()
    return format(found.trace_id, "032x") if found.is_valid else ""


def failed(opened: Span | None, kind: str, message: str | None) -> None:
    """Mark a span as failed with an error kind (an action's, a model call's) without an exception."""
    if opened is not None:
        opened.set_attribute("statewright.error_kind", kind)
        opened.set_status(Status(StatusCode.ERROR, message or kind))


def traced_handler(handler: Any, name: str, attributes: Mapping[str, Any], parent: Mapping[str, str] | None) -> Any:
    """`handler` wrapped so that each call runs inside its own span (plain and async handlers alike, so the
    spans a handler opens — a model call's — are its children); `handler` itself when tracing is off."""
    if _tracer is None:
        return handler
    if inspect.iscoroutinefunction(handler):
        async def traced_async(request: Any) -> Any:
            with span(name, attributes, parent=parent) as opened:
                try:
                    return await handler(request)
                except Exception as exc:
                    failed(opened, str(getattr(exc, "kind", type(exc).__name__)), str(exc))
                    raise

        return traced_async

    def traced(request: Any) -> Any:
        with span(name, attributes, parent=parent) as opened:
            try:
                return handler(request)
            except Exception as exc:
                failed(opened, str(getattr(exc, "kind", type(exc).__name__)), str(exc))
                raise

    return traced


def _clean(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """Span attributes without the unknown ones (OpenTelemetry refuses None)."""
    return {key: value for key, value in (attributes or {}).items() if value is not None}
