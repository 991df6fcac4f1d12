// Take the person to the inspector field a problem is about: scroll it into view and focus it; in a field of
// JSON text (the examples, the context schema), select the line the problem's pointer names.
import { json } from "@codemirror/lang-json";
import { ensureSyntaxTree } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { pointerRange } from "./jsonPointers";

/** `within`: a JSON pointer into the field's value ("/0/name": the first example's name), or "". */
export function focusField(element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, within: string): void {
  element.scrollIntoView({ block: "center" });
  element.focus({ preventScroll: true });
  if (!(element instanceof HTMLTextAreaElement) || !within) return;
  const state = EditorState.create({ doc: element.value, extensions: [json()] });
  ensureSyntaxTree(state, state.doc.length, 200);
  const range = pointerRange(state, within);
  if (!range) return;
  const line = state.doc.lineAt(range.from);
  const text = line.text.trim().replace(/,$/, "");
  const start = line.from + line.text.indexOf(text);
  element.setSelectionRange(start, start + text.length);
  const lineHeight = parseFloat(getComputedStyle(element).lineHeight) || 16;
  element.scrollTop = Math.max(0, (line.number - 2) * lineHeight);
}
