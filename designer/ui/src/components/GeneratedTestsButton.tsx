// Downloads generated pytest tests for a published version (a zip of the flow's JSON and the test module):
// paths from the start covering every transition, each checked on the engine before it is kept.
import { fetchFile } from "../api/http";
import DownloadButton from "./DownloadButton";

export default function GeneratedTestsButton({ workflowId, version }: { workflowId: string; version: number }) {
  return (
    <DownloadButton
      fetchFile={() => fetchFile("GET", `/api/definitions/${encodeURIComponent(workflowId)}/versions/${version}/tests`)}
      fallbackName={`${workflowId}_v${version}-tests.zip`}
      label="Generate tests"
      busyLabel="Generating…"
      title="pytest tests that drive this version along paths covering every transition (statewright testgen)"
      testId="generate-tests"
    />
  );
}
