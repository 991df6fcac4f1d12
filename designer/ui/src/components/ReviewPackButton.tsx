// Downloads the review pack (PDF) of a published version: the document a reviewer signs.
import { definitionReviewPack } from "../api/checks";
import DownloadButton from "./DownloadButton";

export default function ReviewPackButton({ workflowId, version }: { workflowId: string; version: number }) {
  return (
    <DownloadButton
      fetchFile={() => definitionReviewPack(workflowId, version)}
      fallbackName={`${workflowId}-v${version}-review.pdf`}
      label="Review pack"
      busyLabel="Preparing…"
      title="A PDF to review and sign: diagram, tables, changes since the version before"
      testId="review-pack"
    />
  );
}
