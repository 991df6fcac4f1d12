"""One chat-completions call over HTTP, with its failures sorted into transient and permanent.

Transient failures take the kinds the shipped flows' retry rules already name, so a task retries them within
its own policy: `rate_limited` (HTTP 429, with the server's `Retry-After` carried to the retry's delay),
`unavailable` (HTTP 5xx, 408, 409, a refused or dropped connection) and `timeout`; a gateway's HTTP 200 whose body
is an `error` with such a status as its code counts as that status. Permanent ones — a request the provider
refuses (other 4xx, and a 429 whose code says the account's quota is spent: `llm_http`) or a reply that is not
the protocol (`llm_malformed`, which includes a body longer than `max_reply_bytes`: it is streamed and the call
stops there, never held whole; the tokens such a reply reports it billed go with it) — are not retried.
"""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from opentelemetry.trace import SpanKind

from agents.executors.settings import LlmSettings
from engine import tracing
from engine.runtime.actions import ActionError

__all__ = ["ChatClient", "MalformedReply", "retry_after_s"]

_TRANSIENT_STATUS = frozenset({408, 409, 425, 500, 502, 503, 504})
_ERROR_EXCERPT_BYTES = 300  # of a refusal's body, for its message
_ERROR_READ_BYTES = 4096  # of a refusal's body, read for its error code
_QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"})


class MalformedReply(ActionError):
    """A reply that is not the protocol (`llm_malformed`, not retried), with the `usage` it reported, if any: the
    provider billed those tokens though the reply is of no use."""

    def __init__(self, message: str, usage: dict[str, Any] | None = None) -> None:
        super().__init__("llm_malformed", message, retryable=False)
        self.usage = usage


