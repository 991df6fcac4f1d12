"""Where the `llm` executor finds its model: URL, API key and model name come from settings (the environment),
never from a definition, so the same flow runs against any OpenAI-compatible endpoint."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from engine.redaction import redact
from engine.validation.checks.agents import api_base_problem

__all__ = ["LlmSettings", "api_key_problem"]

N = TypeVar("N", int, float)


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """`url` is the API base (e.g. https://api.openai.com/v1); the client posts to `{url}/chat/completions`."""

    url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    max_tool_rounds: int = 8
    max_tool_calls: int = 32  # tool calls one attempt may make, however many rounds or calls a reply holds
    max_output_repairs: int = 2  # final replies that are not JSON sent back to the model before the task fails
    response_format: bool = True  # send the output's JSON Schema as `response_format` (off for servers without it)
    max_reply_bytes: int = 8 * 1024 * 1024  # a longer reply body is not read on: the call fails, `llm_malformed`

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LlmSettings:
        """STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_MODEL (required), STATEWRIGHT_LLM_API_KEY,
        STATEWRIGHT_LLM_TIMEOUT_S, STATEWRIGHT_LLM_MAX_TOOL_ROUNDS, STATEWRIGHT_LLM_MAX_TOOL_CALLS,
        STATEWRIGHT_LLM_RESPONSE_FORMAT and
        STATEWRIGHT_LLM_MAX_REPLY_BYTES (optional). A value that cannot work — a URL that is not an http(s) API
        base, a timeout that is not a positive number of seconds — is a `ValueError` naming the variable, at
        start-up: not a task failing with `unavailable` (retried as though the endpoint were down) on every call."""
        values = os.environ if env is None else env
        missing = [name for name in ("STATEWRIGHT_LLM_URL", "STATEWRIGHT_LLM_MODEL") if not values.get(name)]
        if missing:
            raise ValueError(f"the llm executor needs {' and '.join(missing)} set")
        url = values["STATEWRIGHT_LLM_URL"].strip()
        problem = api_base_problem(url)
        if problem is not None:
            raise ValueError(f"STATEWRIGHT_LLM_URL '{redact(url)}' is not an API base the llm executor can call: "
                             f"{problem}")
        timeout = _number(values, "STATEWRIGHT_LLM_TIMEOUT_S", "60", float, wanted="a number of seconds above 0",
                          least=1e-3)
        rounds = _number(values, "STATEWRIGHT_LLM_MAX_TOOL_ROUNDS", "8", int, wanted="a whole number, 0 or more",
                         least=0)
        calls = _number(values, "STATEWRIGHT_LLM_MAX_TOOL_CALLS", "32", int, wanted="a whole number, 0 or more",
                        least=0)
        max_reply = _number(values, "STATEWRIGHT_LLM_MAX_REPLY_BYTES", str(8 * 1024 * 1024), int,
                            wanted="a whole number of bytes above 0", least=1)
        key = values.get("STATEWRIGHT_LLM_API_KEY", "").strip() or None
        problem = None if key is None else api_key_problem(key)
        if problem is not None:
            raise ValueError(f"bad llm setting: STATEWRIGHT_LLM_API_KEY {problem}")
        return cls(url=url.rstrip("/"), model=values["STATEWRIGHT_LLM_MODEL"], api_key=key, timeout_s=timeout,
                   max_tool_rounds=rounds, max_tool_calls=calls,
                   response_format=_flag(values.get("STATEWRIGHT_LLM_RESPONSE_FORMAT", "1")),
                   max_reply_bytes=max_reply)


def api_key_problem(key: str) -> str | None:
    """Why `key` (stripped) cannot be sent as `Authorization: Bearer …`, without quoting it (only the character in
    the way is named: a key's own characters are ASCII); None when it can."""
    if any(c in "\r\n" for c in key):
        return "holds a line break (is it two lines of a file?)"
    if any(c.isspace() for c in key):
        return "holds a space (is it two words?)"
    odd = next((c for c in key if not c.isascii() or not c.isprintable()), None)
    if odd is not None:
        return (f"holds the character U+{ord(odd):04X}{f' {odd!r}' if odd.isprintable() else ''}, which an HTTP "
                "header cannot carry (a placeholder such as 'sk-…' copied from the docs?)")
    return None


def _number(values: Mapping[str, str], name: str, default: str, kind: type[N], *, wanted: str,
            least: N) -> N:
    """The setting `name` read as `kind`, at least `least` (and finite); a `ValueError` naming it otherwise."""
    text = values.get(name, "").strip() or default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < least:
        raise ValueError(f"bad llm setting: {name} must be {wanted}, not '{text}'")
    return value


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("0", "false", "no", "off")
