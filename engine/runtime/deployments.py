"""Deployed definitions: immutable (id, version) pairs, and their compiled machines, cached per process."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.definition import Workflow
from engine.errors import DefinitionNotFound, InvalidDefinition, VersionConflict
from engine.runtime.agents import AgentDeployments
from engine.runtime.clock import Clock
from engine.runtime.deploy_warnings import logged, model_warnings, refuse_warnings
from engine.runtime.live_workers import live_workers_in
from engine.runtime.machines import CompiledWorkflow, MachineCache, branch_workflow
from engine.runtime.map_items import split_item
from engine.runtime.storage_errors import as_storage_error
from engine.runtime.views import DeployedRef
from engine.validation.catalog import Catalog
from engine.validation.findings import Finding
from storage.definitions import DefinitionRecord, DefinitionStore
from storage.transaction import Store, Transaction

__all__ = ["DefinitionSource", "Deployments", "canonical_json", "checked_definition", "parse_definition"]

DefinitionSource = Workflow | dict[str, Any] | str | bytes | Path


def parse_definition(source: DefinitionSource, catalog: Catalog | None = None) -> Workflow:
    """A workflow from a model, a dict, JSON text or a file, through the validating loader; with `catalog`, also
    checked against it (`unknown-subflow`, `unknown-agent`, `unknown-action`: `InvalidDefinition` names each
    pointer). A model has passed its own validation already: only what storing needs (its depth, no U+0000) and the
    catalog's checks are checked."""
    # the loader pulls in the checks
    from engine.validation.checks import find_catalog_problems  # noqa: PLC0415
    from engine.validation.checks.nul_characters import find_nul_characters  # noqa: PLC0415
    from engine.validation.findings import has_errors  # noqa: PLC0415
    from engine.validation.loader import find_too_deep  # noqa: PLC0415

    if isinstance(source, Workflow):  # built in code: as deep as stored JSON can be read back, too
        document = source.model_dump(mode="json", by_alias=True, exclude_none=True)  # as it would be stored
        findings = find_too_deep(document) + find_nul_characters(source, document)  # no database stores U+0000
        findings += [] if catalog is None else find_catalog_problems(source, catalog)
        if has_errors(findings):
            raise InvalidDefinition(findings, f"workflow {source.id} version {source.version}")
        return source
    return _loaded(source, catalog)[0]


def checked_definition(source: DefinitionSource, catalog: Catalog | None = None) -> tuple[Workflow, list[Finding]]:
    """`parse_definition`'s workflow, with the warnings its checks found: what `deploy` hands back (and, with
    `strict`, refuses). A model's are found by running its checks now (`model_warnings`)."""
    if isinstance(source, Workflow):
        workflow = parse_definition(source, catalog)
        return workflow, model_warnings(workflow, catalog)
    return _loaded(source, catalog)


def _loaded(source: dict[str, Any] | str | bytes | Path, catalog: Catalog | None) -> tuple[Workflow, list[Finding]]:
    """The workflow in a dict, JSON text or a file, through the validating loader, with its findings (warnings
    only: one with errors is refused, `InvalidDefinition`)."""
    from engine.validation.loader import load_workflow  # noqa: PLC0415 - the loader pulls in the checks

    try:
        loaded = load_workflow(source, catalog)
    except (OSError, ValueError) as exc:
        raise DefinitionNotFound(f"cannot read the definition: {exc}") from exc
    if loaded.model is None:
        raise InvalidDefinition(loaded.findings, loaded.source)
    return loaded.model, loaded.findings


def canonical_json(workflow: Workflow) -> str:
    """The workflow as JSON with its keys sorted: what two deployments of one version are compared by (its hash
    is the stored `content_hash`), whatever order their files wrote the keys in."""
    document = workflow.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _stored_json(workflow: Workflow) -> str:
    """The workflow as JSON in the order its author wrote it: what is stored and read back — an approval's
    `request` then lists its facts as defined (with the keys sorted, the cards listed them A to Z)."""
    document = workflow.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


