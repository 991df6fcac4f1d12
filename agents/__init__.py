"""The customer's multi-agent operations system, running on Statewright through the engine's public API: the
offline rules handlers (`agents.handlers`), the tools and the sandbox integrations they write to with their tables
(`agents.tools`), the OpenAI-compatible model executor (`agents.executors`) and the `sandbox` commands."""
