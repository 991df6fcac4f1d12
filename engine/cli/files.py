"""Which files a command works on: paths or folders given on the command line, workflows and agents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["DefinitionFile", "collect_files", "kind_of"]

Kind = Literal["workflow", "agent"]


@dataclass(frozen=True)
class DefinitionFile:
    path: Path
    kind: Kind


def kind_of(path: Path) -> Kind:
    """An agent file lives in an `agents` folder or names the agent schema; anything else is a workflow."""
    if path.parent.name == "agents":
        return "agent"
    try:
        head = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "workflow"
    if isinstance(head, dict) and str(head.get("$schema", "")).endswith("agent.schema.json"):
        return "agent"
    return "workflow"


def collect_files(paths: list[Path]) -> tuple[list[DefinitionFile], list[Path]]:
    """Expand folders into their `*.json` files (recursively, skipping `schema/`); return (files, missing)."""
    found: list[DefinitionFile] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            for item in sorted(path.rglob("*.json")):
                if "schema" not in item.relative_to(path).parts[:-1] and item.parent.name != "schema":
                    found.append(DefinitionFile(item, kind_of(item)))
        elif path.is_file():
            found.append(DefinitionFile(path, kind_of(path)))
        else:
            missing.append(path)
    return found, missing
