// What the import form proposes and says of a document: its format, the id of the new workflow (from the file's
// name, or the id the document gives its machine), and where in it a finding is.
import type { InteropFormat } from "../api/interop";
import type { Finding } from "../model/findings";

/** The format a document is most likely in, from its file name and first characters. */
export function guessFormat(name: string, text: string): InteropFormat {
  const start = text.trimStart();
  if (/\.(scxml|xml)$/i.test(name) || start.startsWith("<")) return "scxml";
  return /"StartAt"\s*:/.test(text) ? "asl" : "xstate";
}

/** An id from a file name: `Order Refund.asl.json` → `Order_Refund`. */
export function idFromName(name: string): string {
  return slugId(name.replace(/(\.asl)?\.(json|scxml|xml)$/i, ""));
}

/** The id a document gives its machine — an XState machine's (or a Statewright definition's) `"id"`, an SCXML
 * document's `name` — made an id (`Support chat` → `Support_chat`); null when it gives none. */
export function idFromDocument(text: string): string | null {
  const start = text.trimStart();
  let named: unknown = null;
  if (start.startsWith("<")) named = /<scxml\b[^>]*\sname\s*=\s*["']([^"']+)["']/.exec(start)?.[1];
  else {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) named = (parsed as Record<string, unknown>).id;
    } catch {
      return null; // not a whole document yet
    }
  }
  const id = typeof named === "string" ? slugId(named) : "";
  return id || null;
}

function slugId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+$/, "").replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^[^A-Za-z_]+/, "").slice(0, 128);
}

/** Where in the document a finding is, when the importer knows its line (and column). */
export function placeWords(finding: Pick<Finding, "line" | "column">): string | null {
  if (finding.line == null) return null;
  return finding.column == null ? `line ${finding.line}` : `line ${finding.line}, column ${finding.column}`;
}
