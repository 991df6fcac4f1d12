"""Loading: a file becomes either a trusted model or findings that say what is wrong and where."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from engine.collector_pause import collector_paused
from engine.definition import Agent, Workflow
from engine.definition.base import IDENTIFIER_RE
from engine.definition.file_kind import definition_kind
from engine.errors import InvalidDefinition
from engine.json_limits import MAX_JSON_DEPTH, measure_json
from engine.validation.catalog import Catalog
from engine.validation.checks import run_checks
from engine.validation.checks.agents import check_agent
from engine.validation.findings import Finding, has_errors, pointer
from engine.validation.parsing import (
    find_duplicate_keys,
    parse_json,
    schema_errors,
    too_deep_message,
    validate_model,
)
from engine.validation.set_aside import understood_part

__all__ = ["Catalog", "Loaded", "find_file_not_named_by_id", "find_too_deep", "load_agent", "load_catalog",
           "load_folder", "load_workflow", "require_agent", "require_workflow"]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """The outcome of loading one file: the model when it has no errors, and every finding."""

    model: M | None
    findings: list[Finding]
    source: str = "<definition>"

    @property
    def ok(self) -> bool:
        return self.model is not None and not has_errors(self.findings)


def _read(source: str | bytes | Path | dict[str, Any]) -> tuple[Any, list[Finding], str]:
    if isinstance(source, dict):
        return source, find_too_deep(source), "<definition>"
    name = "<definition>"
    if isinstance(source, Path):
        name = str(source)
        try:
            source = source.read_bytes()
        except OSError as exc:
            message = f"The file cannot be read: {exc.strerror or exc}."
            return None, [Finding(code="invalid-json", severity="error", message=message)], name
    document, findings = parse_json(source)
    return document, findings or find_too_deep(document), name


def find_too_deep(document: Any) -> list[Finding]:
    """A definition nested deeper than `MAX_JSON_DEPTH` (parallel or map states in one another, some 16 deep):
    it would be stored, and then be unreadable to everything that reads it back — refused here, whether it comes
    as a file, text or a dict, at the way to its deepest point (its first eight steps)."""
    found = measure_json(document, stop_depth=MAX_JSON_DEPTH)
    if found.depth <= MAX_JSON_DEPTH:
        return []
    message = too_deep_message()
    return [Finding(code="invalid-json", severity="error", message=message, pointer=found.pointer())]


def _duplicates(document: Any) -> list[Finding]:
    found = []
    for path, key in find_duplicate_keys(document):
        if path == ("states",) or (len(path) >= 2 and path[-1] == "states"):
            message = f"The state '{key}' is defined twice; the second definition would silently replace the first."
            found.append(
                Finding(
                    code="duplicate-state",
                    severity="error",
                    message=message,
                    pointer=pointer(*path, key),
                    states=(key,),
                )
            )
        else:
            message = f"The key '{key}' appears twice in one object; only the last one would count."
            found.append(Finding(code="duplicate-key", severity="error", message=message, pointer=pointer(*path, key)))
    return found


def _load(model: type[M], source: str | bytes | Path | dict[str, Any]) -> tuple[M | None, list[Finding], str]:
    document, findings, name = _read(source)
    if findings:
        return None, findings, name
    findings = _duplicates(document)
    loaded, schema_findings = validate_model(model, document)
    return loaded, findings + schema_findings, name


def find_file_not_named_by_id(source: object, definition_id: str, kind: str) -> list[Finding]:
    """`file-name-not-id`: a definition file is named by its `id` (`<id>.json`), since every lookup — the catalog,
    `deploy`, a subflow, `definitions/` — goes by the id alone, never the file name. A file named otherwise
    reads as another definition than it is, and a copy under another name shadows the original without a word
    (a definitions folder keeps one workflow per id)."""
    if not isinstance(source, Path) or source.stem == definition_id:
        return []
    rename = f"Rename the file to '{definition_id}.json'"
    or_id = f", or set `id` to '{source.stem}'" if IDENTIFIER_RE.match(source.stem) and len(source.stem) <= 128 else ""
    message = (f"The file is named '{source.name}' but the {kind}'s id is '{definition_id}': a definition file is "
               f"named by its id, which is all the catalog, `deploy` and subflows know it by, so this file reads as "
               f"another {kind} than it is (and in a definitions folder a second file with the same id silently "
               f"replaces the first). {rename}{or_id}.")
    return [Finding(code="file-name-not-id", severity="warning", message=message, pointer=pointer("id"))]


def _checks_of_the_rest(document: Any, errors: list[tuple[tuple[str | int, ...], Finding]],
                        catalog: Catalog | None) -> list[Finding]:
    """The named checks' findings about what can be understood of a document that does not fit the model (what
    is at fault set aside, `set_aside`), so that a flow mid-edit shows its other problems beside its schema
    errors; none when too little of it fits."""
    understood = understood_part(document, errors)
    if understood.workflow is None:
        return []
    return [f for f in run_checks(understood.workflow, catalog, document) if not understood.outside(f)]  # sorted


def load_workflow(source: str | bytes | Path | dict[str, Any], catalog: Catalog | None = None) -> Loaded[Workflow]:
    """Parse, validate against the model, then run the named graph checks (and, for a file, check its name). A
    document that does not fit the model is checked too, with what is at fault set aside: its findings are the
    schema errors and what the checks find in the rest."""
    with collector_paused():
        document, findings, name = _read(source)
        if findings:
            return Loaded(None, findings, name)
        findings = _duplicates(document)
        workflow, errors = schema_errors(Workflow, document)
        findings += [finding for _, finding in errors]
        if workflow is not None:
            findings += run_checks(workflow, catalog)
            findings += find_file_not_named_by_id(source, workflow.id, "workflow")
        else:
            findings += _checks_of_the_rest(document, errors, catalog)  # after what stops it from loading
    if has_errors(findings):
        return Loaded(None, findings, name)
    return Loaded(workflow, findings, name)


def load_agent(source: str | bytes | Path | dict[str, Any] | Agent) -> Loaded[Agent]:
    """Parse (unless given the model), validate against the model, then run the agent's named checks."""
    agent: Agent | None
    findings: list[Finding]
    if isinstance(source, Agent):
        agent, findings, name = source, [], f"<agent {source.id}>"
    else:
        agent, findings, name = _load(Agent, source)
    if agent is not None:
        findings += check_agent(agent)
        findings += find_file_not_named_by_id(source, agent.id, "agent")
    return Loaded(None if has_errors(findings) else agent, findings, name)


