"""Whether a definition file holds a workflow or an agent: one rule for every command (validate, render,
deploy, the designer's loaders) so that no file is an agent to one and a workflow to another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

__all__ = ["DefinitionKind", "definition_kind"]

DefinitionKind = Literal["workflow", "agent"]

_AGENT_KEYS = frozenset({"model", "tools", "instructions", "level", "knowledge", "action_tools"})


def definition_kind(path: Path) -> DefinitionKind:
    """`$schema` decides when it names one of the two schemas; else a document with `states` is a workflow; else
    one in an `agents` folder, or with an agent's own fields (model, tools, instructions, …), is an agent. Anything
    else — unreadable, not an object — counts as a workflow, whose loader then says what is wrong with it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))  # a byte order mark is ignored, as on loading
    except (OSError, ValueError, RecursionError):  # unreadable, not JSON (or too long a number), nested too deeply
        return "workflow"
    if not isinstance(document, dict):
        return "workflow"
    schema = str(document.get("$schema", ""))
    if schema.endswith("agent.schema.json"):
        return "agent"
    if schema.endswith("workflow.schema.json") or "states" in document:
        return "workflow"
    if path.parent.name == "agents" or _AGENT_KEYS & set(document):
        return "agent"
    return "workflow"
