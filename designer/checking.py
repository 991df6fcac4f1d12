"""Checking definitions the way the designer sees them: against the engine's catalog — the deployed agents and
workflows and, once handlers are registered, the registered actions (`unknown-action`) — the one deploy uses.

`Checker.load` never raises on bad content: anything a client sends becomes findings. `Checker.require` is for
the places that need a workflow (publish, render, simulate) and raises `InvalidDefinition` with the findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from engine.definition import Workflow
from engine.errors import InvalidDefinition
from engine.validation.catalog import Catalog
from engine.validation.checks import find_catalog_problems, sort_findings
from engine.validation.findings import Finding
from engine.validation.loader import Loaded, load_workflow
from engine.validation.parsing import parse_json, validate_model

__all__ = ["Checker"]

_MAX_DEPTH = 200


def _depth(value: Any, limit: int = _MAX_DEPTH) -> int:
    """How deep a JSON value nests (stops counting at `limit`), so that hostile input cannot exhaust the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest >= limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


class Checker:
    """Checks against `catalog`: the engine's (`Engine.catalog`), the one `engine.deploy` refuses a definition by,
    so that what the designer shows is what publishing meets."""

    def __init__(self, catalog: Callable[[], Catalog]) -> None:
        self._catalog = catalog

    def catalog(self, *, actions: bool = True) -> Catalog:
        """What definitions are checked against; without `actions`, the registered actions left out."""
        found = self._catalog()
        return found if actions else Catalog(workflows=found.workflows, agents=found.agents)

    def load(self, document: Any, *, actions: bool = True) -> Loaded[Workflow]:
        """Validate any JSON value (or JSON text, for findings with line and column); `actions=False` leaves out
        `unknown-action` (drawing or simulating a flow runs no handler)."""
        if not isinstance(document, str) and _depth(document) >= _MAX_DEPTH:
            message = f"The JSON nests more than {_MAX_DEPTH} levels deep; no workflow does."
            return Loaded(None, [Finding(code="invalid-json", severity="error", message=message)])
        source: str | dict[str, Any] = document if isinstance(document, (str, dict)) else json.dumps(document)
        return load_workflow(source, self.catalog(actions=actions))

    def shaped(self, document: Any, source: str = "definition") -> Workflow:
        """The model when the document fits the format, graph errors (dead ends, unreachable states) allowed:
        the editor lays out and draws a flow while it is still being built."""
        if not isinstance(document, str) and _depth(document) >= _MAX_DEPTH:
            return self.require(document, source)
        parsed: Any = document
        findings: list[Finding] = []
        if isinstance(document, str):
            parsed, findings = parse_json(document)
        if not findings:
            model, findings = validate_model(Workflow, parsed)
            if model is not None:
                return model
        raise InvalidDefinition(findings, source)

    def analysable(self, document: Any) -> tuple[Workflow, list[Finding]]:
        """The workflow with every finding, `unknown-action` included, or `InvalidDefinition`: a flow whose only
        errors are actions this server has no handler for is still analysed (analysis runs no handler, as paths,
        layout and render do not), while the findings still say what publishing here would meet."""
        loaded = self.load(document, actions=False)
        if loaded.model is None:
            raise InvalidDefinition(loaded.findings)
        return loaded.model, sort_findings([*loaded.findings, *find_catalog_problems(loaded.model, self.catalog())])

    def require(self, document: Any, source: str = "definition", *, actions: bool = False) -> Workflow:
        """The workflow, or `InvalidDefinition`; with `actions`, also when a task's action is not registered
        (publishing: an instance would fail there)."""
        loaded = self.load(document, actions=actions)
        if loaded.model is None:
            raise InvalidDefinition(loaded.findings, source)
        return loaded.model