def require_workflow(source: str | bytes | Path | dict[str, Any], catalog: Catalog | None = None) -> Workflow:
    """Load or raise `InvalidDefinition` with the findings."""
    loaded = load_workflow(source, catalog)
    if loaded.model is None:
        raise InvalidDefinition(loaded.findings, loaded.source)
    return loaded.model


def require_agent(source: str | bytes | Path | dict[str, Any] | Agent) -> Agent:
    """Load an agent or raise `InvalidDefinition` with the findings."""
    loaded = load_agent(source)
    if loaded.model is None:
        raise InvalidDefinition(loaded.findings, loaded.source)
    return loaded.model


def _load_reference(model: type[M], path: Path) -> tuple[M | None, list[Finding]]:
    """A catalog file at schema level. The findings of one that loads are never shown, so the key-tracking
    parse and the duplicate-key walk (most of the time `statewright validate FILE` spends reading the files
    beside FILE) run only for one that does not, which then gets `_load`'s findings."""
    try:
        return model.model_validate(json.loads(path.read_bytes().decode("utf-8-sig"))), []
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON, or not the model
        loaded, findings, _ = _load(model, path)
        return loaded, findings


def load_catalog(root: Path) -> tuple[Catalog, dict[str, list[Finding]]]:
    """Load `root/agents/*.json` and `root/workflows/*.json` (schema level only) as the reference set."""
    problems: dict[str, list[Finding]] = {}
    agents: dict[str, Agent] = {}
    for path in sorted((root / "agents").glob("*.json")):
        agent, findings = _load_reference(Agent, path)
        if agent is None:
            problems[str(path)] = findings
        else:
            agents[agent.id] = agent
    workflows: dict[str, Workflow] = {}
    for path in sorted((root / "workflows").glob("*.json")):
        workflow, _ = _load_reference(Workflow, path)
        if workflow is None:
            problems[str(path)] = load_workflow(path).findings  # as `validate` of the file alone says
        else:
            workflows[workflow.id] = workflow
    return Catalog(workflows=workflows, agents=agents), problems


def load_folder(folder: Path) -> Catalog:
    """The workflows and agents among the `*.json` files of one folder (schema level; a file that does not load
    is left out): the definitions a flow kept in a folder of its own finds beside it, as `statewright run` does."""
    agents: dict[str, Agent] = {}
    workflows: dict[str, Workflow] = {}
    for path in sorted(folder.glob("*.json")):
        if definition_kind(path) == "agent":
            agent, _ = _load_reference(Agent, path)
            if agent is not None:
                agents.setdefault(agent.id, agent)
        else:
            workflow, _ = _load_reference(Workflow, path)
            if workflow is not None:
                workflows.setdefault(workflow.id, workflow)
    return Catalog(workflows=workflows, agents=agents)
