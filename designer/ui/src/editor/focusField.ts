// Take the person to the inspector field a problem is about: scroll it into view, focus it and mark it (until the
// focus leaves it); in a field of JSON text (the examples, the context schema), select the line the problem's
// pointer names.
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

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const CONTROLS = "input, textarea, select";

/** The control to focus for the element a field's data-testid names: itself, or (a group of inputs such as an
 * expression map or the outcome's choices) the checked choice, else its first enabled control. */
function controlOf(element: HTMLElement): Control | null {
  if (element.matches(CONTROLS)) return element as Control;
  return element.querySelector<Control>("input:checked") ?? element.querySelector<Control>("input:not([disabled]), textarea:not([disabled]), select:not([disabled])") ?? element.querySelector<Control>(CONTROLS);
}

const REVEALED = "field-revealed";

/**
 * Go to the field `element` is (or holds) and mark it: its row of an expression map, or its whole field, is
 * outlined until the focus leaves it (a read-only field cannot take the focus: it stays marked until the next one
 * is). Returns the element focused (or scrolled to).
 */
export function revealField(element: HTMLElement, within: string): HTMLElement {
  const control = controlOf(element);
  const box = (control ?? element).closest<HTMLElement>(".expression-row, .field, .field-group") ?? element;
  for (const marked of document.querySelectorAll(`.${REVEALED}`)) marked.classList.remove(REVEALED);
  box.classList.add(REVEALED);
  if (!control) {
    element.scrollIntoView({ block: "center" });
    if (element.tabIndex >= 0) element.focus({ preventScroll: true });
    return element;
  }
  focusField(control, within);
  if (document.activeElement === control) control.addEventListener("blur", () => box.classList.remove(REVEALED), { once: true });
  return control;
}
