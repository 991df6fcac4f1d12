"""`statewright publish`: put an event on the bus, as an external system would."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import TypeAdapter, ValidationError

from engine.cli.engine_options import CLI_ACTOR, Db, Format, actor_option, open_engine
from engine.cli.json_options import json_argument
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stderr, stdout
from engine.definition.base import EventType
from engine.definition.lifecycle_events import RESERVED_PREFIX
from engine.runtime.clock import to_datetime
from engine.runtime.kept_events import keep_for_seconds

__all__ = ["register_event_commands"]


_EVENT_TYPE: TypeAdapter[str] = TypeAdapter(EventType)


def _require_event_type(event: str) -> None:
    """A type no definition can name (`'bad event!'`) would be stored and match nothing, ever: a wrong command line
    (exit 2), as is one under the prefix reserved for the engine's own events."""
    if event.startswith(RESERVED_PREFIX):
        fail(f"the event type '{event}' uses the prefix '{RESERVED_PREFIX}', reserved for the engine's own lifecycle "
             "events", ExitCode.UNREADABLE)
    try:
        _EVENT_TYPE.validate_python(event)
    except ValidationError:
        fail(f"'{event}' is not an event type: a name of letters, digits, '_' and '-' starting with a letter or '_', "
             "or dotted such names (lead_qualified, order.paid), at most 128 characters (docs/definition-format.md)",
             ExitCode.UNREADABLE)


def publish_command(
    event: Annotated[str, typer.Argument(help="The event type, e.g. lead.created.")],
    *,
    payload: Annotated[str | None, typer.Option(
        "--payload", help="The event's payload as JSON; @FILE reads it from a file, - from standard input.")] = None,
    correlation_key: Annotated[str | None, typer.Option(
        "--correlation-key", help="Delivers it to the instance waiting on this key.")] = None,
    tenant: Annotated[str, typer.Option(help="The tenant it belongs to.")] = "default",
    actor: Annotated[str, actor_option("Who publishes it, recorded on the transitions it causes")] = CLI_ACTOR,
    key: Annotated[str | None, typer.Option("--idempotency-key", help="Repeats with this key change nothing.")] = None,
    keep_for: Annotated[str | None, typer.Option(
        "--keep-for", help="With --correlation-key and no wait for it now: how long it is kept for a wait that arms "
                           "later (ISO 8601, PT1H unless given; PT0S keeps it not).")] = None,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Publish EVENT: waiting instances resume, workflows that start on it start; with a correlation key and no wait
    for it yet, it is kept for the first wait that arms with its key. An event that can reach nothing is reported."""
    _require_event_type(event)
    data = json_argument(payload, "--payload")
    keep_s = _keep_seconds(keep_for)
    with open_engine(db) as engine:
        result = engine.publish(event, data, correlation_key=correlation_key, tenant=tenant,
                                idempotency_key=key, actor=actor, keep_for=keep_s)
        listeners = sorted(w.id for w in engine.catalog().workflows.values()
                           if any(trigger.event == event for trigger in w.starts_on)) if result.unmatched else []
    if output is OutputFormat.json:
        emit_json(result.as_dict())
        return
    if result.duplicate:
        stdout.print(f"event {result.event_id}: published before under this idempotency key; nothing new",
                     highlight=False)
        return
    stdout.print(f"event {result.event_id}: started {len(result.started)}, resumed {len(result.delivered)}",
                 highlight=False)
    for instance in result.started:
        stdout.print(f"  started {instance}", highlight=False)
    for instance in result.delivered:
        stdout.print(f"  resumed {instance}", highlight=False)
    for instance, why in result.refused.items():
        stderr.print(f"  not delivered to {instance} (it goes on waiting): {why}", highlight=False)
    if listeners:  # they start on it, but this one did not start them: its condition or its context
        stderr.print(f"warning: '{event}' started none of the workflows that start on it ({', '.join(listeners)}): "
                     "the payload did not meet their condition, or did not give the context they need (a context "
                     "that could not be made is logged above)", highlight=False)
    elif not result.listened:
        stderr.print(f"warning: no deployed workflow starts on, waits for or asks a reply of '{event}': no instance "
                     "can take it (check the type's spelling)", highlight=False)
    elif result.kept_until is not None and not result.delivered:
        stdout.print(f"  no wait for it yet: kept for the first wait on key '{correlation_key}' until "
                     f"{to_datetime(result.kept_until).isoformat(timespec='seconds')}", highlight=False)
    elif result.unmatched:
        stderr.print(f"warning: no instance waited for '{event}' and no workflow starts on it; without a "
                     "correlation key (or with --keep-for PT0S) no later wait will take it", highlight=False)


def _keep_seconds(keep_for: str | None) -> float | None:
    try:
        return keep_for_seconds(keep_for)
    except ValueError as exc:
        fail(f"--keep-for: {exc}", ExitCode.UNREADABLE)


def register_event_commands(app: typer.Typer) -> None:
    app.command("publish")(publish_command)
