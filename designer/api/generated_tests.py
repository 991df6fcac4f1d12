"""Generated tests for a published version, as `statewright testgen` writes them: a zip of the version's JSON
and a pytest module that drives it along paths covering its transitions (or guards, or every simple path),
each path checked on the engine before it is kept.

Playing every path takes seconds of CPU (lead_qualification's paths, 4-5 s alone). Eight such requests at once,
a viewer's, held the server's other reads for 20 s: `AT_ONCE` sets are generated at a time, and the next request
is `429 tests-busy` with `Retry-After`, at once."""

from __future__ import annotations

import io
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import TestsBusy
from engine.definition import Workflow
from engine.read_models.definitions import DefinitionCatalog
from engine.testgen.coverage import CoverageMode
from engine.testgen.generation import generate_tests

__all__ = ["GeneratedTestsController"]

ZIP = "application/zip"
AT_ONCE = 2
_GENERATING = threading.BoundedSemaphore(AT_ONCE)


class GeneratedTestsController(Controller):
    path = "/api/definitions"
    tags = ("definitions",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/{workflow_id:str}/versions/{version:int}/tests", sync_to_thread=True, media_type=ZIP,
         summary="Generated pytest tests for a version (a zip with the flow's JSON)",
         response_description="flow JSON + test module; run with pytest next to each other.")
    def generated_tests(
        self,
        *,
        workflow_id: Annotated[str, PathParameter(max_length=128, description="The workflow's id.")],
        version: Annotated[int, PathParameter(ge=1, le=2_147_483_647)],
        catalog: NamedDependency[DefinitionCatalog],
        coverage: Annotated[CoverageMode, QueryParameter(description="transitions, guards or paths.")] = "transitions",
    ) -> Response[Any]:
        found = catalog.get(workflow_id, version)
        workflow = found.workflow()
        if not _GENERATING.acquire(blocking=False):
            raise TestsBusy(f"the server generates tests for {AT_ONCE} requests at a time (each plays every path on "
                            "the engine, which takes the CPU from everyone's requests), and that many are being "
                            "generated; ask again in a few seconds", retry_after_s=5)
        try:
            return self._zipped(workflow_id, version, workflow, coverage)
        finally:
            _GENERATING.release()

    @staticmethod
    def _zipped(workflow_id: str, version: int, workflow: Workflow, coverage: CoverageMode) -> Response[Any]:
        name = f"{workflow_id}_v{version}"
        with tempfile.TemporaryDirectory(prefix="statewright-testgen-") as folder:
            flow = Path(folder) / f"{name}.json"
            flow.write_text(workflow.model_dump_json(by_alias=True, exclude_none=True, indent=2), encoding="utf-8")
            tests = Path(folder) / f"test_{name}.py"
            generate_tests(workflow, flow, tests, coverage, command=f"GET /api/definitions/{workflow_id}/versions/"
                           f"{version}/tests?coverage={coverage}")
            packed = io.BytesIO()
            with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(flow, flow.name)
                archive.write(tests, tests.name)
        return Response(packed.getvalue(), media_type=ZIP, headers={
            "Content-Disposition": f'attachment; filename="{name}-tests.zip"'})