class Deployments:
    def __init__(self, store: Store, clock: Clock, cache: MachineCache | None = None) -> None:
        self.store = store
        self.clock = clock
        self.cache = cache or MachineCache()
        self.agents = AgentDeployments(store, clock)
        self._latest: dict[str, int] = {}  # each workflow's latest version, as last read here (`_latest_version`)

    def catalog(self, tx: Transaction, registered_actions: Iterable[str],
                action_inputs: dict[str, dict[str, Any]] | None = None) -> Catalog:
        """What a definition deployed here is checked against: the latest version of every deployed workflow
        (subflows), every deployed agent in force, and the actions when any are known — those registered here and
        those the database's live workers advertise (`engine.runtime.live_workers`; see `Catalog`)."""
        workers = live_workers_in(tx, self.clock.now())
        return Catalog(
            workflows={w.id: w for w, _ in self.latest_workflows(tx)},
            agents={a.id: a for a in self.agents.deployed(tx)},
            actions=Catalog.known_actions(registered_actions, *(w.actions for w in workers)),
            workers=tuple(w.owner for w in workers),
            action_inputs=action_inputs or {},
        )

    def deploy(self, source: DefinitionSource, actor: str | None = None, catalog: Catalog | None = None, *,
               strict: bool = False) -> DeployedRef:
        """Store (id, version) once, with who deployed it, once it passes its checks (against `catalog` when
        given); its warnings are handed back and logged (`deploy_warnings`), or, with `strict`, refuse it. The
        same content again changes nothing; other content is refused."""
        workflow, warnings = checked_definition(source, catalog)
        if strict:
            refuse_warnings(workflow, warnings)
        content = _stored_json(workflow)
        digest = hashlib.sha256(canonical_json(workflow).encode()).hexdigest()  # as every release has hashed it
        now = self.clock.now()
        record = DefinitionRecord(workflow.id, workflow.version, workflow.title, content, digest, now, actor)
        with as_storage_error(), self.store.write() as tx:
            definitions = DefinitionStore(tx)
            created = definitions.insert(record)
            existing = None if created else definitions.get(workflow.id, workflow.version)
        if created or (existing is not None and existing.content_hash == digest):
            return logged(DeployedRef(workflow.id, workflow.version, created=created, warnings=tuple(warnings)))
        raise VersionConflict(
            f"{workflow.id} version {workflow.version} is deployed with different content; "
            "a deployed version is immutable — deploy it as a new version"
        )

    def compiled(
        self, tx: Transaction, workflow_id: str, version: int | None = None, branch: str = ""
    ) -> CompiledWorkflow:
        """The compiled workflow (or branch of it); the latest deployed version when `version` is None. A map
        item's branch (`state.iterator#3`, `#3`) compiles as its map's iterator (or the workflow itself)."""
        if branch:  # most instances run their workflow's root: no item index to strip
            branch = split_item(branch)[0]
        if version is None:
            version = self._latest_version(tx, workflow_id)
            if version is None:
                raise DefinitionNotFound(f"the workflow '{workflow_id}' is not deployed")
        found = self.cache.get((workflow_id, version, branch))
        if found is not None:
            return found
        root = self.cache.get((workflow_id, version, ""))
        if root is None:
            record = DefinitionStore(tx).get(workflow_id, version)
            if record is None:
                raise DefinitionNotFound(f"the workflow '{workflow_id}' version {version} is not deployed")
            root = self.cache.put(CompiledWorkflow(Workflow.model_validate_json(record.content)))
        if not branch:
            return root
        try:
            derived = branch_workflow(root.workflow, branch)
        except KeyError as exc:
            raise DefinitionNotFound(f"{workflow_id} version {version}: {exc.args[0]}") from exc
        return self.cache.put(CompiledWorkflow(derived, branch))

    def _latest_version(self, tx: Transaction, workflow_id: str) -> int | None:
        """The latest deployed version of `workflow_id`. In a write transaction on PostgreSQL, the version read
        last time is assumed, and the server checks it with the transaction's writes (`Transaction.assume`): a
        start then waits for one round trip to the server, its COMMIT in it. Another process's newer version fails
        the check (`GuardFailed`), and the start runs again with it, as it would have had it read it first. (On
        SQLite the read costs no round trip: it is made first.)"""
        known = self._latest.get(workflow_id)
        if known is None or not (tx.postgresql and tx.writes):
            found = DefinitionStore(tx).latest_version(workflow_id)
            if found is not None:
                self._latest[workflow_id] = found
            return found
        tx.assume(*DefinitionStore.is_latest_version(workflow_id, known),
                  f"'{workflow_id}' was deployed meanwhile; v{known} was assumed",
                  if_not=lambda: self._latest.pop(workflow_id, None))
        return known

    def latest_workflows(self, tx: Transaction) -> list[tuple[Workflow, float]]:
        """The latest version of every deployed workflow, with the time it was deployed."""
        found = []
        for record in DefinitionStore(tx).latest_of_each():
            found.append((self.compiled(tx, record.workflow_id, record.version).workflow, record.deployed_at))
        return found
