// Downloads the review pack (PDF) of a published version: the document a reviewer signs.
import { useState } from "react";
import { definitionReviewPack } from "../api/checks";

export default function ReviewPackButton({ workflowId, version }: { workflowId: string; version: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const { blob, filename } = await definitionReviewPack(workflowId, version);
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = filename ?? `${workflowId}-v${version}-review.pdf`;
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
