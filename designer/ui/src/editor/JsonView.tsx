// The workflow as JSON text, in sync both ways with the canvas: a canvas edit rewrites the text, a text
// edit that parses becomes the workflow. Text that does not parse stays as typed, with the error, until
// it is fixed or deliberately discarded.
import { useEffect, useRef, useState } from "react";
import { formatWorkflow, parseWorkflowText, type ParseResult } from "../model/document";
import type { Workflow } from "../model/workflow";

export interface JsonViewProps {
  workflow: Workflow;
  editable: boolean;
  onChange: (workflow: Workflow) => void;
}

export default function JsonView({ workflow, editable, onChange }: JsonViewProps) {
  const [text, setText] = useState(() => formatWorkflow(workflow));
  const [problem, setProblem] = useState<Extract<ParseResult, { ok: false }> | null>(null);
  const [staleSince, setStaleSince] = useState<Workflow | null>(null);
  const mine = useRef<Workflow | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (workflow === mine.current) return; // the text already says this: it produced it
    if (problem) {
      setStaleSince(workflow); // keep the person's unparsable text; offer to replace it
      return;
    }
    setText(formatWorkflow(workflow));
  }, [workflow, problem]);

  const edit = (next: string) => {
    setText(next);
    const parsed = parseWorkflowText(next);
    if (parsed.ok) {
      setProblem(null);
      setStaleSince(null);
      mine.current = parsed.workflow;
      onChange(parsed.workflow);
    } else {
      setProblem(parsed);
    }
  };

  const jumpToProblem = () => {
    if (!problem?.line || !area.current) return;
    const lines = text.split("\n");
    let offset = 0;
    for (let i = 0; i < problem.line - 1 && i < lines.length; i += 1) offset += lines[i]!.length + 1;
    offset += (problem.column ?? 1) - 1;
    area.current.focus();
    area.current.setSelectionRange(offset, offset + 1);
  };

  return (
    <section className="json-view" aria-label="Workflow JSON" data-testid="json-view">
      {problem && (
        <div className="json-problem" role="alert" data-testid="json-error">
          <strong>The JSON is not valid yet</strong> — the diagram shows the last valid version.{" "}
          <span>
            {problem.message}
            {problem.line ? ` (line ${problem.line}, column ${problem.column})` : ""}
          </span>{" "}
          {problem.line && (
            <button type="button" className="link" onClick={jumpToProblem}>
              Go to the problem
            </button>
          )}
          {staleSince && (
            <>
              {" "}
              The diagram changed since.{" "}
              <button
                type="button"
                className="link"
                data-testid="json-discard"
                onClick={() => {
                  setProblem(null);
                  setStaleSince(null);
                  setText(formatWorkflow(workflow));
                }}
              >
                Discard my text and show the diagram's JSON
              </button>
            </>
          )}
        </div>
      )}
      <textarea
        ref={area}
        className="mono json-text"
        value={text}
        readOnly={!editable}
        spellCheck={false}
        aria-label="Workflow definition as JSON"
        aria-invalid={problem ? true : undefined}
        data-testid="json-text"
        onChange={(e) => edit(e.target.value)}
      />
    </section>
  );
}
