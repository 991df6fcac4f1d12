"""Checks of unsaved editor content: validate, analyze, layout, render. Nothing is stored."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from designer._unstorable_text import STORES_NOTHING
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.canvas_layout import lay_out_canvas
from designer.checking import Checker
from designer.diagrams import DiagramFormat, Download, diagram_response
from designer.graphviz_slots import GraphvizSlots, canvas_edges, laid_out
from designer.schemas.canvas_layout import CanvasGraphBody, CanvasLayoutRead
from designer.schemas.checks import AnalysisReport, DefinitionBody, ValidationReport
from designer.schemas.layout import LayoutRead
from designer.security.principal import Principal
from engine.validation.analysis import analyze

__all__ = ["CheckController"]


class CheckController(Controller):
    path = "/api"
    tags = ("checks",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = STORES_NOTHING

    @post("/validate", status_code=HTTP_200_OK, summary="Validate a definition (always 200)", sync_to_thread=True)
    def validate(
        self, data: JSONBody[DefinitionBody], checker: NamedDependency[Checker], me: NamedDependency[Principal]
    ) -> ValidationReport:
        return ValidationReport.of(checker.load(data.document, tenant=me.tenant).findings)

    @post("/analyze", status_code=HTTP_200_OK, summary="Analyse a valid definition", sync_to_thread=True)
    def analyze(
        self, data: JSONBody[DefinitionBody], checker: NamedDependency[Checker], me: NamedDependency[Principal]
    ) -> AnalysisReport:
        model, findings = checker.analysable(data.document, tenant=me.tenant)
        return AnalysisReport.of(findings, analyze(model))

    @post("/layout", status_code=HTTP_200_OK, summary="Auto-layout positions for the editor", sync_to_thread=True)
    def layout(
        self,
        data: JSONBody[DefinitionBody],
        checker: NamedDependency[Checker],
        me: NamedDependency[Principal],
        graphviz: NamedDependency[GraphvizSlots],
    ) -> LayoutRead:
        return LayoutRead.of(laid_out(checker.shaped(data.document), graphviz=graphviz, user=me.user_id))

    @post(
        "/layout/canvas",
        status_code=HTTP_200_OK,
        summary="Lay out the canvas's own graph (node sizes, edges) with Graphviz",
        sync_to_thread=True,
    )
    def canvas_layout(
        self, data: JSONBody[CanvasGraphBody], me: NamedDependency[Principal], graphviz: NamedDependency[GraphvizSlots]
    ) -> CanvasLayoutRead:
        nodes, edges = data.nodes_and_edges()
        with graphviz.draw(me.user_id, canvas_edges(nodes, edges), "the canvas's graph"):
            return CanvasLayoutRead.of(lay_out_canvas(nodes, edges, data.direction))

    @post(
        "/render",
        status_code=HTTP_200_OK,
        summary="Draw a definition (svg, png, pdf, dot, mermaid)",
        sync_to_thread=True,
        response_description="The diagram in the requested format.",
    )
    def render(
        self,
        *,
        data: JSONBody[DefinitionBody],
        checker: NamedDependency[Checker],
        me: NamedDependency[Principal],
        graphviz: NamedDependency[GraphvizSlots],
        format: DiagramFormat = "svg",
        download: Download = False,
    ) -> Response[bytes]:
        return diagram_response(checker.require(data.document), format, download=download, graphviz=graphviz,
                                user=me.user_id)
