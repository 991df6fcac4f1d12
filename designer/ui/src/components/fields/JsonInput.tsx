// A JSON value edited as text: applied when it parses, and while it does not, the text and the error stay
// (and a form around it that saves is told, so it does not claim to have saved that text: unappliedText.ts).
import { useEffect, useId, useState } from "react";
import { firstInexactNumber, INEXACT_NUMBER } from "../../model/document";
import Field from "./Field";
import { useReportUnapplied } from "./unappliedText";

export interface JsonInputProps {
  label: string;
  hint?: string;
  testId: string;
  value: unknown;
  rows?: number;
  disabled?: boolean;
  /** What the value must be: text that parses into something else is kept with a problem, not applied. */
  shape?: "object" | "array";
  onChange: (value: unknown) => void;
  /** Told whether the text stands for a value (null) or not (its problem): a form that sends the value waits. */
  onProblem?: (problem: string | null) => void;
}

const SHAPE_PROBLEMS = {
  object: "Write a JSON object: { … } with names and values.",
  array: "Write a JSON list: [ … ].",
};

function fits(value: unknown, shape: "object" | "array" | undefined): boolean {
  if (shape === "array") return Array.isArray(value);
  if (shape === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
  return true;
}

export default function JsonInput(props: JsonInputProps) {
  const id = useId();
  const printed = JSON.stringify(props.value ?? null, null, 2);
  const [text, setText] = useState(printed);
  const [error, setShownError] = useState<string | null>(null);
  const setError = (problem: string | null) => {
    setShownError(problem);
    props.onProblem?.(problem);
  };
  useReportUnapplied(id, props.label, error);
  useEffect(() => {
    // Follow outside changes, unless the text already says the same thing.
    try {
      if (JSON.stringify(JSON.parse(text), null, 2) === printed) return;
    } catch {
      // The person's unparsable text is replaced only by a real outside change.
    }
    setText(printed);
    setError(null);
  }, [printed]);
  return (
    <Field id={id} label={props.label} hint={props.hint} problems={error ? [error] : []}>
      <textarea
        id={id}
        className="mono"
        rows={props.rows ?? 6}
        value={text}
        disabled={props.disabled}
        spellCheck={false}
        data-testid={props.testId}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const value: unknown = JSON.parse(e.target.value);
            const inexact = firstInexactNumber(e.target.value);
            if (inexact) {
              setError(INEXACT_NUMBER(inexact.token));
              return;
            }
            if (!fits(value, props.shape)) {
              setError(SHAPE_PROBLEMS[props.shape!]);
              return;
            }
            setError(null);
            props.onChange(value);
          } catch (err) {
            setError(`Not valid JSON yet: ${err instanceof Error ? err.message : String(err)}`);
          }
        }}
      />
    </Field>
  );
}
