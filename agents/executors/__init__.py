"""Executors other than the offline `rules` handlers: `llm`, an OpenAI-compatible chat-completions client."""

from __future__ import annotations

from agents.executors.llm import ChatClient, LlmExecutor, register_llm, tool_function_name
from agents.executors.settings import LlmSettings

__all__ = ["ChatClient", "LlmExecutor", "LlmSettings", "register_llm", "tool_function_name"]
