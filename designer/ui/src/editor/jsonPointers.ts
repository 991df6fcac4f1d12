// From a JSON pointer (/states/review/approvers) to where it is written in the JSON text, through
// CodeMirror's syntax tree — so a finding is marked on the line that says it, even while the text around
// it is being edited.
import { ensureSyntaxTree, syntaxTree } from "@codemirror/language";
import type { EditorState } from "@codemirror/state";
import type { SyntaxNode } from "@lezer/common";

const VALUES = new Set(["Object", "Array", "String", "Number", "True", "False", "Null"]);

export interface TextRange {
  from: number;
  to: number;
}

function valueOf(node: SyntaxNode | null): SyntaxNode | null {
  for (let child = node?.lastChild ?? null; child; child = child.prevSibling) if (VALUES.has(child.name)) return child;
  return null;
}

function keyText(state: EditorState, node: SyntaxNode): string | null {
  try {
    return JSON.parse(state.sliceDoc(node.from, node.to)) as string;
  } catch {
    return null;
  }
}

/** How long to parse the rest of a long text, at most, before a pointer is looked up in it. */
const PARSE_MS = 500;

/** The whole text's syntax tree. A state's own tree covers only what the editor parsed so far (the first few
 * thousand characters of a new editor): a pointer past them would be marked at its parent, the whole object on
 * line 1. */
function fullTree(state: EditorState) {
  return ensureSyntaxTree(state, state.doc.length, PARSE_MS) ?? syntaxTree(state);
}

/** The property name (or first line of the array item) the pointer names, or its deepest existing parent. */
export function pointerRange(state: EditorState, pointer: string): TextRange | null {
  let node: SyntaxNode | null = null;
  for (let child: SyntaxNode | null = fullTree(state).topNode.firstChild; child; child = child.nextSibling) if (VALUES.has(child.name)) node = child;
  if (!node) return null;
  let mark: TextRange = { from: node.from, to: Math.min(node.to, state.doc.lineAt(node.from).to) };
  const parts = pointer === "" ? [] : pointer.replace(/^\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (const part of parts) {
    let next: SyntaxNode | null = null;
    if (node.name === "Object") {
      for (let c: SyntaxNode | null = node.firstChild; c; c = c.nextSibling) {
        const name = c.name === "Property" ? c.getChild("PropertyName") : null;
        if (name && keyText(state, name) === part) {
          mark = { from: name.from, to: name.to };
          next = valueOf(c);
          break;
        }
      }
    } else if (node.name === "Array") {
      let index = 0;
      for (let c: SyntaxNode | null = node.firstChild; c; c = c.nextSibling) {
        if (!VALUES.has(c.name)) continue;
        if (String(index) === part) {
          mark = { from: c.from, to: Math.min(c.to, state.doc.lineAt(c.from).to) };
          next = c;
          break;
        }
        index += 1;
      }
    }
    if (!next) break;
    node = next;
  }
  return mark;
}