def retry_after_s(header: str | None, now: float) -> float | None:
    """Seconds a `Retry-After` header asks for (a number of seconds or an HTTP date); None when absent or bad."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(header).timestamp() - now)
    except (TypeError, ValueError):
        return None


class ChatClient:
    """POSTs to `{url}/chat/completions`; transport and protocol failures become `ActionError`s."""

    def __init__(self, settings: LlmSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        self._http = httpx.Client(base_url=settings.url, headers=headers, timeout=settings.timeout_s,
                                  transport=transport)
        self._timeout = settings.timeout_s
        self._max_reply_bytes = settings.max_reply_bytes
        self.response_format_refused = False  # the endpoint refused a `response_format`: none is sent any more

    def close(self) -> None:
        self._http.close()

    def complete(self, body: dict[str, Any], *, now: float = 0.0, timeout_s: float | None = None) -> dict[str, Any]:
        """The first choice's message and the usage of one completion (`usage` None when the reply has none);
        `timeout_s`, if shorter than the endpoint's, bounds this call. With tracing on, the call is a span
        (OpenTelemetry's GenAI names) and carries `traceparent`."""
        model = body.get("model")
        with tracing.span(f"chat {model}", {"gen_ai.operation.name": "chat", "gen_ai.request.model": model},
                          kind=SpanKind.CLIENT) as opened:
            timeout = self._timeout if timeout_s is None else min(timeout_s, self._timeout)
            try:
                try:
                    reply = self._complete(self._as_taken(body), now, timeout)
                except _FormatRefused:  # the output is still checked against its schema by the executor
                    self.response_format_refused = True
                    reply = self._complete(self._as_taken(body), now, timeout)
            except ActionError as exc:
                tracing.failed(opened, exc.kind, str(exc))
                raise
            usage = reply["usage"] or {}
            if opened is not None:
                opened.set_attributes({key: value for key, value in (
                    ("gen_ai.usage.input_tokens", usage.get("prompt_tokens")),
                    ("gen_ai.usage.output_tokens", usage.get("completion_tokens")),
                ) if isinstance(value, int)})
            return reply

    def _as_taken(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` without its `response_format` once the endpoint refused one (older vLLM, Groq and DeepSeek
        answer a JSON Schema format with HTTP 400: every structured task would fail as `llm_http`)."""
        if not self.response_format_refused or "response_format" not in body:
            return body
        return {key: value for key, value in body.items() if key != "response_format"}

    def _complete(self, body: dict[str, Any], now: float, timeout_s: float) -> dict[str, Any]:
        # httpx's timeouts are per read: a body that trickles in (a gateway's keep-alive whitespace while the
        # model thinks, a stalled proxy) renews them with every byte, so the whole call is held to its time here
        deadline = time.monotonic() + timeout_s
        try:
            with self._http.stream("POST", "/chat/completions", json=body, headers=tracing.current_carrier(),
                                   timeout=timeout_s) as response:
                if 300 <= response.status_code < 400:  # not followed: a POST redirected may arrive as a GET
                    raise ActionError("llm_http", f"the model endpoint answered HTTP {response.status_code}, "
                                                  f"redirecting to {response.headers.get('Location') or 'nowhere'}: "
                                                  "give that address as the endpoint's URL", retryable=False)
                if response.status_code >= 400:
                    said = _read_at_most(response, _ERROR_READ_BYTES, deadline)
                    if (response.status_code in (400, 422) and "response_format" in body
                            and b"response_format" in said.lower()):
                        raise _FormatRefused("llm_http", _text(said[:_ERROR_EXCERPT_BYTES]), retryable=False)
                    raise _http_error(response, said, now)
                content = self._read_reply(response, deadline)
        except (httpx.TimeoutException, _OutOfTime) as exc:
            raise ActionError("timeout", f"the model did not answer within {round(timeout_s, 1):g}s") from exc
        except httpx.LocalProtocolError as exc:  # never sent; its message may quote a header (the key): not kept
            raise ActionError("llm_config", "the request to the model endpoint cannot be sent: a header it carries "
                                            "is not one HTTP allows (the API key?)", retryable=False) from exc
        except httpx.TransportError as exc:
            raise ActionError("unavailable", f"cannot reach the model endpoint: {exc}") from exc
        except httpx.DecodingError as exc:  # a body its Content-Encoding (gzip, br) does not decode
            raise MalformedReply(f"the model's reply cannot be decoded: {exc}") from exc
        try:
            reply = json.loads(content)
        except ValueError as exc:
            raise MalformedReply(f"the model's reply is not JSON: {_text(content[:200])!r}") from exc
        except RecursionError as exc:  # arrays in arrays, thousands deep: no reply of the protocol nests so
            raise MalformedReply("the model's reply nests too deep to be read") from exc
        usage = reply.get("usage") if isinstance(reply, dict) else None
        usage = usage if isinstance(usage, dict) else None
        choices = reply.get("choices") if isinstance(reply, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            error = reply.get("error") if isinstance(reply, dict) else None
            if error is not None:  # a gateway's failure in a 200 (OpenRouter does this): its own code says what
                raise _error_in_reply(error)
            raise MalformedReply("the model's reply has no choices", usage)
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise MalformedReply("the model's first choice has no message", usage)
        return {"message": message, "usage": usage}

    def _read_reply(self, response: httpx.Response, deadline: float) -> bytes:
        """The body, read as it streams in; past `max_reply_bytes` (or a `Content-Length` saying so) the call
        fails instead of reading on."""
        limit = self._max_reply_bytes
        declared = response.headers.get("Content-Length", "")
        if not (declared.isdigit() and int(declared) > limit):
            content = _read_at_most(response, limit + 1, deadline)
            if len(content) <= limit:
                return content
        raise ActionError("llm_malformed", f"the model's reply is longer than the {_size(limit)} a reply may "
                          "be (STATEWRIGHT_LLM_MAX_REPLY_BYTES); the call stopped reading it", retryable=False)


class _FormatRefused(ActionError):
    """The endpoint refused the request's `response_format`."""


class _OutOfTime(Exception):
    """The call's time ran out while its body was still coming in."""


def _read_at_most(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """Up to `limit` bytes of the (decoded) body, the rest never read; `_OutOfTime` once `deadline`
    (time.monotonic()) has passed and the body has not ended."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
        if time.monotonic() > deadline:
            raise _OutOfTime
    return b"".join(chunks)[:limit]


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MiB" if count % (1024 * 1024) == 0 else f"{count:,} bytes"


def _text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def _error_code(body: bytes) -> str | None:
    """The `error.code` (else `error.type`) of an OpenAI-style error body, if it has one."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError, RecursionError):
        return None
    code = error.get("code") or error.get("type") if isinstance(error, dict) else None
    return None if code is None else str(code)


def _error_in_reply(error: Any) -> ActionError:
    """A 200 whose body is an `error` instead of choices, taken as the HTTP status its code names (a 502 from
    the model behind a gateway is `unavailable`, retried); without a status, the provider's refusal."""
    message = error.get("message") if isinstance(error, dict) else error
    code = error.get("code") if isinstance(error, dict) else None
    said = f"the model endpoint answered with an error: {str(message)[:_ERROR_EXCERPT_BYTES]}"
    status = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    if status == 429:
        return ActionError("rate_limited", said)
    if status is not None and (status in _TRANSIENT_STATUS or status >= 500):
        return ActionError("unavailable", said)
    return ActionError("llm_http", said, retryable=False)


def _http_error(response: httpx.Response, body: bytes, now: float) -> ActionError:
    status = response.status_code
    said = f"the model endpoint answered HTTP {status}: {_text(body[:_ERROR_EXCERPT_BYTES])}"
    if status == 429 and _error_code(body) in _QUOTA_CODES:  # no wait brings the quota back: the account's to fix
        return ActionError("llm_http", said, retryable=False)
    if status == 429:
        error = ActionError("rate_limited", said)
        error.retry_after_s = retry_after_s(response.headers.get("Retry-After"), now)
        return error
    if status in _TRANSIENT_STATUS or status >= 500:
        error = ActionError("unavailable", said)
        error.retry_after_s = retry_after_s(response.headers.get("Retry-After"), now)
        return error
    return ActionError("llm_http", said, retryable=False)
