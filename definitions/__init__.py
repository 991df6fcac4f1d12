"""The shipped definitions: the customer's workflows and agents as JSON, and the offline action handlers.

A package (not just a folder) so that an installed Statewright finds its shipped flows, and so that the
handlers live apart from the engine, registered through its public API as any embedding application would.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AGENTS_DIR", "ROOT", "SCHEMA_DIR", "WORKFLOWS_DIR"]

ROOT = Path(__file__).resolve().parent
WORKFLOWS_DIR = ROOT / "workflows"
AGENTS_DIR = ROOT / "agents"
SCHEMA_DIR = ROOT / "schema"
