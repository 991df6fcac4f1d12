"""The doors in and out: import an ASL, SCXML or XState document as a definition (nothing is stored; the UI
opens it as a new draft), and export a deployed version to one of those formats."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from designer._unstorable_text import STORES_NOTHING
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.checking import Checker
from designer.schemas.interop import ImportBody, ImportReport, InteropFormat, ReadAs
from engine.errors import InvalidDefinition
from engine.interop import export_workflow, import_document
from engine.read_models.definitions import DefinitionCatalog
from engine.validation.findings import has_errors

__all__ = ["InteropController"]

_MEDIA = {"asl": ("application/json", "asl.json"), "xstate": ("application/json", "xstate.json"),
          "scxml": ("application/scxml+xml", "scxml")}


class InteropController(Controller):
    path = "/api"
    tags = ("interop",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = STORES_NOTHING

    @post("/import/{format:str}", status_code=HTTP_200_OK, summary="Import an ASL, SCXML or XState document",
          sync_to_thread=True)
    def import_definition(
        self,
        format: Annotated[InteropFormat, PathParameter(description="asl, scxml or xstate")],
        data: JSONBody[ImportBody],
        checker: NamedDependency[Checker],
    ) -> ImportReport:
        """Always 200 when the request is well-formed: `imported` says whether it mapped, `findings` why not. A
        Statewright definition is recognised whatever the format, and comes back as it is under the id asked for."""
        # an imported flow names actions whose handlers are written next: not knowing them is no reason to refuse
        result = import_document(format, data.source, data.id, checker.catalog(actions=False))
        imported = result.opens_as_draft
        return ImportReport(imported=imported, read_as=cast("ReadAs", result.read_as),
                            definition=result.document if imported else None, findings=result.findings)

    @get("/definitions/{workflow_id:str}/versions/{version:int}/export/{format:str}",
         summary="Export a version as ASL, SCXML or XState", sync_to_thread=True,
         response_description="The document; 422 when the format cannot express the version (unless allow_loss).",
         opt={"media_types": sorted({media for media, _ in _MEDIA.values()})})
    def export_definition(
        self,
        workflow_id: Annotated[str, PathParameter(max_length=128)],
        version: Annotated[int, PathParameter(ge=1, le=2_147_483_647)],
        format: Annotated[InteropFormat, PathParameter(description="asl, scxml or xstate")],
        catalog: NamedDependency[DefinitionCatalog],
        allow_loss: Annotated[bool, QueryParameter(description="Return what can be expressed anyway.")] = False,
    ) -> Response[Any]:
        workflow = catalog.get(workflow_id, version).workflow()
        result = export_workflow(format, workflow)
        if has_errors(result.findings) and not allow_loss:
            raise InvalidDefinition(result.findings, f"{workflow_id} v{version} as {format}")
        media, suffix = _MEDIA[format]
        return Response(result.text, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{workflow_id}-v{version}.{suffix}"'})
