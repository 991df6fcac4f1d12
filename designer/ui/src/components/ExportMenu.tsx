// Download the diagram as SVG, PNG, PDF or Mermaid, rendered by the server's Graphviz renderer.
import { useState } from "react";
import type { DiagramFormat } from "../api/types";
import { saveBlob } from "./download";

const FORMATS: { format: DiagramFormat; label: string; ext: string }[] = [
  { format: "svg", label: "SVG", ext: "svg" },
  { format: "png", label: "PNG", ext: "png" },
  { format: "pdf", label: "PDF", ext: "pdf" },
  { format: "mermaid", label: "Mermaid", ext: "mmd" },
];

export interface ExportMenuProps {
  baseName: string;
  fetchDiagram: (format: DiagramFormat) => Promise<{ blob: Blob; filename: string | null }>;
}

export default function ExportMenu({ baseName, fetchDiagram }: ExportMenuProps) {
  const [busy, setBusy] = useState<DiagramFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: DiagramFormat, ext: string) => {
    setBusy(format);
    setError(null);
    try {
      const { blob, filename } = await fetchDiagram(format);
      saveBlob(blob, filename ?? `${baseName}.${ext}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="export-menu" role="group" aria-label="Export the diagram">
      <span className="export-label">Export</span>
      {FORMATS.map(({ format, label, ext }) => (
        <button key={format} type="button" data-testid={`export-${format}`} disabled={busy !== null} onClick={() => void download(format, ext)}>
          {busy === format ? "…" : label}
        </button>
      ))}
      {error && (
        <span className="error-text" role="alert" data-testid="export-error">
          {error}
        </span>
      )}
    </div>
  );
}
