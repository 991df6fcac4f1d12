// Edits typed but not applied to the workflow yet: text in the JSON view that does not parse, or an inspector
// field's JSON that does not. They are unsaved work like any other, and Save cannot send them: it says
// which one to fix first instead of saving the workflow without them.
import type { UnappliedText } from "../components/fields/unappliedText";
import type { JsonProblem } from "./jsonDocument";

export interface UnappliedEdits {
  /** Where the text is, so the editor can show it. */
  where: "json" | "inspector";
  /** What to fix before saving, in a sentence. */
  reason: string;
}

/** The first unapplied edit (the JSON view's, then the inspector's fields'), or null when there is none. */
export function firstUnappliedEdit(json: JsonProblem | null, fields: Readonly<Record<string, UnappliedText>>): UnappliedEdits | null {
  if (json) {
    const at = json.line ? ` at line ${json.line}, column ${json.column}` : "";
    return { where: "json", reason: `The JSON view's text is not valid yet${at} (${json.message}): fix it, or undo it, before saving.` };
  }
  const field = Object.values(fields)[0];
  if (field) {
    return { where: "inspector", reason: `The inspector's “${field.label}” field is not applied yet (${field.problem}): fix it, or undo it, before saving.` };
  }
  return null;
}
