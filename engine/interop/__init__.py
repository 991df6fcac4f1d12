"""The doors in and out: import AWS Step Functions (ASL), SCXML and XState documents as Statewright workflows,
and export workflows to them. Each format is a reader or a writer over the one definition model; whatever a
format cannot carry is a finding that names the state and the construct — never silently dropped."""

from engine.interop.formats import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    ExportResult,
    ImportResult,
    export_workflow,
    import_document,
)

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "ExportResult", "ImportResult", "export_workflow", "import_document"]
