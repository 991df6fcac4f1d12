"""What each executor loads — the agent system's offline rules, or its OpenAI-compatible model client — provided
to the engine when the designer or the console script (the composition roots) is imported."""

from __future__ import annotations

from engine.runtime.handler_loading import provide_executors

__all__ = ["EXECUTORS"]

EXECUTORS = {"rules": "agents.handlers:register", "llm": "agents.executors.llm:register_llm"}
provide_executors(EXECUTORS)
