"""Checking definitions the way the designer sees them: against the engine's catalog — the deployed agents and
workflows and, once any are known, the actions of the handlers registered here and of the live workers on the
database (`unknown-action`: a `statewright worker --handlers app:register` beside the designer counts) — the one
deploy uses;
and, given the caller's tenant, against its people: an approval nobody there can decide is a warning
(`approval-nobody-can-decide`, `designer.deciders`).

`Checker.load` never raises on bad content: anything a client sends becomes findings. `Checker.require` is for
the places that need a workflow (publish, render, simulate) and raises `InvalidDefinition` with the findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from designer.deciders import Person, asks_anyone, find_approvals_nobody_can_decide
from engine.definition import Workflow
from engine.errors import InvalidDefinition
from engine.validation.catalog import Catalog
from engine.validation.checks import find_catalog_problems, sort_findings
from engine.validation.findings import Finding
from engine.validation.loader import Loaded, load_workflow
from engine.validation.parsing import parse_json, validate_model

__all__ = ["Checker"]

_MAX_DEPTH = 200
_UNSHAPED = frozenset({"invalid-json", "schema"})  # the codes of a document that does not fit the format


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
    so that what the designer shows is what publishing meets; and, for a tenant, against its `people`."""

    def __init__(
        self, catalog: Callable[[], Catalog], people: Callable[[str], Sequence[Person]] | None = None
    ) -> None:
        """`people`: a tenant's users (`AccountStore.users_of_tenant`); without it, no tenant findings."""
        self._catalog = catalog
        self._people = people

    def catalog(self, *, actions: bool = True) -> Catalog:
        """What definitions are checked against; without `actions`, the actions (and the live workers) left out."""
        found = self._catalog()
        return found if actions else Catalog(workflows=found.workflows, agents=found.agents)

    def load(self, document: Any, *, actions: bool = True, tenant: str | None = None) -> Loaded[Workflow]:
        """Validate any JSON value (or JSON text, for findings with line and column); `actions=False` leaves out
        `unknown-action` (drawing or simulating a flow runs no handler). With `tenant`, also the findings its
        people decide (`approval-nobody-can-decide`)."""
        if not isinstance(document, str) and _depth(document) >= _MAX_DEPTH:
            message = f"The JSON nests more than {_MAX_DEPTH} levels deep; no workflow does."
            return Loaded(None, [Finding(code="invalid-json", severity="error", message=message)])
        source: str | dict[str, Any] = document if isinstance(document, (str, dict)) else json.dumps(document)
        catalog = self.catalog(actions=actions)
        loaded = load_workflow(source, catalog)
        if tenant is None:
            return loaded
        model = loaded.model
        if model is None and not any(f.code in _UNSHAPED for f in loaded.findings):
            model = self._shaped_or_none(document)
        if model is None:
            return loaded
        found = sort_findings([*loaded.findings, *self._for_tenant(model, tenant, catalog)])
        return Loaded(loaded.model, found, loaded.source)

    def _for_tenant(self, workflow: Workflow, tenant: str, catalog: Catalog) -> list[Finding]:
        """What only the tenant's people decide: each approval none of them can decide (the tenant's users are
        read only when the workflow names approvers somewhere)."""
        if self._people is None or not asks_anyone(workflow, catalog.agents):
            return []
        return find_approvals_nobody_can_decide(workflow, catalog.agents, self._people(tenant))

    def _shaped_or_none(self, document: Any) -> Workflow | None:
        """The model of a document with graph errors (an approval just added, with no transitions yet, is one), so
        that its tenant findings show while it is being built; None when it does not fit the format."""
        try:
            return self.shaped(document)
        except InvalidDefinition:
            return None

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

    def analysable(self, document: Any, *, tenant: str | None = None) -> tuple[Workflow, list[Finding]]:
        """The workflow with every finding, `unknown-action` included (and, with `tenant`, its people's), or
        `InvalidDefinition`: a flow whose only errors are actions this server has no handler for is still analysed
        (analysis runs no handler, as paths, layout and render do not), while the findings still say what
        publishing here would meet."""
        loaded = self.load(document, actions=False)
        if loaded.model is None:
            raise InvalidDefinition(loaded.findings)
        catalog = self.catalog()
        found = [*loaded.findings, *find_catalog_problems(loaded.model, catalog)]
        if tenant is not None:
            found += self._for_tenant(loaded.model, tenant, catalog)
        return loaded.model, sort_findings(found)

    def require(self, document: Any, source: str = "definition", *, actions: bool = False) -> Workflow:
        """The workflow, or `InvalidDefinition`; with `actions`, also when a task's action is not registered
        (publishing: an instance would fail there)."""
        loaded = self.load(document, actions=actions)
        if loaded.model is None:
            raise InvalidDefinition(loaded.findings, source)
        return loaded.model
