"""The shipped definitions, as data: the customer's workflows and agents (JSON), their generated JSON Schemas,
the corpus the sandbox is seeded from, and the evaluation cases. A package (not just a folder) so that an
installed Statewright finds them; the code that runs the agents lives in the `agents` package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AGENTS_DIR", "CORPUS_DIR", "EVALS_DIR", "ROOT", "SCHEMA_DIR", "WORKFLOWS_DIR"]

ROOT = Path(__file__).resolve().parent
WORKFLOWS_DIR = ROOT / "workflows"
AGENTS_DIR = ROOT / "agents"
SCHEMA_DIR = ROOT / "schema"
CORPUS_DIR = ROOT / "corpus"
EVALS_DIR = ROOT / "evals"
