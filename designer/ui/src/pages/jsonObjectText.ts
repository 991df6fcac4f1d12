// A JSON object typed into a field of an operator's form (a redrive's corrections, an event's payload): read as it
// is typed, so the field says at once what keeps it from being sent — and its button waits — instead of a refusal
// at the top of the page after the click. Empty text is the empty object.
import { firstInexactNumber, firstRepeatedKey, INEXACT_NUMBER, REPEATED_KEY } from "../model/document";

export type ReadObject = { value: Record<string, unknown>; problem: null } | { value: null; problem: string };

/** The object `text` stands for, or why it stands for none (`example`: an object of the field's kind). */
export function readJsonObject(text: string, example: string): ReadObject {
  if (!text.trim()) return { value: {}, problem: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { value: null, problem: `Not valid JSON yet: ${e instanceof Error ? e.message : String(e)}` };
  }
  const inexact = firstInexactNumber(text);
  if (inexact) return { value: null, problem: INEXACT_NUMBER(inexact.token) };
  const repeated = firstRepeatedKey(text);
  if (repeated) return { value: null, problem: REPEATED_KEY(repeated.key) };
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { value: null, problem: `Write a JSON object of names and values, e.g. ${example}.` };
  }
  return { value: parsed as Record<string, unknown>, problem: null };
}
