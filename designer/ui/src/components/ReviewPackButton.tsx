// Downloads the review pack (PDF) of a published version: the document a reviewer signs.
import { useState } from "react";
import { definitionReviewPack } from "../api/checks";
import { saveBlob } from "./download";

export default function ReviewPackButton({ workflowId, version }: { workflowId: string; version: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const { blob, filename } = await definitionReviewPack(workflowId, version);
      saveBlob(blob, filename ?? `${workflowId}-v${version}-review.pdf`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void download()} disabled={busy} data-testid="review-pack" title="A PDF to review and sign: diagram, tables, changes since the version before">
        {busy ? "Preparing…" : "Review pack"}
      </button>
      {error && <span className="error" role="alert">{error}</span>}
    </>
  );
}
