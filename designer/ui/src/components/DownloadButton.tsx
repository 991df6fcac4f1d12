// A button that fetches a file from the server and hands it to the browser as a download.
import { useState } from "react";
import { saveBlob } from "./download";

export interface DownloadButtonProps {
  fetchFile: () => Promise<{ blob: Blob; filename: string | null }>;
  fallbackName: string;
  label: string;
  busyLabel: string;
  title: string;
  testId: string;
}

export default function DownloadButton({ fetchFile, fallbackName, label, busyLabel, title, testId }: DownloadButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const { blob, filename } = await fetchFile();
      saveBlob(blob, filename ?? fallbackName);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void download()} disabled={busy} data-testid={testId} title={title}>
        {busy ? busyLabel : label}
      </button>
      {error && <span className="error" role="alert">{error}</span>}
    </>
  );
}
