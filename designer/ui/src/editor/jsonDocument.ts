// The JSON view's text, kept by the designer (not by the view), so text that does not parse yet survives a
// look at the diagram. It is tied to the workflow it was written from (`base`): a change of the workflow
// from elsewhere (the canvas, undo) replaces the text only when the text parses — unparsed text is never
// thrown away, the view offers to replace it instead — and "the diagram changed since" is said only when
// the workflow did change since.
import { useCallback, useMemo, useState } from "react";
import { formatWorkflow, parseWorkflowText, type ParseResult } from "../model/document";
import type { Workflow } from "../model/workflow";

export type JsonProblem = Extract<ParseResult, { ok: false }>;

export interface JsonDocument {
  /** The person's text; null while it is the workflow printed as is. */
  text: string | null;
  /** The workflow the text was written from, or that it parsed into. */
  base: Workflow;
  problem: JsonProblem | null;
}

export interface JsonText {
  text: string;
  problem: JsonProblem | null;
  /** The workflow changed elsewhere while the text does not parse. */
  stale: boolean;
  edit: (text: string) => void;
  discard: () => void;
}

const same = (a: Workflow, b: Workflow) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function useJsonText(workflow: Workflow, onChange: (workflow: Workflow) => void): JsonText {
  const [doc, setDoc] = useState<JsonDocument>({ text: null, base: workflow, problem: null });
  // A change from elsewhere, while the text parses: show the new workflow (derived during render).
  let current = doc;
  if (doc.base !== workflow && !doc.problem) {
    current = { text: null, base: workflow, problem: null };
    setDoc(current);
  }
  const edit = useCallback(
    (text: string) => {
      const parsed = parseWorkflowText(text);
      if (!parsed.ok) {
        setDoc((d) => ({ text, base: d.base, problem: parsed }));
        return;
      }
      // Text that says the same workflow (a space, an undone typo) keeps the workflow, and the text as typed.
      const next = same(parsed.workflow, workflow) ? workflow : parsed.workflow;
      setDoc({ text, base: next, problem: null });
      if (next !== workflow) onChange(next);
    },
    [workflow, onChange],
  );
  const discard = useCallback(() => setDoc({ text: null, base: workflow, problem: null }), [workflow]);
  const printed = useMemo(() => (current.text === null ? formatWorkflow(current.base) : null), [current.text, current.base]);
  return {
    text: current.text ?? printed ?? "",
    problem: current.problem,
    stale: current.problem !== null && current.base !== workflow,
    edit,
    discard,
  };
}
