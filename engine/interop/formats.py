"""One entry point per direction: `import_document(format, text, workflow_id)` and
`export_workflow(format, workflow)`; the result carries the findings and, for an import, the loaded workflow."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.definition import Workflow
from engine.interop.asl_export import export_asl
from engine.interop.asl_import import import_asl
from engine.interop.findings import unreadable
from engine.interop.native import STATEWRIGHT, as_new_workflow, is_statewright_definition
from engine.interop.scxml_export import export_scxml
from engine.interop.scxml_import import import_scxml
from engine.interop.source_map import SourceMap
from engine.interop.xstate_export import export_xstate
from engine.interop.xstate_import import import_xstate
from engine.validation.catalog import Catalog
from engine.validation.findings import Finding, has_errors, pointer
from engine.validation.loader import load_workflow
from engine.validation.parsing import find_duplicate_keys, parse_json

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "ExportResult", "ImportResult", "export_workflow", "import_document"]

IMPORT_FORMATS = ("asl", "scxml", "xstate")
EXPORT_FORMATS = ("asl", "scxml", "xstate")


@dataclass(frozen=True)
class ImportResult:
    """The imported definition (None when refused) and every finding: the importer's, then validation's.
    `read_as` is the format the document was read in: the one asked for, or `statewright` for a Statewright
    definition, which is recognised whatever format was asked for."""

    document: dict[str, Any] | None
    workflow: Workflow | None
    findings: list[Finding]
    read_as: str

    @property
    def ok(self) -> bool:
        return self.workflow is not None and not has_errors(self.findings)

    @property
    def opens_as_draft(self) -> bool:
        """Whether the designer opens it as a new draft: a document mapped without errors — or a Statewright
        definition, which has nothing to map and is a draft like any other (its problems listed in the editor)."""
        return self.ok or (self.read_as == STATEWRIGHT and self.document is not None)


@dataclass(frozen=True)
class ExportResult:
    """The exported text and what the format could not express (errors) or carries differently (warnings)."""

    text: str
    findings: list[Finding]

    @property
    def complete(self) -> bool:
        return not has_errors(self.findings)


def _json(text: str | bytes) -> tuple[Any, list[Finding]]:
    """The parsed document; or why it cannot be read: not JSON, or a key twice in one object (JSON parsers keep
    either one: a second state of the same name would silently replace the first)."""
    try:
        document = json.loads(text, object_pairs_hook=_once_each)
    except _RepeatedKey:
        parsed, problems = parse_json(text)
        if parsed is None:  # a key twice, and what JSON does not have (NaN): the latter said
            return None, [unreadable(f"not JSON: {problems[0].message}")]
        path, key = next(find_duplicate_keys(parsed))
        message = f"the key '{key}' appears twice in one object; which of the two counts is undefined"
        return None, [Finding(code="invalid-document", severity="error", message=message, pointer=pointer(*path, key))]
    except RecursionError:
        return None, [unreadable("not JSON that can be read: nested too deeply")]
    except ValueError as exc:
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        return None, [unreadable(f"not JSON: {exc}", line, column)]
    return document, []


class _RepeatedKey(ValueError):
    pass


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey
        found[key] = value
    return found


def import_document(fmt: str, text: str | bytes, workflow_id: str, catalog: Catalog | None = None) -> ImportResult:
    """Read `text` as `fmt` (asl, scxml, xstate) into a workflow with id `workflow_id`, then validate it. A
    Statewright definition is taken as it is (see native.py), whichever format was asked for."""
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format '{fmt}'; choose from {', '.join(IMPORT_FORMATS)}")
    parsed: Any = None
    if fmt != "scxml" or _starts_like_json(text):
        parsed, findings = _json(text)
        if is_statewright_definition(parsed):
            native = as_new_workflow(parsed, workflow_id)
            loaded = load_workflow(native, catalog)
            return ImportResult(native, loaded.model, loaded.findings, STATEWRIGHT)
        if findings and fmt != "scxml":
            return ImportResult(None, None, findings, fmt)
    document: dict[str, Any] | None
    places = SourceMap()  # where validation's findings lie in the source; none known: as they are
    if fmt == "scxml":
        document, findings, places = import_scxml(text, workflow_id)
    elif fmt == "xstate":
        document, findings, places = import_xstate(parsed, workflow_id)
    else:
        document, findings = import_asl(parsed, workflow_id)
    if document is None:
        return ImportResult(None, None, findings, fmt)
    loaded = load_workflow(document, catalog)
    return ImportResult(document, loaded.model, [*findings, *map(places.translate, loaded.findings)], fmt)


def _starts_like_json(text: str | bytes) -> bool:
    """Whether a document given as SCXML is a JSON object instead (a Statewright definition, perhaps)."""
    head = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return head.lstrip("\ufeff \t\r\n").startswith("{")


_EXPORTERS: dict[str, Callable[[Workflow], tuple[str, list[Finding]]]] = {
    "asl": export_asl, "scxml": export_scxml, "xstate": export_xstate}


def export_workflow(fmt: str, workflow: Workflow) -> ExportResult:
    if fmt not in _EXPORTERS:
        raise ValueError(f"unknown export format '{fmt}'; choose from {', '.join(EXPORT_FORMATS)}")
    text, findings = _EXPORTERS[fmt](workflow)
    return ExportResult(text, findings)
