"""Which files a command works on: paths or folders given on the command line, workflows and agents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.definition.file_kind import DefinitionKind, definition_kind

__all__ = ["DefinitionFile", "collect_files", "kind_of"]

Kind = DefinitionKind


@dataclass(frozen=True)
class DefinitionFile:
    path: Path
    kind: Kind


def kind_of(path: Path) -> Kind:
    """The one rule (engine.definition.file_kind) every command uses."""
    return definition_kind(path)


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
