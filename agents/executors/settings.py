"""Where the `llm` executor finds its model: URL, API key and model name come from settings (the environment),
never from a definition, so the same flow runs against any OpenAI-compatible endpoint."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LlmSettings"]


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """`url` is the API base (e.g. https://api.openai.com/v1); the client posts to `{url}/chat/completions`."""

    url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    max_tool_rounds: int = 8
    max_output_repairs: int = 2  # final replies that are not JSON sent back to the model before the task fails
    response_format: bool = True  # send the output's JSON Schema as `response_format` (off for servers without it)
    max_reply_bytes: int = 8 * 1024 * 1024  # a longer reply body is not read on: the call fails, `llm_malformed`

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LlmSettings:
        """STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_MODEL (required), STATEWRIGHT_LLM_API_KEY,
        STATEWRIGHT_LLM_TIMEOUT_S, STATEWRIGHT_LLM_MAX_TOOL_ROUNDS, STATEWRIGHT_LLM_RESPONSE_FORMAT and
        STATEWRIGHT_LLM_MAX_REPLY_BYTES (optional)."""
        values = os.environ if env is None else env
        missing = [name for name in ("STATEWRIGHT_LLM_URL", "STATEWRIGHT_LLM_MODEL") if not values.get(name)]
        if missing:
            raise ValueError(f"the llm executor needs {' and '.join(missing)} set")
        try:
            timeout = float(values.get("STATEWRIGHT_LLM_TIMEOUT_S", "60"))
            rounds = int(values.get("STATEWRIGHT_LLM_MAX_TOOL_ROUNDS", "8"))
            max_reply = int(values.get("STATEWRIGHT_LLM_MAX_REPLY_BYTES", str(8 * 1024 * 1024)))
        except ValueError as exc:
            raise ValueError(f"bad llm setting: {exc}") from exc
        if max_reply < 1:
            raise ValueError("bad llm setting: STATEWRIGHT_LLM_MAX_REPLY_BYTES must be positive")
        return cls(url=values["STATEWRIGHT_LLM_URL"].rstrip("/"), model=values["STATEWRIGHT_LLM_MODEL"],
                   api_key=values.get("STATEWRIGHT_LLM_API_KEY") or None, timeout_s=timeout,
                   max_tool_rounds=rounds, response_format=_flag(values.get("STATEWRIGHT_LLM_RESPONSE_FORMAT", "1")),
                   max_reply_bytes=max_reply)


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("0", "false", "no", "off")
