"""Executors other than the offline `rules` handlers: `llm`, an OpenAI-compatible chat-completions client."""

from __future__ import annotations

from definitions.executors.llm import ChatClient, LlmExecutor, register_llm, tool_function_name
from definitions.executors.settings import LlmSettings

__all__ = ["ChatClient", "LlmExecutor", "LlmSettings", "register_llm", "tool_function_name"]
